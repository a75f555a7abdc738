"""The goal page's controls and the screens around it: the as-of month and validated toggle
(written into the URL), the notice for an unreadable month, 'Meta no encontrada', and the
skeleton Dash validates the page's callback against.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.goal_page.data import GoalPage
from dashboard.server.defaults import format_month
from dashboard.ui import ids
from dashboard.ui.components import dropdown
from dashboard.ui.goal_format import month_label
from dashboard.ui.goal_header import not_found_notice

VALIDATED_OPTIONS = [
    {"label": "Solo cifras validadas", "value": "1"},
    {"label": "Todas las reportadas", "value": "0"},
]


def controls(page: GoalPage) -> dbc.Row:
    """As-of month and validated toggle; a callback writes them into the URL."""
    months = sorted({*page.months, page.as_of}, reverse=True)
    options = [{"label": month_label(m), "value": format_month(m)} for m in months]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Mes de corte", html_for=ids.META_MONTH),
                    dropdown(
                        id=ids.META_MONTH,
                        options=options,
                        value=format_month(page.as_of),
                        clearable=False,
                        searchable=False,
                    ),
                ],
                xs=12,
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label("Cifras consideradas", html_for=ids.META_VALIDATED),
                    dbc.RadioItems(
                        id=ids.META_VALIDATED,
                        options=VALIDATED_OPTIONS,
                        value="1" if page.validated_only else "0",
                        inline=True,
                    ),
                ],
                xs=12,
                md=8,
            ),
        ],
        class_name="g-3 mb-2 meta-controls",
    )


def search_string(month: str | None, validated: str | None) -> str:
    """The query string for the controls' state: '?mes=2025-05&validadas=1'."""
    return f"?mes={month or ''}&validadas={validated or '1'}"


def not_found(codigo: str) -> html.Div:
    back = html.A(
        [html.I(className="bi bi-arrow-left me-1"), "Volver a la lista de metas"],
        href="/metas",
        className="alert-link",
    )
    message = f"No hay ninguna meta vigente con el código «{codigo}»."
    return not_found_notice(message, back, ids.META_NOT_FOUND)


def validation_skeleton() -> html.Div:
    """What `layout()` returns to Dash's callback validation (called with no arguments, once):
    the components the page's callback reads, so the callback validates on every page."""
    return html.Div(
        [
            dropdown(id=ids.META_MONTH, options=[]),
            dbc.RadioItems(id=ids.META_VALIDATED, options=VALIDATED_OPTIONS),
        ],
        hidden=True,
    )


def month_notice(page: GoalPage, text: str | None) -> dbc.Alert | None:
    """Say so when the link named a month that could not be read, rather than guess silently."""
    if not page.month_invalid:
        return None
    return dbc.Alert(
        f"No se entendió el mes «{text}» (use AAAA-MM): se muestra {month_label(page.as_of)}.",
        color="info",
        class_name="py-2",
    )


def parse_flag(value: str | None) -> bool:
    """?validadas=0 means all reported figures; anything else (or nothing) validated only."""
    return (value or "1").strip() != "0"
