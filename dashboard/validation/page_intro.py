"""What the validation page (/validacion) tells each viewer first: what to do with the
pending figures, that presidencia only reads them, or why the page cannot be used."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.validation.ids import INTRO, NOT_ALLOWED, READ_ONLY
from warehouse.scope import PRESIDENCIA, Scope

# Roles that read the pending figures and the history without acting on them (warehouse.scope
# gives presidencia every `validaciones` row; only a ministry validates, Scope.can_validate).
READ_ONLY_ROLES = frozenset({PRESIDENCIA})
INTRO_TEXT = (
    "Cifras mensuales reportadas y aún no validadas de las metas de {ministries}. Marque las "
    "que revisó y valídelas (pasan a ser las cifras oficiales que ven Presidencia y la "
    "ciudadanía), o devuélvalas con un comentario para quien las reportó."
)


def intro(scope: Scope) -> html.P:
    ministries = ", ".join(scope.ministries) or "su ministerio"
    return html.P(INTRO_TEXT.format(ministries=ministries), id=INTRO, className="lead")


def reads_only(scope: Scope) -> bool:
    """A role that may read this page without validating (presidencia)."""
    return scope.role in READ_ONLY_ROLES and not scope.can_validate


def read_only_intro() -> html.Div:
    """What presidencia reads here, and that only each ministry validates its figures."""
    return html.Div(
        [
            html.P(
                "Cifras mensuales reportadas y aún no validadas de todas las metas, y el "
                "historial de validaciones y devoluciones.",
                id=INTRO,
                className="lead",
            ),
            dbc.Alert(
                [
                    html.I(className="bi bi-eye me-2", **{"aria-hidden": "true"}),
                    "Vista de solo lectura: la coordinación de cada ministerio valida o devuelve"
                    " las cifras de sus metas.",
                ],
                color="info",
                id=READ_ONLY,
                class_name="py-2",
            ),
        ]
    )


def not_allowed(scope: Scope) -> dbc.Alert:
    """A viewer who cannot validate: why, in words (the page's controls stay hidden)."""
    if scope.is_public:
        text = "Inicie sesión con una cuenta de coordinación ministerial para validar cifras."
    else:
        text = (
            "Su cuenta no valida cifras: solo la coordinación de un ministerio valida las cifras"
            " de las metas de su ministerio."
        )
    return dbc.Alert(
        [html.I(className="bi bi-shield-lock me-2", **{"aria-hidden": "true"}), text],
        color="warning",
        id=NOT_ALLOWED,
    )
