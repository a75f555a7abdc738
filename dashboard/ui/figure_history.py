"""A figure's way through the work loop, shown where people ask "what happened to this
number": reported → returned → corrected → validated, by whom, when, and how many days it
waited at each step (the goal page and the manager's screen)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.ui.formatting import format_datetime
from dashboard.ui.goal_format import format_value, is_missing, month_label
from indicators.figure_steps import CORRECTED, RETURNED, VALIDATED, Step, figure_steps

STEP_COLORS = {RETURNED: "warning", VALIDATED: "success", CORRECTED: "info"}


def history_rows(versions: pd.DataFrame) -> pd.DataFrame:
    """The figures worth a line: every national figure, and a regional one that went through
    more than one step (returned, corrected, validated after a report)."""
    if versions.empty:
        return versions
    sizes = versions.groupby(["mes", "region"], dropna=False)["valid_from"].transform("size")
    return versions[versions["region"].isna() | (sizes > 1)]


def figure_history(
    versions: pd.DataFrame,
    region_names: Mapping[str, str],
    now: datetime,
    *,
    id_: str,
    newest_first: bool = True,
) -> html.Div:
    """One line per figure (month, region) with its steps in order; newest month first."""
    rows = history_rows(versions)
    if rows.empty:
        return html.Div(
            html.P("Todavía no hay cifras informadas en estos meses.", className="small"), id=id_
        )
    groups = list(rows.groupby(["mes", "region"], dropna=False, sort=True))
    if newest_first:
        groups.sort(key=lambda item: (item[0][0], _region_order(item[0][1])), reverse=True)
    body = [
        html.Tr(
            [
                html.Td(month_label(month), className="text-nowrap"),
                html.Td(_region_label(region, region_names)),
                html.Td(_steps(figure_steps(group, now))),
            ]
        )
        for (month, region), group in groups
    ]
    head = html.Thead(html.Tr([html.Th("Mes"), html.Th("Región"), html.Th("Pasos")]))
    return html.Div(
        dbc.Table([head, html.Tbody(body)], size="sm", responsive=True, class_name="small"),
        id=id_,
    )


def _steps(steps: list[Step]) -> html.Ol:
    return html.Ol(
        [
            html.Li(
                [
                    dbc.Badge(
                        step.label,
                        color=STEP_COLORS.get(step.label, "secondary"),
                        class_name="me-1",
                    ),
                    f"{format_value(step.value)} · {step.who or 'sin registro'} · "
                    f"{format_datetime(step.at)} · {_waited(step)}",
                    html.Span(f" «{step.comment}»", className="fst-italic") if step.comment else "",
                ]
            )
            for step in steps
        ],
        className="mb-0 ps-3",
    )


def _waited(step: Step) -> str:
    days = "1 día" if step.days_waited == 1 else f"{step.days_waited} días"
    return f"espera {days}" if step.current else f"{days} en este paso"


def _region_label(region: object, names: Mapping[str, str]) -> str:
    if is_missing(region):
        return "Nacional"
    return names.get(str(region), str(region))


def _region_order(region: object) -> str:
    return "" if is_missing(region) else str(region)
