"""CSRF (Flask-WTF) on every POST, Dash callbacks included.

Dash's renderer already sends the header `X-CSRFToken` from the cookie `_csrf_token`, which this
module keeps set to a token tied to the session (double submit). The login form carries the
same token.
"""

from __future__ import annotations

from collections.abc import Callable

import flask
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from dashboard.security.sessions import STATIC_PREFIXES
from dashboard.server.settings import Settings

CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads


def protect(server: flask.Flask) -> None:
    """Refuse every POST without this session's token (checked before any other hook)."""
    CSRFProtect(server)


def answer_refusals(server: flask.Flask) -> None:
    """A refused request is told why, in Spanish, with a 400."""
    server.register_error_handler(CSRFError, _refused)


def refresh_cookie(settings: Settings) -> Callable[[flask.Response], flask.Response]:
    """An after-request hook keeping the token cookie set and valid for this session."""

    def refresh(response: flask.Response) -> flask.Response:
        if flask.request.path.startswith(STATIC_PREFIXES):
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


def _refused(error: CSRFError) -> tuple[str, int]:
    return (
        "La solicitud no trae el código de seguridad de esta sesión (CSRF). "
        "Recargue la página e inténtelo de nuevo.",
        400,
    )
