"""Every cache of the dashboard and the one version they are keyed by (docs/caching.md).

A kept value is only ever found again under the same `data_version`: the published snapshot it
was read from, the viewer's scope and the Chilean day. A new load or validation publishes a new
snapshot, so nothing computed before it is seen again; another viewer's scope is another entry.

Memos are `cachetools` LRU caches behind a lock (Dash serves callbacks from several threads),
each in a named layer that `TABLERO_CACHE_SIN` (comma-separated layer names) switches off, so the
benchmark can measure what each layer is worth. `clear_all` empties every memo of the process.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import ParamSpec, TypeVar

import cachetools
import duckdb

from dashboard.server import database
from warehouse import snapshots
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError
from warehouse.scope import cursor_scope_key
from warehouse.territory_catalog import snapshot_identity

T = TypeVar("T")
P = ParamSpec("P")
Version = tuple[object, ...]

SWITCH = "TABLERO_CACHE_SIN"
# The layers, by the name TABLERO_CACHE_SIN uses: what each keeps is in docs/caching.md.
ANSWER_FILES = "archivos"
VALUES = "valores"
CATALOGS = "catalogos"
PURE = "puras"  # memos of pure functions: not a data cache, never switched off
LAYERS = (ANSWER_FILES, VALUES, CATALOGS)

_ALL: weakref.WeakSet[Memo] = weakref.WeakSet()


def data_version(con: duckdb.DuckDBPyConnection) -> Version:
    """(database file, last ingestion id, its load time, viewer's scope, Chilean day).

    The one key part of every kept value. The first three name the published snapshot the
    cursor reads (each load or validation publishes a new file; a load adds an ingestion),
    the scope is the cursor's (warehouse.scope), and the day makes nothing outlive midnight
    in Chile."""
    return (*snapshot_identity(con), cursor_scope_key(con), chile_today())


def current_version() -> Version | None:
    """`data_version` as the current request's viewer reads it, on a pooled cursor; None while
    nothing is published (and then nothing is kept)."""
    current = database.current_database()
    if snapshots.pointer_stamp(current.path) is None:
        return None
    try:
        return current.run(database.viewer(), data_version)
    except WarehouseError:  # the page says so itself; nothing is kept meanwhile
        return None


def switched_off() -> frozenset[str]:
    """The layers named in TABLERO_CACHE_SIN (read on every call: the benchmark flips it)."""
    raw = os.environ.get(SWITCH, "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def enabled(layer: str) -> bool:
    return layer not in switched_off()


class Memo:
    """Values computed once per key, least recently used out first, in one layer. Two threads
    may compute the same key once each (never a wrong value): the lock is not held while
    computing."""

    def __init__(self, layer: str, maxsize: int) -> None:
        self.layer = layer
        self.maxsize = maxsize
        self._items: cachetools.LRUCache[Hashable, object] = cachetools.LRUCache(maxsize)
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if not enabled(self.layer):
            return compute()
        with self._lock:
            try:
                return self._items[key]  # type: ignore[return-value]
            except KeyError:
                pass
        value = compute()
        with self._lock:
            self._items[key] = value
        return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def clear(layer: str) -> None:
    """Empty every memo of one layer."""
    for memo in list(_ALL):
        if memo.layer == layer:
            memo.clear()


def clear_all() -> None:
    """Empty every memo of the process, the pure ones included (the benchmark times renders
    from cold; tests start clean)."""
    for memo in list(_ALL):
        memo.clear()


def pure(maxsize: int) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Memoise a pure function of its arguments (formatting, geometry read from an asset): no
    data version in the key, since nothing it reads changes while the process runs. Always on;
    `clear_all` empties it too."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        memo = Memo(PURE, maxsize)
        lookup = cachetools.cached(memo._items, lock=memo._lock)(function)
        lookup.memo = memo  # type: ignore[attr-defined]  # held here: _ALL holds memos weakly
        return lookup  # type: ignore[return-value]

    return decorate
