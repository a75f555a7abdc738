"""The actions of the validation page (/validacion): the comment and the two buttons, and
what an action did (or why it could not be carried out)."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import html

from dashboard.ui.goal_format import month_label
from dashboard.validation.ids import COMMENT, RESULT, RETURN_BUTTON, VALIDATE
from dashboard.validation.pending_grid import NATIONAL
from warehouse.validation import MAX_COMMENT, RETURN, Refusal, ValidationResult

COMMENT_HELP = (
    "Obligatorio para devolver: explique qué debe corregir quien reportó la cifra. "
    "Al validar es opcional y queda en el historial."
)


def action_panel(*, disabled: bool = False) -> dbc.Row:
    """The comment and the two actions; they apply to the figures marked in the grid."""
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(
                        "Comentario (obligatorio para devolver)",
                        html_for=COMMENT,
                        class_name="small mb-1",
                    ),
                    dbc.Textarea(
                        id=COMMENT,
                        rows=2,
                        maxLength=MAX_COMMENT,
                        placeholder="Por ejemplo: la cifra de Valparaíso no cuadra con el "
                        "registro del servicio; revise y vuelva a reportar.",
                        title=COMMENT_HELP,
                        disabled=disabled,
                    ),
                ],
                lg=8,
            ),
            dbc.Col(
                html.Div(
                    [
                        dbc.Button(
                            [html.I(className="bi bi-patch-check me-1"), "Validar seleccionadas"],
                            id=VALIDATE,
                            color="success",
                            disabled=disabled,
                            n_clicks=0,
                        ),
                        dbc.Button(
                            [html.I(className="bi bi-reply me-1"), "Devolver con comentario"],
                            id=RETURN_BUTTON,
                            color="warning",
                            disabled=disabled,
                            n_clicks=0,
                        ),
                    ],
                    className="d-flex flex-wrap gap-2",
                ),
                lg=4,
                class_name="d-flex align-items-end",
            ),
        ],
        class_name="g-2 my-2",
    )


def _figure_label(refusal: Refusal, names: Mapping[str | None, str]) -> str:
    figure = refusal.figure
    if isinstance(figure, Mapping):
        return refusal.label
    region = names.get(figure.region) or figure.region or NATIONAL
    return f"{figure.codigo_meta} · {month_label(figure.mes)} · {region}"


def result_alert(
    result: ValidationResult, names: Mapping[str | None, str] | None = None
) -> dbc.Alert:
    """What the action did: how many figures changed, and each one left as it was, with why."""
    names = names or {}
    returned = result.action == RETURN
    if result.accepted == 0:
        done = "No se modificó ninguna cifra."
    elif result.accepted == 1:
        done = "Se devolvió 1 cifra con su comentario." if returned else "Se validó 1 cifra."
    else:
        verb = "devolvieron" if returned else "validaron"
        done = f"Se {verb} {result.accepted} cifras" + (" con su comentario." if returned else ".")
    body: list[object] = [html.Strong(done)]
    if result.refused:
        items = [
            html.Li([html.Span(_figure_label(r, names), className="fw-semibold"), ": ", r.reason])
            for r in result.refused
        ]
        body.append(html.P("Quedaron sin cambios:", className="mb-1 mt-2"))
        body.append(html.Ul(items, className="mb-0"))
    color = "success" if not result.refused else ("warning" if result.accepted else "danger")
    icon = "bi-check-circle-fill" if color == "success" else "bi-exclamation-triangle-fill"
    return dbc.Alert(
        [html.I(className=f"bi {icon} me-2", **{"aria-hidden": "true"}), *body],
        color=color,
        id=RESULT + "-alerta",
        dismissable=True,
    )


def message_alert(title: str, detail: str, *, color: str = "warning") -> dbc.Alert:
    """A request that could not be carried out (nothing was written)."""
    return dbc.Alert(
        [
            html.I(className="bi bi-exclamation-triangle-fill me-2", **{"aria-hidden": "true"}),
            html.Strong(title),
            (": " + detail) if detail else "",
        ],
        color=color,
        id=RESULT + "-alerta",
        dismissable=True,
    )
