"""A file's cells as the readers hand them over, and the checks every format shares.

Each reader (loaders.csv_reader, loaders.readers for Excel and Parquet) returns a
`SourceTable`: one text column per header plus the spreadsheet line of each row, or rejects the
whole file with a reason in Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from loaders.limits import Limits, active, thousands
from loaders.normalize import token

LINE = "__line"
TEXT_CODES = pa.dictionary(pa.int32(), pa.string())


class RejectedFile(Exception):
    """The file as a whole cannot be loaded; the message says why, in Spanish."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    raw: str
    reason: str


@dataclass
class SourceTable:
    """A file's cells as text, with its dialect and rows that could not even be split."""

    table: pa.Table  # one text column per header (string or TEXT_CODES), plus LINE (int64)
    fmt: str  # e.g. "csv ; cp1252 decimal-coma", "xlsx hoja 'metas'", "parquet"
    decimal_comma: bool = False
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [name for name in self.table.column_names if name != LINE]


def too_many_rows(rows: int, limits: Limits) -> RejectedFile:
    return RejectedFile(
        f"El archivo tiene {thousands(rows)} filas; el máximo es {thousands(limits.rows)} "
        "(TABLERO_MAX_ROWS). Divídalo en varios archivos."
    )


def line_numbers(rows: int) -> pa.Array:
    """Spreadsheet line numbers of rows read in order: the header is line 1."""
    return pa.array(np.arange(2, rows + 2, dtype=np.int64))


def check_headers(header: list[str], limits: Limits | None = None) -> None:
    limits = limits or active()
    if len(header) > limits.columns:
        raise RejectedFile(
            f"El encabezado tiene {thousands(len(header))} columnas; el máximo es "
            f"{thousands(limits.columns)} (TABLERO_MAX_COLUMNS)."
        )
    names = [token(h) for h in header if h.strip()]
    if not names:
        raise RejectedFile("El archivo no tiene encabezados en la primera línea.")
    duplicated = sorted({h for h in names if names.count(h) > 1})
    if duplicated:
        raise RejectedFile("Encabezados repetidos: " + ", ".join(duplicated) + ".")
