"""Login, sessions, CSRF, login rate limits and security headers, around the Dash server.

* Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure behind TLS) holding the
  account id, its `sesion_epoca`, a random session id and when it began and was last used;
  every request re-reads the account, so a disabled account or a reset password ends its
  sessions on their next click. Logging out records the session id as ended in the storage
  every worker shares (warehouse.login_state), so a copy of the cookie reads nothing after;
  the account's other sessions go on. Idle and absolute lifetimes are settings.
* CSRF (Flask-WTF) guards every POST, Dash callbacks included: Dash's renderer already sends
  the header `X-CSRFToken` from the cookie `_csrf_token`, which this module keeps set to a
  token tied to the session (double submit). The login form carries the same token.
* Failed logins are limited per address and user name, per address, and per user name, in that
  shared storage, so the limits hold across workers (warehouse.login_state).
* Headers (Flask-Talisman): a CSP that allows only the app's own scripts (Dash's inline
  renderer script by hash), no framing, nosniff, no referrer leaks.

The viewer's scope is set for each request here (`data.set_viewer`); queries never read it
from request inputs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import dash
import flask
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms.validators import ValidationError

from dashboard import access, data, login_page
from dashboard.lru import LRU
from dashboard.settings import Settings
from warehouse import accounts
from warehouse.db import WarehouseError
from warehouse.login_state import LoginLimits, LoginState, StorageError
from warehouse.scope import Scope

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads
SECRET_FILE_SUFFIX = ".secret"
# Requests that never need the viewer: files, and Dash's own scripts.
_STATIC_PREFIXES = (
    "/assets/",
    "/vendor/",
    "/_dash-component-suites/",
    "/_favicon.ico",
    "/favicon.ico",
)
_SESSION_ACCOUNT = "cuenta"
_SESSION_EPOCH = "epoca"
_SESSION_ID = "sid"
_SESSION_STARTED = "desde"  # Unix seconds of the login
_SESSION_SEEN = "visto"  # Unix seconds of the last request, rewritten at most every minute
_EXTENSION = "tablero_login"
_clock = time.time  # tests move it forward
_log = logging.getLogger(__name__)
STORAGE_DOWN = (
    "El registro de sesiones no responde: no es posible verificar la sesión ni ingresar ahora."
    " Inténtelo de nuevo en unos minutos."
)


@dataclass(frozen=True)
class _Sessions:
    """The shared login state and the lifetimes of this app's sessions."""

    state: LoginState
    idle: int
    lifetime: int

    @property
    def refresh_every(self) -> int:
        """How stale the last-seen time may get: re-sending the cookie on every answer cost
        ~15 % of a small request, once a minute costs nothing, and short test idles still work."""
        return max(1, min(60, self.idle // 10))


def install(app: dash.Dash, settings: Settings) -> None:
    """Put login, CSRF, rate limits and headers in front of every route of `app`."""
    server = app.server
    server.secret_key = settings.secret_key or _stored_secret(settings.db_path)
    server.config.update(
        SESSION_COOKIE_NAME="tablero_sesion",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=settings.session_lifetime,
        # The cookie is sent when the session changes (signing in or out), not re-signed and
        # re-sent with every answer: ~15 % of the cost of each small request (measured).
        SESSION_REFRESH_EACH_REQUEST=False,
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session
        WTF_CSRF_SSL_STRICT=settings.secure_cookies,
    )
    if settings.trusted_proxies:  # the client's address from X-Forwarded-For, set by the proxy
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    limits = LoginLimits(
        settings.login_limit, settings.login_limit_address, settings.login_limit_user
    )
    server.extensions[_EXTENSION] = _Sessions(
        LoginState(settings.storage_uri, limits), settings.session_idle, settings.session_lifetime
    )
    CSRFProtect(server)
    _security_headers(app, settings)
    _register_routes(server)
    server.before_request(_identify_viewer)
    server.before_request(_require_login_for_pages)
    server.after_request(_refresh_csrf_cookie(settings))
    server.register_error_handler(CSRFError, _csrf_refused)


def _stored_secret(db_path: Path) -> str:
    """A random signing key kept next to the database, so every worker (and restart) shares it.

    Written whole under a temporary name and linked into place (a link fails when the name
    exists): a worker starting beside another reads no file or the whole key, never the empty
    file that creating it in place showed for a moment — an empty key turned every session
    of that worker off (a 500 on its first requests). Private (0600, any umask): whoever reads
    it can sign any session; a key written by hand with looser rights is tightened."""
    path = db_path.with_name(db_path.name + SECRET_FILE_SUFFIX)
    with contextlib.suppress(FileNotFoundError):
        if key := path.read_text("utf-8").strip():
            if os.stat(path).st_mode & 0o077:
                with contextlib.suppress(OSError):  # another user's file: leave it, still works
                    os.chmod(path, 0o600)
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staged = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")  # mode 0o600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48))
        with contextlib.suppress(FileExistsError):  # another worker's key is in place
            os.link(staged, path)
    finally:
        os.unlink(staged)
    key = path.read_text("utf-8").strip()
    if not key:
        raise RuntimeError(f"{path} está vacío: bórrelo para que se genere una clave nueva.")
    return key


# --------------------------------------------------------------------------- who is asking


def _sessions() -> _Sessions:
    return flask.current_app.extensions[_EXTENSION]


def _identify_viewer() -> flask.Response | None:
    if flask.request.path.startswith(_STATIC_PREFIXES):
        return None
    session = flask.session
    account_id = session.get(_SESSION_ACCOUNT)
    if account_id is None:
        return None
    try:
        live = _session_is_live(session, _sessions())
    except StorageError as exc:
        _log.error("Registro de sesiones inaccesible: %s", exc)
        return flask.make_response(STORAGE_DOWN, 503)
    account = _account(account_id) if live else None
    if (
        account is None
        or not account.active
        or (account.session_epoch != session.get(_SESSION_EPOCH))
    ):
        session.clear()  # logged out, expired, disabled, or the password changed since
        return None
    flask.g.account = account
    data.set_viewer(account.scope)
    return None


def _session_is_live(session: flask.sessions.SessionMixin, sessions: _Sessions) -> bool:
    """Within both lifetimes and not logged out; marks it used (the idle clock starts again)."""
    now = int(_clock())
    session_id, started, seen = (
        session.get(_SESSION_ID),
        session.get(_SESSION_STARTED),
        session.get(_SESSION_SEEN),
    )
    if not isinstance(session_id, str) or not isinstance(started, int):
        return False  # a cookie from before sessions had ids: log in again
    if not isinstance(seen, int) or now - started >= sessions.lifetime:
        return False
    if now - seen >= sessions.idle or sessions.state.session_ended(session_id):
        return False
    if now - seen >= sessions.refresh_every:
        session[_SESSION_SEEN] = now  # the cookie is re-sent with this answer
    return True


# Accounts as each published snapshot holds them: every request checks its session against
# the account (~1 ms a query); a disabled account or a new password publishes a new snapshot,
# which changes the key, so the check is as current as before.
_ACCOUNTS = LRU(512)


def _account(account_id: int) -> accounts.Account | None:
    database = data.current_database()
    version = access.page_version()
    if version is None:
        return database.run(Scope.system(), accounts.account_by_id, account_id)
    return _ACCOUNTS.get(
        (account_id, *version),
        lambda: database.run(Scope.system(), accounts.account_by_id, account_id),
    )


def current_account() -> accounts.Account | None:
    return flask.g.get("account") if flask.has_request_context() else None


def _require_login_for_pages() -> flask.Response | None:
    """A page address opened without a session goes to the login form, and comes back after.

    Dash's own routes are not redirected: their data are limited by the viewer's scope, and the
    page content callback shows a "login first" panel (see dashboard.access)."""
    request = flask.request
    if request.method != "GET" or current_account() is not None:
        return None
    path = request.path
    if path.startswith(_STATIC_PREFIXES) or path.startswith("/_") or access.is_public_path(path):
        return None
    if path in (LOGIN_PATH, LOGOUT_PATH):
        return None
    return flask.redirect(login_url(request.full_path.rstrip("?")))


def login_url(next_path: str | None = None) -> str:
    """The login form's address, coming back to `next_path` (a path with its query string).

    `next` is URL-encoded: unencoded, the page's own `&ministerio=…` became a parameter of the
    login URL and the filters were lost on the way back (issue 16)."""
    if not next_path or next_path == "/":
        return LOGIN_PATH
    return LOGIN_PATH + "?" + urlencode({"next": next_path})


def safe_next(raw: str | None) -> str:
    """Only a path on this site, else "/": never `//other.host`, `https://…`, or what a browser
    reads as another host (`/\\other.host`: browsers treat a backslash as a slash; tabs and
    newlines are dropped from URLs, so `/<tab>/other.host` is `//other.host` too)."""
    if not raw or not raw.startswith("/"):
        return "/"
    if "\\" in raw or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or raw.startswith("//"):
        return "/"
    return raw


# --------------------------------------------------------------------------- routes


def _register_routes(server: flask.Flask) -> None:
    def login() -> flask.Response | str | tuple[str, int]:
        if flask.request.method == "GET":
            return login_page.render(next_path=safe_next(flask.request.args.get("next")))
        return _limited_log_in(flask.request.form)

    def logout() -> flask.Response | tuple[str, int]:
        session_id = flask.session.get(_SESSION_ID)
        if isinstance(session_id, str):
            sessions = _sessions()
            try:
                sessions.state.end_session(session_id, sessions.lifetime)
            except StorageError as exc:
                _log.error("Registro de sesiones inaccesible: %s", exc)
                return STORAGE_DOWN, 503  # the session stays: say so rather than pretend
        flask.session.clear()
        return flask.redirect(LOGIN_PATH)

    server.add_url_rule(LOGIN_PATH, "login", login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "logout", logout, methods=["POST"])


def _limited_log_in(form: dict[str, str]) -> flask.Response | tuple[str, int]:
    """Refused while a limit on failures is reached (the right password too: a guesser must
    not learn it); each failure counts per address and name, per address, and per name."""
    address = flask.request.remote_addr or "?"
    username = form.get("usuario", "")
    state = _sessions().state
    try:
        if not state.may_try(address, username):
            return _too_many_attempts()
        answer = _log_in(form)
        if isinstance(answer, tuple) and answer[1] == 401:
            state.failed(address, username)
        elif not isinstance(answer, tuple):
            state.succeeded(address, username)
    except StorageError as exc:
        _log.error("Registro de intentos de ingreso inaccesible: %s", exc)
        next_path = safe_next(form.get("next"))
        return login_page.render(next_path=next_path, error=STORAGE_DOWN), 503
    return answer


def _log_in(form: dict[str, str]) -> flask.Response | tuple[str, int]:
    username = form.get("usuario", "").strip()
    password = form.get("clave", "")
    next_path = safe_next(form.get("next"))
    account = None
    if username and password:
        try:
            account = data.current_database().run(
                Scope.system(), accounts.authenticate, username, password
            )
        except WarehouseError as exc:
            return login_page.render(
                next_path=next_path, username=username, error=f"{exc.title}. {exc.detail}"
            ), 503
    if account is None:
        return login_page.render(
            next_path=next_path, username=username, error=login_page.WRONG_CREDENTIALS
        ), 401
    flask.session.clear()  # a new session id and a new CSRF token: no session fixation
    flask.session.permanent = True
    flask.session[_SESSION_ACCOUNT] = account.id
    flask.session[_SESSION_EPOCH] = account.session_epoch
    flask.session[_SESSION_ID] = secrets.token_urlsafe(24)
    flask.session[_SESSION_STARTED] = flask.session[_SESSION_SEEN] = int(_clock())
    return flask.redirect(next_path)


def _too_many_attempts() -> tuple[str, int]:
    next_path = safe_next(flask.request.form.get("next"))  # the link is kept for the retry
    return login_page.render(next_path=next_path, error=login_page.TOO_MANY_ATTEMPTS), 429


def _csrf_refused(error: CSRFError) -> tuple[str, int]:
    return (
        "La solicitud no trae el código de seguridad de esta sesión (CSRF). "
        "Recargue la página e inténtelo de nuevo.",
        400,
    )


# --------------------------------------------------------------------------- cookies, headers


def _refresh_csrf_cookie(settings: Settings):
    def refresh(response: flask.Response) -> flask.Response:
        if flask.request.path.startswith(_STATIC_PREFIXES):
            return response
        current = flask.request.cookies.get(CSRF_COOKIE)
        if current and "csrf_token" in flask.session and _is_valid_token(current):
            return response
        response.set_cookie(
            CSRF_COOKIE,
            generate_csrf(),
            secure=settings.secure_cookies,
            httponly=False,  # read by Dash's renderer to send X-CSRFToken
            samesite="Strict",
        )
        return response

    return refresh


def _is_valid_token(token: str) -> bool:
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True


def _security_headers(app: dash.Dash, settings: Settings) -> None:
    """CSP allowing the app's own files and Dash's inline bootstrapping scripts by hash.

    'unsafe-inline' stays for styles only: Dash and plotly set style attributes on elements.
    MapLibre (the map traces) draws with web workers created from blob: URLs."""
    csp = {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    talisman = Talisman(
        app.server,
        content_security_policy=csp,
        force_https=settings.secure_cookies,
        strict_transport_security=settings.secure_cookies,
        session_cookie_secure=settings.secure_cookies,
        frame_options="DENY",
        referrer_policy="same-origin",
    )

    # Dash adds inline scripts (clientside callbacks of the pages machinery) when it sets itself
    # up on the first request, so their hashes are taken then, once per process.
    hashed: list[bool] = []

    def hash_inline_scripts() -> None:
        if not hashed:
            hashes = app.csp_hashes()
            talisman.content_security_policy = {**csp, "script-src": ["'self'", *hashes]}
            hashed.append(True)

    app.server.before_request(hash_inline_scripts)
