"""The /login and /logout routes, and the redirect of a page opened without a session.

The form itself is dashboard.security.login_page; the limits on failed attempts are
dashboard.security.login_limits; the session cookie is dashboard.security.sessions.
"""

from __future__ import annotations

import logging

import flask

from dashboard.security import login_limits, login_page, page_access, sessions
from dashboard.security.login_page import LOGIN_PATH, LOGOUT_PATH
from dashboard.server import database
from warehouse import accounts
from warehouse.db import WarehouseError
from warehouse.login_state import StorageError
from warehouse.scope import Scope

_log = logging.getLogger(__name__)


def register_routes(server: flask.Flask) -> None:
    """Add the login form (GET shows it, POST signs in) and the logout action to `server`."""
    server.add_url_rule(LOGIN_PATH, "login", _login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "logout", _logout, methods=["POST"])


def _login() -> flask.Response | str | tuple[str, int]:
    if flask.request.method == "GET":
        return login_page.render(next_path=login_page.safe_next(flask.request.args.get("next")))
    return login_limits.limited_log_in(flask.request.form, _log_in)


def _logout() -> flask.Response | tuple[str, int]:
    try:
        sessions.end()
    except StorageError as exc:
        _log.error("Registro de sesiones inaccesible: %s", exc)
        return sessions.STORAGE_DOWN, 503  # the session stays: say so rather than pretend
    return flask.redirect(LOGIN_PATH)


def _log_in(form: dict[str, str]) -> flask.Response | tuple[str, int]:
    username = form.get("usuario", "").strip()
    password = form.get("clave", "")
    next_path = login_page.safe_next(form.get("next"))
    account = None
    if username and password:
        try:
            account = database.current_database().run(
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
    sessions.start(account)
    return flask.redirect(next_path)


API_PREFIX = "/api/"


def require_login_for_pages() -> flask.Response | None:
    """A page address opened without a session goes to the login form, and comes back after.

    Dash's own routes are not redirected: their data are limited by the viewer's scope, and the
    page content callback shows a "login first" panel (see dashboard.security.page_access)."""
    request = flask.request
    if request.method != "GET" or sessions.current_account() is not None:
        return None
    path = request.path
    if (
        path.startswith(sessions.STATIC_PREFIXES)
        or path.startswith("/_")
        or page_access.is_public_path(path)
        or path.startswith(API_PREFIX)  # the API answers 401 itself (Bearer tokens)
    ):
        return None
    if path in (LOGIN_PATH, LOGOUT_PATH):
        return None
    return flask.redirect(login_page.login_url(request.full_path.rstrip("?")))
