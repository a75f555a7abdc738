"""Commitment follow-ups on the region page: each commitment's latest follow-up and its history,
and the regional account's form to record one (date, new state, note).

A follow-up entered here is a one-row `seguimientos` file through `loaders.entries` — the
loader's rules and the authority check on the primary (only the commitment's own region) — so
it is the same row a file would load. The latest follow-up by date is the commitment's state
on every screen (warehouse.commitments).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs

import dash
import dash_bootstrap_components as dbc
import duckdb
import pandas as pd
from dash import Input, Output, State, html

from dashboard.server import database
from dashboard.territory import data as td
from dashboard.territory import region_views as rv
from dashboard.territory.filters import parse
from dashboard.ui import ids
from dashboard.ui.components import table
from dashboard.ui.formatting import NO_DATA, format_datetime
from loaders import entries
from loaders.entries import Entry, EntryResult
from warehouse import commitments as queries
from warehouse.audit import FORM
from warehouse.chile_time import chile_today
from warehouse.current_rows import current_row
from warehouse.db import WarehouseError
from warehouse.scope import REGION, Scope
from warehouse.vocabulary import COMMITMENT_STATE_LABELS

PANEL = "region-seguimientos"
HISTORY = "region-seguimientos-historial"
CODE = "region-seguimiento-compromiso"
DAY = "region-seguimiento-fecha"
STATE = "region-seguimiento-estado"
NOTE = "region-seguimiento-nota"
SAVE = "region-seguimiento-guardar"
RESULT = "region-seguimiento-resultado"
ACTION = "registrar seguimiento"
CHANNELS = {"formulario": "formulario web", "api": "API", "archivo": "archivo"}


@dataclass(frozen=True)
class FollowUps:
    """The region's commitments (code, description) and their follow-ups, newest first."""

    region: str
    commitments: pd.DataFrame
    rows: pd.DataFrame


def load(con: duckdb.DuckDBPyConnection, region: str) -> FollowUps:
    listed = queries.commitments(con, region=region)[["codigo_compromiso", "descripcion"]]
    return FollowUps(region, listed, queries.follow_ups(con, region))


def may_record(viewer: Scope, region: str) -> bool:
    """Said on the page; `loaders.entries` decides again on the primary."""
    return viewer.role == REGION and viewer.region == region


def panel(region: str) -> html.Div:
    """The section's body for the region page: history, and the form for its own account."""
    viewer = database.viewer()
    try:
        data = database.run(load, region)
    except WarehouseError as exc:
        return html.Div(exc.title, className="text-danger", id=PANEL)
    form = recording_form(data, chile_today()) if may_record(viewer, region) else None
    return html.Div([form, html.Div(history(data), id=HISTORY)], id=PANEL)


def history(data: FollowUps) -> html.Div:
    """Per commitment with follow-ups: the latest one in a line, the earlier ones below."""
    if data.rows.empty:
        return html.P("Sin seguimientos registrados.", className="text-muted")
    names = dict(data.commitments.itertuples(index=False))
    blocks = []
    for code, rows in data.rows.groupby("codigo_compromiso", sort=True):
        ordered = rows.sort_values("fecha", ascending=False).to_dict("records")
        latest = ordered[0]
        blocks.append(
            html.Details(
                [
                    html.Summary(
                        [
                            html.Strong(str(code)),
                            f" · {names.get(code, '')} · último: {_day(latest['fecha'])}, ",
                            html.Span(_state(latest["estado"]), className="fw-semibold"),
                            f" — {latest['nota'] or NO_DATA}",
                        ]
                    ),
                    table(
                        ["Fecha", "Estado", "Nota", "Registrado"],
                        [_row(r) for r in ordered],
                        f"{HISTORY}-{code}",
                    ),
                ],
                className="mb-2",
            )
        )
    return html.Div(blocks)


def _row(record: dict) -> html.Tr:
    how = CHANNELS.get(str(record.get("canal") or ""), "archivo")
    who = record.get("usuario")
    when = record.get("cargado_en")
    sent = " · ".join(
        part
        for part in (
            how,
            str(who) if isinstance(who, str) and who else "",
            format_datetime(pd.Timestamp(when).to_pydatetime()) if not pd.isna(when) else "",
        )
        if part
    )
    return html.Tr(
        [
            html.Td(_day(record["fecha"]), className="text-nowrap"),
            html.Td(_state(record["estado"])),
            html.Td(record["nota"] or NO_DATA),
            html.Td(sent, className="small"),
        ]
    )


def recording_form(data: FollowUps, today: date) -> dbc.Card:
    options = [
        {"label": f"{code} · {text}", "value": code}
        for code, text in data.commitments.itertuples(index=False)
    ]
    states = [{"label": label, "value": code} for code, label in COMMITMENT_STATE_LABELS.items()]
    fields = dbc.Row(
        [
            _field("Compromiso", dbc.Select(id=CODE, options=options), 5),
            _field("Fecha", dbc.Input(id=DAY, type="date", value=today.isoformat()), 3),
            _field("Nuevo estado", dbc.Select(id=STATE, options=states), 4),
            _field("Nota", dbc.Textarea(id=NOTE, maxLength=2000, rows=2), 12),
        ],
        class_name="g-2",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3("Registrar seguimiento", className="h6"),
                fields,
                dbc.Button("Guardar seguimiento", id=SAVE, color="primary", class_name="mt-2"),
                html.Div(id=RESULT, className="mt-2", role="status"),
            ]
        ),
        class_name="mb-3",
    )


def _field(label: str, control: object, width: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=getattr(control, "id", None)), control], md=width)


def record(viewer: Scope, code: object, day: object, state: object, note: object) -> EntryResult:
    """The follow-up as an entry, written through the loader on the primary."""
    cells = {
        "codigo_compromiso": _text(code),
        "fecha": _text(day),
    }
    if not cells["codigo_compromiso"] or not cells["fecha"] or not _text(state):
        return EntryResult(entries.REFUSED, "Elija el compromiso, la fecha y el nuevo estado.")
    entry = Entry(
        "seguimientos", cells, {"estado": _text(state), "nota": _text(note)}, FORM,
        viewer.user or "", ACTION,
    )  # fmt: skip
    try:
        return database.load(_write, viewer, entry)
    except WarehouseError as exc:
        return EntryResult("error", f"{exc.title}: {exc.detail}")


def _write(con: duckdb.DuckDBPyConnection, viewer: Scope, entry: Entry) -> EntryResult:
    """A second follow-up on the same day replaces that day's (its version read here)."""
    stored = current_row(con, "seguimientos", entry.key) if _is_day(entry.key["fecha"]) else None
    version = stored.version if stored else entries.ANY_VERSION
    entry = Entry(
        entry.kind, entry.key, entry.cells, entry.channel, entry.user, entry.action,
        read_version=version,
    )  # fmt: skip
    return entries.write_entry(con, viewer, entry)


def result_message(result: EntryResult) -> dbc.Alert:
    if result.written:
        return dbc.Alert("Seguimiento guardado.", color="success", class_name="mb-0")
    reasons = [
        f"{column}: {reason}" if column else reason for column, reason in result.errors.items()
    ]
    return dbc.Alert(
        [html.Div(result.message), *(html.Div(r, className="small") for r in reasons)],
        color="warning" if result.status != entries.FORBIDDEN else "danger",
        class_name="mb-0",
    )


def _is_day(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _state(code: object) -> str:
    return COMMITMENT_STATE_LABELS.get(str(code), str(code))


def _day(value: object) -> str:
    if value is None or pd.isna(value):
        return NO_DATA
    return pd.Timestamp(value).strftime("%d-%m-%Y")


def register_callbacks() -> None:
    """Save → the loader's verdict, and on success the history and the commitments table again
    (the commitment's state is its latest follow-up's)."""

    @dash.callback(
        Output(RESULT, "children"),
        Output(HISTORY, "children"),
        Output(ids.REGION_COMMITMENTS, "children"),
        Input(SAVE, "n_clicks"),
        State(CODE, "value"),
        State(DAY, "value"),
        State(STATE, "value"),
        State(NOTE, "value"),
        State(ids.REGION_CODE, "data"),
        State(ids.REGION_URL, "search"),
        prevent_initial_call=True,
    )
    def save_follow_up(_clicks, code, day, state, note, region, search):
        result = record(database.viewer(), code, day, state, note)
        if not result.written or not isinstance(region, str):
            return result_message(result), dash.no_update, dash.no_update
        query = {k: v[-1] for k, v in parse_qs(str(search or "").lstrip("?")).items()}
        view = database.run(td.region_view, region, parse(query))
        table = rv.commitments_table(view) if view is not None else dash.no_update
        return result_message(result), history(database.run(load, region)), table
