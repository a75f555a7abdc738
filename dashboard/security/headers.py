"""Security headers (Flask-Talisman): a CSP that allows only the app's own scripts (Dash's
inline renderer scripts by hash), no framing, nosniff, no referrer leaks."""

from __future__ import annotations

import dash
from flask_talisman import Talisman

from dashboard.server.settings import Settings


def install(app: dash.Dash, settings: Settings) -> None:
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
