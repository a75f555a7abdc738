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
from flask_wtf.csrf import generate_csrf

from dashboard import access, data, ids
from dashboard.formatting import format_datetime
from warehouse import status
from warehouse.db import WarehouseError
from warehouse.scope import ROLE_LABELS, Scope

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"

APP_TITLE = "Tablero de Metas y Territorio"
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
        return data.run(_read)
    except WarehouseError as exc:
        return ShellStatus(error=exc)


def demo_badge() -> dbc.Badge:
    return dbc.Badge(
        [html.I(className="bi bi-exclamation-diamond me-1"), "datos de demostración"],
        id=ids.DEMO_BADGE,
        color="warning",
        text_color="dark",
        class_name="fs-6",
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
        # The words hide on narrower screens (every page caption repeats them); the time stays.
        text = [
            html.Span("Datos cargados: ", className="d-none d-xxl-inline"),
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


def nav_links(scope: Scope) -> dbc.Nav:
    """One link per page this viewer may open, in the registry's order (`order=`)."""
    return dbc.Nav(
        [
            dbc.NavItem(
                dbc.NavLink(
                    page["name"],
                    href=page["relative_path"],
                    # /ministerio/salud keeps "Ministerios" lit; "/" must not light up everything
                    active="exact" if page["relative_path"] == "/" else "partial",
                )
            )
            for page in access.visible_pages(scope)
            if page.get("nav", True)  # detail pages (/meta/<codigo>) are reached by links
        ],
        id=ids.NAV_LINKS,
        navbar=True,
        class_name="me-auto",
    )


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
    token = generate_csrf() if flask.has_request_context() else ""
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
            # A plain form: logging out changes state, so it is a POST with the CSRF token.
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=token),
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


def navbar(shell: ShellStatus | None, scope: Scope) -> dbc.Navbar:
    status_items = []
    if shell is not None:
        status_items = [demo_badge()] if shell.is_demo else []
        status_items.append(freshness(shell))
    home = "/publico" if scope.is_public else "/"
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [html.I(className="bi bi-bar-chart-line me-2"), APP_TITLE], href=home
                ),
                nav_links(scope),
                html.Div(
                    [*status_items, account_area(scope)],
                    className="d-flex align-items-center gap-3",
                ),
            ],
            fluid=True,
        ),
        id=ids.NAVBAR,
        color="dark",
        dark=True,
        class_name="mb-3",
    )


def layout() -> html.Div:
    """The app layout: navbar + the current page."""
    shell = read_shell_status() if flask.has_request_context() else None
    return html.Div(
        [
            navbar(shell, data.viewer()),
            dbc.Container(dash.page_container, fluid="xxl", class_name="pb-4"),
        ]
    )
