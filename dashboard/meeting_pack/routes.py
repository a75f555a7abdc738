"""GET /revision/informe.pdf: the weekly meeting pack of the review page's URL arguments, for a
signed-in account, read on its own scoped cursor (installed by the app factory)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from urllib.parse import urlencode

import flask
from dash import html

from dashboard.meeting_pack.data import load_pack, pack_args
from dashboard.meeting_pack.document import pack_html, pack_pdf
from dashboard.security import page_access, sessions
from dashboard.server import database
from dashboard.server.cache import VALUES, Memo, data_version
from dashboard.server.defaults import FROM_PARAM, MONTH_PARAM, TO_PARAM
from indicators.months import knowledge_instant
from warehouse import decisions as decision_queries
from warehouse.db import WarehouseError

PDF_PATH = "/revision/informe.pdf"
REVIEW_PAGE = "dashboard.pages.weekly_review"
PACK_LINK_ID = "revision-informe-pdf"
# PDFs per data version (snapshot, scope, day), account and arguments: a meeting's attendees
# download the same pack, and building one takes seconds of WeasyPrint layout.
PDFS = Memo(VALUES, 8)


def install(server: flask.Flask) -> None:
    server.add_url_rule(PDF_PATH, "informe_revision", meeting_pack, methods=["GET"])


def pack_href(args: Mapping[str, str]) -> str:
    """The pack's address for the review's arguments (mes, desde, hasta)."""
    query = urlencode(pack_args(dict(args)))
    return PDF_PATH + ("?" + query if query else "")


def open_decisions(day: date) -> list[dict[str, object]]:
    """The decisions open and overdue on the review date as known then, as the viewer reads
    them (sections.decisions_section's rows)."""
    frame = database.run(decision_queries.decisions, day, knowledge_instant(day))
    rows = frame[frame["estado"].isin(("abierta", "vencida"))].to_dict("records")
    return [
        {"codigo_meta": r["codigo_meta"], "texto": r["texto"], "responsable": r["responsable"],
         "fecha_compromiso": r["vence"], "vencida": r["estado"] == "vencida"}
        for r in rows
    ]  # fmt: skip


def meeting_pack() -> flask.Response:
    if sessions.current_account() is None:
        return _answer(401, "Ingrese con su cuenta para descargar el informe.")
    scope = database.viewer()
    if not page_access.may_open({"module": REVIEW_PAGE}, scope):
        return _answer(403, "Su cuenta no puede abrir la revisión semanal.")
    args = pack_args(flask.request.args.to_dict())
    try:
        version = database.run(data_version)
        # The title page names the account: its user name is part of the key.
        key = (version, scope.user, tuple(sorted(args.items())))
        name, pdf = PDFS.get(key, lambda: _build(args))
    except WarehouseError as exc:
        return _answer(503, f"{exc.title}: {exc.detail}")
    response = flask.make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _build(args: dict[str, str]) -> tuple[str, bytes]:
    """(file name, PDF) of the pack for these arguments, read on the viewer's cursor."""
    pack = database.run(load_pack, args)
    day = pack.review.changes.hasta
    pdf = pack_pdf(pack_html(pack, database.viewer(), decisions=open_decisions(day)))
    return f"informe_revision_{pack.review.changes.hasta:%Y-%m-%d}.pdf", pdf


def _answer(status: int, message: str) -> flask.Response:
    response = flask.make_response(message, status)
    response.mimetype = "text/plain"
    response.headers["Cache-Control"] = "no-store"
    return response


def pack_link(month: str, start: str, end: str) -> html.P:
    """The review page's "Descargar informe (PDF)" link, with the page's current filters."""
    href = pack_href({MONTH_PARAM: month, FROM_PARAM: start, TO_PARAM: end})
    return html.P(
        html.A(
            [
                html.I(className="bi bi-file-earmark-pdf me-1", **{"aria-hidden": "true"}),
                "Descargar informe (PDF)",
            ],
            href=href,
            id=PACK_LINK_ID,
            className="btn btn-outline-secondary btn-sm",
        ),
        className="mb-2 d-print-none",
    )
