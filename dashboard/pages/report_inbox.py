"""Reportar (/reportar): the goal manager's inbox — months owed, figures returned for
correction with the coordinator's comment, figures awaiting validation — one card per goal."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
from dash import html

from dashboard.notes import pending as pending_notes
from dashboard.reporting import ids
from dashboard.reporting.data import load_inbox
from dashboard.reporting.inbox_views import inbox
from dashboard.server import database
from dashboard.ui.components import error_alert
from dashboard.ui.shell import APP_TITLE
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError

dash.register_page(
    __name__,
    path="/reportar",
    name="Reportar",
    title="Reportar avance · " + APP_TITLE,
    order=7,
)


def layout(**_query: str) -> html.Div:
    viewer = database.viewer()
    header = [
        html.H1("Reportar avance", id=ids.TITLE, className="h2 mt-2"),
        html.P(
            "Lo que sus metas esperan de usted: los meses por informar, las cifras que la "
            "coordinación devolvió para corregir y las que esperan su validación.",
            className="text-body-secondary",
        ),
    ]
    try:
        works = database.run(load_inbox, viewer.goals, chile_today())
    except WarehouseError as exc:
        return html.Div([*header, error_alert(exc, ids.ERROR)])
    now = datetime.now(UTC).replace(tzinfo=None)
    return html.Div([*header, pending_notes.panel(), inbox(works, now)])
