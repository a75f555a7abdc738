"""The sections of the weekly review page, top to bottom: decisions, changes, milestones,
regions. Each takes the page's data (dashboard.server.review_data.ReviewPage) and returns a titled
block; tables come from dashboard.review.views."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.review.views import (
    RED_SHARE_HELP,
    at_risk_table,
    bottleneck_change_tables,
    commitments_table,
    escalate_table,
    light_change_table,
    milestones_table,
    red_share_map,
    red_share_ranking,
    sub_block,
)
from dashboard.server.board import NO_BOTTLENECK
from dashboard.server.defaults import day_label
from dashboard.server.review_data import ReviewPage, at_risk
from dashboard.ui import ids
from dashboard.ui.components import section
from dashboard.ui.goal_tables import Column

ESCALATE_HELP = (
    "Restricciones rojas abiertas en el nivel institucional por más de 30 días a la fecha de "
    "la revisión: deben pasar al Grupo de Estrategia."
)
AT_RISK_HELP = (
    "La recta de mínimos cuadrados de las últimas 6 cifras alcanza la meta después de su plazo, "
    "o se aleja de ella."
)
CHANGES_HELP = (
    "Compara lo que se sabía al final de cada fecha: semáforos (al mes anterior a cada fecha), "
    "restricciones, compromisos."
)


def decisions(page: ReviewPage, decision: Column | None = None) -> html.Section:
    risky = at_risk(page.board)
    return section(
        "Para decidir hoy",
        dbc.Row(
            [
                dbc.Col(
                    sub_block(
                        "Restricciones para escalar al Grupo de Estrategia",
                        escalate_table(page.escalate, page.reach, decision),
                        None if page.reach == NO_BOTTLENECK else len(page.escalate),
                        help_text=ESCALATE_HELP,
                    ),
                    lg=7,
                ),
                dbc.Col(
                    sub_block(
                        "Metas en riesgo según su proyección",
                        at_risk_table(risky),
                        len(risky),
                        help_text=AT_RISK_HELP,
                    ),
                    lg=5,
                ),
            ]
        ),
    )


def changes(page: ReviewPage) -> html.Section:
    ch = page.changes
    title = f"Qué cambió desde la última revisión ({day_label(ch.desde)} → {day_label(ch.hasta)})"
    left = [
        sub_block(
            "Metas que cambiaron de semáforo", light_change_table(ch.semaforos), len(ch.semaforos)
        ),
        sub_block(
            "Compromisos que pasaron a atrasados",
            commitments_table(ch.compromisos_atrasados, page.board.region_names),
            len(ch.compromisos_atrasados),
        ),
    ]
    right = bottleneck_change_tables(page.opened, page.resolved, page.escalate_new, page.reach)
    body: list[object] = [dbc.Row([dbc.Col(left, lg=6), dbc.Col(right, lg=6)])]
    before = ch.lights.get("desde")
    if before is not None and before.empty:
        # Comparing with a day before the first load: every goal reads as a change.
        notice = dbc.Alert(
            f"No había metas cargadas al {day_label(ch.desde)}: todas aparecen como cambios.",
            color="info",
            class_name="py-2 mb-2",
            id=ids.HOME_CHANGES_NOTICE,
        )
        body.insert(0, notice)
    return section(title, body, help_text=CHANGES_HELP)


def milestones(page: ReviewPage) -> html.Section:
    due, late = page.due, page.overdue
    return section(
        "Hitos",
        dbc.Row(
            [
                dbc.Col(
                    sub_block(
                        "Vencen en los próximos 30 días",
                        milestones_table(
                            due,
                            id_=ids.HOME_MILESTONES_DUE,
                            empty="Ningún hito vence en los próximos 30 días.",
                        ),
                        len(due),
                    ),
                    lg=6,
                ),
                dbc.Col(
                    sub_block(
                        "Atrasados",
                        milestones_table(
                            late,
                            id_=ids.HOME_MILESTONES_OVERDUE,
                            empty="Ningún hito está atrasado.",
                        ),
                        len(late),
                    ),
                    lg=6,
                ),
            ]
        ),
    )


def regions(page: ReviewPage, geojson_url: str) -> html.Section:
    url = geojson_url
    return section(
        "Metas en rojo por región",
        dbc.Row(
            [
                dbc.Col(red_share_map(page.red_share, url), lg=8),
                dbc.Col(
                    sub_block("Regiones con más metas en rojo", red_share_ranking(page.red_share)),
                    lg=4,
                ),
            ]
        ),
        help_text=RED_SHARE_HELP,
    )
