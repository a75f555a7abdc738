"""The login form and its address: plain server-rendered HTML, so it works before any Dash
script has loaded, and a way back to the page that asked for it that never leaves the site.

Jinja escapes every value (`render_template_string` autoescapes), the form carries the CSRF
token, and no script runs on the page (the CSP allows none inline).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import flask
from flask_wtf.csrf import generate_csrf

from dashboard.server import vendor

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"

WRONG_CREDENTIALS = "Usuario o clave incorrectos, o la cuenta está desactivada."
TOO_MANY_ATTEMPTS = (
    "Demasiados intentos fallidos para este usuario o desde esta dirección. Espere unos minutos"
    " antes de volver a intentarlo; si el bloqueo sigue, pida a la administración del tablero"
    " que cambie su clave: eso lo levanta."
)

_TEMPLATE = """<!DOCTYPE html>
<html lang="es-CL">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Ingresar · Tablero de Metas y Territorio</title>
  {% for href in stylesheets %}<link rel="stylesheet" href="{{ href }}">{% endfor %}
</head>
<body class="bg-light">
  <main class="container" style="max-width: 28rem">
    <h1 class="h3 mt-5 mb-1">
      <i class="bi bi-bar-chart-line me-2"></i>Tablero de Metas y Territorio</h1>
    <p class="text-muted mb-4">
      Ingrese con la cuenta que le entregó la administración del tablero.</p>
    {% if error %}
      <div class="alert alert-danger" role="alert" id="login-error">{{ error }}</div>
    {% endif %}
    <form method="post" action="/login" class="card card-body shadow-sm" id="login-form">
      <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
      <input type="hidden" name="next" value="{{ next_path }}">
      <label class="form-label" for="usuario">Usuario</label>
      <input class="form-control mb-3" id="usuario" name="usuario" autocomplete="username"
             value="{{ username }}" required autofocus>
      <label class="form-label" for="clave">Clave</label>
      <input class="form-control mb-3" id="clave" name="clave" type="password"
             autocomplete="current-password" required>
      <button class="btn btn-primary" type="submit" id="login-submit">Ingresar</button>
    </form>
    <p class="mt-4"><a href="/publico" id="public-link"><i class="bi bi-globe2 me-1"></i>
      Ver los resultados públicos de las metas</a> (sin cuenta).</p>
  </main>
</body>
</html>"""


def render(*, next_path: str, username: str = "", error: str | None = None) -> str:
    return flask.render_template_string(
        _TEMPLATE,
        stylesheets=vendor.stylesheet_urls(),
        csrf_token=generate_csrf(),
        next_path=next_path,
        username=username,
        error=error,
    )


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
