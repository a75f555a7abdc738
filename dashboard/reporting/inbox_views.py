"""The manager's inbox (/reportar): per goal, the months owed, the figures returned for
correction (with the coordinator's comment) and the figures awaiting validation."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.reporting import ids
from dashboard.reporting.data import GoalWork
from dashboard.ui.formatting import format_datetime
from dashboard.ui.goal_format import format_value, is_missing, month_label

MAX_LISTED = 12  # lines per list; the goal's screen has the rest


def inbox(works: list[GoalWork], now: datetime) -> html.Div:
    if not works:
        return html.Div(
            dbc.Alert("Su cuenta no tiene metas asignadas.", color="info"), id=ids.INBOX
        )
    return html.Div([goal_card(work, now) for work in works], id=ids.INBOX)


def goal_card(work: GoalWork, now: datetime) -> dbc.Card:
    owed, returned, waiting = work.owed(), work.in_state("devuelto"), work.in_state("reportado")
    return dbc.Card(
        [
            dbc.CardHeader(
                html.Div(
                    [
                        html.H2(f"{work.code} · {work.record['nombre']}", className="h5 mb-0"),
                        dbc.Button(
                            "Informar y actualizar",
                            href=f"/reportar/{work.code}",
                            color="primary",
                            size="sm",
                        ),
                    ],
                    className="d-flex justify-content-between align-items-center gap-2",
                )
            ),
            dbc.CardBody(
                dbc.Row(
                    [
                        dbc.Col(_owed_list(work, owed), md=4),
                        dbc.Col(_returned_list(work, returned, now), md=4),
                        dbc.Col(_waiting_list(work, waiting, now), md=4),
                    ],
                    class_name="g-3",
                )
            ),
        ],
        class_name="mb-3",
        id=f"{ids.INBOX}-{work.code}",
    )


def _heading(text: str, count: int, color: str) -> html.H3:
    return html.H3(
        [text, " ", dbc.Badge(str(count), color=color, class_name="ms-1")], className="h6"
    )


def _owed_list(work: GoalWork, owed: list[tuple[date, str | None]]) -> html.Div:
    by_month: dict[date, list[str | None]] = defaultdict(list)
    for month, region in owed:
        by_month[month].append(region)
    items = [
        html.Li(f"{month_label(month)}: {_places(work, regions)}")
        for month, regions in sorted(by_month.items(), reverse=True)[:MAX_LISTED]
    ]
    body = html.Ul(items, className="small mb-0") if items else _none("Nada por informar.")
    color = "danger" if items else "success"
    return html.Div([_heading("Por informar", len(by_month), color), body])


def _places(work: GoalWork, regions: list[str | None]) -> str:
    national = None in regions
    count = sum(1 for r in regions if r is not None)
    if not count:
        return "nacional"
    if count <= 2:
        names = ", ".join(work.region_label(r) for r in regions if r is not None)
        return ("nacional, " if national else "") + names
    return ("nacional y " if national else "") + f"{count} regiones"


def _returned_list(work: GoalWork, rows: pd.DataFrame, now: datetime) -> html.Div:
    items = [
        html.Li(
            [
                html.Strong(f"{month_label(r['mes'])} · {work.region_label(_region(r))}: "),
                format_value(r["valor_real"]),
                html.Br(),
                html.Span(
                    f"«{r['comentario'] or 'sin comentario'}» — {_reviewer(r)},"
                    f" {format_datetime(r['valid_from'])} ({_days(r['valid_from'], now)})",
                    className="text-body-secondary",
                ),
            ],
            className="mb-1",
        )
        for r in rows.head(MAX_LISTED).to_dict("records")
    ]
    body = html.Ul(items, className="small mb-0") if items else _none("Ninguna cifra devuelta.")
    return html.Div([_heading("Devueltas para corregir", len(rows), "warning"), body])


def _waiting_list(work: GoalWork, rows: pd.DataFrame, now: datetime) -> html.Div:
    months = rows.groupby("mes", sort=False) if not rows.empty else []
    items = [
        html.Li(
            f"{month_label(month)}: {len(group)} cifra{'s' if len(group) != 1 else ''}, "
            f"{_days(group['valid_from'].min(), now)}"
        )
        for month, group in list(months)[-MAX_LISTED:][::-1]
    ]
    body = html.Ul(items, className="small mb-0") if items else _none("Nada esperando.")
    return html.Div([_heading("Esperando validación", len(rows), "secondary"), body])


def _days(since: object, now: datetime) -> str:
    days = max(0, (now - pd.Timestamp(since).to_pydatetime()).days)
    return "hoy" if days == 0 else ("hace 1 día" if days == 1 else f"hace {days} días")


def _region(row: dict) -> str | None:
    value = row.get("region")
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _reviewer(row: dict) -> str:
    return "coordinación" if is_missing(row.get("revisado_por")) else str(row["revisado_por"])


def _none(text: str) -> html.P:
    return html.P(text, className="small text-body-secondary mb-0")
