"""Queries for the goals screens: metas, avance_mensual, restricciones, metas_intermedias.

Each returns the rows as known at `known_at` (current rows when None). These tables are small
(goals × months), so the per-goal logic runs in `indicators/` on the returned frames.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from warehouse.versioned import as_known, fetch, where

GOAL_SQL = (
    "SELECT codigo_meta, nombre, ministerio, servicio, area_tematica, gerente, unidad, sentido,"
    " linea_base, valor_meta, fecha_inicio, fecha_meta, ambito, umbral_verde, umbral_amarillo"
    " FROM metas"
)
PROGRESS_SQL = (
    "SELECT codigo_meta, mes, region, valor_programado, valor_real, estado, reportado_por,"
    " comentario FROM avance_mensual"
)
BOTTLENECK_SQL = (
    "SELECT codigo_restriccion, codigo_meta, tipo, severidad, nivel, region, descripcion,"
    " responsable, fecha_alerta, fecha_resolucion FROM restricciones"
)
MILESTONE_SQL = (
    "SELECT codigo_meta, codigo_hito, nombre, fecha_programada, fecha_cumplida, peso"
    " FROM metas_intermedias"
)


def goals(con: duckdb.DuckDBPyConnection, known_at: datetime | None = None) -> pd.DataFrame:
    condition, params = as_known(None, known_at)
    return fetch(con, GOAL_SQL + where([condition]) + " ORDER BY codigo_meta", params)


def progress(
    con: duckdb.DuckDBPyConnection,
    until: date | None = None,
    known_at: datetime | None = None,
    codigo_meta: str | None = None,
) -> pd.DataFrame:
    """Monthly progress rows up to month `until` (all months when None), national and regional."""
    condition, params = as_known(None, known_at)
    conditions = [condition]
    if until is not None:
        conditions.append("mes <= $until")
        params["until"] = until
    if codigo_meta is not None:
        conditions.append("codigo_meta = $codigo_meta")
        params["codigo_meta"] = codigo_meta
    order = " ORDER BY codigo_meta, mes, region NULLS FIRST"
    return fetch(con, PROGRESS_SQL + where(conditions) + order, params)


def bottlenecks(con: duckdb.DuckDBPyConnection, known_at: datetime | None = None) -> pd.DataFrame:
    condition, params = as_known(None, known_at)
    order = " ORDER BY codigo_meta, codigo_restriccion"
    return fetch(con, BOTTLENECK_SQL + where([condition]) + order, params)


def milestones(con: duckdb.DuckDBPyConnection, known_at: datetime | None = None) -> pd.DataFrame:
    condition, params = as_known(None, known_at)
    order = " ORDER BY codigo_meta, fecha_programada, codigo_hito"
    return fetch(con, MILESTONE_SQL + where([condition]) + order, params)
