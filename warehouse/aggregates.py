"""Refreshing the pre-aggregated delivery tables after a load (migration 002).

The loader calls `refresh_aggregates(con, kind)` inside each file's load transaction, so the
aggregates are never out of step with `entregas`: a rolled-back load rolls back its refresh.
The aggregation itself is defined once, as views in 002_aggregates.sql; this module only
replaces table contents from those views.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import duckdb
import pandas as pd

from warehouse.db import ident
from warehouse.versioned import execute, fetch

# aggregate table -> (view that computes it, sort order on rebuild)
AGGREGATES = {
    "agg_entregas_region_mes": ("v_agg_entregas_region_mes", "mes, servicio, codigo_region"),
    "agg_entregas_comuna_mes": ("v_agg_entregas_comuna_mes", "mes, servicio, codigo_comuna"),
}
# Which aggregates a load of each kind invalidates. Deliveries change the sums; the product
# catalogue changes the thematic area of deliveries. Population is resolved at query time
# (a few thousand rows), so a `poblacion` load needs nothing here.
AFFECTED: dict[str, tuple[str, ...]] = {
    "entregas": tuple(AGGREGATES),
    "productos": tuple(AGGREGATES),
    "all": tuple(AGGREGATES),
}


def refresh_aggregates(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    months: Iterable[date] | None = None,
    *,
    ingestion_id: int | None = None,
) -> None:
    """Rebuild the aggregates that a load of `kind` affects (nothing for other kinds).

    For `entregas` loads, narrowing the rebuild to the months the load touched turns a full
    rebuild (seconds at 10 million rows) into a one-month one (~0.1 s):
    * `months`: rebuild only those months;
    * `ingestion_id`: rebuild the months of the rows that load wrote. This is exact because
      `mes` is part of the natural key: a row replaced by the load has the same month as the
      new version that replaced it. (A load that closed rows without writing a replacement
      would need a full rebuild; the loaders never do that.)
    Without either, everything is rebuilt. Runs in the caller's transaction.
    """
    tables = AFFECTED.get(kind, ())
    month_list = None
    if kind == "entregas" and ingestion_id is not None:
        month_list = loaded_months(con, ingestion_id)
    elif kind == "entregas" and months is not None:
        month_list = sorted(set(months))
    for table in tables:
        view, order = AGGREGATES[table]
        if month_list is None:
            _rebuild(con, table, view, order)
        else:
            _rebuild_months(con, table, view, month_list)


def loaded_months(con: duckdb.DuckDBPyConnection, ingestion_id: int) -> list[date]:
    """The months of the `entregas` rows written by one ingestion."""
    frame = fetch(
        con,
        "SELECT DISTINCT mes FROM entregas WHERE ingestion_id = $ingestion ORDER BY mes",
        {"ingestion": ingestion_id},
    )
    return [value.date() for value in pd.to_datetime(frame["mes"])]


def _rebuild(con: duckdb.DuckDBPyConnection, table: str, view: str, order: str) -> None:
    execute(con, "DELETE FROM " + ident(table))
    # `order` is a constant column list from AGGREGATES, never user input.
    execute(
        con, "INSERT INTO " + ident(table) + " SELECT * FROM " + ident(view) + " ORDER BY " + order
    )


def _rebuild_months(
    con: duckdb.DuckDBPyConnection, table: str, view: str, months: list[date]
) -> None:
    if not months:
        return
    params = {"months": months}
    execute(con, "DELETE FROM " + ident(table) + " WHERE list_contains($months, mes)", params)
    execute(
        con,
        "INSERT INTO " + ident(table) + " SELECT * FROM " + ident(view)
        + " WHERE list_contains($months, mes) ORDER BY mes, servicio",
        params,
    )  # fmt: skip
