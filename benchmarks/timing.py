"""Small timing helpers: wall-clock samples, median, p95 and geometric mean."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by one call, and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def samples(
    fn: Callable[[], object], n: int, before: Callable[[], None] | None = None
) -> list[float]:
    """`n` timings of `fn` (seconds); `before` runs untimed before each call (clears a cache)."""
    out = []
    for _ in range(n):
        if before is not None:
            before()
        out.append(timed(fn)[0])
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def geometric_mean(values: list[float]) -> float:
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")
