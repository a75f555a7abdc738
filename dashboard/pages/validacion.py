"""Validación de cifras (/validacion): a ministry coordinator's sello de calidad.

The coordinator marks reported figures of the ministry's goals and validates them, or returns
them with a comment. Presidencia reads the same page without its actions: every pending figure
and the history of every goal (?meta=<codigo> for one goal's).

The callback is thin on purpose: the viewer comes from the session (`data.viewer()`, never
from the request's inputs), the action authorises every figure again on the primary
(warehouse.validation.apply_validation), and the pending list is read back through the
viewer's scoped cursor. A crafted request therefore cannot validate another
ministry's figure, nor one that changed since it was shown.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dash
import pandas as pd
from dash import Input, Output, State, callback, ctx, html, no_update

from dashboard import data
from dashboard import validation_views as views
from dashboard.components import error_alert
from dashboard.shell import APP_TITLE
from warehouse import validation
from warehouse.db import WarehouseError

dash.register_page(
    __name__,
    path="/validacion",
    name="Validación",
    title="Validación de cifras · " + APP_TITLE,
    order=8,
)

ACTION_OF = {views.VALIDATE: validation.VALIDATE, views.RETURN_BUTTON: validation.RETURN}


def page_body(
    rows: list[dict[str, object]],
    history: pd.DataFrame,
    *,
    disabled: bool = False,
    goal: str | None = None,
) -> list[object]:
    """Count, actions, result, grid and history: every component the callback reads or writes.
    Disabled (read-only), the actions are hidden and the grid has no checkboxes."""
    panel = views.action_panel(disabled=disabled)  # above the grid: in reach with 100 rows
    return [
        html.P(views.count_text(len(rows)), id=views.COUNT, className="mb-2"),
        html.Div(panel, hidden=True) if disabled else panel,
        html.Div(id=views.RESULT, role="status", **{"aria-live": "polite"}),
        views.pending_grid(rows, selectable=not disabled),
        views.history_section(history, goal),
    ]


def _hidden_body() -> html.Div:
    """The controls kept hidden and disabled when the page cannot be used: a crafted click
    still reaches the callback, which refuses it on its own."""
    return html.Div(page_body([], pd.DataFrame(), disabled=True), hidden=True)


def goal_code(text: str | None) -> str | None:
    """The goal whose history the URL asks for (?meta=SAL-01), or None for every goal."""
    code = (text or "").strip()
    return code[:40] or None


def layout(meta: str | None = None, **_query: str) -> html.Div:
    viewer = data.viewer()
    header = html.H1("Validación de cifras", id=views.TITLE, className="h2 mt-2")
    read_only = views.reads_only(viewer)
    if not viewer.can_validate and not read_only:
        return html.Div([header, views.not_allowed(viewer), _hidden_body()])
    goal = goal_code(meta)
    try:
        pending = data.run(validation.pending_figures)
        history = data.run(validation.validation_history, goal, views.HISTORY_ROWS)
    except WarehouseError as exc:
        return html.Div([header, error_alert(exc, views.ERROR), _hidden_body()])
    rows = views.grid_rows(pending)
    intro = views.read_only_intro() if read_only else views.intro(viewer)
    body = page_body(rows, history, disabled=read_only, goal=goal)
    return html.Div([header, intro, *body])


def _now() -> datetime:
    """UTC without zone, as the warehouse stores times."""
    return datetime.now(UTC).replace(tzinfo=None)


@callback(
    Output(views.RESULT, "children"),
    Output(views.GRID, "rowData"),
    Output(views.GRID, "selectedRows"),
    Output(views.COUNT, "children"),
    Output(views.HISTORY, "children"),
    Output(views.COMMENT, "value"),
    Input(views.VALIDATE, "n_clicks"),
    Input(views.RETURN_BUTTON, "n_clicks"),
    State(views.GRID, "selectedRows"),
    State(views.COMMENT, "value"),
    prevent_initial_call=True,
)
def act(_validate: int | None, _return: int | None, selected: object, comment: object):
    """Validate or return the marked figures, then show the result and the lists read again."""
    unchanged = (no_update,) * 5
    viewer = data.viewer()
    if not viewer.can_validate:
        return views.message_alert("Su cuenta no puede validar cifras", ""), *unchanged
    trigger = ctx.triggered_id
    action = ACTION_OF.get(trigger) if isinstance(trigger, str) else None
    if action is None:
        raise dash.exceptions.PreventUpdate
    figures = [r for r in selected if isinstance(r, dict)] if isinstance(selected, list) else []
    text = comment if isinstance(comment, str) else None
    try:
        validation.check_request(viewer, figures, action, text)
        result = data.write(validation.apply_validation, viewer, figures, action, text, _now())
    except validation.ValidationRequestError as exc:
        return views.message_alert(exc.title, exc.detail), *unchanged
    except WarehouseError as exc:
        return views.message_alert(exc.title, exc.detail, color="danger"), *unchanged
    alert = views.result_alert(result, views.region_names(figures))
    try:
        pending = data.run(validation.pending_figures)
        history = data.run(validation.validation_history, None, views.HISTORY_ROWS)
    except WarehouseError as exc:
        return [alert, error_alert(exc, views.ERROR)], *unchanged
    return (
        alert,
        views.grid_rows(pending),
        [],
        views.count_text(len(pending)),
        views.history_table(history),
        "" if result.accepted else no_update,
    )
