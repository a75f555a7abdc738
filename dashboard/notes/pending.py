"""The "Pendientes" panel: open notes addressed to the viewer (its account or its role), overdue
"revisar el" first, each linking to its goal. Every signed-in role; never the public."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.notes import ids
from dashboard.notes.data import load_pending
from dashboard.server import database
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError

MAX_LISTED = 20


def panel() -> dbc.Card | None:
    """The page hook: the viewer's pending notes (nothing for the public or on a read error)."""
    viewer = database.viewer()
    if viewer.is_public:
        return None
    today = chile_today()
    try:
        frame = database.run(load_pending, viewer, today)
    except WarehouseError:
        return None
    return pending_card(frame, today)


def pending_card(frame: pd.DataFrame, today: date) -> dbc.Card:
    if frame.empty:
        body: object = html.P("No tiene notas pendientes.", className="text-muted mb-0")
    else:
        items = [_item(r, today) for r in frame.head(MAX_LISTED).to_dict("records")]
        more = len(frame) - MAX_LISTED
        if more > 0:
            items.append(html.Li(f"y {more} más.", className="text-muted"))
        body = html.Ul(items, className="list-unstyled mb-0")
    count = f" ({len(frame)})" if len(frame) else ""
    return dbc.Card(
        [dbc.CardHeader(html.H2("Pendientes" + count, className="h6 mb-0")), dbc.CardBody(body)],
        id=ids.PENDING,
        class_name="mb-3",
    )


def _item(record: dict, today: date) -> html.Li:
    review = record.get("revisar_el")
    has_review = review is not None and not pd.isna(review)
    overdue = has_review and pd.Timestamp(review).date() < today
    about = str(record["codigo_meta"])
    bottleneck = record.get("codigo_restriccion")
    if isinstance(bottleneck, str) and bottleneck:
        about += f" · restricción {bottleneck}"
    parts: list[object] = [dcc.Link(about, href=f"/meta/{record['codigo_meta']}")]
    parts.append(f" — {record['autor']}: {_short(str(record['texto']))}")
    if has_review:
        when = pd.Timestamp(review).strftime("%d-%m-%Y")
        parts.append(
            html.Span(
                f" Revisar el {when}" + (" (vencida)" if overdue else ""),
                className="badge text-bg-danger ms-1" if overdue else "badge text-bg-light ms-1",
            )
        )
    return html.Li(parts, className="mb-1")


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
