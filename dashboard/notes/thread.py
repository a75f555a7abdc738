"""The thread of notes on the goal page: each note with its author, addressee, "revisar el"
date and bottleneck; a button for the addressee to mark it seen; a small form for a new note.

Shown only to a viewer who reads the goal in full (the rule of `notas` in warehouse.scope);
writes go through the single writer to warehouse.notes, which authorises them again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html

from dashboard.notes import ids
from dashboard.notes.data import NoteThread, load_thread
from dashboard.server import database
from dashboard.ui.components import section
from dashboard.ui.formatting import format_datetime
from warehouse import notes
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError

HELP = (
    "Notas internas sobre la meta o una de sus restricciones, dirigidas a una cuenta o a un rol;"
    " quien la recibe la ve en «Pendientes» hasta marcarla como vista. Nunca se publican."
)


def section_for(codigo: str) -> html.Section | None:
    """The goal page's hook: the thread and its form, or nothing for a viewer who does not
    read the goal in full."""
    try:
        thread = database.run(load_thread, database.viewer(), codigo)
    except WarehouseError:
        return None
    if not thread.readable:
        return None
    return section(
        "Notas",
        html.Div(
            [
                dcc.Store(id=ids.GOAL, data=codigo),
                html.Div(thread_list(thread), id=ids.THREAD_LIST),
                html.Div(id=ids.CLOSE_RESULT, role="status"),
                note_form(thread, chile_today()),
            ],
            id=ids.THREAD,
        ),
        help_text=HELP,
    )


def thread_list(thread: NoteThread) -> object:
    if thread.notes.empty:
        return html.P("Sin notas en esta meta.", className="text-muted")
    return html.Ul(
        [_note(thread, r) for r in thread.notes.to_dict("records")],
        className="list-unstyled mb-3",
    )


def addressee_label(para: object) -> str:
    return notes.ADDRESSEE_LABELS.get(str(para), str(para))


def _note(thread: NoteThread, record: dict) -> html.Li:
    closed = not _missing(record.get("cerrada_en"))
    review = record.get("revisar_el")
    meta = [
        html.Strong(str(record["autor"])),
        f" → {addressee_label(record['para'])} · {_when(record['creada_en'])}",
    ]
    if not _missing(record.get("codigo_restriccion")):
        meta.append(f" · restricción {record['codigo_restriccion']}")
    if not _missing(review):
        meta.append(f" · revisar el {_day(review)}")
    state: object
    if closed:
        state = html.Span(
            f"Vista por {record['cerrada_por']} el {_when(record['cerrada_en'])}",
            className="badge text-bg-light",
        )
    elif thread.addressed_to_viewer(record["para"]):
        state = dbc.Button(
            "Marcar como vista",
            id={"type": ids.CLOSE, "note": int(record["id"])},
            size="sm",
            color="secondary",
            outline=True,
        )
    else:
        state = html.Span("Pendiente", className="badge text-bg-warning")
    return html.Li(
        [
            html.Div(meta, className="small text-body-secondary"),
            html.Div(str(record["texto"]), className="my-1", style={"whiteSpace": "pre-wrap"}),
            state,
        ],
        className="border-start border-3 ps-2 mb-2",
        id=f"{ids.THREAD}-{int(record['id'])}",
    )


def note_form(thread: NoteThread, today: date) -> dbc.Card:
    roles = [html.Option(value=role, label=label) for role, label in notes.ADDRESSEE_LABELS.items()]
    bottlenecks = [{"label": "La meta", "value": ""}] + [
        {"label": f"Restricción {code}", "value": code} for code in thread.bottlenecks
    ]
    to = dbc.Input(id=ids.TO, list=ids.TO_OPTIONS, type="text")
    review_on = dbc.Input(id=ids.REVIEW_ON, type="date", min=today.isoformat())
    fields = dbc.Row(
        [
            _field("Para (cuenta o rol)", to, 4),
            _field("Sobre", dbc.Select(id=ids.BOTTLENECK, options=bottlenecks, value=""), 4),
            _field("Revisar el", review_on, 4),
            _field("Nota", dbc.Textarea(id=ids.TEXT, maxLength=notes.TEXT_CHARS, rows=3), 12),
        ],
        class_name="g-2",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.Datalist(roles, id=ids.TO_OPTIONS),
                fields,
                dbc.Button("Agregar nota", id=ids.SAVE, color="primary", class_name="mt-2"),
                html.Div(id=ids.RESULT, className="mt-2", role="status"),
            ]
        )
    )


def _field(label: str, control: object, width: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=getattr(control, "id", None)), control], md=width)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _when(value: object) -> str:
    return format_datetime(pd.Timestamp(value).to_pydatetime())


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%d-%m-%Y")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _review_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _refreshed(codigo: str) -> object:
    return thread_list(database.run(load_thread, database.viewer(), codigo))


def register_callbacks() -> None:
    """The form's save and the addressee's "seen" button (called by the goal page's module,
    which Dash imports once per app)."""

    @dash.callback(
        Output(ids.RESULT, "children"),
        Output(ids.THREAD_LIST, "children", allow_duplicate=True),
        Input(ids.SAVE, "n_clicks"),
        State(ids.GOAL, "data"),
        State(ids.TO, "value"),
        State(ids.TEXT, "value"),
        State(ids.REVIEW_ON, "value"),
        State(ids.BOTTLENECK, "value"),
        prevent_initial_call=True,
    )
    def add_note(_clicks, codigo, para, text, review_on, bottleneck):
        """A new note → warehouse.notes on the primary → the thread again."""
        if not isinstance(codigo, str):
            return dash.no_update, dash.no_update
        try:
            result = database.write(
                notes.add_note, database.viewer(), codigo_meta=codigo, texto=str(text or ""),
                para=str(para or ""), codigo_restriccion=str(bottleneck or "") or None,
                revisar_el=_review_day(review_on), at=_now(),
            )  # fmt: skip
        except WarehouseError as exc:
            return dbc.Alert(f"{exc.title}: {exc.detail}", color="danger"), dash.no_update
        color = "success" if result.saved else "warning"
        alert = dbc.Alert(result.message, color=color, class_name="mb-0")
        return alert, (_refreshed(codigo) if result.saved else dash.no_update)

    @dash.callback(
        Output(ids.CLOSE_RESULT, "children"),
        Output(ids.THREAD_LIST, "children", allow_duplicate=True),
        Input({"type": ids.CLOSE, "note": ALL}, "n_clicks"),
        State(ids.GOAL, "data"),
        prevent_initial_call=True,
    )
    def close_note(clicks, codigo):
        """The addressee marks a note seen (warehouse.notes checks it is the addressee)."""
        clicked = ctx.triggered_id
        if not isinstance(codigo, str) or not isinstance(clicked, dict) or not any(clicks or ()):
            return dash.no_update, dash.no_update
        try:
            note = int(clicked["note"])
            result = database.write(notes.close_note, database.viewer(), note, _now())
        except (WarehouseError, ValueError, KeyError, TypeError):
            return dash.no_update, dash.no_update
        alert = dbc.Alert(result.message, color="success" if result.saved else "warning")
        return alert, _refreshed(codigo)
