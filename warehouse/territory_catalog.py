"""Small queries behind the territorial screens' filters and the region page.

The map and region pages offer only choices that exist in the data (services, products, areas,
months with deliveries), so a user never picks an empty combination from a list. Delivery
figures come from the pre-aggregated tables of migration 002; the catalogue tables are tiny.
"""

from __future__ import annotations

from datetime import date
from weakref import WeakKeyDictionary

import duckdb
import pandas as pd

from warehouse.db import one
from warehouse.territory import Selection
from warehouse.versioned import fetch, where


def services(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current services (ministerio, servicio, sigla), by name."""
    sql = (
        "SELECT ministerio, servicio, any_value(sigla) AS sigla FROM instituciones"
        " WHERE valid_to IS NULL GROUP BY ministerio, servicio ORDER BY servicio"
    )
    return fetch(con, sql)


def products(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current strategic products (servicio, producto, area_tematica, unidad), by name."""
    sql = (
        "SELECT servicio, producto, any_value(area_tematica) AS area_tematica,"
        " any_value(unidad) AS unidad FROM productos WHERE valid_to IS NULL"
        " GROUP BY servicio, producto ORDER BY producto, servicio"
    )
    return fetch(con, sql)


def delivery_months(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every month with at least one delivery, oldest first (the period choices)."""
    frame = fetch(con, "SELECT DISTINCT mes FROM agg_entregas_region_servicio_mes ORDER BY mes")
    return [pd.Timestamp(m).date() for m in frame["mes"]]


# Snapshots of read-only connections and cursors, kept: nothing can change what they read
# (DuckDB lets no writer open a file that a read-only connection holds), and every render
# asks for the version before reading any figure.
_READ_ONLY_SNAPSHOTS: WeakKeyDictionary[duckdb.DuckDBPyConnection, tuple[object, ...]] = (
    WeakKeyDictionary()
)


def snapshot_identity(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    """(database file, last ingestion id, its load time): changes whenever data are loaded or
    validated (each publishes a new snapshot file). The dashboard's `data_version` adds the
    viewer's scope and the day (dashboard/server/cache.py)."""
    kept = _READ_ONLY_SNAPSHOTS.get(con)
    if kept is not None:
        return kept
    row = one(
        con,
        "SELECT path, readonly, (SELECT max(id) FROM ingestas),"
        " (SELECT max(cargado_en) FROM ingestas)"
        " FROM duckdb_databases() WHERE database_name = current_database()",
    )  # one round trip
    path, read_only, last_id, loaded_at = row if row else (None, False, None, None)
    identity = (str(path) if path else "", int(last_id or 0), loaded_at)
    if read_only:
        _READ_ONLY_SNAPSHOTS[con] = identity
    return identity


def region_products(
    con: duckdb.DuckDBPyConnection,
    region: str,
    selection: Selection,
    first: date,
    last: date,
) -> pd.DataFrame:
    """Per (servicio, producto) delivering in one region in months first..last: area,
    beneficiaries (beneficiary-months) and spending; largest first."""
    conditions, params = selection.conditions()
    conditions = [*conditions, "mes BETWEEN $first AND $last", "codigo_region = $region"]
    params |= {"first": first, "last": last, "region": region}
    sql = (
        "SELECT servicio, producto, any_value(area_tematica) AS area_tematica,"
        " CAST(sum(beneficiarios) AS BIGINT) AS beneficiarios,"
        " sum(gasto_corriente) AS gasto_corriente, sum(gasto_inversion) AS gasto_inversion"
        " FROM agg_entregas_region_mes" + where(conditions)
        + " GROUP BY servicio, producto HAVING sum(beneficiarios) > 0"
        " ORDER BY beneficiarios DESC, servicio, producto"
    )  # fmt: skip
    return fetch(con, sql, params)
