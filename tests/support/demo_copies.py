"""Writable copies of the session's demo warehouse, for tests that write (the original is
shared by every test and stays read-only)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from warehouse.db import connect


def demo_copy(demo_db: Path, folder: Path, name: str = "tablero.duckdb") -> Path:
    path = folder / name
    shutil.copy(demo_db, path)
    return path


@contextlib.contextmanager
def writable_demo(demo_db: Path, folder: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a fresh copy of the demo, closed on leaving."""
    connection = connect(demo_copy(demo_db, folder))
    try:
        yield connection
    finally:
        connection.close()
