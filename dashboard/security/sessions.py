"""Who is asking: the signed session cookie, checked against its account on every request.

Sessions are Flask's signed cookies holding the account id, its `sesion_epoca`, a random session
id and when it began and was last used. Every request re-reads the account, so a disabled
account or a reset password ends its sessions on their next click. Logging out records the
session id as ended in the storage every worker shares (warehouse.login_state), so a copy of
the cookie reads nothing after; the account's other sessions go on. The viewer's scope (role,
and its ministries, region or managed goals) is the account's as stored, set for each request
here (`database.set_viewer`); queries never read it from request inputs.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

import flask

from dashboard.server import database
from dashboard.server.settings import Settings
from warehouse import accounts
from warehouse.login_state import LoginLimits, LoginState, StorageError
from warehouse.scope import Scope

# Requests that never need the viewer: files, Dash's own scripts, and the public open data
# (the same bytes for everyone, cached by proxies: no session or CSRF cookie read or set).
STATIC_PREFIXES = (
    "/assets/",
    "/vendor/",
    "/_dash-component-suites/",
    "/_favicon.ico",
    "/favicon.ico",
    "/api/v1/publico/",
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
class Sessions:
    """The shared login state and the lifetimes of this app's sessions."""

    state: LoginState
    idle: int
    lifetime: int

    @property
    def refresh_every(self) -> int:
        """How stale the last-seen time may get: re-sending the cookie on every answer cost
        ~15 % of a small request, once a minute costs nothing, and short test idles still work."""
        return max(1, min(60, self.idle // 10))


def keep_state(server: flask.Flask, settings: Settings) -> None:
    """Attach the shared login state (ended sessions, failed logins) to `server`."""
    limits = LoginLimits(
        settings.login_limit, settings.login_limit_address, settings.login_limit_user
    )
    server.extensions[_EXTENSION] = Sessions(
        LoginState(settings.storage_uri, limits), settings.session_idle, settings.session_lifetime
    )


def current_sessions() -> Sessions:
    return flask.current_app.extensions[_EXTENSION]


def identify_viewer() -> flask.Response | None:
    """Before each request: the signed-in account and its scope, or nobody."""
    if flask.request.path.startswith(STATIC_PREFIXES):
        return None
    session = flask.session
    account_id = session.get(_SESSION_ACCOUNT)
    if account_id is None:
        return None
    try:
        live = _session_is_live(session, current_sessions())
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
    database.set_viewer(account.scope)
    return None


def _session_is_live(session: flask.sessions.SessionMixin, sessions: Sessions) -> bool:
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


def _account(account_id: int) -> accounts.Account | None:
    """The account as the published snapshot holds it, read on every request (a disabled
    account or a new password is seen at once; keeping it did not pay, docs/caching.md)."""
    return database.current_database().run(Scope.system(), accounts.account_by_id, account_id)


def current_account() -> accounts.Account | None:
    return flask.g.get("account") if flask.has_request_context() else None


def start(account: accounts.Account) -> None:
    """A fresh session for `account`: a new id and a new CSRF token, so no session fixation."""
    flask.session.clear()
    flask.session.permanent = True
    flask.session[_SESSION_ACCOUNT] = account.id
    flask.session[_SESSION_EPOCH] = account.session_epoch
    flask.session[_SESSION_ID] = secrets.token_urlsafe(24)
    flask.session[_SESSION_STARTED] = flask.session[_SESSION_SEEN] = int(_clock())


def end() -> None:
    """Record this session as ended for every worker, then forget it here.

    Raises StorageError (the session then stays) when the shared storage does not answer."""
    session_id = flask.session.get(_SESSION_ID)
    if isinstance(session_id, str):
        sessions = current_sessions()
        sessions.state.end_session(session_id, sessions.lifetime)
    flask.session.clear()
