"""The explorer's reads kept per `data_version` (dashboard/server/cache.py, docs/caching.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import duckdb
import pandas as pd

from dashboard.server import cache
from dashboard.server.cache import Memo, data_version
from indicators.goal_report import goal_scorecard
from warehouse import vocabulary
from warehouse.explore.queries import SourceInfo, source_info

T = TypeVar("T")
SCORECARDS = Memo(cache.VALUES, 16)
PER_VERSION = Memo(cache.CATALOGS, 32)


def scorecard(con: duckdb.DuckDBPyConnection, as_of: str) -> pd.DataFrame:
    """The goal scorecard at a month (~0.3 s to compute)."""
    month = vocabulary.parse_month(as_of)
    return SCORECARDS.get((data_version(con), month), lambda: goal_scorecard(con, month))


def source(con: duckdb.DuckDBPyConnection) -> SourceInfo:
    return per_version(con, "explore-source", lambda: source_info(con))


def per_version(con: duckdb.DuckDBPyConnection, name: str, compute: Callable[[], T]) -> T:
    """Kept with the data version: option lists, defaults and the source's description are
    the same for every request until the next load (seven queries that every grid request
    and export would otherwise repeat)."""
    return PER_VERSION.get((name, data_version(con)), compute)
