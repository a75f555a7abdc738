"""Some tables' rows, hashed: "nothing changed" is checkable before and after a refused write."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import duckdb

from warehouse.db import compose, connect, ident

WRITTEN_BY_ENTRIES = (
    "avance_mensual",
    "restricciones",
    "metas_intermedias",
    "ingestas",
    "auditoria",
)


def tables_digest(
    source: duckdb.DuckDBPyConnection | Path, tables: Sequence[str] = WRITTEN_BY_ENTRIES
) -> str:
    """The hash of every row of `tables`, read on a connection or a closed database file."""
    if isinstance(source, Path):
        con = connect(source, read_only=True)
        try:
            return tables_digest(con, tables)
        finally:
            con.close()
    rows = [
        source.execute(compose("SELECT * FROM {table} ORDER BY ALL", table=ident(t))).fetchall()
        for t in tables
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()
