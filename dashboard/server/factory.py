"""The app factory: `create_app(settings)` builds a complete Dash app for one database.

A factory (rather than a module-level app) lets tests build apps on their own databases, and
lets the entry point decide when and where to serve. Nothing here opens the database: the
first request in each serving process does (see dashboard.server.database).
"""

from __future__ import annotations

from pathlib import Path

import dash

from dashboard.api import routes as api_routes
from dashboard.meeting_pack import routes as meeting_pack_routes
from dashboard.public import open_data_routes
from dashboard.security import auth, page_access
from dashboard.server import cache, database, responses, vendor
from dashboard.server.settings import REPO_ROOT, Settings
from dashboard.ui import shell, theme
from dashboard.uploads import routes as upload_routes
from loaders.web_geometry import ensure_web_geometry

PACKAGE_DIR = Path(__file__).resolve().parents[1]
PAGES_DIR = PACKAGE_DIR / "pages"
ASSETS_DIR = REPO_ROOT / "assets"

# Dash's default page, with the document language set: screen readers and hyphenation then
# treat the text as Spanish (Chile).
INDEX_STRING = """<!DOCTYPE html>
<html lang="es-CL">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def create_app(settings: Settings, *, assets_folder: Path = ASSETS_DIR) -> dash.Dash:
    """A multi-page Dash app serving `settings.db_path`, with every asset served locally."""
    app = dash.Dash(
        "dashboard",  # the package: page modules are then named dashboard.pages.<name>
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(assets_folder),
        external_stylesheets=vendor.stylesheet_urls(),
        serve_locally=True,
        title=shell.APP_TITLE,
        update_title=None,
        # Pages build their layouts from the URL and the data, and an error state (no
        # database, unknown goal) has no controls: Dash's up-front check of every callback
        # against every layout would then log "ID not found" on all screens. The browser
        # tests exercise each callback for real instead.
        suppress_callback_exceptions=True,
    )
    app.index_string = INDEX_STRING
    warehouse_db = database.Database(
        settings.db_path, threads=settings.threads, memory_limit=settings.memory_limit
    )
    database.install(app.server, warehouse_db)
    vendor.register_vendor_route(app.server)
    vendor.register_geometry_caching(app.server, app.get_asset_url("geo/"))
    theme.register_plotly_template()
    # The maps fetch their shapes from assets/geo; every app makes sure they exist (built once,
    # ~5 s, when missing or stale; a 0.6 ms check otherwise), so no page can point at nothing.
    ensure_web_geometry(Path(assets_folder) / "geo")
    app.layout = shell.layout
    page_access.guard_pages()
    responses.install(app.server, cache.current_version)
    responses.refuse_malformed(app.server, lambda: app.callback_map)
    upload_routes.install(app, settings)  # first: its size check runs before the CSRF check
    auth.install(app, settings)
    api_routes.install(app.server)  # after the CSRF check exists: the API is exempt from it
    meeting_pack_routes.install(app.server)
    open_data_routes.install(app.server)  # GET only, no session: nothing for CSRF to check
    return app
