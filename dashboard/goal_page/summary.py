"""The top of the goal page: header facts, the three lights with their explanations, the
thermometer and the projection.

Each light's tooltip (the `title` of its badge) says how it was decided for *this* goal — the
numbers and thresholds — and a short visible line repeats the key figure, because in a meeting
room nobody hovers.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.goal_page.data import GoalPage
from dashboard.ui import ids
from dashboard.ui.components import light_badge, percent, thermometer
from dashboard.ui.formatting import BOTTLENECKS_HIDDEN, NO_ACCESS_HELP
from dashboard.ui.goal_format import (
    format_date,
    format_value,
    is_missing,
    month_label,
)
from dashboard.ui.goal_header import definition_facts, fact, heading


def header(page: GoalPage) -> html.Div:
    """Name, code, ministry (linked to its page) and the goal's definition."""
    r, d = page.record, page.digits
    ministry = html.A(r["ministerio"], href="/ministerio/" + page.ministry_slug)
    sub = [html.Span(r["codigo_meta"], className="badge text-bg-secondary me-2"), ministry]
    if r.get("servicio"):
        sub.append(html.Span(" · " + str(r["servicio"])))
    scope = r["ambito"]
    ambito = "Nacional" if scope == "nacional" else "Región " + page.region_names.get(scope, scope)
    facts = [
        fact("Gerente de meta", r["gerente"]),
        *definition_facts(r, d),
        fact(
            "Umbrales del semáforo",
            f"verde ≥ {percent(r['umbral_verde'])} · amarillo ≥ {percent(r['umbral_amarillo'])}",
        ),
        fact("Ámbito", ambito),
    ]
    return heading(r["nombre"], ids.META_TITLE, sub, facts)


def _trajectory_help(page: GoalPage) -> str:
    s, d = page.score, page.digits
    return (
        "Semáforo de trayectoria: cumplimiento r = (real − línea base) / (programado − línea "
        f"base) = {percent(s['cumplimiento'])}. Real {format_value(s['valor_actual'], d)} "
        f"({month_label(s['mes_reportado'])}), programado {format_value(s['valor_programado'], d)}"
        + (" (interpolado)" if s["plan_interpolado"] else "")
        + f". Verde si r ≥ {percent(page.record['umbral_verde'])}, amarillo si r ≥ "
        f"{percent(page.record['umbral_amarillo'])}; sin información si no hay cifra del mes de "
        "corte ni del anterior."
    )


def _management_help(page: GoalPage) -> str:
    if page.score["semaforo_gestion"] == "sin_acceso":
        return "Semáforo de gestión: " + NO_ACCESS_HELP
    n = int(page.score["restricciones_abiertas"])
    return (
        "Semáforo de gestión: la peor severidad entre las restricciones abiertas al "
        f"{format_date(page.cut)} ({n} abierta{'s' if n != 1 else ''}); verde si no hay ninguna."
    )


OVERALL_HELP = (
    "Estado general: rojo si alguno de los dos semáforos es rojo; si no, amarillo si alguno es "
    "amarillo; si no, el de trayectoria (no iniciada, sin información, cumplida o verde)."
)


def _light(label: str, light: str, help_text: str, note: str, id_: str) -> dbc.Col:
    badge = light_badge(light, title=help_text)
    return dbc.Col(
        html.Div(
            [
                html.Div(
                    [label, html.I(className="bi bi-info-circle ms-1 small", title=help_text)],
                    className="kpi-label",
                ),
                html.Div(badge, className="meta-light-value"),
                html.Div(note, className="kpi-note"),
            ],
            id=id_,
            className="meta-light",
        ),
        xs=12,
        sm=4,
    )


def _management_note(score: dict) -> str:
    """Open and escalated bottlenecks, or that the viewer's role cannot see them (never 0)."""
    if score["semaforo_gestion"] == "sin_acceso":
        return "restricciones: " + BOTTLENECKS_HIDDEN
    escalate = int(score["restricciones_escalar"])
    n = int(score["restricciones_abiertas"])
    return (f"{n} restricción abierta" if n == 1 else f"{n} restricciones abiertas") + (
        f" · {escalate} para escalar" if escalate else ""
    )


def lights(page: GoalPage) -> dbc.Row:
    s = page.score
    return dbc.Row(
        [
            _light("Estado general", s["estado"], OVERALL_HELP, "el peor de ambos", ids.META_LIGHT),
            _light(
                "Trayectoria",
                s["semaforo_trayectoria"],
                _trajectory_help(page),
                "cumplimiento " + percent(s["cumplimiento"]),
                ids.META_LIGHT_TRAJECTORY,
            ),
            _light(
                "Gestión",
                s["semaforo_gestion"],
                _management_help(page),
                _management_note(s),
                ids.META_LIGHT_MANAGEMENT,
            ),
        ],
        class_name="g-3",
    )


def projection_text(page: GoalPage) -> str:
    s = page.score
    if s["estado"] == "cumplida" or s["semaforo_trayectoria"] == "cumplida":
        return "Meta cumplida."
    if is_missing(s["en_riesgo"]) or is_missing(s["pendiente"]):
        return "Sin proyección: se necesitan al menos 3 cifras reportadas."
    if is_missing(s["proyeccion"]):
        return "En riesgo: la tendencia no se acerca a la meta."
    when = month_label(s["proyeccion"])
    if s["en_riesgo"]:
        return f"En riesgo: la tendencia alcanza la meta en {when}, después del plazo."
    return f"A tiempo: la tendencia alcanza la meta en {when}."


def progress_card(page: GoalPage) -> html.Div:
    """The thermometer (avance, mark on esperado) with the numbers behind it and the projection."""
    s, d = page.score, page.digits
    return html.Div(
        [
            html.Div("Termómetro: avance hacia la meta", className="kpi-label"),
            thermometer(s["avance"], s["esperado"]),
            html.Div(
                f"Avance {percent(s['avance'])} · esperado al corte {percent(s['esperado'])}"
                f" (marca negra) · último valor {format_value(s['valor_actual'], d)}"
                f" ({month_label(s['mes_reportado'])})",
                className="kpi-note",
            ),
            html.Div(projection_text(page), id=ids.META_PROJECTION, className="mt-1 fw-semibold"),
        ],
        id=ids.META_THERMOMETER,
        className="meta-thermometer",
    )
