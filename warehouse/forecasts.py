"""Queries for forecast accountability: the monthly figures and forecasts of goals, each row
marked whether the cursor's viewer reads its figures (`legible`).

Rows come from the scoped cursor, so a figure outside the viewer's scope arrives blanked
(warehouse.scope.Masked). Blank would read as "not reported"; `legible` tells the indicators
(indicators.forecasts) it is hidden instead, so the figures computed from it read "sin acceso".
`legible` follows FIGURE_ACCESS[FORECASTS]; for "cifras que lee" it is the very condition of the
viewer's Masked rule evaluated per row, not a second copy of it. Rows are the latest version
of each figure (reported or validated), or as known at `known_at` (the weekly review's "as
known on date D").
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from warehouse.db import compose, ident, scalar
from warehouse.figure_access import ALL, FIGURE_ACCESS, FORECASTS, HIDDEN
from warehouse.scope import PUBLICO, RULES, SISTEMA, Masked, cursor_scope_key
from warehouse.versioned import Params, as_known, fetch, where

# The progress table's rule is evaluated on its own rows (the inner query), where its
# unqualified columns (estado, codigo_meta, region) are the progress table's.
_ROWS_SQL = (
    "SELECT a.codigo_meta, m.ministerio, m.sentido, CAST(a.mes AS TIMESTAMP) AS mes, a.region,"
    " a.valor_real, a.pronostico, a.estado, a.legible"
    " FROM (SELECT *, {readable} AS legible FROM avance_mensual WHERE {known}) AS a"
    " JOIN metas AS m ON m.codigo_meta = a.codigo_meta"
)
_ORDER = " ORDER BY a.codigo_meta, a.mes, a.region NULLS FIRST"


def readable_condition(con: duckdb.DuckDBPyConnection) -> str:
    """SQL true for the avance_mensual rows whose figures the cursor's viewer may use for
    forecasts (FIGURE_ACCESS[FORECASTS]): all for ALL, none for HIDDEN, and for READABLE the
    `visible` condition of the role's Masked rule."""
    role = str(cursor_scope_key(con)[0])
    if role in ("todo", SISTEMA):
        return "TRUE"
    role = role if role in RULES else PUBLICO
    decision = FIGURE_ACCESS[FORECASTS].get(role, HIDDEN)
    if decision == HIDDEN:
        return "FALSE"
    rule = RULES[role].get("avance_mensual")
    if decision == ALL or not isinstance(rule, Masked):  # a row filter keeps rows in full
        return "TRUE"
    catalog = ident(str(scalar(con, "SELECT current_database()")))
    # NULL (e.g. a national row against a region's code) is not visible, as in the view's CASE.
    return "coalesce((" + compose(rule.visible, db=catalog) + "), FALSE)"


def forecast_rows(
    con: duckdb.DuckDBPyConnection,
    codigo: str | None = None,
    until: date | None = None,
    known_at: datetime | None = None,
) -> pd.DataFrame:
    """Monthly rows (national and regional) of one goal (`codigo`) or of every goal, up to
    month `until`: codigo_meta, ministerio, sentido, mes, region, valor_real, pronostico,
    estado, legible."""
    known, params = as_known(None, known_at)
    goal_known, _ = as_known("m", known_at)
    conditions = [goal_known]
    bound: Params = dict(params)
    if codigo is not None:
        conditions.append("a.codigo_meta = $codigo")
        bound["codigo"] = codigo
    if until is not None:
        conditions.append("a.mes <= $until")
        bound["until"] = until
    sql = compose(_ROWS_SQL, readable=readable_condition(con), known=known)
    frame = fetch(con, sql + where(conditions) + _ORDER, bound)
    return frame.astype({"legible": bool})
