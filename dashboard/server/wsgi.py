"""The WSGI entry of production servers: `dashboard.server.wsgi:server`
(see dashboard/server/gunicorn_conf.py).

`server` is built on first access, from TABLERO_* variables, in the process that will serve.
With gunicorn's `preload_app = False` that is each worker after the fork, so the master never
imports the pages or opens DuckDB: no connection, thread pool or lock crosses a fork.

`python -m dashboard.server.wsgi` prepares, in a process of its own, what every worker would
otherwise race to create: the demo database when there is none (as `make run` does), its published
snapshot, and the map geometry. gunicorn_conf runs it before the master starts the workers.
"""

from __future__ import annotations

import sys
from typing import Any

import flask

from dashboard.server.first_run import prepare
from dashboard.server.settings import Settings, SettingsError

_SERVED = ("server", "application")  # `application` is the name mod_wsgi and uWSGI look for


def build_server(settings: Settings | None = None) -> flask.Flask:
    """The Flask server of a complete dashboard app (nothing is opened until a request)."""
    from dashboard.server.factory import create_app

    return create_app(settings or Settings.from_env()).server


def __getattr__(name: str) -> Any:
    """`server` and `application`, built once per process on first access (PEP 562)."""
    if name not in _SERVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    built = build_server()
    globals().update(dict.fromkeys(_SERVED, built))
    return built


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Configuración inválida: {exc}", file=sys.stderr)
        return 2
    prepare(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
