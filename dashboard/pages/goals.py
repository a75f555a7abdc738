"""Metas: every goal in one table, filterable, with its light and thermometer.

The URL holds the as-of month and the filters (?mes=2025-05&ministerio=salud&semaforo=rojo),
so a pasted link reproduces the table. Changing a filter rewrites the URL without reloading
the page (dcc.Location refresh=False) and refreshes only the grid, the caption and the count.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import duckdb
from dash import Input, Output, callback, dcc, html

from dashboard.goals.filters import LABELS, GoalFilters, apply, options
from dashboard.server import database, responses
from dashboard.server.board import GoalBoard, cached_board
from dashboard.server.defaults import (
    MONTH_PARAM,
    Defaults,
    bottleneck_day,
    format_month,
    month_label,
    month_options,
    parse_month,
    read_defaults,
)
from dashboard.ui import ids
from dashboard.ui.components import caption, dropdown, error_alert
from dashboard.ui.goals_grid import goals_grid, grid_rows
from dashboard.ui.shell import APP_TITLE
from warehouse.db import WarehouseError

dash.register_page(__name__, path="/metas", name="Metas", title="Metas · " + APP_TITLE, order=1)

REGION_HELP = (
    "Metas de la región: las metas cuyo ámbito es la región (con sus propias cifras) y las "
    "metas nacionales con desglose regional (con las cifras de esa región)."
)
FILTER_ORDER = tuple(ids.GOALS_FILTERS)


def read_view(
    con: duckdb.DuckDBPyConnection, args: dict[str, object]
) -> tuple[Defaults, GoalBoard, GoalFilters]:
    """Everything the page needs from the warehouse for one URL (one cursor, one call)."""
    defaults = read_defaults(con)
    as_of = parse_month(args.get(MONTH_PARAM), defaults.as_of)
    board = cached_board(con, as_of, bottlenecks_at=bottleneck_day(as_of, defaults.review_to))
    return defaults, board, GoalFilters.from_query(args, board)


def view_caption(defaults: Defaults, board: GoalBoard, filters: GoalFilters) -> html.P:
    shown = {"Mes de corte": month_label(board.as_of), **filters.describe(board)}
    return caption(shown, defaults.last_load)


def count_text(shown: int, total: int) -> str:
    if shown == total:
        return f"{shown} metas"
    return f"{shown} de {total} metas"


def filter_control(name: str, choices: list[dict[str, str]], value: str | None) -> dbc.Col:
    label = [LABELS[name]]
    if name == "region":
        label.append(html.I(className="bi bi-info-circle ms-1 text-muted", title=REGION_HELP))
    return dbc.Col(
        [
            dbc.Label(label, html_for=ids.GOALS_FILTERS[name], class_name="small mb-1"),
            dropdown(
                id=ids.GOALS_FILTERS[name],
                options=choices,
                value=value,
                placeholder="Todos" if name != "region" else "Todas",
                clearable=True,
            ),
        ],
        xs=12,
        md=4,
        xl=2,
    )


def month_control(choices: list[dict[str, str]], value: str | None) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label("Mes de corte", html_for=ids.GOALS_MONTH, class_name="small mb-1"),
            dropdown(id=ids.GOALS_MONTH, options=choices, value=value, clearable=False),
        ],
        xs=12,
        md=4,
        xl=2,
    )


def filter_bar(defaults: Defaults, board: GoalBoard, filters: GoalFilters) -> dbc.Row:
    offered = options(board)
    month = month_control(month_options(defaults, board.as_of), format_month(board.as_of))
    controls = [filter_control(n, offered[n], getattr(filters, n)) for n in FILTER_ORDER]
    return dbc.Row([month, *controls], class_name="g-2 mb-2 filter-bar")


def page_body(
    bar: dbc.Row, caption_: object, count: str, rows: list[dict[str, object]]
) -> list[object]:
    """Controls, caption, count and grid: every component the callback reads or writes."""
    return [
        dcc.Location(id=ids.GOALS_URL, refresh=False),
        bar,
        html.Div(caption_, id=ids.GOALS_CAPTION),
        html.P(count, id=ids.GOALS_COUNT, className="mb-2"),
        goals_grid(rows, id_=ids.GOALS_GRID),
    ]


def error_page(header: list[object], exc: WarehouseError) -> html.Div:
    """The error, with the page's components kept hidden: Dash checks every callback against
    the layouts, and a missing id would add a console error to the explanation."""
    bar = dbc.Row([month_control([], None), *(filter_control(n, [], None) for n in FILTER_ORDER)])
    alert = error_alert(exc, ids.GOALS_ERROR)
    return html.Div([*header, alert, html.Div(page_body(bar, None, "", []), hidden=True)])


def layout(**query_args: str) -> html.Div:
    header = [
        html.H1("Metas", id=ids.GOALS_TITLE, className="h2 mt-2"),
        html.P(
            "Todas las metas con su semáforo y su termómetro. "
            "Elija filtros y haga clic en una meta para ver su detalle.",
            className="lead",
        ),
    ]
    try:
        defaults, board, filters = database.run(read_view, query_args)
    except WarehouseError as exc:
        return error_page(header, exc)
    goals = apply(board, filters)
    body = page_body(
        filter_bar(defaults, board, filters),
        view_caption(defaults, board, filters),
        count_text(len(goals), len(board.goals)),
        grid_rows(goals, board),
    )
    return html.Div([*header, *body])


@callback(
    Output(ids.GOALS_GRID, "rowData"),
    Output(ids.GOALS_CAPTION, "children"),
    Output(ids.GOALS_COUNT, "children"),
    Output(ids.GOALS_URL, "search"),
    Input(ids.GOALS_MONTH, "value"),
    *(Input(ids.GOALS_FILTERS[name], "value") for name in FILTER_ORDER),
    prevent_initial_call=True,
)
def update_table(month: str | None, *values: str | None):
    """New filters -> new rows, caption, count and URL (the page itself is not rebuilt)."""
    args = {MONTH_PARAM: month, **dict(zip(FILTER_ORDER, values, strict=True))}
    defaults, board, filters = database.run(read_view, args)
    goals = apply(board, filters)
    responses.may_keep()
    return (
        grid_rows(goals, board),
        view_caption(defaults, board, filters),
        count_text(len(goals), len(board.goals)),
        filters.search(**{MONTH_PARAM: format_month(board.as_of)}),
    )
