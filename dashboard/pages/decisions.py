"""Decisiones del Grupo de Estrategia (/decisiones): the decisions on escalated bottlenecks,
filtered (open, overdue, closed; ministry, goal, bottleneck) and exported as CSV; presidencia
records a decision and closes one here.

Callbacks are thin: the viewer comes from the session (`database.viewer()`, never from the
request's inputs), each write authorises itself again on the primary
(warehouse.decisions.record_decision / close_decision), and the list is read back on the
viewer's scoped cursor. A crafted request from another role therefore writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.decisions import export, forms, grid, ids
from dashboard.decisions.data import (
    DecisionFilters,
    decision_rows,
    load_view,
    open_decisions,
    parse_filters,
)
from dashboard.server import database
from dashboard.ui.components import error_alert
from dashboard.ui.shell import APP_TITLE
from warehouse import decisions as q
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError
from warehouse.scope import PRESIDENCIA

dash.register_page(
    __name__,
    path="/decisiones",
    name="Decisiones",
    title="Decisiones del Grupo de Estrategia · " + APP_TITLE,
    order=3,
)

INTRO = (
    "Lo que el Grupo de Estrategia decidió sobre las restricciones escaladas: quién responde, "
    "para cuándo y, al cerrarse, con qué resultado. Una decisión abierta sigue en la revisión "
    "semanal hasta que se cierra; «vencida»: abierta después de su fecha de vencimiento."
)


def _now() -> datetime:
    """UTC without zone, as the warehouse stores times."""
    return datetime.now(UTC).replace(tzinfo=None)


def _today() -> date:
    return chile_today(datetime.now(UTC))


def layout(**query: str) -> html.Div:
    viewer = database.viewer()
    header = html.H1("Decisiones del Grupo de Estrategia", id=ids.TITLE, className="h2 mt-2")
    filters = parse_filters(query)
    try:
        view = database.run(load_view, filters, _today())
    except WarehouseError as exc:
        return html.Div([header, error_alert(exc, ids.ERROR)])
    deciding = viewer.role == PRESIDENCIA
    rows = grid.grid_rows(view.rows)
    return html.Div(
        [
            header,
            html.P(INTRO, id=ids.INTRO, className="lead"),
            None if deciding else forms.read_only_notice(),
            forms.record_form(view, filters.restriccion, _today(), hidden=not deciding),
            forms.close_form(view, hidden=not deciding),
            forms.filters_row(view, filters),
            html.Div(
                [
                    html.P(grid.count_text(len(rows)), id=ids.COUNT, className="mb-0 me-3"),
                    dbc.Button(
                        [html.I(className="bi bi-filetype-csv me-1"), "Descargar CSV"],
                        id=ids.CSV,
                        color="secondary",
                        outline=True,
                        size="sm",
                        n_clicks=0,
                    ),
                    dcc.Download(id=ids.DOWNLOAD),
                ],
                className="d-flex align-items-center mb-2",
            ),
            grid.decisions_grid(rows),
            dcc.Store(id=ids.RECORDED, data=0),
            dcc.Store(id=ids.CLOSED, data=0),
        ]
    )


FILTER_INPUTS = (
    Input(ids.STATE, "value"),
    Input(ids.MINISTRY, "value"),
    Input(ids.GOAL, "value"),
    Input(ids.BOTTLENECK, "value"),
)


def _filters(state: object, ministry: object, goal: object, bottleneck: object) -> DecisionFilters:
    return parse_filters(
        {"estado": state, "ministerio": ministry, "meta": goal, "restriccion": bottleneck}
    )


@callback(
    Output(ids.GRID, "rowData"),
    Output(ids.COUNT, "children"),
    Output(ids.CLOSE_DECISION, "options"),
    *FILTER_INPUTS,
    Input(ids.RECORDED, "data"),
    Input(ids.CLOSED, "data"),
    prevent_initial_call=True,
)
def refresh(state, ministry, goal, bottleneck, _recorded, _closed):
    """The list for the filters, read again after a filter changes or a form wrote."""
    filters = _filters(state, ministry, goal, bottleneck)
    try:
        rows = database.run(decision_rows, filters, _today())
        pending = database.run(open_decisions, _today())
    except WarehouseError:
        return no_update, "No se pudieron leer las decisiones.", no_update
    return grid.grid_rows(rows), grid.count_text(len(rows)), forms.close_options(pending)


def _due(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@callback(
    Output(ids.RECORD_RESULT, "children"),
    Output(ids.RECORDED, "data"),
    Output(ids.RECORD_TEXT, "value"),
    Input(ids.RECORD, "n_clicks"),
    State(ids.RECORD_BOTTLENECK, "value"),
    State(ids.RECORD_TEXT, "value"),
    State(ids.RECORD_OWNER, "value"),
    State(ids.RECORD_DUE, "date"),
    State(ids.RECORDED, "data"),
    prevent_initial_call=True,
)
def record(_clicks, bottleneck, text, owner, due, recorded):
    """Record a decision (presidencia only; the warehouse checks again on the primary)."""

    def write() -> object:
        day = _due(due)
        if day is None:
            raise q.DecisionRequestError("Falta la fecha de vencimiento", "elija un día.")
        return database.write(
            q.record_decision, database.viewer(), str(bottleneck or ""), text, owner, day, _now()
        )

    def done(new_id: object) -> tuple[str, str]:
        return (
            f"Se registró la decisión n.º {new_id}",
            f"sobre {bottleneck}; seguirá en la revisión semanal hasta que se cierre.",
        )

    return _form_write(ids.RECORD_RESULT, write, done, recorded)


@callback(
    Output(ids.CLOSE_RESULT, "children"),
    Output(ids.CLOSED, "data"),
    Output(ids.CLOSE_OUTCOME, "value"),
    Input(ids.CLOSE, "n_clicks"),
    State(ids.CLOSE_DECISION, "value"),
    State(ids.CLOSE_OUTCOME, "value"),
    State(ids.CLOSED, "data"),
    prevent_initial_call=True,
)
def close(_clicks, decision, outcome, closed):
    """Close an open decision with its outcome (presidencia only; checked again on the primary)."""

    def write() -> object:
        if not decision:
            raise q.DecisionRequestError("Elija una decisión abierta")
        return database.write(q.close_decision, database.viewer(), decision, outcome, _now())

    def done(_result: object) -> tuple[str, str]:
        return f"Se cerró la decisión n.º {decision}", "queda en el historial con su resultado."

    return _form_write(ids.CLOSE_RESULT, write, done, closed)


def _form_write(
    result_id: str,
    write: Callable[[], object],
    done: Callable[[object], tuple[str, str]],
    count: object,
) -> tuple[object, object, object]:
    """(message, the form's write counter, the cleared text) of one of presidencia's forms: a
    refusal or a failure says why and changes nothing; a write counts, so the list reloads."""
    try:
        q.check_actor(database.viewer())
        result = write()
    except q.DecisionRequestError as exc:
        return forms.alert(exc.title, exc.detail, id_=result_id), no_update, no_update
    except WarehouseError as exc:
        failed = forms.alert(exc.title, exc.detail, color="danger", id_=result_id)
        return failed, no_update, no_update
    title, detail = done(result)
    return forms.alert(title, detail, color="success", id_=result_id), int(count or 0) + 1, ""


@callback(
    Output(ids.DOWNLOAD, "data"),
    Input(ids.CSV, "n_clicks"),
    State(ids.STATE, "value"),
    State(ids.MINISTRY, "value"),
    State(ids.GOAL, "value"),
    State(ids.BOTTLENECK, "value"),
    prevent_initial_call=True,
)
def download(_clicks, state, ministry, goal, bottleneck):
    """Exactly the filtered decisions, as the viewer may read them."""
    filters = _filters(state, ministry, goal, bottleneck)
    rows = database.run(decision_rows, filters, _today())
    return dcc.send_bytes(export.csv_bytes(rows), export.file_name(_now()))
