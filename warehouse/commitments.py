"""Queries for the regional cabinet commitments (compromisos), their follow-ups (seguimientos)
and the PMG stages (etapas_pmg).

A commitment's state on every screen is its latest follow-up's, by date, when it has one (the
commitments file's `estado` otherwise): a rule applied when reading, not stored, so a follow-up
loaded from a file or entered on the region page is the same row, and "as known at D" still
holds — the commitments are read through `FOLLOWED`, which takes the instant itself.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from warehouse.db import one
from warehouse.goals import Table, read
from warehouse.versioned import as_known, fetch, where

# Each commitment's version known at an instant with its latest follow-up (by date) known then.
FOLLOWED = (
    "(SELECT c.* REPLACE ("
    " coalesce(u.s_estado, c.estado) AS estado,"
    " CASE WHEN u.s_estado IS NULL THEN c.fecha_cumplimiento"
    " WHEN u.s_estado = 'cumplido' THEN coalesce(c.fecha_cumplimiento, u.s_fecha) END"
    " AS fecha_cumplimiento,"
    " CASE WHEN u.s_estado IS NULL THEN c.ultimo_seguimiento"
    " ELSE coalesce(u.s_nota, c.ultimo_seguimiento) END AS ultimo_seguimiento)"
    " FROM (SELECT * FROM compromisos WHERE {known}) AS c"
    " LEFT JOIN (SELECT codigo_compromiso AS k, arg_max(estado, fecha) AS s_estado,"
    " arg_max(nota, fecha) AS s_nota, max(fecha) AS s_fecha"
    " FROM seguimientos WHERE {known} GROUP BY codigo_compromiso) AS u"
    " ON u.k = c.codigo_compromiso) AS compromisos"
)
# The same relation for the current rows, every column of the table kept (the explorer's
# lineage reads `source_line` and `ingestion_id`): one rule for every screen.
CURRENT_FOLLOWED = FOLLOWED.format(known=as_known(None, None)[0])
COMMITMENTS = Table(
    "codigo_compromiso, region, servicio, comision, descripcion,"
    " CAST(fecha_acuerdo AS TIMESTAMP) AS fecha_acuerdo,"
    " CAST(fecha_compromiso AS TIMESTAMP) AS fecha_compromiso, estado,"
    " CAST(fecha_cumplimiento AS TIMESTAMP) AS fecha_cumplimiento, ultimo_seguimiento",
    FOLLOWED,
    " ORDER BY codigo_compromiso",
    arrow=True,
    per_instant=True,
)
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
    sql, params = COMMITMENTS.at(known_at)
    conditions = []
    for column, value in (("region", region), ("comision", area), ("servicio", servicio)):
        if value is not None:
            conditions.append(_equals[column])
            params[column] = value
    return read(con, COMMITMENTS, sql + where(conditions) + COMMITMENTS.order, params)


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


FOLLOW_UP_SQL = (
    "SELECT s.codigo_compromiso, CAST(s.fecha AS TIMESTAMP) AS fecha, s.estado, s.nota,"
    " i.canal, i.usuario, i.cargado_en FROM seguimientos AS s"
    " LEFT JOIN ingestas AS i ON i.id = s.ingestion_id"
    " WHERE s.valid_to IS NULL AND s.codigo_compromiso IN"
    " (SELECT codigo_compromiso FROM compromisos WHERE valid_to IS NULL AND region = $region)"
    " ORDER BY s.codigo_compromiso, s.fecha DESC"
)


def follow_ups(con: duckdb.DuckDBPyConnection, region: str) -> pd.DataFrame:
    """Every current follow-up of the region's commitments, newest first per commitment, with
    how it came (a file or the form) and who sent it."""
    return fetch(con, FOLLOW_UP_SQL, {"region": region})


def current_commitment_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The codes a follow-up may name (the loader's reference for `seguimientos`)."""
    rows = con.execute(
        "SELECT DISTINCT codigo_compromiso FROM compromisos WHERE valid_to IS NULL ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def commitment_region(con: duckdb.DuckDBPyConnection, codigo: str) -> str | None:
    """The region of a current commitment, read on the primary to authorise a follow-up."""
    row = one(
        con,
        "SELECT region FROM compromisos WHERE valid_to IS NULL AND codigo_compromiso = ?",
        [codigo],
    )
    return str(row[0]) if row else None
