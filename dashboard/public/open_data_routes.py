"""GET /api/v1/publico/<archivo>: the open data (dashboard.public.open_data), live and cacheable.

No login: every answer is read on a cursor of the public scope, whoever is signed in, so it is
the same bytes for everyone and a proxy or CDN may keep it (`Cache-Control: public`, a strong
`ETag` that is the hash of the bytes, `If-None-Match` → 304). The paths are sessionless
(dashboard.security.sessions.STATIC_PREFIXES): no session or CSRF cookie is read or set, so a
shared cache never stores anyone's cookie.
"""

from __future__ import annotations

import hashlib
import json

import duckdb
import flask

from dashboard.public.open_data import open_data_files
from dashboard.public.parts import OPEN_DATA_PATH
from dashboard.server import database
from dashboard.server.cache import VALUES, Memo, data_version
from warehouse.db import WarehouseError
from warehouse.scope import Scope

PREFIX = OPEN_DATA_PATH
MAX_AGE = 300
CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json"}
NAMES = ("metas.json", "metas.csv", "avance.json", "avance.csv", "diccionario.json")
# The files and their ETags per data version (a new snapshot or a new day is a new key).
FILES = Memo(VALUES, 4)


def install(server: flask.Flask) -> None:
    server.add_url_rule(PREFIX + "<name>", "datos_abiertos", open_data, methods=["GET"])


def _files(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple[bytes, str]]:
    def build() -> dict[str, tuple[bytes, str]]:
        return {name: (data, etag_of(data)) for name, data in open_data_files(cur).items()}

    return FILES.get(data_version(cur), build)


def etag_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:40]


def open_data(name: str) -> flask.Response:
    if name not in NAMES:
        return _refusal(404, f"No existe el archivo {name[:60]}; hay: {', '.join(NAMES)}.")
    try:
        data, etag = database.current_database().run(Scope.public(), _files)[name]
    except WarehouseError as exc:
        return _refusal(503, f"{exc.title}: {exc.detail}")
    request = flask.request
    if request.if_none_match.contains_weak(etag):
        response = flask.Response(status=304)
    else:
        response = flask.Response(data)
        response.headers["Content-Type"] = CONTENT_TYPES[name[name.rindex(".") :]]
        if name.endswith(".csv"):
            response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def _refusal(status: int, message: str) -> flask.Response:
    body = json.dumps({"error": message}, ensure_ascii=False)
    response = flask.Response(body, status=status, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
