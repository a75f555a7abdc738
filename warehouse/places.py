"""Queries for places and people: the official territories and their population."""

from __future__ import annotations

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
