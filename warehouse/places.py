"""Queries for places and people: the official territories and their population."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from warehouse.versioned import fetch, where


def territories(
    con: duckdb.DuckDBPyConnection, level: str, region: str | None = None
) -> pd.DataFrame:
    """Territories of one level ('region', 'provincia', 'comuna'), optionally of one region."""
    conditions, params = ["nivel = $level"], {"level": level}
    if region is not None:
        conditions.append("codigo_region = $region")
        params["region"] = region
    sql = (
        "SELECT codigo, nombre, nombre_corto, codigo_padre, codigo_region, orden FROM territorios"
        + where(conditions)
        + " ORDER BY orden, codigo"
    )
    return fetch(con, sql, params)


def population(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current `poblacion` rows (comunas and regions, every year loaded)."""
    sql = "SELECT territorio, anio, poblacion FROM poblacion WHERE valid_to IS NULL"
    return fetch(con, sql + " ORDER BY territorio, anio")


def census_2017(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return fetch(con, "SELECT codigo_region, poblacion FROM censo_2017_region ORDER BY 1")


# The figure of each territory for each asked year: the nearest year loaded, the earlier one on
# ties (indicators/population.py states the rule; tests check that both agree). A constant
# fragment: the years are bound as $years.
_NEAREST = (
    "asked AS (SELECT DISTINCT unnest($years::INTEGER[]) AS anio),"
    " nearest AS (SELECT a.anio, p.territorio AS codigo,"
    " arg_min({'poblacion': p.poblacion, 'anio': p.anio},"
    " {'distancia': abs(p.anio - a.anio), 'anio': p.anio}) AS cifra"
    " FROM asked AS a, poblacion AS p WHERE p.valid_to IS NULL GROUP BY a.anio, p.territorio)"
)
_TERRITORY_COLUMNS = "t.codigo, t.nombre_corto, t.codigo_region, t.codigo_padre"


def comuna_population_figures(
    con: duckdb.DuckDBPyConnection, years: Sequence[int], region: str | None = None
) -> pd.DataFrame:
    """Per comuna (of one region, or all) and asked year, in territory order: the comuna and
    its population figure (`poblacion`, NaN when the comuna has none) with the year it is from.

    One query instead of reading territories and every population row: the territory screens
    ask for this on each render."""
    conditions, params = ["t.nivel = 'comuna'"], {"years": list(years)}
    if region is not None:
        conditions.append("t.codigo_region = $region")
        params["region"] = region
    sql = (
        "WITH " + _NEAREST + " SELECT a.anio, " + _TERRITORY_COLUMNS + ","
        " CAST(n.cifra.poblacion AS DOUBLE) AS poblacion, n.cifra.anio AS anio_poblacion"
        " FROM territorios AS t CROSS JOIN asked AS a"
        " LEFT JOIN nearest AS n ON n.codigo = t.codigo AND n.anio = a.anio"
        + where(conditions) + " ORDER BY t.orden, t.codigo, a.anio"
    )  # fmt: skip
    return fetch(con, sql, params)


def region_population_figures(con: duckdb.DuckDBPyConnection, years: Sequence[int]) -> pd.DataFrame:
    """Per region and asked year, in territory order, what the region population rule chooses
    from (indicators.population.region_population_from_figures): whether every comuna of the
    region has a figure (`complete`), their sum and latest year, the region's own figure and its
    year, and the Censo 2017 figure."""
    sql = (
        "WITH " + _NEAREST + ","
        " comunas AS (SELECT a.anio, t.codigo_region AS codigo, count(*) AS comunas,"
        " count(n.cifra) AS con_cifra, sum(CAST(n.cifra.poblacion AS DOUBLE)) AS suma,"
        " max(n.cifra.anio) AS anio_comunas FROM territorios AS t CROSS JOIN asked AS a"
        " LEFT JOIN nearest AS n ON n.codigo = t.codigo AND n.anio = a.anio"
        " WHERE t.nivel = 'comuna' GROUP BY a.anio, t.codigo_region)"
        " SELECT a.anio, " + _TERRITORY_COLUMNS + ","
        " coalesce(c.con_cifra = c.comunas, FALSE) AS complete, c.suma, c.anio_comunas,"
        " CAST(own.cifra.poblacion AS DOUBLE) AS propia, own.cifra.anio AS anio_propio,"
        " CAST(k.poblacion AS DOUBLE) AS censo"
        " FROM territorios AS t CROSS JOIN asked AS a"
        " LEFT JOIN comunas AS c ON c.codigo = t.codigo AND c.anio = a.anio"
        " LEFT JOIN nearest AS own ON own.codigo = t.codigo AND own.anio = a.anio"
        " LEFT JOIN censo_2017_region AS k ON k.codigo_region = t.codigo"
        " WHERE t.nivel = 'region' ORDER BY t.orden, t.codigo, a.anio"
    )  # fmt: skip
    return fetch(con, sql, {"years": list(years)})
