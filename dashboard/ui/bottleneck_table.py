"""Lists of bottlenecks as the review and ministry pages show them: the shared columns (goal,
bottleneck, type, severity, responsible, age) and a table that says when the viewer's role
reads only part of the bottlenecks, or none."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.server.board import EVERY_BOTTLENECK, NO_BOTTLENECK, SOME_BOTTLENECKS
from dashboard.ui.components import LIGHTS
from dashboard.ui.formatting import BOTTLENECKS_HIDDEN, NO_DATA
from dashboard.ui.goal_tables import Column, goal_link, is_missing, small_table
from warehouse.vocabulary import BOTTLENECK_TYPE_LABELS

PARTIAL_BOTTLENECKS = (
    "Solo las restricciones de las metas de su ámbito: las de otras metas no son visibles para "
    "su perfil."
)


def severity_badge(severity: str | None) -> html.Span:
    """A bottleneck's severity as icon + word (the light colours, a bottleneck's tooltip)."""
    if not severity or severity not in LIGHTS:
        return html.Span(NO_DATA, className="text-muted")
    word, icon, css = LIGHTS[severity]
    return html.Span(
        [html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), word],
        className=f"light light-{css}",
        title="Severidad de la restricción",
    )


def days(value: object) -> str:
    return NO_DATA if is_missing(value) else f"{int(value)} días"  # type: ignore[call-overload]


def _goal(row: dict) -> object:
    name = row.get("nombre_meta") or row.get("nombre")
    return goal_link(row["codigo_meta"], name, row.get("consulta") or "")


def _bottleneck(row: dict) -> html.Div:
    return html.Div(
        [html.Span(row["codigo_restriccion"], className="goal-code"), " ", row["descripcion"]]
    )


GOAL = Column("Meta", _goal)
BOTTLENECK = Column("Restricción", _bottleneck)
TYPE = Column("Tipo", lambda r: BOTTLENECK_TYPE_LABELS.get(r["tipo"], r["tipo"]))
SEVERITY = Column("Severidad", lambda r: severity_badge(r["severidad"]), nowrap=True)
RESPONSIBLE = Column("Responsable", lambda r: r.get("responsable") or NO_DATA)
AGE = Column("Abierta hace", lambda r: days(r.get("dias_abierta")), numeric=True, nowrap=True)


def bottleneck_table(
    frame: pd.DataFrame, columns: list[Column], id_: str, empty: str, reach: str
) -> html.Div:
    """A list of bottlenecks that says when the viewer's role reads only part of them, or
    none: an empty list is then "not visible", never "none"."""
    if reach == NO_BOTTLENECK:
        return small_table(
            frame, columns, id_=id_, empty="Restricciones " + BOTTLENECKS_HIDDEN + "."
        )
    if reach == SOME_BOTTLENECKS:
        empty = "Ninguna entre las restricciones visibles para su perfil."
    table = small_table(frame, columns, id_=id_, empty=empty)
    if reach == EVERY_BOTTLENECK:
        return table
    note = html.P(PARTIAL_BOTTLENECKS, className="small text-muted mb-1")
    return html.Div([note, table])
