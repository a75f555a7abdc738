"""The dashboard's access to the warehouse: published snapshots read-only, a scoped cursor per call.

The connection is opened on first use, never at import or app creation, so that a server that
forks workers (gunicorn, the Werkzeug reloader) never shares a DuckDB handle across processes.
Each call gets its own `cursor()`, which is DuckDB's way to query from several threads, and the
cursor carries the viewer's scope (warehouse.scope): no query can read outside it.

Reads go to the newest published snapshot (warehouse.snapshots), so loads and validation
actions write the primary file while every worker keeps serving. When a newer snapshot appears,
the next call opens it; the previous connection closes once its running queries end. A
process's first read publishes first if the primary is ahead (a writer died after committing).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import duckdb
import flask

from warehouse import snapshots
from warehouse.db import WarehouseError, connect, transaction, warehouse_errors
from warehouse.scope import Scope, apply_scope

_EXTENSION = "tablero_database"
_VIEWER = "tablero_scope"
P = ParamSpec("P")
T = TypeVar("T")


_IDLE_PER_SCOPE = 8
_log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Generation:
    """One opened snapshot, how many cursors are reading it, and idle scoped cursors.

    Scoping a cursor costs 3–9 ms (a temporary table and views); a cursor returned after a
    request is kept, per scope, for the next request of the same scope, which makes that cost
    once per thread and viewer instead of once per request."""

    path: Path
    con: duckdb.DuckDBPyConnection
    stamp: int | None
    in_use: int = 0
    retired: bool = False
    idle: dict[tuple[object, ...], list[duckdb.DuckDBPyConnection]] = field(default_factory=dict)

    def take(self, scope: Scope) -> duckdb.DuckDBPyConnection | None:
        pool = self.idle.get(scope.key)
        return pool.pop() if pool else None

    def give_back(self, scope: Scope, cur: duckdb.DuckDBPyConnection) -> None:
        pool = self.idle.setdefault(scope.key, [])
        if self.retired or len(pool) >= _IDLE_PER_SCOPE:
            cur.close()
        else:
            pool.append(cur)

    def close_if_idle(self) -> None:
        if self.retired and self.in_use == 0:
            for pool in self.idle.values():
                for cur in pool:
                    cur.close()
            self.idle.clear()
            self.con.close()


class Database:
    """Reads the newest snapshot of the warehouse read-only, a scoped cursor per call, and runs
    write actions on the primary file."""

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
        self._generation: _Generation | None = None
        self._pid: int | None = None

    @property
    def is_open(self) -> bool:
        return self._generation is not None and self._pid == os.getpid()

    @property
    def serving_path(self) -> Path | None:
        """The snapshot this process reads now (None before the first query)."""
        return self._generation.path if self.is_open and self._generation else None

    def _open(self, stamp: int | None) -> _Generation:
        path = snapshots.current(self.path) or snapshots.ensure_published(self.path) or self.path
        con = connect(path, read_only=True, threads=self.threads, memory_limit=self.memory_limit)
        return _Generation(
            path, con, snapshots.pointer_stamp(self.path) if stamp is None else stamp
        )

    def _start_check(self) -> None:
        """Before a process's first read: publish what a writer committed and then died before
        publishing (kill -9 between commit and copy). With a snapshot to serve it never waits
        for a busy primary (the writer holding it publishes on its way out) nor fails a request."""
        serving = snapshots.current(self.path)
        try:
            snapshots.ensure_published(
                self.path, wait=0.0 if serving else snapshots.LOCK_WAIT_SECONDS
            )
        except (WarehouseError, duckdb.Error, OSError) as exc:
            if snapshots.current(self.path) is None:
                raise
            _log.warning("No se pudo publicar la base %s al partir: %s", self.path, exc)

    def _acquire(self) -> _Generation:
        """The generation to read, switching to a newly published snapshot. Holds the lock."""
        stamp = snapshots.pointer_stamp(self.path)
        generation = self._generation
        # A connection inherited through fork() belongs to the parent: open our own.
        if generation is None or self._pid != os.getpid():
            self._start_check()
            generation = self._open(snapshots.pointer_stamp(self.path))
            self._pid = os.getpid()
        elif stamp != generation.stamp:
            fresh = self._open(stamp)
            generation.retired = True
            generation.close_if_idle()
            generation = fresh
        self._generation = generation
        generation.in_use += 1
        return generation

    @contextlib.contextmanager
    def cursor(self, scope: Scope) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor limited to `scope`; DuckDB errors leave as WarehouseError."""
        with self._lock:
            generation = self._acquire()
            cur = generation.take(scope)
        healthy = False
        try:
            with warehouse_errors("Error al consultar la base de datos"):
                if cur is None:
                    cur = generation.con.cursor()
                    apply_scope(cur, scope)
                yield cur
            healthy = True
        finally:
            with self._idle:
                if cur is not None:
                    # A cursor whose query failed may hold an aborted transaction: not reused.
                    if healthy:
                        generation.give_back(scope, cur)
                    else:
                        cur.close()
                generation.in_use -= 1
                generation.close_if_idle()
                self._idle.notify_all()

    def run(
        self,
        scope: Scope,
        query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one `warehouse` query function on a cursor limited to `scope`."""
        with self.cursor(scope) as cur:
            return query(cur, *args, **kwargs)

    def write(
        self,
        action: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one write action in a transaction on the primary, then publish it.

        The action authorises itself (it is given the actor's scope); readers keep serving the
        previous snapshot until the new one is published, and this process reads it next."""
        with (
            warehouse_errors("No se pudo guardar el cambio"),
            snapshots.writer(self.path) as con,
            transaction(con),
        ):
            return action(con, *args, **kwargs)

    def load(
        self,
        action: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`write` for the loader's own writers (loaders.entries), which open one transaction
        per file themselves and roll it back on any refusal."""
        with warehouse_errors("No se pudo guardar el cambio"), snapshots.writer(self.path) as con:
            return action(con, *args, **kwargs)

    def close(self, timeout: float = 30.0) -> None:
        """Close this process's connection once no cursor is running (tests and shutdown)."""
        with self._idle:
            generation = self._generation
            if generation is not None:
                self._idle.wait_for(lambda: generation.in_use == 0, timeout)
                if self._pid == os.getpid():
                    generation.retired = True
                    generation.close_if_idle()
            self._generation = None
            self._pid = None


def install(server: flask.Flask, database: Database) -> None:
    """Attach the database to a Flask server, so that several apps can live in one process."""
    server.extensions[_EXTENSION] = database


def database_of(server: flask.Flask) -> Database:
    return server.extensions[_EXTENSION]


def current_database() -> Database:
    """The database of the app serving the current request (layouts and callbacks)."""
    return database_of(flask.current_app)


def set_viewer(scope: Scope) -> None:
    """Record who is asking, for this request (the login layer calls this before any page)."""
    setattr(flask.g, _VIEWER, scope)


def viewer() -> Scope:
    """The scope of the current request; outside a request, or before login, the public one."""
    if not flask.has_app_context():
        return Scope.public()
    return flask.g.get(_VIEWER) or Scope.public()


def run(
    query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run a query for the viewer of the current request: what pages and callbacks call."""
    return current_database().run(viewer(), query, *args, **kwargs)


def write(
    action: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`current_database().write(...)`: validation actions and account changes."""
    return current_database().write(action, *args, **kwargs)


def load(
    action: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`current_database().load(...)`: form entries, through the loader's writer."""
    return current_database().load(action, *args, **kwargs)
