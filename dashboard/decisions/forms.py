"""The decisions page's controls: the list's filters, the two forms of presidencia (record a
decision on an escalated bottleneck; close one with its outcome), and the alerts that say what
a form did or why nothing was written. Pure builders."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.decisions import ids
from dashboard.decisions.data import STATE_CHOICES, DecisionFilters, DecisionsView
from dashboard.ui.goal_tables import day_text
from warehouse.decisions import MAX_RESPONSIBLE, MAX_TEXT

ANY = ""  # a filter's "every value" option
OWNER_HELP = (
    "El nombre de usuario de una cuenta del tablero, o el nombre completo de un ministerio "
    "(por ejemplo, Ministerio de Salud)."
)


def _labelled(label: str, id_: str, component: object, **col: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=id_, class_name="small mb-1"), component], **col)


def _select(id_: str, options: list[dict[str, str]], value: str | None, **kwargs) -> dbc.Select:
    values = {o["value"] for o in options}
    return dbc.Select(id=id_, options=options, value=value if value in values else ANY, **kwargs)


def filters_row(view: DecisionsView, filters: DecisionFilters) -> dbc.Row:
    """State, ministry, goal and bottleneck; every change reads the list again."""
    states = [{"label": label, "value": key} for key, label in STATE_CHOICES.items()]
    ministries = [{"label": "Todos", "value": ANY}] + [
        {"label": m, "value": m} for m in view.ministries
    ]
    goals = [{"label": "Todas", "value": ANY}] + [
        {"label": f"{code} · {name}", "value": code} for code, name in view.goals
    ]
    codes = sorted({*view.bottlenecks["codigo_restriccion"], *view.rows["codigo_restriccion"]})
    if filters.restriccion and filters.restriccion not in codes:
        codes.append(filters.restriccion)
    bottlenecks = [{"label": "Todas", "value": ANY}] + [{"label": c, "value": c} for c in codes]
    return dbc.Row(
        [
            _labelled("Estado", ids.STATE, _select(ids.STATE, states, filters.estado), md=3),
            _labelled(
                "Ministerio",
                ids.MINISTRY,
                _select(ids.MINISTRY, ministries, filters.ministerio),
                md=3,
            ),
            _labelled("Meta", ids.GOAL, _select(ids.GOAL, goals, filters.meta), md=4),
            _labelled(
                "Restricción",
                ids.BOTTLENECK,
                _select(ids.BOTTLENECK, bottlenecks, filters.restriccion),
                md=2,
            ),
        ],
        class_name="g-2 mb-2",
    )


def bottleneck_label(row: dict) -> str:
    """'R-011 · SAL-01 · Recursos no transferidos… (escalada)'."""
    text = str(row.get("descripcion") or "")
    short = text if len(text) <= 70 else text[:69] + "…"
    mark = " (escalada)" if row.get("escalar") else ""
    return f"{row['codigo_restriccion']} · {row['codigo_meta']} · {short}{mark}"


def record_form(
    view: DecisionsView, selected: str | None, today: date, *, hidden: bool
) -> html.Div:
    """Bottleneck (escalated ones first, preselected from the URL), text, owner, due date."""
    options = [{"label": "Elija una restricción abierta…", "value": ANY}] + [
        {"label": bottleneck_label(r), "value": r["codigo_restriccion"]}
        for r in view.bottlenecks.to_dict("records")
    ]
    owners = html.Datalist([html.Option(value=m) for m in view.ministries], id=ids.RECORD_OWNERS)
    fields = [
        _labelled(
            "Restricción",
            ids.RECORD_BOTTLENECK,
            _select(ids.RECORD_BOTTLENECK, options, selected, disabled=hidden),
            md=12,
        ),
        _labelled(
            "Decisión",
            ids.RECORD_TEXT,
            dbc.Textarea(
                id=ids.RECORD_TEXT,
                rows=2,
                maxLength=MAX_TEXT,
                disabled=hidden,
                placeholder="Qué se decidió y qué debe pasar.",
            ),
            md=12,
        ),
        _labelled(
            "Responsable (cuenta o ministerio)", ids.RECORD_OWNER, _owner_field(hidden), md=7
        ),
        _labelled(
            "Vence",
            ids.RECORD_DUE,
            dcc.DatePickerSingle(
                id=ids.RECORD_DUE,
                display_format="DD-MM-YYYY",
                month_format="MMMM YYYY",
                first_day_of_week=1,
                placeholder="dd-mm-aaaa",
                min_date_allowed=today.isoformat(),
                initial_visible_month=today.isoformat(),
                disabled=hidden,
            ),
            md=3,
        ),
    ]
    button = ("bi-journal-plus", "Registrar", ids.RECORD, "primary")
    return _form(
        "Registrar una decisión", fields, button, ids.RECORD_RESULT, ids.RECORD_FORM,
        hidden=hidden, extra=[owners],
    )  # fmt: skip


def _form(
    title: str,
    fields: list[dbc.Col],
    button: tuple[str, str, str, str],
    result_id: str,
    form_id: str,
    *,
    hidden: bool,
    extra: list[object] | None = None,
) -> html.Div:
    """One of presidencia's forms: its fields and button in a row, then where it answers."""
    icon, label, button_id, color = button
    action = dbc.Col(
        dbc.Button(
            [html.I(className=f"bi {icon} me-1"), label],
            id=button_id,
            color=color,
            n_clicks=0,
            disabled=hidden,
        ),
        md=2,
        class_name="d-flex align-items-end",
    )
    body = dbc.Card(
        dbc.CardBody(
            [
                html.H2(title, className="h5"),
                dbc.Row([*fields, action], class_name="g-2"),
                *(extra or []),
                html.Div(id=result_id, role="status", **{"aria-live": "polite"}),
            ]
        ),
        class_name="mb-3",
    )
    return html.Div(body, id=form_id, hidden=hidden)


def _owner_field(hidden: bool) -> html.Div:
    """Free text with the ministries suggested (an account's name is typed)."""
    field = dbc.Input(
        id=ids.RECORD_OWNER,
        list=ids.RECORD_OWNERS,
        type="text",
        maxLength=MAX_RESPONSIBLE,
        disabled=hidden,
        placeholder="Usuario de una cuenta o nombre de un ministerio",
    )
    return html.Div([field, dbc.FormText(OWNER_HELP)])


def close_options(open_decisions: pd.DataFrame) -> list[dict[str, str]]:
    """'n.º 3 · R-011 · vence 20-12-2026 · Destrabar la transferencia…'."""
    options = [{"label": "Elija una decisión abierta…", "value": ANY}]
    for r in open_decisions.to_dict("records"):
        text = str(r["texto"])
        short = text if len(text) <= 60 else text[:59] + "…"
        label = f"n.º {int(r['id'])} · {r['codigo_restriccion']} · vence {day_text(r['vence'])}"
        options.append({"label": f"{label} · {short}", "value": str(int(r["id"]))})
    return options


def close_form(view: DecisionsView, *, hidden: bool) -> html.Div:
    """An open decision and its outcome: closing records who, when and the outcome."""
    fields = [
        _labelled(
            "Decisión abierta",
            ids.CLOSE_DECISION,
            _select(ids.CLOSE_DECISION, close_options(view.open_decisions), ANY, disabled=hidden),
            md=5,
        ),
        _labelled(
            "Resultado",
            ids.CLOSE_OUTCOME,
            dbc.Textarea(
                id=ids.CLOSE_OUTCOME,
                rows=1,
                maxLength=MAX_TEXT,
                disabled=hidden,
                placeholder="Qué se logró (queda en el historial).",
            ),
            md=5,
        ),
    ]
    button = ("bi-check2-square", "Cerrar", ids.CLOSE, "success")
    return _form(
        "Cerrar una decisión", fields, button, ids.CLOSE_RESULT, ids.CLOSE_FORM, hidden=hidden
    )


def read_only_notice() -> dbc.Alert:
    return dbc.Alert(
        [
            html.I(className="bi bi-eye me-2", **{"aria-hidden": "true"}),
            "Vista de solo lectura: Presidencia registra y cierra las decisiones; aquí se ven "
            "las de las metas de su ámbito.",
        ],
        color="info",
        id=ids.READ_ONLY,
        class_name="py-2",
    )


def alert(title: str, detail: str = "", *, color: str = "warning", id_: str) -> dbc.Alert:
    """What a form did (success) or why nothing was written (warning / danger)."""
    icon = "bi-check-circle-fill" if color == "success" else "bi-exclamation-triangle-fill"
    return dbc.Alert(
        [
            html.I(className=f"bi {icon} me-2", **{"aria-hidden": "true"}),
            html.Strong(title),
            (": " + detail) if detail else "",
        ],
        color=color,
        id=id_ + "-alerta",
        dismissable=True,
    )
