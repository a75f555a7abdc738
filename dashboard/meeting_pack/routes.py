"""GET /revision/informe.pdf: the weekly meeting pack of the review page's URL arguments, for a
signed-in account, read on its own scoped cursor (installed by the app factory)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import flask
from dash import html

from dashboard.meeting_pack.build import build_pack
from dashboard.meeting_pack.data import pack_args
from dashboard.security import page_access, sessions
from dashboard.server import database
from dashboard.server.cache import VALUES, Memo, data_version
from dashboard.server.defaults import FROM_PARAM, MONTH_PARAM, TO_PARAM
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
    return build_pack(database.current_database(), database.viewer(), args)


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
