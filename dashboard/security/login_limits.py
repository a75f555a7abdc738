"""Limits on failed logins, per address and user name, per address, and per user name.

The counts live in the storage every worker shares (warehouse.login_state), so the limits hold
across workers; a password reset lifts a lock-out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import flask

from dashboard.security import login_page, sessions
from warehouse.login_state import StorageError

Answer = flask.Response | tuple[str, int]
_log = logging.getLogger(__name__)


def limited_log_in(form: dict[str, str], log_in: Callable[[dict[str, str]], Answer]) -> Answer:
    """Refused while a limit on failures is reached (the right password too: a guesser must
    not learn it); each failure counts per address and name, per address, and per name."""
    address = flask.request.remote_addr or "?"
    username = form.get("usuario", "")
    state = sessions.current_sessions().state
    try:
        if not state.may_try(address, username):
            return _too_many_attempts()
        answer = log_in(form)
        if isinstance(answer, tuple) and answer[1] == 401:
            state.failed(address, username)
        elif not isinstance(answer, tuple):
            state.succeeded(address, username)
    except StorageError as exc:
        _log.error("Registro de intentos de ingreso inaccesible: %s", exc)
        next_path = login_page.safe_next(form.get("next"))
        return login_page.render(next_path=next_path, error=sessions.STORAGE_DOWN), 503
    return answer


def _too_many_attempts() -> tuple[str, int]:
    next_path = login_page.safe_next(flask.request.form.get("next"))  # kept for the retry
    return login_page.render(next_path=next_path, error=login_page.TOO_MANY_ATTEMPTS), 429
