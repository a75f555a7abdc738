"""The territorial screens' reads, kept per `data_version` (dashboard/server/cache.py).

Values (reports, coverage, map tables) depend on the query; what depends on the data version
alone (filter catalogue, region names, the territories' population and who delivers where) is
kept apart in CATALOGS, so a new filter combination only computes its values. The version is
read once per render and passed down.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from dashboard.server import cache
from dashboard.server.cache import Memo, Version, data_version
from dashboard.territory.filters import FilterCatalog, load_catalog
from indicators.synergy import ServiceActivity
from indicators.territory_report import (
    CoverageReport,
    Population,
    TerritoryQuery,
    TerritoryReport,
    coverage_report,
    read_activity,
    read_population,
    report_years,
    territory_report,
)
from warehouse import places

VALUES = Memo(cache.VALUES, 48)  # reports, coverage, map tables
CATALOGS = Memo(cache.CATALOGS, 64)  # filter catalogue, regions, population, activity


def cached_report(
    con: duckdb.DuckDBPyConnection,
    query: TerritoryQuery,
    today: date,
    version: Version | None = None,
) -> TerritoryReport:
    version = version or data_version(con)

    def compute() -> TerritoryReport:
        years = report_years(con, query)
        key = ("population", version, query.level, _view_region(query), tuple(years))
        people = CATALOGS.get(key, lambda: Population.read(con, query, years))
        activity = cached_activity(con, query, version)
        return territory_report(con, query, today=today, people=people, activity=activity)

    return VALUES.get(("report", version, query, today), compute)


def cached_coverage(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, version: Version | None = None
) -> CoverageReport:
    version = version or data_version(con)
    return VALUES.get(
        ("coverage", version, query),
        lambda: coverage_report(
            con, query, cached_population(con, query, version), cached_activity(con, query, version)
        ),
    )


def cached_population(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, version: Version | None = None
) -> Population:
    """The territories of a view and their population: the same for every selection and
    month of a year, so kept with the per-version data."""
    years = (query.period()[1].year,)
    key = ("population", version or data_version(con), query.level, _view_region(query), years)
    return CATALOGS.get(key, lambda: read_population(con, query))


def cached_activity(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, version: Version | None = None
) -> ServiceActivity:
    """Who delivers where, by year, in the view's region: the same for every selection and
    period, so kept with the per-version data (the map counts services from it)."""
    key = ("activity", version or data_version(con), _view_region(query))
    return CATALOGS.get(key, lambda: read_activity(con, query))


def _view_region(query: TerritoryQuery) -> str | None:
    """The region whose territories a view reads (a region-level view reads all 16)."""
    return query.region if query.level == "comuna" else None


def cached_catalog(con: duckdb.DuckDBPyConnection, version: Version | None = None) -> FilterCatalog:
    key = ("catalog", version or data_version(con))
    return CATALOGS.get(key, lambda: load_catalog(con))


def regions(con: duckdb.DuckDBPyConnection, version: Version | None = None) -> pd.DataFrame:
    """The 16 regions north to south: codigo, nombre, nombre_corto."""
    key = ("regions", version or data_version(con))
    return CATALOGS.get(
        key, lambda: places.territories(con, "region")[["codigo", "nombre", "nombre_corto"]]
    )
