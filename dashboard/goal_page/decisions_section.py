"""The goal page's "Decisiones del Grupo de Estrategia": the goal's decisions, open (overdue
ones flagged "vencida") and closed with their outcome, read on the viewer's scoped cursor
(warehouse.decisions: a role reads them where it reads the goal's bottlenecks); for
presidencia, the button to record a decision on each escalated bottleneck without one."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from dash import html

from dashboard.goal_page.data import GoalPage
from dashboard.server import database
from dashboard.server.board import EVERY_BOTTLENECK, NO_BOTTLENECK, SOME_BOTTLENECKS
from dashboard.ui.components import section
from dashboard.ui.decision_table import (
    CLOSED_COLUMNS,
    OPEN_COLUMNS,
    decision_table,
    record_link,
)
from warehouse import decisions as q
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError
from warehouse.scope import PRESIDENCIA

SECTION_ID = "meta-decisiones"
OPEN_ID = "meta-decisiones-abiertas"
CLOSED_ID = "meta-decisiones-cerradas"
RECORD_ID = "meta-decisiones-registrar"
HELP = (
    "Lo que decidió el Grupo de Estrategia sobre las restricciones escaladas de esta meta: "
    "quién responde y para cuándo; «vencida»: abierta después de su fecha de vencimiento. "
    "Las cerradas quedan con su resultado."
)


def decisions_section(page: GoalPage) -> html.Section:
    """The section for the current request's viewer (one read on its scoped cursor)."""
    codigo = page.record["codigo_meta"]
    today = chile_today(datetime.now(UTC))
    try:
        found = database.run(q.decisions, today, None, q.DecisionFilter(q.ALL, goal=codigo))
    except WarehouseError:
        body: object = html.Div("No se pudieron leer las decisiones.", id=OPEN_ID)
        return html.Section(section("Decisiones del Grupo de Estrategia", body), id=SECTION_ID)
    reach = _reach(page)
    may_record = database.viewer().role == PRESIDENCIA
    return decisions_view(found, page.bottlenecks, reach, may_record)


def _reach(page: GoalPage) -> str:
    """Whether the viewer reads every decision of this goal: where it reads every bottleneck."""
    if page.score.get("semaforo_gestion") != "sin_acceso":
        return EVERY_BOTTLENECK
    return SOME_BOTTLENECKS if not page.bottlenecks.empty else NO_BOTTLENECK


def decisions_view(
    found: pd.DataFrame, bottlenecks: pd.DataFrame, reach: str, may_record: bool
) -> html.Section:
    """Open and closed decisions, and the record buttons (pure: testable without a server)."""
    closed = found[found["estado"] == q.CLOSED]
    opened = found[found["estado"] != q.CLOSED]
    children: list[object] = []
    if may_record:
        children.append(_record_buttons(bottlenecks, set(opened["codigo_restriccion"])))
    children += [
        html.H3("Abiertas", className="h6 mt-2"),
        decision_table(opened, OPEN_COLUMNS, OPEN_ID, "Ninguna decisión abierta.", reach),
        html.H3("Cerradas (historial)", className="h6 mt-3"),
        decision_table(closed, CLOSED_COLUMNS, CLOSED_ID, "Ninguna decisión cerrada.", reach),
    ]
    return html.Section(
        section("Decisiones del Grupo de Estrategia", children, help_text=HELP), id=SECTION_ID
    )


def _record_buttons(bottlenecks: pd.DataFrame, decided: set[str]) -> html.Div:
    """One button per escalated bottleneck (at the page's cut) without an open decision."""
    if bottlenecks.empty or "escalar" not in bottlenecks:
        codes: list[str] = []
    else:
        escalated = bottlenecks[bottlenecks["escalar"].fillna(False).astype(bool)]
        codes = sorted(set(escalated["codigo_restriccion"]) - decided)
    if not codes:
        return html.Div(id=RECORD_ID)
    items = [
        html.Div(["Escalada sin decisión: ", html.Strong(c), " ", record_link(c)], className="mb-1")
        for c in codes
    ]
    return html.Div(items, id=RECORD_ID, className="small mb-2")
