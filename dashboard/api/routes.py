"""/api/v1: the routes, their statuses and their Spanish reasons.

    POST /api/v1/avance            one monthly figure → 201 | 200 | 401 | 403 | 409 | 422
    POST /api/v1/archivos          one file (multipart "archivo") → the loader's JSON summary
    GET  /api/v1/metas/<codigo>/avance   the goal's monthly series, as the token's role reads it
    GET  /api/v1/openapi.json      the OpenAPI document

Every answer is JSON. Writes go through the same writers as the forms and the uploads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import flask

from dashboard.api import progress
from dashboard.api.bearer import calling_account
from dashboard.api.openapi import document
from dashboard.server import database
from loaders import account_loads
from loaders.entries import CONFLICT, FORBIDDEN, REFUSED, SAVED, UNCHANGED
from warehouse.accounts import Account
from warehouse.audit import API
from warehouse.db import WarehouseError

PREFIX = "/api/v1"
STATUS_OF = {SAVED: 201, UNCHANGED: 200, REFUSED: 422, CONFLICT: 409, FORBIDDEN: 403}
# The loader's outcomes as HTTP: the same meanings as `python -m loaders ingest`'s exit codes.
LOAD_STATUS = {"loaded": 201, "already_loaded": 200, "partial": 207, "rejected": 422, "error": 500}
NO_TOKEN = "Falta un token válido: envíe «Authorization: Bearer <token>» (lo crea la consola)."

api = flask.Blueprint("api_v1", __name__, url_prefix=PREFIX)


def install(server: flask.Flask) -> None:
    """Register /api/v1 on the app's server, outside the session's CSRF check."""
    server.register_blueprint(api)
    server.extensions["csrf"].exempt(api)


def _answer(body: dict[str, Any], status: int) -> flask.Response:
    response = flask.jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _account() -> Account | flask.Response:
    try:
        account = calling_account()
    except WarehouseError as exc:
        return _answer({"error": exc.title, "detalle": exc.detail}, 503)
    if account is None:
        response = _answer({"error": NO_TOKEN}, 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="tablero"'
        return response
    return account


@api.post("/avance")
def post_progress() -> flask.Response:
    account = _account()
    if isinstance(account, flask.Response):
        return account
    body = flask.request.get_json(silent=True)
    entry, problems = progress.entry_from_json(body, account.username)
    if entry is None:
        return _answer({"error": "Solicitud inválida.", "errores": problems}, 422)
    try:
        result = database.load(progress.write, account.scope, entry)
    except WarehouseError as exc:
        return _answer({"error": exc.title, "detalle": exc.detail}, 503)
    return _answer(progress.result_json(entry, result), STATUS_OF[result.status])


@api.post("/archivos")
def post_file() -> flask.Response:
    account = _account()
    if isinstance(account, flask.Response):
        return account
    scope = account.scope
    if not account_loads.upload_kinds(scope):
        return _answer({"error": "Su cuenta no puede cargar archivos."}, 403)
    upload = flask.request.files.get("archivo")
    if upload is None or not upload.filename:
        return _answer({"error": "Envíe un archivo en el campo «archivo» (multipart)."}, 422)
    limit = account_loads.max_upload_bytes()
    if (flask.request.content_length or 0) > limit + 64 * 1024:
        return _answer({"error": f"El archivo supera el máximo de {limit // 1024**2} MB."}, 413)
    db = database.current_database().path
    with tempfile.TemporaryDirectory(dir=db.parent) as folder:
        path = Path(folder) / Path(upload.filename).name
        upload.save(path)
        result = account_loads.load_for_account(db, path, scope, channel=API)
    return _answer(account_loads.result_json(result), LOAD_STATUS.get(result.status, 500))


@api.get("/metas/<codigo>/avance")
def get_progress(codigo: str) -> flask.Response:
    account = _account()
    if isinstance(account, flask.Response):
        return account
    try:
        series = progress.series(account.scope, codigo[:40])
    except WarehouseError as exc:
        return _answer({"error": exc.title, "detalle": exc.detail}, 503)
    if series is None:
        return _answer({"error": f"La meta {codigo[:40]} no existe."}, 404)
    return _answer(series, 200)


@api.get("/openapi.json")
def openapi() -> flask.Response:
    return _answer(document(), 200)
