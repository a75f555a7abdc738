"""The parts of a goal's page heading that staff (/meta) and public (/publico/meta) pages share:
the definition facts and the "goal not found" notice. Each page adds its own facts (the manager
and light thresholds for staff, the thematic area for citizens) and its own links."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import html

from dashboard.ui.goal_format import DIRECTION_WORDS, format_date, format_value


def fact(label: str, value: object) -> html.Div:
    return html.Div([html.Dt(label), html.Dd(value)], className="meta-fact")


def definition_facts(record: Mapping[str, object], digits: int) -> list[html.Div]:
    """Unit, direction, baseline → target and start → deadline: what defines the goal."""
    return [
        fact("Unidad", record["unidad"]),
        fact("Sentido", DIRECTION_WORDS.get(str(record["sentido"]), record["sentido"])),
        fact(
            "Línea base → meta",
            format_value(record["linea_base"], digits)  # type: ignore[arg-type]
            + " → "
            + format_value(record["valor_meta"], digits),  # type: ignore[arg-type]
        ),
        fact(
            "Inicio → plazo",
            format_date(record["fecha_inicio"]) + " → " + format_date(record["fecha_meta"]),
        ),
    ]


def heading(title: object, title_id: str, subtitle: list[object], facts: list) -> html.Div:
    return html.Div(
        [
            html.H1(title, id=title_id, className="h2 mt-2 mb-1"),
            html.P(subtitle, className="lead mb-2"),
            html.Dl(facts, className="meta-facts"),
        ]
    )


def not_found_notice(message: str, back: object, id_: str) -> html.Div:
    """The warning shown for an unknown goal code, with a link back to the list."""
    return html.Div(
        dbc.Alert(
            [html.H1("Meta no encontrada", className="h4 alert-heading"), html.P(message), back],
            color="warning",
        ),
        id=id_,
        className="mt-3",
    )
