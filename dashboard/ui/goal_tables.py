"""Builders for goals on screen: light count cards, goal links, compact goal tables, small
tables of any frame. Shared by the review, goals and ministry pages (and the goal detail page).

Pure functions of their inputs (frames from dashboard.server.board), so unit tests assert the
component tree without a browser. Lights are always icon + word (components.light_badge).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.ui import elements as el
from dashboard.ui.components import (
    LIGHT_HELP,
    LIGHT_ORDER,
    LIGHTS,
    light_badge,
    percent,
    thermometer,
)
from dashboard.ui.formatting import NO_DATA, format_int
from indicators.frames import row_dicts

GOALS_PATH = "/metas"


def goal_href(codigo_meta: str) -> str:
    """The goal detail page of one goal: /meta/<codigo>."""
    return "/meta/" + quote(str(codigo_meta), safe="")


def goal_link(codigo_meta: str, nombre: str | None = None, query: str = "") -> dcc.Link:
    """The goal's name (or code) linking to its detail page, with the code as a small prefix;
    `query` ('?mes=…&al=…') opens the page as the linking screen judged the goal."""
    label = [html.Span(codigo_meta, className="goal-code"), " ", nombre] if nombre else codigo_meta
    return dcc.Link(label, href=goal_href(codigo_meta) + query, className="goal-link")


def goals_href(**filters: str) -> str:
    """/metas with filters, e.g. goals_href(semaforo='rojo') -> '/metas?semaforo=rojo'."""
    query = {k: v for k, v in filters.items() if v}
    return GOALS_PATH + ("?" + urlencode(query) if query else "")


def light_counts(goals: pd.DataFrame) -> dict[str, int]:
    """Goals per overall light, every light present (0 when none), in LIGHT_ORDER; "sin
    acceso" only when the viewer may not read some goal's light (it is no state of a goal)."""
    counts = goals["estado"].value_counts() if not goals.empty else pd.Series(dtype=int)
    found = {light: int(counts.get(light, 0)) for light in LIGHT_ORDER}
    if not found["sin_acceso"]:
        del found["sin_acceso"]
    return found


def light_card(light: str, count: int, total: int, href: str | None = None) -> dbc.Col:
    """A big number of goals in one light; the label is the light's icon and word, and the card
    links to the goals table filtered by that light."""
    css = LIGHTS[light][2]
    body = [
        html.Div(light_badge(light), className="kpi-label"),
        html.Div(format_int(count), className="kpi-value"),
        html.Div(f"de {format_int(total)} metas", className="kpi-note"),
    ]
    card = dbc.Card(dbc.CardBody(body), class_name=f"kpi-card light-card h-100 kpi-{css}")
    content = (
        dcc.Link(card, href=href, className="light-card-link", title=LIGHT_HELP.get(light, ""))
        if href
        else html.Div(card, className="h-100", title=LIGHT_HELP.get(light, ""))
    )
    return dbc.Col(content, xs=6, md=4, xl=2, class_name="light-card-col", id=f"light-{light}")


def light_cards(
    goals: pd.DataFrame, *, id_: str, href_for: Callable[[str], str] | None = None
) -> dbc.Row:
    """One card per overall light; the numbers add up to the number of goals."""
    counts = light_counts(goals)
    total = len(goals)
    cards = [
        light_card(light, n, total, href_for(light) if href_for else None)
        for light, n in counts.items()
    ]
    return dbc.Row(cards, id=id_, class_name="g-3 mb-3")


def is_missing(value: object) -> bool:
    """None, NaN, NaT or NA: a value the screen shows as a dash."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is not a missing scalar
        return False


def number(value: object) -> float | None:
    """A float, or None for a missing value (JSON-friendly)."""
    return None if is_missing(value) else float(value)  # type: ignore[arg-type]


def day_text(value: object) -> str:
    """'16-06-2025' from a date or Timestamp, a dash when missing."""
    if is_missing(value):
        return NO_DATA
    when = value if isinstance(value, date | datetime) else pd.Timestamp(value)  # type: ignore[arg-type]
    return when.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class Column:
    """One column of a small table: header, how to render a row, right-aligned or not."""

    header: str
    render: Callable[[dict], object]
    numeric: bool = False
    nowrap: bool = False  # dates and short figures stay on one line

    @property
    def css(self) -> str:
        return " ".join(
            c
            for c in ("text-end" if self.numeric else "", "text-nowrap" if self.nowrap else "")
            if c
        )


def small_table(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    *,
    id_: str,
    empty: str,
    visible: int | None = None,
) -> html.Div:
    """A striped Bootstrap table of a frame's rows, or a short sentence when it is empty.
    With `visible`, the rows after the first `visible` fold into "Ver N más": a meeting reads
    the top of a long list, and the rest is one click away."""
    if frame.empty:
        return html.Div(
            [html.I(className="bi bi-check2-circle me-2", **{"aria-hidden": "true"}), empty],
            id=id_,
            className="text-muted py-2 empty-table",
        )
    if visible is None or len(frame) <= visible:
        return html.Div(_table(frame, columns), id=id_)
    rest = frame.iloc[visible:]
    more = html.Details(
        [html.Summary(f"Ver {len(rest)} más", className="small"), _table(rest, columns)],
        className="more-rows",
    )
    return html.Div([_table(frame.iloc[:visible], columns), more], id=id_)


def _table(frame: pd.DataFrame, columns: Sequence[Column]) -> dbc.Table:
    head = html.Thead(el.tr([el.th(c.header, className=c.css) for c in columns]))
    rows = [
        el.tr([el.td(c.render(row), className=c.css) for c in columns]) for row in row_dicts(frame)
    ]
    return dbc.Table(
        [head, html.Tbody(rows)],
        striped=True,
        hover=True,
        responsive=True,
        size="sm",
        class_name="align-middle review-table mb-0",
    )


GOAL_COLUMN = Column("Meta", lambda r: goal_link(r["codigo_meta"], r.get("nombre")))
LIGHT_COLUMN = Column("Semáforo", lambda r: light_badge(r.get("estado")), nowrap=True)
THERMOMETER_COLUMN = Column(
    "Avance (marca: esperado)",
    lambda r: thermometer(number(r.get("avance")), number(r.get("esperado"))),
)
COMPLIANCE_COLUMN = Column(
    "Cumplimiento", lambda r: percent(number(r.get("cumplimiento"))), numeric=True, nowrap=True
)


def goals_table(goals: pd.DataFrame, *, id_: str, empty: str = "No hay metas.") -> html.Div:
    """Goal, light, thermometer and trajectory compliance: the compact goal list."""
    columns = [GOAL_COLUMN, LIGHT_COLUMN, THERMOMETER_COLUMN, COMPLIANCE_COLUMN]
    return small_table(goals, columns, id_=id_, empty=empty)
