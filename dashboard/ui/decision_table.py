"""Decisions of the Grupo de Estrategia as the weekly review and the goal page list them: the
shared columns (bottleneck, goal, decision, owner, due date with "vencida", outcome), the link
to /decisiones, and a table that says when the viewer reads only part of them, or none
(decisions are read where their bottleneck is: warehouse.scope)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.server.board import EVERY_BOTTLENECK, NO_BOTTLENECK, SOME_BOTTLENECKS
from dashboard.ui.formatting import BOTTLENECKS_HIDDEN, NO_DATA, format_datetime
from dashboard.ui.goal_tables import Column, day_text, goal_link, is_missing, small_table

DECISIONS_PATH = "/decisiones"
PAGE_MODULE = "dashboard.pages.decisions"  # for page_access.roles_for
OVERDUE_WORD = "vencida"
PARTIAL = (
    "Solo las decisiones sobre restricciones de las metas de su ámbito: las demás no son "
    "visibles para su perfil."
)


def decisions_href(**params: str) -> str:
    """/decisiones with filters or a prefilled form, e.g. decisions_href(restriccion='R-011')."""
    query = {k: v for k, v in params.items() if v}
    return DECISIONS_PATH + ("?" + urlencode(query) if query else "")


def record_link(codigo_restriccion: str) -> dcc.Link:
    """The button that opens the form prefilled with this bottleneck (presidencia)."""
    return dcc.Link(
        [
            html.I(className="bi bi-journal-plus me-1", **{"aria-hidden": "true"}),
            "Registrar decisión",
        ],
        href=decisions_href(restriccion=codigo_restriccion),
        className="btn btn-sm btn-outline-primary text-nowrap decision-record-link",
    )


def due_badge(row: dict) -> html.Span:
    """The due date, flagged "vencida" (with the days overdue) when it passed while open."""
    due = day_text(row.get("vence"))
    if row.get("estado") != OVERDUE_WORD:
        return html.Span(due)
    late = row.get("dias_vencida")
    days = "" if is_missing(late) else f" hace {int(late)} día{'s' if int(late) != 1 else ''}"
    return html.Span(
        [
            due,
            dbc.Badge(
                [html.I(className="bi bi-alarm me-1", **{"aria-hidden": "true"}), OVERDUE_WORD],
                color="danger",
                class_name="ms-2 decision-overdue",
                title=f"Vencida{days}: la decisión sigue abierta después de su plazo.",
            ),
        ]
    )


def _when(value: object, who: object) -> str:
    if is_missing(value):
        return NO_DATA
    moment = value if isinstance(value, datetime) else pd.Timestamp(value).to_pydatetime()
    return f"{format_datetime(moment)} · {who or NO_DATA}"


def _bottleneck(row: dict) -> html.Div:
    text = row.get("descripcion_restriccion")
    return html.Div([html.Span(row["codigo_restriccion"], className="goal-code"), " ", text or ""])


def _goal(row: dict) -> object:
    return goal_link(row["codigo_meta"], row.get("nombre_meta"))


def _number(row: dict) -> str:
    return f"n.º {int(row['id'])}"


NUMBER = Column("N.º", _number, nowrap=True)
BOTTLENECK = Column("Restricción", _bottleneck)
GOAL = Column("Meta", _goal)
TEXT = Column("Decisión", lambda r: r.get("texto") or NO_DATA)
OWNER = Column("Responsable", lambda r: r.get("responsable") or NO_DATA)
DUE = Column("Vence", due_badge, nowrap=True)
RECORDED = Column("Registrada", lambda r: _when(r.get("creada_en"), r.get("creada_por")))
CLOSED = Column("Cerrada", lambda r: _when(r.get("cerrada_en"), r.get("cerrada_por")))
OUTCOME = Column("Resultado", lambda r: r.get("resultado") or NO_DATA)
OPEN_COLUMNS = [NUMBER, BOTTLENECK, GOAL, TEXT, OWNER, DUE, RECORDED]
CLOSED_COLUMNS = [NUMBER, BOTTLENECK, GOAL, TEXT, OUTCOME, CLOSED]


def decision_table(
    frame: pd.DataFrame, columns: list[Column], id_: str, empty: str, reach: str
) -> html.Div:
    """A list of decisions that says when the viewer reads only part of them, or none: an
    empty list is then "not visible", never "none"."""
    if reach == NO_BOTTLENECK:
        return small_table(frame, columns, id_=id_, empty="Decisiones " + BOTTLENECKS_HIDDEN + ".")
    if reach == SOME_BOTTLENECKS:
        empty = "Ninguna entre las decisiones visibles para su perfil."
    table = small_table(frame, columns, id_=id_, empty=empty)
    if reach == EVERY_BOTTLENECK:
        return table
    return html.Div([html.P(PARTIAL, className="small text-muted mb-1"), table])
