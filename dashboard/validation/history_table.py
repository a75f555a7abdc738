"""The history of validation actions on the validation page (/validacion): who did what and
when, with the state before and after; every goal in scope, or one goal's."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from dash import html

from dashboard.ui import components
from dashboard.ui.components import empty_state, section
from dashboard.ui.formatting import NO_DATA, format_datetime
from dashboard.ui.goal_format import format_value, month_label, value_digits
from dashboard.ui.goal_tables import goal_link
from dashboard.validation.ids import HISTORY, HISTORY_GOAL
from dashboard.validation.pending_grid import NATIONAL, plain
from warehouse.vocabulary import PROGRESS_STATE_LABELS

HISTORY_ROWS = 50
ACTION_WORDS = {"validar": "Validó", "devolver": "Devolvió"}
STATE_WORDS = {**PROGRESS_STATE_LABELS, "devuelto": "Devuelto"}
STATE_ICONS = {
    "validado": "bi-patch-check-fill text-success",
    "devuelto": "bi-reply-fill text-warning",
    "reportado": "bi-hourglass-split text-secondary",
}


def history_table(history: pd.DataFrame) -> html.Div:
    """Recent actions, newest first: who, when, what, state before → after, value, comment."""
    if history.empty:
        return empty_state("Aún no hay acciones de validación registradas.")
    rows = []
    for h in history.to_dict("records"):
        value = h.get("valor_real")
        rows.append(
            html.Tr(
                [
                    html.Td(
                        format_datetime(pd.Timestamp(h["en"]).to_pydatetime()),
                        className="text-nowrap",
                    ),
                    html.Td(h["usuario"]),
                    html.Td(ACTION_WORDS.get(h["accion"], h["accion"])),
                    html.Td(goal_link(h["codigo_meta"], plain(h.get("nombre_meta")))),
                    html.Td(month_label(h["mes"]), className="text-nowrap"),
                    html.Td(plain(h.get("nombre_region")) or NATIONAL),
                    html.Td(
                        format_value(value, value_digits([value])),  # type: ignore[arg-type]
                        className="text-end",
                    ),
                    html.Td(_state_change(h), className="text-nowrap"),
                    html.Td(plain(h.get("comentario")) or NO_DATA, className="small"),
                ]
            )
        )
    headers = [
        "Fecha (hora de Chile)",
        "Usuario",
        "Acción",
        "Meta",
        "Mes",
        "Región",
        "Valor",
        "Estado",
        "Comentario",
    ]
    return components.table(
        headers, rows, HISTORY + "-tabla", {"Valor"}, class_name="validation-history"
    )


def _state_change(action: Mapping[str, object]) -> list[object]:
    """'Reportado → Devuelto', the state after with its icon (never colour alone)."""
    before, after = str(action["estado_antes"]), str(action["estado_despues"])
    icon = STATE_ICONS.get(after, "bi-circle")
    return [
        STATE_WORDS.get(before, before) + " → ",
        html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}),
        STATE_WORDS.get(after, after),
    ]


def history_section(history: pd.DataFrame, goal: str | None = None) -> html.Section:
    """The recent actions, of every goal in scope or of one (`?meta=` in the URL)."""
    children: list[object] = [html.Div(history_table(history), id=HISTORY)]
    title = "Acciones recientes"
    if goal:
        title = f"Historial de validación de la meta {goal}"
        children.insert(
            0,
            html.P(
                [
                    "Solo las acciones sobre ",
                    goal_link(goal),
                    ". ",
                    html.A("Ver las de todas las metas", href="/validacion"),
                    ".",
                ],
                id=HISTORY_GOAL,
                className="small mb-1",
            ),
        )
    return section(
        title,
        children,
        help_text="Cada acción queda registrada (quién, cuándo, qué y el estado antes → después);"
        " la cifra anterior se conserva como versión cerrada. Una cifra devuelta espera un nuevo"
        " reporte de su meta.",
    )
