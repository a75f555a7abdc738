"""Queries for the territory screens: deliveries by territory, year and service.

Filters are data (datasette habit): a `Selection` yields its WHERE fragments, their bound
parameters and a Spanish description, so every table and export can say what produced it.
Deliveries are read from the pre-aggregated tables (migrations 002 and 004), each query from
the smallest that holds its selection (a map render reads thousands of rows, not hundreds of
thousands); only a single-product view at comuna level reads `entregas` itself (the comuna
aggregates have no product column — with it, they would be as large as `entregas`).

Choice: comuna views count rows reported at comuna level only; rows reported for a whole region
cannot be placed in a comuna and are counted apart (`unplaced_beneficiaries`) so screens say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse.db import compose, one
from warehouse.versioned import Params, fetch, fetch_arrow, fetch_value, where

SUMS = (
    "CAST(sum(beneficiarios) AS BIGINT) AS beneficiarios,"
    " sum(gasto_corriente) AS gasto_corriente, sum(gasto_inversion) AS gasto_inversion"
)


@dataclass(frozen=True)
class Selection:
    """What is delivered: a thematic area, a service, a product (optionally of one service), or
    everything (all None)."""

    area: str | None = None
    servicio: str | None = None
    producto: str | None = None

    def conditions(self, with_product: bool = True) -> tuple[list[str], Params]:
        fragments: list[str] = []
        params: Params = {}
        if self.area is not None:
            fragments.append("area_tematica = $area")
            params["area"] = self.area
        if self.servicio is not None:
            fragments.append("servicio = $servicio")
            params["servicio"] = self.servicio
        if with_product and self.producto is not None:
            fragments.append("producto = $producto")
            params["producto"] = self.producto
        return fragments, params

    def describe(self) -> str:
        parts = [
            f"{label} = {value}"
            for label, value in (
                ("área temática", self.area),
                ("servicio", self.servicio),
                ("producto", self.producto),
            )
            if value is not None
        ]
        return ", ".join(parts) or "todos los productos"


def _period(first: date, last: date) -> Filter:
    return ["mes BETWEEN $first AND $last"], {"first": first, "last": last}


Filter = tuple[list[str], Params]


def _filters(selection: Selection, first: date, last: date, with_product: bool = True) -> Filter:
    fragments, params = selection.conditions(with_product)
    period, period_params = _period(first, last)
    return fragments + period, params | period_params


def region_deliveries(
    con: duckdb.DuckDBPyConnection, selection: Selection, first: date, last: date
) -> pd.DataFrame:
    """Per region, summed over months first..last: beneficiaries (beneficiary-months), the part
    reported at region level only, current and investment spending."""
    conditions, params = _filters(selection, first, last)
    sql = (
        "SELECT codigo_region AS codigo, " + SUMS + ","
        " CAST(sum(beneficiarios_sin_comuna) AS BIGINT) AS beneficiarios_sin_comuna"
        " FROM " + _region_source(selection) + where(conditions) + " GROUP BY 1 ORDER BY 1"
    )  # fmt: skip
    return fetch(con, sql, params)


def _region_source(selection: Selection) -> str:
    """The product-level aggregate only when one product is chosen: without the product
    column the table is ~45 times smaller at 10 million deliveries (migration 004)."""
    if selection.producto is not None:
        return "agg_entregas_region_mes"
    return "agg_entregas_region_servicio_mes"


# Months with deliveries in each group: a distinct count costs ~40 % of a yearly query, so
# callers that do not show it leave it out (`months=False`).
_MONTHS = ", count(DISTINCT mes) AS meses"


def region_deliveries_by_year(
    con: duckdb.DuckDBPyConnection,
    selection: Selection,
    first_year: int,
    last_year: int,
    *,
    months: bool = True,
) -> pd.DataFrame:
    """Per (year, region): beneficiaries (also those reported at region level only), spending
    and the number of months with deliveries (`meses`, unless months=False)."""
    conditions, params = _filters(selection, date(first_year, 1, 1), date(last_year, 12, 1))
    sql = (
        "SELECT year(mes) AS anio, codigo_region AS codigo, " + SUMS + ","
        " CAST(sum(beneficiarios_sin_comuna) AS BIGINT) AS beneficiarios_sin_comuna"
        + (_MONTHS if months else "") + " FROM " + _region_source(selection)
        + where(conditions) + " GROUP BY 1, 2 ORDER BY 1, 2"
    )  # fmt: skip
    return fetch(con, sql, params)


def comuna_deliveries(
    con: duckdb.DuckDBPyConnection,
    selection: Selection,
    first: date,
    last: date,
    region: str | None = None,
) -> pd.DataFrame:
    """Per comuna (of one region, or all), summed over months first..last."""
    conditions, params = _filters(selection, first, last, with_product=False)
    conditions, params = _in_region(conditions, params, region)
    sql = (
        "SELECT codigo_comuna AS codigo, any_value(codigo_region) AS codigo_region, " + SUMS
        + " FROM " + _comuna_source(selection) + where(conditions) + " GROUP BY 1 ORDER BY 1"
    )  # fmt: skip
    return fetch(con, sql, params | _product_param(selection))


def comuna_deliveries_by_year(
    con: duckdb.DuckDBPyConnection,
    selection: Selection,
    first_year: int,
    last_year: int,
    region: str | None = None,
    *,
    months: bool = True,
) -> pd.DataFrame:
    """Per (year, comuna): beneficiaries, spending and (unless months=False) `meses`."""
    conditions, params = _filters(
        selection, date(first_year, 1, 1), date(last_year, 12, 1), with_product=False
    )
    conditions, params = _in_region(conditions, params, region)
    sql = (
        "SELECT year(mes) AS anio, codigo_comuna AS codigo, " + SUMS
        + (_MONTHS if months else "") + " FROM " + _comuna_source(selection)
        + where(conditions) + " GROUP BY 1, 2 ORDER BY 1, 2"
    )  # fmt: skip
    return fetch(con, sql, params | _product_param(selection))


# One product at comuna level: current `entregas` rows of that product at comuna codes, shaped
# like the comuna aggregate. A constant fragment; the product is bound as $producto.
_PRODUCT_COMUNA = (
    "(SELECT territorio AS codigo_comuna, codigo_region, area_tematica, servicio, mes,"
    " beneficiarios, gasto_corriente, gasto_inversion FROM v_entregas_actuales"
    " WHERE es_comuna AND producto = $producto)"
)


def _comuna_source(selection: Selection) -> str:
    """The smallest table that holds the selection: one product reads `entregas`, one service
    the comuna × service aggregate, anything else the comuna × area one (migration 004)."""
    if selection.producto is not None:
        return _PRODUCT_COMUNA
    if selection.servicio is not None:
        return "agg_entregas_comuna_mes"
    return "agg_entregas_comuna_area_mes"


def _product_param(selection: Selection) -> Params:
    return {"producto": selection.producto} if selection.producto is not None else {}


def _in_region(conditions: list[str], params: Params, region: str | None) -> Filter:
    if region is None:
        return conditions, params
    return [*conditions, "codigo_region = $region"], params | {"region": region}


def comuna_area_services(
    con: duckdb.DuckDBPyConnection,
    first: date,
    last: date,
    area: str | None = None,
    region: str | None = None,
) -> pd.DataFrame:
    """(comuna, area, service) with beneficiaries > 0 in the period: input of convergence."""
    conditions, params = _filters(Selection(area=area), first, last)
    conditions, params = _in_region(conditions, params, region)
    conditions.append("area_tematica IS NOT NULL")
    sql = (
        "SELECT codigo_comuna, codigo_region, area_tematica, servicio,"
        " CAST(sum(beneficiarios) AS BIGINT) AS beneficiarios FROM agg_entregas_comuna_mes"
        + where(conditions) + " GROUP BY 1, 2, 3, 4 HAVING sum(beneficiarios) > 0 ORDER BY 1, 3, 4"
    )  # fmt: skip
    return fetch(con, sql, params)


# (comuna, area, service) triples with beneficiaries > 0 in the period: who delivers where.
# Read from the yearly activity masks of migration 004: a year of the period counts when one
# of its months inside the period (bits lo..hi, 1-based) has beneficiaries. Constant
# fragments; the conditions come from `_active_services`.
_YEARS_WITH_BOUNDS = (
    "(SELECT *, CASE WHEN anio = $first_year THEN $first_month ELSE 1 END AS lo,"
    " CASE WHEN anio = $last_year THEN $last_month ELSE 12 END AS hi"
    " FROM agg_servicios_activos_anio WHERE anio BETWEEN $first_year AND $last_year)"
)
_ACTIVE = (
    "SELECT {distinct} codigo_comuna, codigo_region, area_tematica, servicio FROM "
    + _YEARS_WITH_BOUNDS
    + "{where}"
)
_ACTIVE_IN_PERIOD = "(meses & (((1 << (hi - lo + 1)) - 1) << (lo - 1))) <> 0"


def _active_services(
    first: date, last: date, area: str | None, region: str | None
) -> tuple[str, Params]:
    conditions, params = Selection(area=area).conditions()
    conditions, params = _in_region([*conditions, _ACTIVE_IN_PERIOD], params, region)
    params |= {
        "first_year": first.year, "first_month": first.month,
        "last_year": last.year, "last_month": last.month,
    }  # fmt: skip
    # Within one year each (comuna, area, service) has one row: no DISTINCT (it costs half
    # of the map's service counts).
    distinct = "" if first.year == last.year else "DISTINCT"
    return compose(_ACTIVE, distinct=distinct, where=where(conditions)), params


def service_activity(con: duckdb.DuckDBPyConnection, region: str | None = None) -> pa.Table:
    """Every (comuna, area, service, year) with its 12-bit mask of months with beneficiaries
    (migration 004), for indicators.synergy.ServiceActivity: screens keep it per data version
    and count services for any period from it. Arrow, not pandas: tens of thousands of rows of
    text, read again after every load."""
    conditions, params = _in_region([], {}, region)
    sql = (
        "SELECT codigo_comuna, codigo_region, area_tematica, servicio, anio, meses"
        " FROM agg_servicios_activos_anio" + where(conditions)
    )
    return fetch_arrow(con, sql, params)


def comuna_service_counts(
    con: duckdb.DuckDBPyConnection,
    first: date,
    last: date,
    area: str | None = None,
    region: str | None = None,
) -> pd.DataFrame:
    """Per (comuna, area): how many distinct services have beneficiaries > 0 in the period
    (`servicios`), comunas and areas in order. The same counts as
    indicators.synergy.service_counts on `comuna_area_services`, without sending every
    (comuna, area, service) row to Python (~12,000 rows for the whole country)."""
    active, params = _active_services(first, last, area, region)
    sql = (
        "SELECT codigo_comuna, any_value(codigo_region) AS codigo_region, area_tematica,"
        " count(*) AS servicios FROM (" + active + ") GROUP BY codigo_comuna, area_tematica"
        " ORDER BY 1, 3"
    )  # fmt: skip
    return fetch(con, sql, params)


def service_pairs(
    con: duckdb.DuckDBPyConnection,
    first: date,
    last: date,
    area: str | None = None,
    region: str | None = None,
    top: int | None = 10,
) -> pd.DataFrame:
    """Service pairs (servicio_a < servicio_b) by the number of comunas where both deliver in
    the same area in the period, most frequent first, ties by area and names; the `top` first
    (all when None). The same pairs as indicators.synergy.co_delivery_pairs."""
    active, params = _active_services(first, last, area, region)
    limit = ""
    if top is not None:
        limit, params = " LIMIT $top", params | {"top": top}
    sql = (
        "WITH activos AS (" + active + ") SELECT a.area_tematica, a.servicio AS servicio_a,"
        " b.servicio AS servicio_b, count(*) AS comunas FROM activos AS a JOIN activos AS b"
        " ON a.codigo_comuna = b.codigo_comuna AND a.area_tematica = b.area_tematica"
        " AND a.servicio < b.servicio GROUP BY 1, 2, 3"
        " ORDER BY comunas DESC, area_tematica, servicio_a, servicio_b" + limit
    )  # fmt: skip
    return fetch(con, sql, params)


def region_services(
    con: duckdb.DuckDBPyConnection,
    selection: Selection,
    first: date,
    last: date,
    region: str | None = None,
) -> pd.DataFrame:
    """Services delivering (beneficiaries > 0) in each region in the period."""
    conditions, params = _filters(selection, first, last)
    conditions, params = _in_region(conditions, params, region)
    sql = (
        "SELECT codigo_region, servicio, CAST(sum(beneficiarios) AS BIGINT) AS beneficiarios"
        " FROM " + _region_source(selection) + where(conditions)
        + " GROUP BY 1, 2 HAVING sum(beneficiarios) > 0 ORDER BY 1, 2"
    )  # fmt: skip
    return fetch(con, sql, params)


def unplaced_beneficiaries(
    con: duckdb.DuckDBPyConnection,
    selection: Selection,
    first: date,
    last: date,
    region: str | None = None,
) -> int:
    """Beneficiaries reported at region level only (absent from comuna views), in one region
    or in all. One total, not a row per region: the comuna map shows only the sum, and an
    ungrouped sum read as one value is ~2 ms faster than a grouped frame (a tenth of its time)."""
    conditions, params = _filters(selection, first, last)
    conditions, params = _in_region(conditions, params, region)
    sql = (
        "SELECT CAST(coalesce(sum(beneficiarios_sin_comuna), 0) AS BIGINT)"
        " FROM " + _region_source(selection) + where(conditions)
    )  # fmt: skip
    return int(fetch_value(con, sql, params))


def months_with_data(
    con: duckdb.DuckDBPyConnection,
    selection: Selection,
    first_year: int,
    last_year: int,
    region: str | None = None,
) -> pd.DataFrame:
    """Per year, how many distinct months have any delivery in the selection (a partial year
    shows fewer than 12: screens warn that its coverage is not comparable)."""
    conditions, params = _filters(selection, date(first_year, 1, 1), date(last_year, 12, 1))
    conditions, params = _in_region(conditions, params, region)
    sql = (
        "SELECT year(mes) AS anio, count(DISTINCT mes) AS meses FROM "
        + _region_source(selection) + where(conditions) + " GROUP BY 1 ORDER BY 1"
    )  # fmt: skip
    return fetch(con, sql, params)


def delivery_years(con: duckdb.DuckDBPyConnection) -> tuple[int | None, int | None]:
    """First and last year with deliveries (None, None on an empty warehouse)."""
    row = one(con, "SELECT year(min(mes)), year(max(mes)) FROM agg_entregas_region_servicio_mes")
    return (row[0], row[1]) if row else (None, None)
