"""Which pages each role opens, and the guard around every page layout.

This decides what a viewer is *offered*. What a viewer can *read* is decided where data are
read (warehouse.scope, through every cursor), so a crafted callback request gets nothing out
of scope even for a page it may open. Dash renders a page through one callback reading
`dash.page_registry`, so wrapping each registered layout guards both the first load and
in-app navigation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.server import database, responses
from warehouse.scope import (
    ADMIN,
    GERENTE,
    MINISTERIO,
    PRESIDENCIA,
    PUBLICO,
    REGION,
    ROLES,
    Scope,
)

PUBLIC_PREFIX = "/publico"
SIGNED_IN = frozenset(ROLES)
EVERYONE = frozenset({*ROLES, PUBLICO})
# Pages not listed here are open to every signed-in role (their data are scoped). A goal
# manager (gerente) is offered what an analyst is: neither the load log nor validation.
PAGE_ROLES: dict[str, frozenset[str]] = {
    # Ministries and regions upload their files there (dashboard/uploads), within their scope.
    "dashboard.pages.data_status": frozenset({PRESIDENCIA, ADMIN, MINISTERIO, REGION}),
    # Presidencia reads the pending figures and the history there, without acting on them.
    "dashboard.pages.validation": frozenset({MINISTERIO, PRESIDENCIA}),
    # A goal manager's inbox and forms (/reportar): only managers enter figures on the web.
    "dashboard.pages.report_inbox": frozenset({GERENTE}),
    "dashboard.pages.report_goal": frozenset({GERENTE}),
    # Decisions are read where their bottlenecks are: roles that read no bottleneck get nothing
    # (a goal manager reads its goals' decisions on their goal pages and the review).
    "dashboard.pages.decisions": frozenset({PRESIDENCIA, MINISTERIO, REGION}),
    "dashboard.pages.public_results": EVERYONE,
    "dashboard.pages.public_goal": EVERYONE,
}


def roles_for(module: str) -> frozenset[str]:
    return PAGE_ROLES.get(module, SIGNED_IN)


def is_public_path(path: str) -> bool:
    return path == PUBLIC_PREFIX or path.startswith(PUBLIC_PREFIX + "/")


def may_open(page: dict[str, Any], scope: Scope) -> bool:
    return scope.role in roles_for(page["module"])


def visible_pages(scope: Scope) -> Iterable[dict[str, Any]]:
    """Registered pages this viewer may open, in the registry's order."""
    return (page for page in dash.page_registry.values() if may_open(page, scope))


def home_region() -> str | None:
    """A regional account's own region: its map and region pages open there."""
    scope = database.viewer()
    return scope.region if scope.role == REGION else None


def guard_pages() -> None:
    """Wrap every registered page layout with the role check (once, at app creation)."""
    for page in dash.page_registry.values():
        layout = page["layout"]
        if getattr(layout, "_guarded", False):
            continue
        page["layout"] = _guarded(page["module"], layout)


# A page is a pure function of its address and the data version (snapshot, viewer's scope,
# day), so the answer carrying it may be kept (dashboard/server/responses.py); pages that act
# (validation) never are.
NOT_CACHED = frozenset(
    {"dashboard.pages.validation", "dashboard.pages.report_inbox", "dashboard.pages.report_goal"}
)


def _guarded(module: str, layout: Callable[..., Any] | Any) -> Callable[..., Any]:
    def guarded_layout(**kwargs: Any) -> Any:
        scope = database.viewer()
        if scope.role not in roles_for(module):
            return denied(scope)
        if not callable(layout):
            return layout
        if module not in NOT_CACHED:
            responses.may_keep()  # the whole answer carrying this page may be kept
        return layout(**kwargs)

    guarded_layout._guarded = True  # type: ignore[attr-defined]
    return guarded_layout


def denied(scope: Scope) -> dbc.Alert:
    """What a viewer sees on a page outside their role: never an empty screen."""
    if scope.is_public:
        body = [
            "Esta página es para equipos de gobierno. ",
            html.A("Ingrese con su cuenta", href="/login"),
            " o vea los ",
            html.A("resultados públicos de las metas", href=PUBLIC_PREFIX),
            ".",
        ]
    else:
        body = [
            "Su cuenta no tiene acceso a esta página. Use el menú para ver las páginas de su rol."
        ]
    return dbc.Alert(
        [html.I(className="bi bi-shield-lock me-2"), *body], color="warning", id="acceso-denegado"
    )
