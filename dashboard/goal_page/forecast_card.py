"""The goal page's "Pronóstico del mes pasado": what the manager forecast for the last reported
month, what happened, the error, and how accurate the goal's forecasts have been.

Read on the viewer's scoped cursor (warehouse.forecasts) and computed by indicators.forecasts:
a forecast, or an accuracy, over a figure the viewer may not read is "sin acceso", never a
number (warehouse.figure_access.FIGURE_ACCESS).
"""

from __future__ import annotations

from datetime import date

import duckdb
from dash import html

from dashboard.server import database
from dashboard.ui.components import percent
from dashboard.ui.formatting import NO_ACCESS, NO_ACCESS_HELP
from dashboard.ui.goal_format import format_value, month_label
from indicators.forecasts import Accuracy, LastForecast, goal_forecast
from warehouse import forecasts as q
from warehouse.db import WarehouseError

CARD_ID = "meta-pronostico"
ACCURACY_ID = "meta-pronostico-precision"
TITLE = "Pronóstico del mes pasado"
HELP = (
    "Al reportar un mes, la gerencia de meta puede pronosticar el valor del mes siguiente. "
    "Error = pronóstico − valor real. Precisión: suma de |pronóstico − real| dividida por la "
    "suma de |cambio mensual| (el error medio como porcentaje del cambio mensual medio), con "
    "las cifras nacionales reportadas hasta el mes de corte, validadas o no."
)


def read_forecast(con: duckdb.DuckDBPyConnection, codigo: str, as_of: date) -> LastForecast:
    """The goal's last forecast and accuracy up to month `as_of`, as the cursor's viewer may
    read them."""
    return goal_forecast(q.forecast_rows(con, codigo, until=as_of), as_of)


def forecast_card(codigo: str, as_of: date, digits: int) -> html.Div:
    """The card for the current request's viewer (one read on its scoped cursor)."""
    try:
        found = database.run(read_forecast, codigo, as_of)
    except WarehouseError:
        return _frame([html.Div("No se pudo leer el pronóstico.", className="kpi-note")])
    return card(found, digits)


def card(found: LastForecast, digits: int) -> html.Div:
    """The card's content for one goal's LastForecast (pure: testable without a server)."""
    return _frame([_last_month(found, digits), _accuracy_line(found.accuracy)])


def _frame(children: list[object]) -> html.Div:
    label = html.Div(
        [TITLE, html.I(className="bi bi-info-circle ms-1 small", title=HELP)], className="kpi-label"
    )
    return html.Div([label, *children], id=CARD_ID, className="meta-forecast mt-3")


def _last_month(found: LastForecast, digits: int) -> html.Div:
    if found.month is None:
        return _note("Sin pronóstico: la meta no tiene cifras reportadas.")
    month = month_label(found.month)
    if found.state == "sin_acceso":
        return html.Div(
            [f"{month}: ", html.Span(NO_ACCESS, className="fw-semibold", title=NO_ACCESS_HELP)],
            className="kpi-note",
        )
    if found.state == "sin_pronostico":
        return _note(f"Sin pronóstico para {month}.")
    value = lambda v: format_value(v, digits)  # noqa: E731
    sign = "+" if found.error > 0 else ""
    direction = {True: " · dirección acertada", False: " · dirección errada", None: ""}
    return html.Div(
        [
            html.Span(f"{month}: pronosticado {value(found.forecast)}, ocurrió "),
            html.Span(value(found.actual), className="fw-semibold"),
            html.Span(f" · error {sign}{value(found.error)}{direction[found.direction_right]}"),
        ],
        className="kpi-note",
    )


def _accuracy_line(summary: Accuracy | None) -> html.Div:
    if summary is None or summary.hidden:
        body: list[object] = [
            "Precisión de sus pronósticos: ",
            html.Span(NO_ACCESS, className="fw-semibold", title=NO_ACCESS_HELP),
        ]
    elif summary.pairs == 0:
        body = ["Precisión de sus pronósticos: sin pronósticos evaluados."]
    else:
        n = summary.pairs
        body = [
            "Precisión: error medio ",
            html.Span(percent(summary.error), className="fw-semibold"),
            f" del cambio mensual ({n} pronóstico{'s' if n != 1 else ''}) · {summary.reading}",
        ]
    return html.Div(body, id=ACCURACY_ID, className="kpi-note")


def _note(text: str) -> html.Div:
    return html.Div(text, className="kpi-note")
