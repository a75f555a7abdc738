"""Raising a bottleneck and updating one (severity, a follow-up note, resolution), and
marking milestones done: the forms of the goal's screen besides the monthly report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.reporting import ids
from dashboard.reporting.data import GoalWork
from dashboard.ui.components import dropdown
from dashboard.ui.goal_format import format_date, is_missing
from warehouse.vocabulary import BOTTLENECK_TYPE_LABELS, LEVEL_LABELS, SEVERITY_LABELS

LABELS = {
    "tipo": "Tipo",
    "severidad": "Severidad",
    "nivel": "Se resuelve en",
    "region": "Región (vacío: nacional)",
    "descripcion": "Descripción",
    "responsable": "Responsable",
    "codigo_restriccion": "Restricción abierta",
    "nota": "Nota de seguimiento",
    "fecha_resolucion": "Resuelta el (vacío: sigue abierta)",
}


def _options(labels: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "value": code} for code, label in labels.items()]


def new_bottleneck_form(work: GoalWork, errors: Mapping[str, str] | None = None) -> html.Div:
    errors = errors or {}
    regions = dict(work.region_names)
    controls = {
        "tipo": dropdown(options=_options(BOTTLENECK_TYPE_LABELS), clearable=False),
        "severidad": dropdown(options=_options(SEVERITY_LABELS), clearable=False),
        "nivel": dropdown(options=_options(LEVEL_LABELS), value="institucional", clearable=False),
        "region": dropdown(options=_options(regions), placeholder="Nacional"),
        "descripcion": dbc.Textarea(rows=2),
        "responsable": dbc.Input(type="text"),
    }
    return _form(
        "Levantar una restricción", ids.BOTTLENECK_FIELD, controls, errors,
        (ids.SAVE_BOTTLENECK, "Levantar restricción", ids.BOTTLENECK_RESULT), ids.NEW_BOTTLENECK,
    )  # fmt: skip


def update_bottleneck_form(work: GoalWork, errors: Mapping[str, str] | None = None) -> html.Div:
    errors = errors or {}
    open_ones = _open(work.bottlenecks)
    if open_ones.empty:
        return html.Div(
            [html.H3("Actualizar una restricción", className="h6"),
             html.P("La meta no tiene restricciones abiertas.", className="small")],
            id=ids.UPDATE_BOTTLENECK,
        )  # fmt: skip
    choices = [
        {"label": f"{r['codigo_restriccion']} · {SEVERITY_LABELS.get(r['severidad'], '')} · "
                  f"{str(r['descripcion'])[:70]}", "value": r["codigo_restriccion"]}
        for r in open_ones.to_dict("records")
    ]  # fmt: skip
    controls = {
        "codigo_restriccion": dropdown(options=choices, value=choices[0]["value"], clearable=False),
        "severidad": dropdown(options=_options(SEVERITY_LABELS), placeholder="Sin cambio"),
        "nota": dbc.Textarea(rows=2),
        "fecha_resolucion": dbc.Input(type="date"),
    }
    versions = dict(
        zip(work.bottlenecks["codigo_restriccion"], work.bottlenecks["version"], strict=True)
    )
    return _form(
        "Actualizar una restricción", ids.UPDATE_FIELD, controls, errors,
        (ids.SAVE_UPDATE, "Guardar actualización", ids.UPDATE_RESULT), ids.UPDATE_BOTTLENECK,
        dcc.Store(id=ids.BOTTLENECK_VERSIONS, data=versions),
    )  # fmt: skip


def _form(
    title: str,
    kind: str,
    controls: Mapping[str, object],
    errors: Mapping[str, str],
    action: tuple[str, str, str],  # button id, its words, the result's id
    id_: str,
    *extra: object,
) -> html.Div:
    """A titled row of labelled fields, its button and where its result is said."""
    button, words, result = action
    return html.Div(
        [
            html.H3(title, className="h6"),
            dbc.Row(
                [_field(kind, name, control, errors) for name, control in controls.items()],
                class_name="g-2",
            ),
            dbc.Button(words, id=button, color="primary", n_clicks=0, class_name="mt-2"),
            html.Div(id=result, role="status", className="mt-2"),
            *extra,
        ],
        id=id_,
    )


def _field(kind: str, name: str, control: object, errors: Mapping[str, str]) -> dbc.Col:
    control.id = {"type": kind, "field": name}  # type: ignore[attr-defined]
    reason = errors.get(name)
    if reason and "invalid" in getattr(control, "_prop_names", ()):
        control.invalid = True  # type: ignore[attr-defined]
    wide = name in ("descripcion", "nota")
    return dbc.Col(
        [
            html.Label(LABELS[name], className="form-label small mb-1"),
            control,
            html.Div(reason or "", className="invalid-feedback d-block" if reason else "d-none"),
        ],
        md=12 if wide else 4,
    )


def _open(bottlenecks: pd.DataFrame) -> pd.DataFrame:
    if bottlenecks.empty:
        return bottlenecks
    return bottlenecks[bottlenecks["fecha_resolucion"].isna()]


def milestones_form(work: GoalWork, today: date) -> html.Div:
    """Each milestone not yet done, with a date (today by default) and its own button."""
    pending = work.milestones
    if not pending.empty:
        pending = pending[pending["fecha_cumplida"].isna()]
    versions = dict(zip(work.milestones["codigo_hito"], work.milestones["version"], strict=True))
    rows = [
        dbc.Row(
            [
                dbc.Col(html.Span(f"{r['codigo_hito']} · {r['nombre']}"), md=6),
                dbc.Col(html.Small("Programado: " + format_date(r["fecha_programada"])), md=2),
                dbc.Col(
                    html.Label(
                        [
                            html.Span(
                                f"Cumplido el (hito {r['codigo_hito']})",
                                className="visually-hidden",
                            ),
                            dbc.Input(
                                id={"type": ids.MILESTONE_DATE, "hito": r["codigo_hito"]},
                                type="date",
                                value=today.isoformat(),
                            ),
                        ],
                        className="w-100 mb-0",
                    ),
                    md=2,
                ),
                dbc.Col(
                    dbc.Button(
                        "Marcar cumplido",
                        id={"type": ids.SAVE_MILESTONE, "hito": r["codigo_hito"]},
                        size="sm",
                        color="outline-primary",
                        n_clicks=0,
                    ),
                    md=2,
                ),
            ],
            class_name="g-2 align-items-center mb-1",
        )
        for r in pending.to_dict("records")
    ]
    done = 0 if work.milestones.empty else int(work.milestones["fecha_cumplida"].notna().sum())
    note = f"{done} de {len(work.milestones)} hitos cumplidos." if len(work.milestones) else ""
    return html.Div(
        [
            html.P(note, className="small text-body-secondary"),
            *(rows or [html.P("No quedan hitos por marcar.", className="small")]),
            html.Div(id=ids.MILESTONE_RESULT, role="status", className="mt-2"),
            dcc.Store(id=ids.MILESTONE_VERSIONS, data=versions),
        ],
        id=ids.MILESTONES,
    )


def plain(value: object) -> object:
    """A form value as an entry takes it: empty text and missing values are None."""
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else value
