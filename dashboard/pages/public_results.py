"""Resultados de las metas de gobierno (/publico): the validated results, for citizens.

No login: anyone may open it, and it shows the same to everyone, because every read runs on a
cursor of the public scope (dashboard.public.data). The URL holds the view (?region=05 lists
the goals with figures of their own for Valparaíso; ?agrupar=area groups by thematic area), so
a pasted link reproduces it. Changing a control rewrites the URL without reloading the page and
refreshes only the results and the caption; whatever a request asks for, the callback computes
from validated figures only (there is no switch for unvalidated ones here).
"""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboard.public import board_views, parts
from dashboard.public.data import PublicBoard, cached_board, empty_board, run_public
from dashboard.ui.components import error_alert
from dashboard.ui.shell import APP_TITLE
from warehouse.db import WarehouseError

dash.register_page(
    __name__,
    path=parts.PUBLIC_PATH,
    name="Resultados públicos",
    title=parts.PAGE_TITLE + " · " + APP_TITLE,
    order=9,
)


def page_body(board: PublicBoard, region: str | None, group: str) -> list[object]:
    """Controls, explanation, caption and results: every component the callback uses."""
    return [
        dcc.Location(id=board_views.URL, refresh=False),
        board_views.controls(board, region, group),
        parts.seal_explanation(),
        html.Div(board_views.board_caption(board, region, group), id=board_views.CAPTION),
        board_views.update_text(board.last_load),
        html.Div(board_views.board_results(board, region, group), id=board_views.RESULTS),
    ]


def error_page(exc: WarehouseError) -> html.Div:
    """The error, with the callback's components kept hidden (see pages.metas.error_page)."""
    empty = empty_board()
    body = parts.hidden(
        [
            board_views.controls(empty, None, parts.DEFAULT_GROUP),
            html.Div(id=board_views.CAPTION),
            html.Div(id=board_views.RESULTS),
            dcc.Location(id=board_views.URL, refresh=False),
        ]
    )
    return html.Div([*board_views.header(), error_alert(exc, board_views.ERROR), body])


def layout(region: str | None = None, agrupar: str | None = None, **_other: str) -> html.Div:
    try:
        board = run_public(cached_board)
    except WarehouseError as exc:
        return error_page(exc)
    chosen = board_views.parse_region(region, board)
    group = board_views.parse_group(agrupar)
    return html.Div([*board_views.header(), *page_body(board, chosen, group)])


@callback(
    Output(board_views.RESULTS, "children"),
    Output(board_views.CAPTION, "children"),
    Output(board_views.URL, "search"),
    Input(board_views.REGION, "value"),
    Input(board_views.GROUP, "value"),
    prevent_initial_call=True,
)
def update_results(region: str | None, group: str | None):
    """A new region or grouping -> new results, caption and URL (validated figures only)."""
    board = run_public(cached_board)
    chosen = board_views.parse_region(region, board)
    grouping = board_views.parse_group(group)
    return (
        board_views.board_results(board, chosen, grouping),
        board_views.board_caption(board, chosen, grouping),
        parts.board_search(chosen, grouping),
    )
