"""Login, sessions, CSRF, login rate limits and security headers, put around the Dash server.

`install` is the one entry (called by dashboard.server.factory); each concern is its own module:

* dashboard.security.sessions — the signed session cookie (HttpOnly, SameSite=Lax, Secure behind
  TLS), checked against its account on every request; idle and absolute lifetimes; logout.
* dashboard.security.login, .login_page, .login_limits — the /login and /logout routes, the form,
  and the limits on failed attempts shared by every worker (warehouse.login_state).
* dashboard.security.csrf — a token on every POST, Dash callbacks included (double submit).
* dashboard.security.headers — the CSP and the other security headers (Flask-Talisman).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

import dash
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.security import csrf, headers, login, sessions
from dashboard.server.settings import Settings

SECRET_FILE_SUFFIX = ".secret"


def install(app: dash.Dash, settings: Settings) -> None:
    """Put login, CSRF, rate limits and headers in front of every route of `app`.

    The order of the hooks matters: the CSRF check runs first, then the headers' own hooks,
    then the viewer is identified before a page without a session is sent to the login form."""
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
    sessions.keep_state(server, settings)
    csrf.protect(server)
    headers.install(app, settings)
    login.register_routes(server)
    server.before_request(sessions.identify_viewer)
    server.before_request(login.require_login_for_pages)
    server.after_request(csrf.refresh_cookie(settings))
    csrf.answer_refusals(server)


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
