"""Queries for the goal detail page (/meta/<codigo>): one goal's rows, with their lineage.

The goal page reads only the rows of one goal, so the per-goal indicators run on a few dozen
rows instead of the whole scorecard. The progress query also brings each row's provenance (the
file, its load time and the line in it), because the page shows where every figure came from.
All queries read the current rows (`valid_to IS NULL`) unless `known_at` is given.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from warehouse.goals import BOTTLENECK_SQL, GOAL_SQL, GOALS, MILESTONE_SQL, read
from warehouse.versioned import as_known, fetch, where

CODE_CONDITION = "codigo_meta = $codigo"

# A version opened by a validation action carries its id (migration 003), and its valid_from
# is the action's time: `estado_desde` says when a figure was validated or returned even to a
# viewer whose scope hides the `validaciones` row (who did it then reads as NULL).
PROGRESS_LINEAGE_SQL = (
    "SELECT a.codigo_meta, a.mes, a.region, a.valor_programado, a.valor_real, a.estado,"
    " a.reportado_por, a.comentario, a.source_line, a.ingestion_id, i.archivo, i.cargado_en,"
    " a.validacion_id, CASE WHEN a.validacion_id IS NOT NULL THEN a.valid_from END"
    " AS estado_desde, v.usuario AS validado_por, v.en AS validado_en"
    " FROM avance_mensual AS a LEFT JOIN ingestas AS i ON i.id = a.ingestion_id"
    " LEFT JOIN validaciones AS v ON v.id = a.validacion_id"
)


def goal(
    con: duckdb.DuckDBPyConnection, codigo: str, known_at: datetime | None = None
) -> pd.DataFrame:
    """The goal's `metas` row (a one-row frame; empty when the code is unknown)."""
    condition, params = as_known(None, known_at)
    return read(
        con, GOALS, GOAL_SQL + where([condition, CODE_CONDITION]), params | {"codigo": codigo}
    )


def progress_with_lineage(
    con: duckdb.DuckDBPyConnection, codigo: str, known_at: datetime | None = None
) -> pd.DataFrame:
    """Every monthly row of the goal (national and regional), with archivo, cargado_en (UTC),
    source_line and ingestion_id of the file that brought it, and the validation action that
    set its state (validacion_id, estado_desde, validado_por, validado_en); sorted by month,
    national first."""
    condition, params = as_known("a", known_at)
    sql = (
        PROGRESS_LINEAGE_SQL
        + where([condition, "a." + CODE_CONDITION])
        + " ORDER BY a.mes, a.region NULLS FIRST"
    )
    return fetch(con, sql, params | {"codigo": codigo})


def goal_bottlenecks(
    con: duckdb.DuckDBPyConnection, codigo: str, known_at: datetime | None = None
) -> pd.DataFrame:
    """The goal's restricciones (open and resolved), oldest alert first."""
    condition, params = as_known(None, known_at)
    sql = BOTTLENECK_SQL + where([condition, CODE_CONDITION]) + " ORDER BY fecha_alerta, 1"
    return fetch(con, sql, params | {"codigo": codigo})


def goal_milestones(
    con: duckdb.DuckDBPyConnection, codigo: str, known_at: datetime | None = None
) -> pd.DataFrame:
    """The goal's metas intermedias in calendar order."""
    condition, params = as_known(None, known_at)
    sql = MILESTONE_SQL + where([condition, CODE_CONDITION]) + " ORDER BY fecha_programada, 2"
    return fetch(con, sql, params | {"codigo": codigo})


def region_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Region codes with the short names people use and their north-to-south order."""
    return fetch(
        con,
        "SELECT codigo, nombre_corto, orden FROM territorios WHERE nivel = $level ORDER BY orden",
        {"level": "region"},
    )
