"""The weekly review's "Precisión de los pronósticos por ministerio": whether a ministry's
"next month it recovers" comes true.

Read as known at the end of the review date, up to the review's month, on the viewer's scoped
cursor (warehouse.forecasts); computed by indicators.forecasts. A ministry whose forecasts or
figures the viewer may not all read shows "sin acceso", never a number computed on the part it
reads (warehouse.figure_access.FIGURE_ACCESS).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
from dash import html

from dashboard.server import database
from dashboard.ui.components import percent, section
from dashboard.ui.formatting import NO_ACCESS, NO_ACCESS_HELP, format_int
from dashboard.ui.goal_tables import Column, small_table
from indicators.forecasts import ministry_accuracy
from indicators.months import knowledge_instant
from warehouse import forecasts as q
from warehouse.db import WarehouseError

TABLE_ID = "inicio-pronosticos"
TITLE = "Precisión de los pronósticos por ministerio"
HELP = (
    "Cada pronóstico del mes siguiente se compara con lo ocurrido. Error medio: suma de "
    "|pronóstico − real| dividida por la suma de |cambio mensual|, en las cifras nacionales "
    "reportadas (validadas o no) hasta el mes de corte. Sesgo: lo mismo con el signo, positivo "
    "cuando se pronosticó más avance del que hubo (optimista). Fiable: error ≤ 50 % y sesgo "
    "menor que ±25 %; se necesitan al menos 3 pronósticos."
)


def read_accuracy(con: duckdb.DuckDBPyConnection, as_of: date, date_to: date) -> pd.DataFrame:
    """indicators.forecasts.ministry_accuracy of every goal, as known at the end of `date_to`."""
    rows = q.forecast_rows(con, until=as_of, known_at=knowledge_instant(date_to))
    return ministry_accuracy(rows, as_of)


def forecast_section(as_of: date, date_to: date) -> html.Section:
    """The section for the current request's viewer (one read on its scoped cursor)."""
    try:
        frame = database.run(read_accuracy, as_of, date_to)
    except WarehouseError:
        body: object = html.Div("No se pudo leer la precisión de los pronósticos.", id=TABLE_ID)
    else:
        body = accuracy_table(frame)
    return section(TITLE, body, help_text=HELP)


def _hidden(row: dict, shown: object) -> object:
    return html.Span(NO_ACCESS, title=NO_ACCESS_HELP) if row["sin_acceso"] else shown


def _signed(value: float | None) -> str:
    """+12 % for a bias toward optimism: the sign is the reading."""
    text = percent(value)
    return "+" + text if value is not None and not pd.isna(value) and value > 0 else text


def accuracy_table(frame: pd.DataFrame) -> html.Div:
    """One row per ministry (ministry_accuracy's frame): pure, testable without a server."""
    columns = [
        Column("Ministerio", lambda r: r["ministerio"]),
        Column(
            "Pronósticos evaluados",
            lambda r: _hidden(r, format_int(r["pronosticos"])),
            numeric=True,
        ),
        Column(
            "Error medio (% del cambio mensual)",
            lambda r: _hidden(r, percent(r["error_relativo"])),
            numeric=True,
        ),
        Column("Sesgo", lambda r: _hidden(r, _signed(r["sesgo"])), numeric=True, nowrap=True),
        Column("Lectura", lambda r: _hidden(r, r["lectura"])),
    ]
    return small_table(frame, columns, id_=TABLE_ID, empty="Ningún ministerio tiene metas.")
