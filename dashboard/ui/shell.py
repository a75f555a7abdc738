"""The frame around every page: navbar built from the page registry, demo badge, data freshness.

`layout()` is the app's layout *function*, evaluated on each full page load, so the badge and
"datos cargados" line reflect the database being served. Dash also calls it once at app creation
(outside any request) to validate callbacks; then it builds the frame without touching the
database, which keeps the connection from being opened before a server forks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import dash
import dash_bootstrap_components as dbc
import duckdb
import flask
from dash import dcc, html

from dashboard.security import page_access
from dashboard.server import database
from dashboard.ui import ids
from dashboard.ui.formatting import format_datetime
from warehouse import status
from warehouse.db import WarehouseError
from warehouse.scope import ADMIN, MINISTERIO, PRESIDENCIA, ROLE_LABELS, Scope

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"

APP_TITLE = "Tablero de Metas y Territorio"
BRAND_PREFIX = "Tablero de "  # the brand reads "Metas y Territorio" where space is short
# Below Bootstrap's xl (1200 px) the navbar folds behind a toggler; from xl on it is one line.
NAV_EXPAND = "xl"
# Pages a cabinet opens less often: under "Más" when there are two or more of them, so the
# account and "Salir" stay on screen on a 1366 px laptop. Validation is a ministry
# coordinator's daily page (on the bar for them), an occasional one for other roles; the data
# page is the stewards' (on the bar for admin and presidencia), an occasional upload for ministries
# and regions. Decisions are reached from the weekly review (its "Registrar decisión" links).
MORE_PAGES = ("/convergencia", "/explorar", "/publico", "/validacion", "/datos", "/decisiones")
MAIN_PAGES_OF_ROLE = {MINISTERIO: ("/validacion",), ADMIN: ("/datos",), PRESIDENCIA: ("/datos",)}
# Words of a link that only screens from 1600 px show (CSS class nav-long).
LONG_WORDS = {"/": " semanal"}
DEMO_EXPLANATION = (
    "Las cifras de esta base son ficticias: fueron generadas para mostrar el tablero "
    "y no representan datos oficiales."
)


@dataclass(frozen=True)
class ShellStatus:
    """What the navbar says about the data being served."""

    is_demo: bool = False
    last_load: datetime | None = None
    error: WarehouseError | None = None


def _read(con: duckdb.DuckDBPyConnection) -> ShellStatus:
    return ShellStatus(is_demo=status.is_demo(con), last_load=status.last_load(con))


def read_shell_status() -> ShellStatus:
    """Demo flag and last load time; a database problem is shown, never raised to the user."""
    try:
        return database.run(_read)
    except WarehouseError as exc:
        return ShellStatus(error=exc)


def demo_badge() -> dbc.Badge:
    return dbc.Badge(
        [html.I(className="bi bi-exclamation-diamond me-1"), "datos de demostración"],
        id=ids.DEMO_BADGE,
        color="warning",
        text_color="dark",
        title=DEMO_EXPLANATION,
    )


def freshness(shell: ShellStatus) -> html.Span:
    """'Datos cargados: 22-11-2025 15:53' (hora de Chile), or why it cannot be said."""
    if shell.error is not None:
        return html.Span(
            [html.I(className="bi bi-database-x me-1"), shell.error.title],
            id=ids.DB_ERROR,
            className="text-warning",
            title=shell.error.detail,
        )
    if shell.last_load:
        # The words hide on one-line navbars under 1800 px (every page caption repeats them).
        text = [
            html.Span("Datos cargados: ", className="wide-only"),
            format_datetime(shell.last_load),
        ]
    else:
        text = ["Aún no se han cargado datos"]
    return html.Span(
        [html.I(className="bi bi-clock-history me-1"), *text],
        id=ids.LAST_LOAD,
        className="text-light small",
        title="Datos cargados (hora de Chile continental)",
    )


def _nav_link(page: dict) -> dbc.NavItem:
    name, long = page["name"], LONG_WORDS.get(page["relative_path"], "")
    label = [name.removesuffix(long), html.Span(long, className="nav-long")] if long else name
    return dbc.NavItem(
        dbc.NavLink(
            label,
            href=page["relative_path"],
            # /ministerio/salud keeps "Ministerios" lit; "/" must not light up everything
            active="exact" if page["relative_path"] == "/" else "partial",
        )
    )


def nav_links(scope: Scope) -> dbc.Nav:
    """One link per page this viewer may open, in the registry's order (`order=`); the less
    used ones under a "Más" menu when there are two or more."""
    pages = [p for p in page_access.visible_pages(scope) if p.get("nav", True)]  # no detail pages
    main = MAIN_PAGES_OF_ROLE.get(scope.role, ())
    more = [p for p in pages if p["relative_path"] in MORE_PAGES and p["relative_path"] not in main]
    if len(more) < 2:
        more = []
    items: list[object] = [_nav_link(p) for p in pages if p not in more]
    if more:
        items.append(
            dbc.DropdownMenu(
                [dbc.DropdownMenuItem(p["name"], href=p["relative_path"]) for p in more],
                label="Más",
                id=ids.NAV_MORE,
                nav=True,
                in_navbar=True,
            )
        )
    return dbc.Nav(items, id=ids.NAV_LINKS, navbar=True, class_name="me-auto")


def account_area(scope: Scope) -> html.Div:
    """Who is signed in and a way out, or a way in (the public pages need no account)."""
    if scope.is_public or scope.user is None:
        return html.Div(
            dbc.Button(
                [html.I(className="bi bi-box-arrow-in-right me-1"), "Ingresar"],
                href=LOGIN_PATH,
                color="light",
                outline=True,
                size="sm",
                id=ids.LOGIN_LINK,
            )
        )
    return html.Div(
        [
            html.Span(
                [html.I(className="bi bi-person-circle me-1"), scope.user],
                id=ids.ACCOUNT_NAME,
                className="text-light small",
                title=ROLE_LABELS.get(scope.role, scope.role)
                + (f" · región {scope.region}" if scope.region else "")
                + (" · " + ", ".join(scope.ministries) if scope.ministries else ""),
            ),
            # A plain form: logging out changes state, so it is a POST with the CSRF token,
            # which assets/shell.js takes from this session's cookie when the form is sent
            # (the frame is kept per account, not per session: dashboard/server/responses.py).
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=""),
                    dbc.Button("Salir", type="submit", color="light", outline=True, size="sm"),
                ],
                action=LOGOUT_PATH,
                method="POST",
                id=ids.LOGOUT_FORM,
                className="m-0",
            ),
        ],
        className="d-flex align-items-center gap-2",
    )


def brand(scope: Scope) -> dbc.NavbarBrand:
    return dbc.NavbarBrand(
        [
            html.I(className="bi bi-bar-chart-line me-2", **{"aria-hidden": "true"}),
            html.Span(BRAND_PREFIX, className="brand-prefix"),
            APP_TITLE.removeprefix(BRAND_PREFIX),
        ],
        href="/publico" if scope.is_public else "/",
    )


def navbar(shell: ShellStatus | None, scope: Scope) -> dbc.Navbar:
    """Brand and toggler; behind the toggler on narrow screens, the links, the data status
    and the account (on a phone the open menu stacks them)."""
    status_items = []
    if shell is not None:
        status_items = [demo_badge()] if shell.is_demo else []
        status_items.append(freshness(shell))
    # Plain Bootstrap markup, opened and closed by assets/shell.js: a Dash callback would be
    # registered with the first app of a process only (the frame is not a page module).
    menu = html.Div(
        [
            nav_links(scope),
            html.Div(
                [*status_items, account_area(scope)],
                className="navbar-status d-flex flex-wrap align-items-center gap-2 py-2 py-xl-0"
                " ms-xl-auto",
            ),
        ],
        id=ids.NAV_COLLAPSE,
        className="collapse navbar-collapse",
    )
    toggler = html.Button(
        html.Span(className="navbar-toggler-icon"),
        id=ids.NAV_TOGGLER,
        className="navbar-toggler",
        type="button",
        title="Menú",
        **{
            "aria-controls": ids.NAV_COLLAPSE,
            "aria-expanded": "false",
            "aria-label": "Abrir el menú",
        },
    )
    return dbc.Navbar(
        dbc.Container(
            [
                brand(scope),
                toggler,
                menu,
            ],
            fluid=True,
        ),
        id=ids.NAVBAR,
        color="dark",
        dark=True,
        expand=NAV_EXPAND,
        class_name="mb-3",
    )


def layout() -> html.Div:
    """The app layout: navbar + the current page."""
    shell = read_shell_status() if flask.has_request_context() else None
    return html.Div(
        [
            navbar(shell, database.viewer()),
            dbc.Container(dash.page_container, fluid="xxl", class_name="pb-4"),
        ]
    )
