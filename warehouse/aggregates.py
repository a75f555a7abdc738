"""Refreshing the pre-aggregated delivery tables after a load (migrations 002 and 004).

The loader calls `refresh_aggregates(con, kind)` inside each file's load transaction, so the
aggregates are never out of step with `entregas`: a rolled-back load rolls back its refresh.
The aggregation itself is defined once, as views in the migrations; this module only replaces
table contents from those views, the monthly tables month by month and the yearly one year by
year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from warehouse.db import ident, scalar
from warehouse.versioned import execute, fetch


@dataclass(frozen=True)
class Aggregate:
    view: str  # the view that computes it (migrations 002 and 004)
    order: str  # sort order on rebuild: DuckDB's block statistics skip what filters exclude
    grain: str = "mes"  # 'mes' (one row per month) or 'anio' (one row per year)


# In refresh order: the tables of migration 004 are computed from those of migration 002.
AGGREGATES = {
    "agg_entregas_region_mes": Aggregate(
        "v_agg_entregas_region_mes", "mes, servicio, codigo_region"
    ),
    "agg_entregas_comuna_mes": Aggregate(
        "v_agg_entregas_comuna_mes", "mes, servicio, codigo_comuna"
    ),
    "agg_entregas_region_servicio_mes": Aggregate(
        "v_agg_entregas_region_servicio_mes", "mes, servicio, codigo_region"
    ),
    "agg_entregas_comuna_area_mes": Aggregate(
        "v_agg_entregas_comuna_area_mes", "mes, codigo_region, codigo_comuna"
    ),
    "agg_servicios_activos_anio": Aggregate(
        "v_agg_servicios_activos_anio", "anio, area_tematica, codigo_comuna, servicio", "anio"
    ),
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
    Without either, or when those months are every month there is, everything is rebuilt.
    Runs in the caller's transaction.
    """
    tables = AFFECTED.get(kind, ())
    month_list = None
    if kind == "entregas" and ingestion_id is not None:
        month_list = loaded_months(con, ingestion_id)
    elif kind == "entregas" and months is not None:
        month_list = sorted(set(months))
    if month_list and _covers_every_month(con, month_list):
        month_list = None  # the same rows, without testing ten million months against a list
    for table in tables:
        aggregate = AGGREGATES[table]
        if month_list is None:
            _rebuild(con, table, aggregate)
        elif aggregate.grain == "anio":  # every year holding a loaded month
            _rebuild_some(con, table, aggregate, sorted({m.year for m in month_list}))
        else:
            _rebuild_some(con, table, aggregate, list(month_list))


def loaded_months(con: duckdb.DuckDBPyConnection, ingestion_id: int) -> list[date]:
    """The months of the `entregas` rows written by one ingestion."""
    frame = fetch(
        con,
        "SELECT DISTINCT mes FROM entregas WHERE ingestion_id = $ingestion ORDER BY mes",
        {"ingestion": ingestion_id},
    )
    return [value.date() for value in pd.to_datetime(frame["mes"])]


def _covers_every_month(con: duckdb.DuckDBPyConnection, months: list[date]) -> bool:
    """True when the months to rebuild hold every current delivery: the aggregates already
    cover every month of `entregas` but the ones this load adds, which are in `months` (a
    first load, or a file of every month, rebuilds everything)."""
    others = scalar(
        con,
        "SELECT count(*) FROM (SELECT DISTINCT mes FROM agg_entregas_region_servicio_mes)"
        " WHERE NOT list_contains(?, mes)",
        [months],
    )
    return others == 0


def _rebuild(con: duckdb.DuckDBPyConnection, table: str, aggregate: Aggregate) -> None:
    execute(con, "DELETE FROM " + ident(table))
    # `order` is a constant column list from AGGREGATES, never user input.
    execute(
        con,
        "INSERT INTO " + ident(table) + " SELECT * FROM " + ident(aggregate.view)
        + " ORDER BY " + aggregate.order,
    )  # fmt: skip


def _rebuild_some(
    con: duckdb.DuckDBPyConnection, table: str, aggregate: Aggregate, periods: list[object]
) -> None:
    """Only the rows of some months (or years, for a yearly table) are computed again."""
    if not periods:
        return
    params = {"periods": periods}
    column = ident(aggregate.grain)
    execute(
        con, "DELETE FROM " + ident(table) + " WHERE list_contains($periods, " + column + ")",
        params,
    )  # fmt: skip
    execute(
        con,
        "INSERT INTO " + ident(table) + " SELECT * FROM " + ident(aggregate.view)
        + " WHERE list_contains($periods, " + column + ") ORDER BY " + aggregate.order,
        params,
    )  # fmt: skip
