"""Datos: what the warehouse holds and which files were loaded last.

Whoever runs the dashboard checks here that the loads worked: current rows per kind of data,
the latest files with their state, and the files that left rows in quarantine (which the
sender must fix and send again: `python -m loaders quarantine --file <archivo>`). Accounts that
may load files upload them here (dashboard/uploads).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import duckdb
import pandas as pd
from dash import Input, Output, callback, html

from dashboard.server import database
from dashboard.ui import components, ids
from dashboard.ui.formatting import format_datetime, format_int
from dashboard.ui.shell import APP_TITLE
from dashboard.uploads import views as uploads
from loaders.contracts import KINDS
from warehouse import catalog, status
from warehouse.db import WarehouseError

dash.register_page(__name__, path="/datos", name="Datos", title="Datos · " + APP_TITLE, order=80)

REGION_COUNT = 16  # Chile (DPA 2023)
RECENT_LOADS = 20
STATE_LABELS = {"loaded": "Cargado", "partial": "Parcial"}
STATE_ICONS = {
    "loaded": "bi-check-circle semaforo-verde",
    "partial": "bi-exclamation-triangle semaforo-amarillo",
}


def kpi_card(label: str, value: str, icon: str, note: str = "", *, small: bool = False) -> dbc.Col:
    """One headline figure: a big number and what it counts. Words of the value never break
    inside (a date stays whole), so a narrow card wraps between words only."""
    words = value.split(" ")
    parts = [html.Span(w, className="text-nowrap") for w in words]
    spaced = [item for part in parts for item in (part, " ")][:-1]
    body = [
        html.Div([html.I(className=f"bi {icon} me-2"), label], className="kpi-label"),
        html.Div(spaced, className="kpi-value kpi-value-small" if small else "kpi-value"),
    ]
    if note:
        body.append(html.Div(note, className="kpi-note"))
    return dbc.Col(dbc.Card(dbc.CardBody(body), class_name="kpi-card h-100"), xs=6, md=4, xl=2)


def kpi_cards(st: status.WarehouseStatus) -> dbc.Row:
    rows = st.current_rows
    last = format_datetime(st.last_load)
    cards = [
        kpi_card("Metas", format_int(rows.get("metas", 0)), "bi-bullseye"),
        kpi_card("Servicios", format_int(rows.get("instituciones", 0)), "bi-building"),
        kpi_card("Productos", format_int(rows.get("productos", 0)), "bi-box-seam"),
        kpi_card("Filas de entregas", format_int(rows.get("entregas", 0)), "bi-truck"),
        kpi_card(
            "Regiones con datos",
            format_int(st.regions_with_data),
            "bi-map",
            f"de {REGION_COUNT} regiones",
        ),
        kpi_card("Última carga", last, "bi-clock-history", "hora de Chile", small=True),
    ]
    return dbc.Row(cards, id=ids.DATA_CARDS, class_name="g-3 mb-4")


def kind_label(kind: str) -> str:
    found = KINDS.get(kind)
    return found.label.capitalize() if found else kind


def table(headers: list[str], numeric: list[str], rows: list[html.Tr], id_: str) -> html.Div:
    """Text columns first, then the right-aligned counts."""
    return components.table([*headers, *numeric], rows, id_, set(numeric))


def kinds_table(current_rows: dict[str, int]) -> html.Div:
    """Current rows of every kind of data, in the contracts' order (a kind never loaded = 0)."""
    rows = [
        html.Tr(
            [
                html.Td(kind_label(kind)),
                html.Td(kind, className="text-muted small"),
                html.Td(format_int(current_rows.get(kind, 0)), className="text-end"),
            ]
        )
        for kind in KINDS
    ]
    return table(["Tipo de datos", "Tabla"], ["Filas vigentes"], rows, ids.DATA_KINDS)


def state_cell(state: str) -> html.Td:
    return html.Td(
        [
            html.I(className=f"bi {STATE_ICONS.get(state, 'bi-question-circle')} me-1"),
            STATE_LABELS.get(state, state),
        ],
        className="text-nowrap",
    )


def ingestion_row(ing: status.Ingestion) -> html.Tr:
    numbers = (ing.filas_leidas, ing.filas_cargadas, ing.filas_en_cuarentena)
    return html.Tr(
        [
            html.Td(ing.archivo),
            html.Td(kind_label(ing.tipo)),
            html.Td(format_datetime(ing.cargado_en), className="text-nowrap"),
            state_cell(ing.estado),
            *(html.Td(format_int(n), className="text-end") for n in numbers),
        ]
    )


def ingestions_table(recent: list[status.Ingestion]) -> html.Div:
    if not recent:
        return html.P("Todavía no se ha cargado ningún archivo.", id=ids.DATA_INGESTIONS)
    headers = ["Archivo", "Tipo de datos", "Cargado (hora de Chile)", "Estado"]
    numeric = ["Filas leídas", "Filas cargadas", "En cuarentena"]
    return table(headers, numeric, [ingestion_row(ing) for ing in recent], ids.DATA_INGESTIONS)


def quarantine_table(files: pd.DataFrame) -> html.Div:
    """Files whose rows were partly quarantined: how many rows, and how to list them."""
    if files.empty:
        return html.P(
            [
                html.I(className="bi bi-check2-circle me-2"),
                "Ningún archivo dejó filas en cuarentena.",
            ],
            id=ids.DATA_QUARANTINE,
            className="text-muted",
        )
    rows = [
        html.Tr(
            [
                html.Td(html.Code(f["archivo"])),
                html.Td(kind_label(f["tipo"])),
                html.Td(format_datetime(f["cargado_en"]), className="text-nowrap"),
                html.Td(format_int(int(f["filas_leidas"])), className="text-end"),
                html.Td(format_int(int(f["filas_en_cuarentena"])), className="text-end"),
                html.Td(format_int(int(f["problemas"])), className="text-end"),
            ]
        )
        for f in files.to_dict("records")
    ]
    headers = ["Archivo", "Tipo de datos", "Cargado (hora de Chile)"]
    numeric = ["Filas leídas", "Filas en cuarentena", "Problemas"]
    return table(headers, numeric, rows, ids.DATA_QUARANTINE)


def read_page(con: duckdb.DuckDBPyConnection) -> tuple[status.WarehouseStatus, pd.DataFrame]:
    return status.warehouse_status(con, RECENT_LOADS), catalog.quarantined_files(con)


def error_alert(exc: WarehouseError) -> dbc.Alert:
    return components.error_alert(exc, ids.DATA_ERROR)


def layout(**_query_args: str) -> html.Div:
    """The page; query arguments are accepted (and ignored) so that any shared link opens it."""
    header = [
        html.H1("Datos cargados", id=ids.DATA_TITLE, className="h2 mt-2"),
        html.P("Qué contiene el tablero y qué archivos se cargaron.", className="lead"),
    ]
    try:
        st, quarantined = database.run(read_page)
    except WarehouseError as exc:
        return html.Div([*header, error_alert(exc)])
    upload = uploads.panel(database.viewer())
    return html.Div(
        [
            *header,
            *([upload] if upload is not None else []),
            kpi_cards(st),
            html.H2("Últimas cargas de archivos", className="h4"),
            ingestions_table(st.recent),
            html.H2("Archivos con filas en cuarentena", className="h4 mt-4"),
            html.P(
                [
                    "Las filas con problemas no se cargan; para verlas: ",
                    html.Code("python -m loaders quarantine --file <archivo>"),
                ],
                className="small text-muted",
            ),
            quarantine_table(quarantined),
            html.H2("Filas vigentes por tipo de datos", className="h4 mt-4"),
            kinds_table(st.current_rows),
        ]
    )


@callback(
    Output(uploads.STATE, "children"),
    Output(uploads.POLL, "disabled"),
    Input(uploads.POLL, "n_intervals"),
    Input(uploads.JOB, "data"),
)
def show_upload(ticks: int | None, sent: object) -> tuple[object, bool]:
    """The viewer's upload, polled until it is done (dashboard/uploads/views.py)."""
    return uploads.show_job(ticks, sent)
