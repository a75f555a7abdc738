"""Bootstrap and Bootstrap Icons served from the installed `bootstrap-flask` package.

Offline by default: government networks filter CDNs and tests run without internet, so the
stylesheets come from files on this machine (the PyPI package ships Bootstrap 5 and the icon
font) through a Flask route, never from a CDN address such as `dbc.themes.*`.

Theme: plain Bootstrap 5. The Bootswatch themes we would otherwise pick (flatly, cosmo, lumen…)
begin with `@import url(https://fonts.googleapis.com/...)`, a request to Google from every page
load; plain Bootstrap uses the system font stack and makes no outside request.
"""

from __future__ import annotations

import importlib.util
from importlib import metadata
from pathlib import Path

import flask

VENDOR_URL = "/vendor/bootstrap/"
BOOTSTRAP_CSS = "css/bootstrap.min.css"
ICONS_CSS = "css/font/bootstrap-icons.min.css"
ONE_YEAR = 365 * 24 * 3600  # URLs carry the package version, so a new version is a new URL
ONE_DAY = 24 * 3600


def bootstrap_dir() -> Path:
    """`flask_bootstrap/static/bootstrap5` of the installed package (found without importing
    it: the package's Flask extension is not needed, only its files)."""
    spec = importlib.util.find_spec("flask_bootstrap")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Falta el paquete bootstrap-flask (pip install bootstrap-flask).")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "bootstrap5"


def _version() -> str:
    return metadata.version("bootstrap-flask")


def stylesheet_urls() -> list[str]:
    """The local stylesheet URLs to pass as Dash `external_stylesheets`."""
    suffix = "?v=" + _version()
    return [VENDOR_URL + BOOTSTRAP_CSS + suffix, VENDOR_URL + ICONS_CSS + suffix]


def register_vendor_route(server: flask.Flask) -> None:
    """Serve the Bootstrap directory under /vendor/bootstrap/, cached by browsers for a year."""
    root = bootstrap_dir()

    def vendor_bootstrap(filename: str) -> flask.Response:
        # send_from_directory refuses paths that leave `root` (../), so this serves only it.
        return flask.send_from_directory(root, filename, max_age=ONE_YEAR)

    server.add_url_rule(
        VENDOR_URL + "<path:filename>", "vendor_bootstrap", vendor_bootstrap, methods=["GET"]
    )


def register_geometry_caching(server: flask.Flask, geometry_url: str) -> None:
    """Let browsers keep map geometry (/assets/geo/*.json) for a day: it is large, changes only
    when the reference boundaries change, and is fetched once instead of on every map view."""

    @server.after_request
    def cache_geometry(response: flask.Response) -> flask.Response:
        if flask.request.path.startswith(geometry_url) and response.status_code in (200, 304):
            response.cache_control.public = True
            response.cache_control.no_cache = None
            response.cache_control.max_age = ONE_DAY
        return response
