"""The versioned-rows predicate and the one place query functions run their SQL.

Every loaded table keeps old versions of its rows. "As known at instant D" is
`valid_from <= D AND (valid_to IS NULL OR valid_to > D)`; the current rows are `valid_to IS
NULL`. All query modules build that condition here, so the weekly review and the screens can
never disagree on what "known then" means.

Query functions take a connection *or* a cursor and never open one themselves: the dashboard
passes a `cursor()` per thread, the loader passes its connection inside the load transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse.db import READ_FAILED, WRITE_FAILED, ident, warehouse_errors

Params = dict[str, Any]


def as_known(alias: str | None, known_at: datetime | None) -> tuple[str, Params]:
    """SQL condition (and its parameter) selecting the rows of table `alias` valid at `known_at`,
    or the current rows when `known_at` is None. The instant is bound as `$known_at`."""
    prefix = ident(alias) + "." if alias else ""
    if known_at is None:
        return prefix + "valid_to IS NULL", {}
    condition = (
        prefix + "valid_from <= $known_at AND ("
        + prefix + "valid_to IS NULL OR " + prefix + "valid_to > $known_at)"
    )  # fmt: skip
    return condition, {"known_at": known_at}


def where(conditions: Sequence[str]) -> str:
    """' WHERE c1 AND c2 …' from constant condition fragments ('' when there are none)."""
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run one query with bound named parameters; DuckDB errors become a WarehouseError."""
    with warehouse_errors(READ_FAILED):
        return con.execute(sql, dict(params or {})).df()


def fetch_arrow(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> pa.Table:
    """`fetch`, as an Arrow table: no Python object per text cell (`.df()` makes one)."""
    with warehouse_errors(READ_FAILED):
        return con.sql(sql, params=dict(params or {})).to_arrow_table()


def fetch_value(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> Any:
    """`fetch` of a one-value query, without building a frame (~1 ms of a small query)."""
    with warehouse_errors(READ_FAILED):
        rows = con.execute(sql, dict(params or {})).fetchall()
    return rows[0][0] if rows else None


def execute(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> None:
    with warehouse_errors(WRITE_FAILED):
        con.execute(sql, dict(params or {}))
