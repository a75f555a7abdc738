"""The dashboard's access to the warehouse: one read-only connection per process, a cursor per call.

The connection is opened on first use, never at import or app creation, so that a server that
forks workers (gunicorn, the Werkzeug reloader) never shares a DuckDB handle across processes.
Each call gets its own `cursor()`, which is DuckDB's way to query from several threads.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import duckdb
import flask

from warehouse.db import WarehouseError, connect

_EXTENSION = "tablero_database"
P = ParamSpec("P")
T = TypeVar("T")


class Database:
    """Opens the warehouse read-only on first use in each process and hands out cursors."""

    def __init__(
        self, path: Path, *, threads: int | None = None, memory_limit: str | None = None
    ) -> None:
        self.path = Path(path)
        self.threads = threads
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        # DuckDB refuses to close a connection while one of its cursors is running a query:
        # close() waits on this until no cursor is in use.
        self._idle = threading.Condition(self._lock)
        self._in_use = 0
        self._con: duckdb.DuckDBPyConnection | None = None
        self._pid: int | None = None

    @property
    def is_open(self) -> bool:
        return self._con is not None and self._pid == os.getpid()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        # A connection inherited through fork() belongs to the parent: open our own.
        if not self.is_open:
            self._con = connect(
                self.path, read_only=True, threads=self.threads, memory_limit=self.memory_limit
            )
            self._pid = os.getpid()
        assert self._con is not None
        return self._con

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor; DuckDB errors leave as WarehouseError with a Spanish title."""
        with self._lock:
            cur = self._connection().cursor()
            self._in_use += 1
        try:
            yield cur
        except duckdb.Error as exc:
            raise WarehouseError("Error al consultar la base de datos", str(exc)) from exc
        finally:
            cur.close()
            with self._idle:
                self._in_use -= 1
                self._idle.notify_all()

    def run(
        self,
        query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one `warehouse` query function with a fresh cursor and return its result."""
        with self.cursor() as cur:
            return query(cur, *args, **kwargs)

    def close(self, timeout: float = 30.0) -> None:
        """Close this process's connection once no cursor is running (tests and shutdown)."""
        with self._idle:
            self._idle.wait_for(lambda: self._in_use == 0, timeout)
            if self.is_open and self._con is not None:
                self._con.close()
            self._con = None
            self._pid = None


def install(server: flask.Flask, database: Database) -> None:
    """Attach the database to a Flask server, so that several apps can live in one process."""
    server.extensions[_EXTENSION] = database


def database_of(server: flask.Flask) -> Database:
    return server.extensions[_EXTENSION]


def current_database() -> Database:
    """The database of the app serving the current request (layouts and callbacks)."""
    return database_of(flask.current_app)


def run(
    query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`current_database().run(...)`: what pages and callbacks call."""
    return current_database().run(query, *args, **kwargs)
