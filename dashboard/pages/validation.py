"""Validación de cifras (/validacion): a ministry coordinator's sello de calidad.

The coordinator marks reported figures of the ministry's goals and validates them, or returns
them with a comment. Presidencia reads the same page without its actions: every pending figure
and the history of every goal (?meta=<codigo> for one goal's).

The callback is thin on purpose: the viewer comes from the session (`database.viewer()`, never
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

from dashboard.server import database
from dashboard.ui.components import error_alert
from dashboard.ui.shell import APP_TITLE
from dashboard.validation import actions, history_table, ids, page_intro, pending_grid
from warehouse import validation
from warehouse.db import WarehouseError

dash.register_page(
    __name__,
    path="/validacion",
    name="Validación",
    title="Validación de cifras · " + APP_TITLE,
    order=8,
)

ACTION_OF = {ids.VALIDATE: validation.VALIDATE, ids.RETURN_BUTTON: validation.RETURN}


def page_body(
    rows: list[dict[str, object]],
    history: pd.DataFrame,
    *,
    disabled: bool = False,
    goal: str | None = None,
) -> list[object]:
    """Count, actions, result, grid and history: every component the callback reads or writes.
    Disabled (read-only), the actions are hidden and the grid has no checkboxes."""
    panel = actions.action_panel(disabled=disabled)  # above the grid: in reach with 100 rows
    return [
        html.P(pending_grid.count_text(len(rows)), id=ids.COUNT, className="mb-2"),
        html.Div(panel, hidden=True) if disabled else panel,
        html.Div(id=ids.RESULT, role="status", **{"aria-live": "polite"}),
        pending_grid.pending_grid(rows, selectable=not disabled),
        history_table.history_section(history, goal),
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
    viewer = database.viewer()
    header = html.H1("Validación de cifras", id=ids.TITLE, className="h2 mt-2")
    read_only = page_intro.reads_only(viewer)
    if not viewer.can_validate and not read_only:
        return html.Div([header, page_intro.not_allowed(viewer), _hidden_body()])
    goal = goal_code(meta)
    try:
        pending = database.run(validation.pending_figures)
        history = database.run(validation.validation_history, goal, history_table.HISTORY_ROWS)
    except WarehouseError as exc:
        return html.Div([header, error_alert(exc, ids.ERROR), _hidden_body()])
    rows = pending_grid.grid_rows(pending)
    intro = page_intro.read_only_intro() if read_only else page_intro.intro(viewer)
    body = page_body(rows, history, disabled=read_only, goal=goal)
    return html.Div([header, intro, *body])


def _now() -> datetime:
    """UTC without zone, as the warehouse stores times."""
    return datetime.now(UTC).replace(tzinfo=None)


@callback(
    Output(ids.RESULT, "children"),
    Output(ids.GRID, "rowData"),
    Output(ids.GRID, "selectedRows"),
    Output(ids.COUNT, "children"),
    Output(ids.HISTORY, "children"),
    Output(ids.COMMENT, "value"),
    Input(ids.VALIDATE, "n_clicks"),
    Input(ids.RETURN_BUTTON, "n_clicks"),
    State(ids.GRID, "selectedRows"),
    State(ids.COMMENT, "value"),
    prevent_initial_call=True,
)
def act(_validate: int | None, _return: int | None, selected: object, comment: object):
    """Validate or return the marked figures, then show the result and the lists read again."""
    unchanged = (no_update,) * 5
    viewer = database.viewer()
    if not viewer.can_validate:
        return actions.message_alert("Su cuenta no puede validar cifras", ""), *unchanged
    trigger = ctx.triggered_id
    action = ACTION_OF.get(trigger) if isinstance(trigger, str) else None
    if action is None:
        raise dash.exceptions.PreventUpdate
    figures = [r for r in selected if isinstance(r, dict)] if isinstance(selected, list) else []
    text = comment if isinstance(comment, str) else None
    try:
        validation.check_request(viewer, figures, action, text)
        result = database.write(validation.apply_validation, viewer, figures, action, text, _now())
    except validation.ValidationRequestError as exc:
        return actions.message_alert(exc.title, exc.detail), *unchanged
    except WarehouseError as exc:
        return actions.message_alert(exc.title, exc.detail, color="danger"), *unchanged
    alert = actions.result_alert(result, pending_grid.region_names(figures))
    try:
        pending = database.run(validation.pending_figures)
        history = database.run(validation.validation_history, None, history_table.HISTORY_ROWS)
    except WarehouseError as exc:
        return [alert, error_alert(exc, ids.ERROR)], *unchanged
    return (
        alert,
        pending_grid.grid_rows(pending),
        [],
        pending_grid.count_text(len(pending)),
        history_table.history_table(history),
        "" if result.accepted else no_update,
    )
