"""Queries for the regional cabinet commitments (compromisos) and the PMG stages (etapas_pmg)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from warehouse.goals import Table, read
from warehouse.versioned import as_known, fetch, where

COMMITMENTS = Table(
    "codigo_compromiso, region, servicio, comision, descripcion,"
    " CAST(fecha_acuerdo AS TIMESTAMP) AS fecha_acuerdo,"
    " CAST(fecha_compromiso AS TIMESTAMP) AS fecha_compromiso, estado,"
    " CAST(fecha_cumplimiento AS TIMESTAMP) AS fecha_cumplimiento, ultimo_seguimiento",
    "compromisos",
    " ORDER BY codigo_compromiso",
    arrow=True,
)
COMMITMENT_SQL = COMMITMENTS.sql
STAGE_SQL = (
    "SELECT servicio, anio, etapa_comprometida, etapa_validada, fecha_validacion FROM etapas_pmg"
)


def commitments(
    con: duckdb.DuckDBPyConnection,
    known_at: datetime | None = None,
    *,
    region: str | None = None,
    area: str | None = None,
    servicio: str | None = None,
) -> pd.DataFrame:
    """Commitments as known at `known_at`; `area` filters the commission (a thematic area)."""
    condition, params = as_known(None, known_at)
    conditions = [condition]
    for column, value in (("region", region), ("comision", area), ("servicio", servicio)):
        if value is not None:
            conditions.append(_equals[column])
            params[column] = value
    return read(con, COMMITMENTS, COMMITMENT_SQL + where(conditions) + COMMITMENTS.order, params)


_equals = {
    "region": "region = $region",
    "comision": "comision = $comision",
    "servicio": "servicio = $servicio",
}


def pmg_stages(
    con: duckdb.DuckDBPyConnection, year: int | None = None, known_at: datetime | None = None
) -> pd.DataFrame:
    condition, params = as_known(None, known_at)
    conditions = [condition]
    if year is not None:
        conditions.append("anio = $year")
        params["year"] = year
    return fetch(con, STAGE_SQL + where(conditions) + " ORDER BY servicio, anio", params)
