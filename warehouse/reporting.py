"""What a goal manager's inbox and forms read: the goal's figures with the version each
form sends back, every version of a figure for its history, and the next bottleneck code.

Queries run on the cursor as given: the dashboard passes one scoped to the viewer, so a
manager reads its goals in full and nothing of the goals it does not manage beyond what an
analyst reads (warehouse.scope).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from warehouse.versioned import fetch, fetch_value

# The current monthly rows of one goal, with the version a form must send back, and who
# returned or validated the figure (the coordinator's comment is the version's own comment).
FIGURES_SQL = """
SELECT a.mes, a.region, a.valor_programado, a.valor_real, a.estado, a.comentario,
       a.pronostico, a.reportado_por, CAST(a.valid_from AS VARCHAR) AS version, a.valid_from,
       v.usuario AS revisado_por, v.en AS revisado_en
FROM avance_mensual a
LEFT JOIN validaciones v ON v.id = a.validacion_id
WHERE a.valid_to IS NULL AND a.codigo_meta = $codigo
ORDER BY a.mes, a.region NULLS FIRST
"""

# Every version of the goal's monthly figures from `desde` on: what came in (form, API, file;
# by whom) and what validation did, in the order it happened.
VERSIONS_SQL = """
SELECT a.mes, a.region, a.valor_real, a.estado, a.comentario, a.pronostico, a.valid_from,
       a.valid_to, i.canal, coalesce(i.usuario, a.reportado_por) AS usuario, i.archivo,
       a.source_line AS linea, v.usuario AS revisado_por, v.accion, v.comentario AS motivo
FROM avance_mensual a
LEFT JOIN ingestas i ON i.id = a.ingestion_id
LEFT JOIN validaciones v ON v.id = a.validacion_id
WHERE a.codigo_meta = $codigo AND a.mes >= $desde AND a.valor_real IS NOT NULL
ORDER BY a.mes, a.region NULLS FIRST, a.valid_from
"""

BOTTLENECKS_SQL = """
SELECT codigo_restriccion, tipo, severidad, nivel, region, descripcion, responsable,
       fecha_alerta, fecha_resolucion, CAST(valid_from AS VARCHAR) AS version
FROM restricciones
WHERE valid_to IS NULL AND codigo_meta = $codigo
ORDER BY fecha_resolucion IS NOT NULL, fecha_alerta DESC, codigo_restriccion
"""

MILESTONES_SQL = """
SELECT codigo_hito, nombre, fecha_programada, fecha_cumplida, peso,
       CAST(valid_from AS VARCHAR) AS version
FROM metas_intermedias
WHERE valid_to IS NULL AND codigo_meta = $codigo
ORDER BY fecha_programada, codigo_hito
"""

# Codes look like R-001; the next is one more than the highest number used in any version
# (a code is never reused, even for a bottleneck hidden from this viewer: read on the primary).
NEXT_BOTTLENECK_SQL = """
SELECT coalesce(max(TRY_CAST(regexp_extract(codigo_restriccion, '^R-(\\d+)$', 1) AS INTEGER)), 0)
FROM restricciones
"""


def goal_figures(con: duckdb.DuckDBPyConnection, codigo: str) -> pd.DataFrame:
    """The goal's current monthly rows, national first, with `version` for the forms."""
    return fetch(con, FIGURES_SQL, {"codigo": codigo})


def figure_versions(
    con: duckdb.DuckDBPyConnection, codigo: str, since: date = date.min
) -> pd.DataFrame:
    """Every version of the goal's reported figures since a month, oldest first per figure."""
    return fetch(con, VERSIONS_SQL, {"codigo": codigo, "desde": since})


def goal_bottlenecks_to_edit(con: duckdb.DuckDBPyConnection, codigo: str) -> pd.DataFrame:
    """The goal's bottlenecks, open ones first, with the version an update must send back."""
    return fetch(con, BOTTLENECKS_SQL, {"codigo": codigo})


def goal_milestones_to_edit(con: duckdb.DuckDBPyConnection, codigo: str) -> pd.DataFrame:
    """The goal's milestones in calendar order, with the version an update must send back."""
    return fetch(con, MILESTONES_SQL, {"codigo": codigo})


def next_bottleneck_code(con: duckdb.DuckDBPyConnection) -> str:
    """A new bottleneck's code: R-<n>, one past the highest ever used (on the primary)."""
    return f"R-{int(fetch_value(con, NEXT_BOTTLENECK_SQL) or 0) + 1:03d}"


def bottleneck_goal(con: duckdb.DuckDBPyConnection, codigo: str) -> str | None:
    """The goal of a current bottleneck, as the cursor may read it (None: unknown)."""
    row = con.execute(
        "SELECT codigo_meta FROM restricciones WHERE valid_to IS NULL AND codigo_restriccion = ?",
        [codigo],
    ).fetchone()
    return str(row[0]) if row else None
