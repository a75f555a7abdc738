"""The monthly report form: a month's national figure and its regions, a comment and a
forecast of next month's value, each field with the loader's verdict next to it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.reporting import ids
from dashboard.reporting.data import GoalWork, first_day
from dashboard.ui.goal_format import format_value, is_missing, month_label
from indicators.months import add_months

STATE_WORDS = {"reportado": "esperando validación", "validado": "validada", "devuelto": "devuelta"}
CONFIRM_LABEL = "Confirmo que la cifra es correcta"
FieldErrors = Mapping[str, Mapping[str, str]]  # region key → column → reason


def region_key(region: str | None) -> str:
    return ids.NATIONAL if region is None else region


def key_region(key: str) -> str | None:
    return None if key == ids.NATIONAL else key


def month_options(work: GoalWork) -> list[dict[str, str]]:
    """Each month a report can be entered for, with what it needs ('por informar', …)."""
    owed = {m for m, _ in work.owed()}
    returned = set(work.in_state("devuelto")["mes"].map(first_day)) if work.figures.size else set()
    options = []
    for month in work.month_choices():
        note = " — devuelta" if month in returned else (" — por informar" if month in owed else "")
        options.append({"label": month_label(month) + note, "value": month.isoformat()})
    return options


def default_month(work: GoalWork) -> date | None:
    """The month the form opens on: the oldest returned figure, else the oldest month owed,
    else the newest month."""
    returned = work.in_state("devuelto")
    if not returned.empty:
        return min(returned["mes"].map(first_day))
    owed = work.owed()
    if owed:
        return min(m for m, _ in owed)
    choices = work.month_choices()
    return choices[0] if choices else None


def month_fields(
    work: GoalWork,
    month: date,
    *,
    entered: Mapping[str, Any] | None = None,
    errors: FieldErrors | None = None,
    comment: str | None = None,
    forecast: object = None,
    jump: str | None = None,
) -> list[object]:
    """The fields of one month (values as stored, or as entered when the form comes back with
    errors) and the store of the versions they were read at."""
    rows = work.month_rows(month)
    errors = errors or {}
    national = rows.get(None, {})
    returned = [r for r in rows.values() if r.get("estado") == "devuelto"]
    notes: list[object] = [_returned_alert(work, returned)] if returned else []
    lines = [
        _value_line(work, region, rows.get(region, {}), entered, errors.get(region_key(region), {}))
        for region in work.regions
    ]
    national_errors = errors.get(ids.NATIONAL, {})
    came_back, versions = entered is not None, rows.items()
    return [
        *notes,
        html.Div(lines, className="mb-3"),
        _comment_field(
            _initial(comment, national.get("comentario"), came_back),
            national_errors.get("comentario"),
        ),
        _forecast_field(
            month,
            work,
            _initial(forecast, national.get("pronostico"), came_back),
            national_errors.get("pronostico"),
        ),
        _jump_check(jump),
        dcc.Store(id=ids.VERSIONS, data={region_key(r): row.get("version") for r, row in versions}),
    ]


def _initial(given: object, stored: object, came_back: bool) -> object:
    if came_back:
        return given
    return None if is_missing(stored) else stored


def _value_line(
    work: GoalWork,
    region: str | None,
    row: Mapping[str, Any],
    entered: Mapping[str, Any] | None,
    errors: Mapping[str, str],
) -> dbc.Row:
    key = region_key(region)
    stored = None if is_missing(row.get("valor_real")) else row.get("valor_real")
    value = entered.get(key) if entered is not None else stored
    reason = errors.get("valor_real") or errors.get("mes") or errors.get("")
    field_id = {"type": ids.VALUE, "region": key}
    state = STATE_WORDS.get(str(row.get("estado")), "") if stored is not None else "por informar"
    planned = row.get("valor_programado")
    return dbc.Row(
        [
            dbc.Col(html.Span(work.region_label(region), className="fw-semibold"), md=3),
            dbc.Col(
                html.Label(
                    [
                        html.Span(f"Valor real, {work.region_label(region)}",
                                  className="visually-hidden"),
                        dbc.Input(id=field_id, type="number", value=value, invalid=bool(reason),
                                  inputMode="decimal", debounce=True),
                        dbc.FormFeedback(reason or "", type="invalid"),
                    ],
                    className="w-100 mb-0",
                ),
                md=4,
            ),
            dbc.Col(
                html.Small(
                    f"Programado: {format_value(planned)} · {state}",
                    id=_html_id(key),
                    className="text-body-secondary",
                ),
                md=5,
            ),
        ],
        class_name="g-2 align-items-center mb-1",
    )  # fmt: skip


def _html_id(key: str) -> str:
    """The plain id of a value's help line (a pattern id is JSON in the page)."""
    return f"reportar-ayuda-{key}"


def _returned_alert(work: GoalWork, returned: list[Mapping[str, Any]]) -> dbc.Alert:
    lines = [
        html.Li(
            f"{work.region_label(_region(r))}: «{r.get('comentario') or 'sin comentario'}»"
            + ("" if is_missing(r.get("revisado_por")) else f" — {r['revisado_por']}")
        )
        for r in returned
    ]
    return dbc.Alert(
        [
            html.Strong("Devuelta por la coordinación para corregir:"),
            html.Ul(lines, className="m-0"),
        ],
        color="warning",
    )


def _comment_field(value: object, reason: str | None) -> html.Div:
    return html.Div(
        [
            dbc.Label("Comentario (opcional)", html_for=ids.COMMENT),
            dbc.Textarea(
                id=ids.COMMENT,
                value=value or "",
                rows=2,
                invalid=bool(reason),
                placeholder="Qué explica la cifra: un retraso, una revisión de la fuente…",
            ),
            dbc.FormFeedback(reason or "", type="invalid"),
        ],
        className="mb-3",
    )


def _forecast_field(month: date, work: GoalWork, value: object, reason: str | None) -> html.Div:
    label = f"Pronóstico nacional para {month_label(add_months(month, 1))} (opcional)"
    return html.Div(
        [
            dbc.Label(label, html_for=ids.FORECAST),
            dbc.Input(
                id=ids.FORECAST,
                type="number",
                value=value,
                invalid=bool(reason),
                inputMode="decimal",
                debounce=True,
            ),
            dbc.FormFeedback(reason or "", type="invalid"),
            dbc.FormText(
                f"En {work.record.get('unidad', '')}. La revisión semanal compara cada pronóstico "
                "con lo que ocurrió."
            ),
        ],
        className="mb-3",
    )


def _jump_check(jump: str | None) -> html.Div:
    """Shown when a value jumps out of the goal's trajectory: it is saved only once confirmed,
    and the coordinator sees the mark."""
    return html.Div(
        dbc.Alert(
            [
                html.P([html.Strong("Cifra fuera de la trayectoria. "), jump or ""]),
                dbc.Checkbox(id=ids.CONFIRM, label=CONFIRM_LABEL, value=False),
            ],
            color="warning",
        ),
        hidden=jump is None,
    )


def _region(row: Mapping[str, Any]) -> str | None:
    value = row.get("region")
    return None if is_missing(value) else str(value)
