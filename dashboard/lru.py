"""A small thread-safe least-recently-used cache: Dash serves callbacks from several threads.

Every cache of the dashboard is one of these, keyed by the data version it was computed from;
`clear_all` empties them all (the benchmark times renders from cold, tests start clean)."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
_ALL: weakref.WeakSet[LRU] = weakref.WeakSet()


class LRU:
    """Values computed once per key; two threads may compute the same key once each (never a
    wrong value), which keeps the lock out of the slow part."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def clear_all() -> None:
    """Empty every cache of the process."""
    for cache in list(_ALL):
        cache.clear()
