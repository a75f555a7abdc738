"""One goal's public results (/publico/meta/<codigo>): trajectory, thermometer, milestones,
and the regional figures when the goal has them. For citizens, without login.

Everything comes from validated figures read on a public-scope cursor (dashboard.public.data).
The URL holds the view (?region=05 adds that region's results next to the national ones); the
region control only writes the URL (dcc.Location refresh="callback-nav") and Dash pages render
`layout` again from it, so a first visit, a pasted link and a change of region share one path.
"""

from __future__ import annotations

from urllib.parse import unquote

import dash
from dash import Input, Output, callback, dcc, html

from dashboard.public import goal_views, parts
from dashboard.public.data import load_goal, run_public
from dashboard.ui.components import dropdown, error_alert
from dashboard.ui.shell import APP_TITLE
from warehouse.db import WarehouseError


def _title(codigo: str | None = None, **_query: str) -> str:
    name = f"Meta {unquote(codigo)} · " if codigo else ""
    return name + parts.PAGE_TITLE + " · " + APP_TITLE


dash.register_page(
    __name__,
    path_template=parts.GOAL_PATH + "<codigo>",
    name="Resultado de una meta",
    title=_title,
    order=91,
    nav=False,  # a detail page: reached from /publico
)


def skeleton() -> html.Div:
    """The component the callback reads, for Dash's validation call (no arguments)."""
    return parts.hidden([dropdown(id=goal_views.GOAL_REGION, options=[])])


def layout(codigo: str | None = None, region: str | None = None, **_other: str) -> html.Div:
    """The page for goal `codigo`; unknown codes and database problems get a message."""
    body: object
    if codigo is None:
        body = skeleton()
    else:
        codigo = unquote(codigo)  # links quote codes (dashboard.public.parts.goal_href)
        try:
            page = run_public(load_goal, codigo, region)
        except WarehouseError as exc:
            body = error_alert(exc, goal_views.GOAL_ERROR)
        else:
            body = goal_views.goal_not_found(codigo) if page is None else goal_views.goal_view(page)
    return html.Div([dcc.Location(id=goal_views.GOAL_URL, refresh="callback-nav"), body])


@callback(
    Output(goal_views.GOAL_URL, "search"),
    Input(goal_views.GOAL_REGION, "value"),
    prevent_initial_call=True,
)
def write_url(region: str | None) -> str:
    """The chosen region into the URL; the page renders again from it (and ignores a region
    the goal has no validated figures for)."""
    return parts.board_search(region, parts.DEFAULT_GROUP)
