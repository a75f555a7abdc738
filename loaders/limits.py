"""How much of a file the loader agrees to read: every limit a setting, every excess a reason.

A file comes from outside (also through the browser), so its size once unzipped, its columns,
its rows and its cells are bounded before anything large is built in memory. The defaults fit
the government's real files with room to spare; each can be changed by an environment variable
(`TABLERO_MAX_…`, read at every load) or by the command line (`python -m loaders ingest --max-…`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

MB = 1024**2


@dataclass(frozen=True)
class Limits:
    xlsx_mb: int = 200  # an .xlsx once unzipped (its XML parts together)
    file_mb: int = 4096  # a CSV on disk, or a Parquet file's data once decompressed
    columns: int = 2_000
    rows: int = 25_000_000  # 2.5× the benchmark's largest file (~5 GB of memory to load)
    cells: int = 50_000_000  # an Excel sheet's area (last row × last column), as calamine holds it
    cell_chars: int = 32_767  # Excel's own limit for one cell

    @property
    def xlsx_bytes(self) -> int:
        return self.xlsx_mb * MB

    @property
    def file_bytes(self) -> int:
        return self.file_mb * MB


ENV = {
    "xlsx_mb": "TABLERO_MAX_XLSX_MB",
    "file_mb": "TABLERO_MAX_FILE_MB",
    "columns": "TABLERO_MAX_COLUMNS",
    "rows": "TABLERO_MAX_ROWS",
    "cells": "TABLERO_MAX_CELLS",
    "cell_chars": "TABLERO_MAX_CELL_CHARS",
}
_overrides: dict[str, int] = {}


def active() -> Limits:
    """The defaults, then the environment, then what the command line set (`override`)."""
    values: dict[str, int] = {}
    for item in fields(Limits):
        raw = os.environ.get(ENV[item.name], "").strip().replace("_", "")
        if raw.isascii() and raw.isdigit() and int(raw) > 0:
            values[item.name] = int(raw)
    return replace(Limits(), **{**values, **_overrides})  # the command line wins


def override(**values: int | None) -> None:
    """Limits given on the command line, for the rest of the process."""
    _overrides.update({k: int(v) for k, v in values.items() if v})


def thousands(n: int) -> str:
    """1234567 as "1.234.567", as Chile writes it."""
    return f"{n:,}".replace(",", ".")


# A file sent through the browser or the API, checked before it is read (the dashboard's
# TABLERO_MAX_UPLOAD_MB changes it).
UPLOAD_MB = 200
