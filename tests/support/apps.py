"""Dash apps from the real factory, for tests: one way to build them, set up as served."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


def served(app):
    """The app set up by one request, as a served app is. Dash hands module-level clientside
    callbacks (dashboard.ui.shell, dashboard.territory.map_views) to the first app that serves a
    request and their inline scripts to the first app created: an app built and never served
    would leave the callbacks to a later test's app that lacks their scripts."""
    app.server.test_client().get("/login")
    return app


def build_app(db_path: Path, *, assets_folder: Path | None = None, **settings: object):
    """An app on `db_path` with one DuckDB thread and these settings (and its own assets
    folder when given), set up as served."""
    from dashboard.server.factory import create_app
    from dashboard.server.settings import Settings

    folder = {} if assets_folder is None else {"assets_folder": assets_folder}
    return served(create_app(Settings(db_path=db_path, threads=1, **settings), **folder))


def close_app(app) -> None:
    from dashboard.server import database

    database.database_of(app.server).close()


@contextlib.contextmanager
def app_on(db_path: Path, **settings: object) -> Iterator[object]:
    """`build_app`, its connection closed on leaving (module-scoped fixtures)."""
    app = build_app(db_path, **settings)
    try:
        yield app
    finally:
        close_app(app)
