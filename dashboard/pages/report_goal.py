"""Reportar una meta (/reportar/<codigo>): the manager's one screen per goal — report a month
(national and regional values, a comment, next month's forecast), raise or update a
bottleneck, mark milestones done, and every figure's history through validation.

Callbacks are thin: the viewer comes from the session, reading and writing live in
dashboard.reporting, and every entry is authorised and checked again where it is written
(loaders.entries), so a crafted request for another goal changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard.reporting import ids, month_form, submit
from dashboard.reporting.bottleneck_forms import (
    milestones_form,
    new_bottleneck_form,
    update_bottleneck_form,
)
from dashboard.reporting.data import GoalWork, load_goal_work
from dashboard.server import database
from dashboard.ui.components import dropdown, error_alert, section
from dashboard.ui.figure_history import figure_history
from dashboard.ui.shell import APP_TITLE
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError


def _title(codigo: str | None = None, **_query: str) -> str:
    return f"Reportar {codigo} · {APP_TITLE}" if codigo else "Reportar"


dash.register_page(
    __name__,
    path_template="/reportar/<codigo>",
    name="Reportar una meta",
    title=_title,
    nav=False,
)

ALERT_COLORS = {
    "guardada": "success",
    "sin_cambios": "info",
    "vacio": "info",
    "confirmar": "warning",
}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _work(codigo: str | None) -> GoalWork | None:
    code = (codigo or "").strip()[:40]
    return database.run(load_goal_work, code, chile_today()) if code else None


def layout(codigo: str | None = None, **_query: str) -> html.Div:
    viewer = database.viewer()
    back = dcc.Link("← Volver a la bandeja", href="/reportar", className="small")
    if codigo not in viewer.goals:
        return html.Div([back, dbc.Alert(
            f"Su cuenta no es gerente de la meta {codigo}: no puede informar sus cifras.",
            color="warning", id=ids.ERROR)])  # fmt: skip
    try:
        work = _work(codigo)
    except WarehouseError as exc:
        return html.Div([back, error_alert(exc, ids.ERROR)])
    if work is None:
        return html.Div([back, dbc.Alert("La meta no existe.", color="warning", id=ids.ERROR)])
    month = month_form.default_month(work)
    return html.Div(
        [
            back,
            html.H1(f"{work.code} · {work.record['nombre']}", id=ids.TITLE, className="h3 mt-2"),
            html.P(
                f"Unidad: {work.record['unidad']} · {work.record['ministerio']}",
                className="text-body-secondary",
            ),
            dcc.Store(id=ids.GOAL, data=work.code),
            section("Informe mensual", _month_section(work, month)),
            section(
                "Restricciones",
                html.Div([new_bottleneck_form(work), html.Hr(), update_bottleneck_form(work)]),
            ),
            section("Hitos", milestones_form(work, chile_today())),
            section("Historial de las cifras", _history(work)),
        ]
    )


def _month_section(work: GoalWork, month: date | None) -> html.Div:
    if month is None:
        return html.P("La meta no tiene meses por informar todavía.")
    return html.Div(
        [
            dbc.Label("Mes", html_for=ids.MONTH),
            dropdown(
                id=ids.MONTH,
                options=month_form.month_options(work),
                value=month.isoformat(),
                clearable=False,
                className="mb-3",
            ),
            html.Div(month_form.month_fields(work, month), id=ids.MONTH_FIELDS),
            dbc.Button("Enviar a validación", id=ids.SAVE_MONTH, color="primary", n_clicks=0),
            html.Div(
                id=ids.MONTH_RESULT, role="status", className="mt-2", **{"aria-live": "polite"}
            ),
        ]
    )


def _history(work: GoalWork) -> html.Div:
    return figure_history(work.versions, work.region_names, _now(), id_=ids.HISTORY)


def _alert(outcome: submit.Outcome) -> dbc.Alert:
    color = ALERT_COLORS.get(outcome.status, "danger")
    return dbc.Alert(outcome.message, color=color, dismissable=True)


def _by_field(states: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return {item["id"][key]: item.get("value") for item in states}


@callback(
    Output(ids.MONTH_FIELDS, "children"),
    Input(ids.MONTH, "value"),
    State(ids.GOAL, "data"),
    prevent_initial_call=True,
)
def show_month(month: object, codigo: object):
    work = _work(codigo if isinstance(codigo, str) else None)
    if work is None or not isinstance(month, str):
        raise dash.exceptions.PreventUpdate
    return month_form.month_fields(work, date.fromisoformat(month[:10]))


@callback(
    Output(ids.MONTH_RESULT, "children"),
    Output(ids.MONTH_FIELDS, "children", allow_duplicate=True),
    Output(ids.HISTORY, "children"),
    Input(ids.SAVE_MONTH, "n_clicks"),
    State(ids.GOAL, "data"),
    State(ids.MONTH, "value"),
    State({"type": ids.VALUE, "region": ALL}, "value"),
    State(ids.VERSIONS, "data"),
    State(ids.COMMENT, "value"),
    State(ids.FORECAST, "value"),
    State(ids.CONFIRM, "value"),
    prevent_initial_call=True,
)
def save_month(_n, codigo, month, _values, versions, comment, forecast, confirmed):
    work = _work(codigo if isinstance(codigo, str) else None)
    if work is None or not isinstance(month, str):
        raise dash.exceptions.PreventUpdate
    chosen = date.fromisoformat(month[:10])
    values = _by_field(ctx.states_list[2], "region")
    outcome = submit.save_month(
        database.viewer(), work, chosen, values, versions if isinstance(versions, dict) else {},
        comment, forecast, confirmed is True,
    )  # fmt: skip
    if outcome.saved:
        fresh = _work(work.code) or work
        return _alert(outcome), month_form.month_fields(fresh, chosen), _history(fresh).children
    fields = month_form.month_fields(
        work, chosen, entered=values, errors=outcome.errors, comment=comment, forecast=forecast,
        jump=outcome.jump,
    )  # fmt: skip
    return _alert(outcome), fields, no_update


@callback(
    Output(ids.BOTTLENECK_RESULT, "children"),
    Output(ids.UPDATE_BOTTLENECK, "children"),
    Input(ids.SAVE_BOTTLENECK, "n_clicks"),
    State(ids.GOAL, "data"),
    State({"type": ids.BOTTLENECK_FIELD, "field": ALL}, "value"),
    prevent_initial_call=True,
)
def raise_bottleneck(_n, codigo, _fields):
    work = _work(codigo if isinstance(codigo, str) else None)
    if work is None:
        raise dash.exceptions.PreventUpdate
    fields = _by_field(ctx.states_list[1], "field")
    outcome = submit.raise_bottleneck(database.viewer(), work, fields, chile_today())
    if not outcome.saved:
        return _alert(_with_reasons(outcome)), no_update
    fresh = _work(work.code) or work
    return _alert(outcome), update_bottleneck_form(fresh).children


@callback(
    Output(ids.UPDATE_RESULT, "children"),
    Input(ids.SAVE_UPDATE, "n_clicks"),
    State({"type": ids.UPDATE_FIELD, "field": ALL}, "value"),
    State(ids.BOTTLENECK_VERSIONS, "data"),
    prevent_initial_call=True,
)
def update_bottleneck(_n, _fields, versions):
    fields = _by_field(ctx.states_list[0], "field")
    known = versions if isinstance(versions, dict) else {}
    return _alert(_with_reasons(submit.update_bottleneck(database.viewer(), fields, known)))


@callback(
    Output(ids.MILESTONE_RESULT, "children"),
    Input({"type": ids.SAVE_MILESTONE, "hito": ALL}, "n_clicks"),
    State({"type": ids.MILESTONE_DATE, "hito": ALL}, "value"),
    State(ids.GOAL, "data"),
    State(ids.MILESTONE_VERSIONS, "data"),
    prevent_initial_call=True,
)
def mark_milestone(clicks, _dates, codigo, versions):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    work = _work(codigo if isinstance(codigo, str) else None)
    if work is None:
        raise dash.exceptions.PreventUpdate
    code = str(trigger.get("hito"))
    dates = _by_field(ctx.states_list[0], "hito")
    known = versions if isinstance(versions, dict) else {}
    outcome = submit.mark_milestone(database.viewer(), work, code, dates.get(code), known)
    return _alert(_with_reasons(outcome))


def _with_reasons(outcome: submit.Outcome) -> submit.Outcome:
    """Field reasons folded into the message (these forms show one alert)."""
    reasons = [f"{column or 'registro'}: {why}" for row in outcome.errors.values()
               for column, why in row.items()]  # fmt: skip
    if not reasons:
        return outcome
    return submit.Outcome(outcome.status, outcome.message + " " + "; ".join(reasons))
