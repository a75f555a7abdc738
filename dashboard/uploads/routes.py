"""The upload and download routes of /datos, installed by the app factory.

`POST /datos/cargas` receives one file (multipart, field `archivo`) from a signed-in account
that may load files, with the session's CSRF token as every POST of the app; its size is
checked from Content-Length before the body is read (413), the file is saved in the private
folder next to the database and queued, and the answer (202) names the job the page then
follows. `GET /datos/cargas/cuarentena/<id>.csv` sends a load's quarantined rows as the
fix-and-resend CSV (the one `python -m loaders quarantine --file … --csv` writes) to the
account that sent it, and to the roles that read the load log.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

import dash
import flask

from dashboard.security import sessions
from dashboard.server import database
from dashboard.server.settings import Settings
from dashboard.uploads.runner import Uploads, scope_record
from loaders.account_loads import max_upload_bytes, upload_kinds
from loaders.quarantine_csv import fix_me_bytes, fix_me_frame
from warehouse import ingestion
from warehouse.db import WarehouseError
from warehouse.scope import ADMIN, Scope

UPLOAD_PATH = "/datos/cargas"
QUARANTINE_PATH = "/datos/cargas/cuarentena/<int:ingestion_id>.csv"
FIELD = "archivo"
MULTIPART_SLACK = 64 * 1024  # the form's boundaries and headers around the file
_EXTENSION = "tablero_cargas"
NAME_CHARS = 150


def install(app: dash.Dash, settings: Settings) -> None:
    """Add the routes and the size check; the size check runs before any other hook (the
    CSRF check reads the form, which would read the body)."""
    server = app.server
    server.extensions[_EXTENSION] = Uploads.create(
        settings.db_path, max_upload_bytes(settings.upload_mb)
    )
    server.before_request(refuse_oversize)
    server.add_url_rule(UPLOAD_PATH, "cargas_subir", receive, methods=["POST"])
    server.add_url_rule(QUARANTINE_PATH, "cargas_cuarentena", quarantine_csv, methods=["GET"])


def uploads_of(server: flask.Flask) -> Uploads:
    return server.extensions[_EXTENSION]


def current_uploads() -> Uploads:
    return uploads_of(flask.current_app)


def limit_text(max_bytes: int) -> str:
    return f"{max_bytes // 1024**2:,}".replace(",", ".") + " MB"


def refuse_oversize() -> flask.Response | None:
    """413 for an upload announcing more than the limit, before a byte of it is read."""
    request = flask.request
    if request.path != UPLOAD_PATH or request.method != "POST":
        return None
    limit = current_uploads().max_bytes
    length = request.content_length
    if length is None:
        return _answer(411, "El envío no indica su tamaño; súbalo desde la página Datos.")
    if length > limit + MULTIPART_SLACK:
        return _answer(
            413, f"El archivo supera el máximo de {limit_text(limit)}; no se cargó nada."
        )
    request.max_content_length = limit + MULTIPART_SLACK  # a body longer than announced stops
    return None


def receive() -> flask.Response:
    """Save the file and queue it; the runner loads it in the background."""
    if sessions.current_account() is None:
        return _answer(401, "Ingrese con su cuenta para subir archivos.")
    scope = database.viewer()
    if not upload_kinds(scope):
        return _answer(403, "Su cuenta no puede cargar archivos.")
    sent = flask.request.files.get(FIELD)
    if sent is None or not sent.filename:
        return _answer(400, "No llegó ningún archivo.")
    uploads = current_uploads()
    path = uploads.store.new_upload_path(safe_file_name(sent.filename))
    sent.save(path)
    if path.stat().st_size > uploads.max_bytes:
        uploads.store.remove_upload(path)
        limit = limit_text(uploads.max_bytes)
        return _answer(413, f"El archivo supera el máximo de {limit}; no se cargó nada.")
    job_id = uploads.store.add(scope.user or "", scope_record(scope), path.name, path)
    uploads.runner.kick()
    return flask.make_response(flask.jsonify(trabajo=job_id, archivo=path.name), 202)


def quarantine_csv(ingestion_id: int) -> flask.Response:
    """The fix-and-resend CSV of one load, for whoever sent it or reads the load log."""
    if sessions.current_account() is None:
        return _answer(401, "Ingrese con su cuenta para descargar archivos.")
    scope = database.viewer()
    db = database.current_database()
    try:
        owner = db.run(Scope.system(), ingestion.load_owner, ingestion_id)
        if owner is None:
            return _answer(404, "No existe esa carga.")
        if not may_download(scope, owner[1]):
            return _answer(403, "Su cuenta no puede ver las filas de esa carga.")
        frame = db.run(Scope.system(), fix_me_frame, ingestion_id=ingestion_id)
    except WarehouseError as exc:
        return _answer(503, f"{exc.title}: {exc.detail}")
    name = "corregir_" + owner[0].rsplit(".", 1)[0] + ".csv"
    response = flask.make_response(fix_me_bytes(frame))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def may_download(scope: Scope, uploader: str | None) -> bool:
    return scope.role == ADMIN or scope.sees_loads or (bool(uploader) and uploader == scope.user)


def safe_file_name(name: str) -> str:
    """The sender's file name without folders or control characters, bounded in length."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    if len(base) > NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: NAME_CHARS - len(ext) - 1] + dot + ext) if dot else base[:NAME_CHARS]
    return base or "archivo"


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.replace('"', "") or "corregir.csv"


def _answer(status: int, message: str) -> flask.Response:
    return flask.make_response(flask.jsonify(error=message), status)
