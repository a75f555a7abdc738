"""Revisión semanal: the screen the weekly review meeting opens with.

Top to bottom, in the order the meeting goes: how many goals are in each light (big numbers),
what needs a decision today (bottlenecks to escalate, goals at risk), what changed since the
last review, the milestones of the coming weeks and the overdue ones, and the regions with the
most goals in rojo.

The URL holds the view (?mes=2025-05&desde=2025-06-09&hasta=2025-06-16). The controls only
write the URL (dcc.Location refresh="callback-nav"); Dash pages then render `layout` again, so
a first visit, a pasted link and a change of date take the same code path. Defaults (latest
month with progress, latest load date) come from dashboard.server.defaults.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import duckdb
from dash import Input, Output, callback, dcc, html

from dashboard.meeting_pack.routes import pack_link
from dashboard.notes import pending as pending_notes
from dashboard.review.decision_section import decision_column, decision_section, review_decisions
from dashboard.review.forecasts import forecast_section
from dashboard.review.sections import changes, decisions, milestones, regions
from dashboard.server import database
from dashboard.server.defaults import (
    FROM_PARAM,
    MONTH_PARAM,
    TO_PARAM,
    Defaults,
    day_label,
    format_day,
    format_month,
    month_label,
    month_options,
    parse_month,
    read_defaults,
    review_window,
)
from dashboard.server.review_data import ReviewPage, load_review
from dashboard.ui import components, ids
from dashboard.ui.components import caption, dropdown
from dashboard.ui.goal_tables import goals_href, light_cards
from dashboard.ui.shell import APP_TITLE
from warehouse.db import WarehouseError

dash.register_page(__name__, path="/", name="Revisión semanal", title=APP_TITLE, order=0)


def read_view(
    con: duckdb.DuckDBPyConnection, args: dict[str, object]
) -> tuple[Defaults, ReviewPage]:
    """Defaults, then the review for the URL's month and dates (one cursor, one call)."""
    defaults = read_defaults(con)
    as_of = parse_month(args.get(MONTH_PARAM), defaults.as_of)
    start, end = review_window(args.get(FROM_PARAM), args.get(TO_PARAM), defaults)
    return defaults, load_review(con, as_of, start, end)


def control(label: str, id_: str, component: object) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, html_for=id_, class_name="small mb-1"), component], xs=12, sm=4, lg=2
    )


def date_input(id_: str, day: str) -> dcc.DatePickerSingle:
    """A day written dd-mm-aaaa whatever the browser's language (a native date input follows
    it: mm/dd/yyyy in an English browser); the value stays ISO (YYYY-MM-DD) for the URL."""
    return dcc.DatePickerSingle(
        id=id_,
        date=day or None,
        display_format="DD-MM-YYYY",
        month_format="MMMM YYYY",
        first_day_of_week=1,
        placeholder="dd-mm-aaaa",
    )


def controls(month_choices: list[dict[str, str]], month: str | None, start: str, end: str):
    """As-of month and review dates (Chilean dd-mm-aaaa, weeks from Monday)."""
    return dbc.Row(
        [
            control(
                "Mes de corte",
                ids.HOME_MONTH,
                dropdown(id=ids.HOME_MONTH, options=month_choices, value=month, clearable=False),
            ),
            control(
                "Revisión anterior",
                ids.HOME_FROM,
                date_input(ids.HOME_FROM, start),
            ),
            control("Esta revisión", ids.HOME_TO, date_input(ids.HOME_TO, end)),
        ],
        class_name="g-2 mb-2 review-controls",
    )


def error_alert(exc: WarehouseError) -> dbc.Alert:
    return components.error_alert(exc, ids.HOME_ERROR)


def layout(**query_args: str) -> html.Div:
    title = html.H1("Revisión semanal", id=ids.HOME_TITLE, className="h2 mt-2")
    url = dcc.Location(id=ids.HOME_URL, refresh="callback-nav")
    try:
        defaults, page = database.run(read_view, query_args)
    except WarehouseError as exc:
        # Controls kept (hidden): Dash checks the callback's ids against every layout.
        hidden = html.Div(controls([], None, "", ""), hidden=True)
        return html.Div([url, title, error_alert(exc), hidden])
    board, ch = page.board, page.changes
    lead = (
        f"Metas al mes de {month_label(board.as_of)}; cambios entre el "
        f"{day_label(ch.desde)} y el {day_label(ch.hasta)}, con los datos conocidos entonces."
    )
    filters = {
        "Mes de corte": month_label(board.as_of),
        "Revisión": f"{day_label(ch.desde)} → {day_label(ch.hasta)}",
    }
    return html.Div(
        [
            url,
            title,
            html.P(lead, className="lead"),
            controls(
                month_options(defaults, board.as_of),
                format_month(board.as_of),
                format_day(ch.desde),
                format_day(ch.hasta),
            ),
            caption(filters, defaults.last_load, id_=ids.HOME_CAPTION),
            pending_notes.panel(),
            pack_link(format_month(board.as_of), format_day(ch.desde), format_day(ch.hasta)),
            light_cards(
                board.goals,
                id_=ids.HOME_CARDS,
                href_for=lambda light: goals_href(mes=format_month(board.as_of), semaforo=light),
            ),
            decisions(page, decision_column(strategy := review_decisions(page))),
            decision_section(strategy),
            changes(page),
            milestones(page),
            regions(page, dash.get_asset_url("geo/regiones.json")),
            forecast_section(board.as_of, ch.hasta),
        ]
    )


@callback(
    Output(ids.HOME_URL, "search"),
    Input(ids.HOME_MONTH, "value"),
    Input(ids.HOME_FROM, "date"),
    Input(ids.HOME_TO, "date"),
    prevent_initial_call=True,
)
def navigate(month: str | None, start: str | None, end: str | None) -> str:
    """A new month or date -> a new URL; the page is then rendered again from it. An
    incomplete date (while typing) changes nothing."""
    if not (month and start and end):
        return dash.no_update
    return "?" + urlencode({MONTH_PARAM: month, FROM_PARAM: start, TO_PARAM: end})
