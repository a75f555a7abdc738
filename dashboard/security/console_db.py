"""The console commands' way to the primary database: one transaction published as a
snapshot for a change, and a read that falls back on the newest snapshot while a load holds
the primary. Shared by the accounts and token commands."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb

from warehouse import snapshots
from warehouse.db import WarehouseError, connect, transaction

ACTOR = "consola"
EXIT_OK, EXIT_UNEXPECTED, EXIT_REFUSED = 0, 1, 2
T = TypeVar("T")


def require_database(db: Path) -> None:
    """Opening a missing file would create an empty warehouse: say so instead."""
    if not db.exists():
        raise WarehouseError(
            "No existe la base de datos",
            f"{db}: indique otra con --db, o cree la de demostración con `python -m loaders demo`.",
        )


def write(db: Path, action: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """One transaction on the primary, published as a snapshot once committed."""
    with snapshots.writer(db) as con, transaction(con):
        return action(con)


@contextlib.contextmanager
def reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The primary read-only; while a load holds it, the newest published snapshot, which has
    every account change (each one is published)."""
    require_database(db)
    try:
        con = connect(db, read_only=True)
    except WarehouseError as exc:
        newest = snapshots.current(db)
        if "lock" not in exc.detail.lower() or newest is None:
            raise
        print("(la base está ocupada por una carga: se lee la última publicada)", file=sys.stderr)
        con = connect(newest, read_only=True)
    try:
        yield con
    finally:
        con.close()
