"""Builders for the ministries pages: the list of ministries, one ministry's bottlenecks and
its services with their PMG stages (pure functions of dashboard.ministry.data frames)."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard.server.board import EVERY_BOTTLENECK
from dashboard.ui import ids
from dashboard.ui.bottleneck_table import AGE, BOTTLENECK, GOAL, SEVERITY, TYPE, bottleneck_table
from dashboard.ui.components import LIGHTS
from dashboard.ui.formatting import NO_ACCESS, NO_ACCESS_HELP, NO_DATA, format_int
from dashboard.ui.goal_tables import Column, small_table
from warehouse.vocabulary import LEVEL_SHORT_LABELS

MINISTRY_PATH = "/ministerio/"
STAGES = {1: "Diagnóstico", 2: "Plan", 3: "Ejecución", 4: "Evaluación"}
# PMG stage state -> (word, icon, css suffix of tablero.css light colours)
STAGE_STATES = {
    "cumplida": ("Cumplida", "bi-check-circle-fill", "verde"),
    "no_cumplida": ("No cumplida", "bi-x-octagon-fill", "rojo"),
    "pendiente": ("Por validar", "bi-hourglass-split", "neutral"),
    "sin_etapa": ("Sin etapa comprometida", "bi-dash-circle", "neutral"),
}
STAGE_HELP = (
    "Cada servicio compromete una etapa del PMG Gestión Territorial Integrada por año "
    "(1 diagnóstico, 2 plan, 3 ejecución, 4 evaluación) y SUBDERE valida si la cumplió."
)


def ministry_href(slug: str) -> str:
    return MINISTRY_PATH + slug


def light_count(light: str, count: int) -> html.Span:
    """'✖ 3' with the light's icon, colour and word (in the tooltip and for screen readers);
    a zero stays plain and muted so that the non-zero counts stand out."""
    word, icon, css = LIGHTS[light]
    if not count:
        return html.Span("0", className="text-muted", title=f"{word}: 0 metas")
    return html.Span(
        [html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), format_int(count)],
        className=f"light light-{css}",
        title=f"{word}: {count} metas",
        **{"aria-label": f"{word}: {count}"},
    )


def ministries_table(summary: pd.DataFrame) -> html.Div:
    """Every ministry with its goals per light, open bottlenecks and services."""
    columns = [
        Column("Ministerio", lambda r: dcc.Link(r["ministerio"], href=ministry_href(r["slug"]))),
        Column("Metas", lambda r: format_int(r["metas"]), numeric=True),
        Column("Rojo", lambda r: light_count("rojo", r["rojo"]), numeric=True, nowrap=True),
        Column(
            "Amarillo", lambda r: light_count("amarillo", r["amarillo"]), numeric=True, nowrap=True
        ),
        Column("Verde", lambda r: light_count("verde", r["verde"]), numeric=True, nowrap=True),
        Column("Otras", lambda r: format_int(r["otras"]), numeric=True),
        Column("Restricciones abiertas", lambda r: _open_count(r["abiertas"]), numeric=True),
        Column("Servicios", lambda r: format_int(r["servicios"]), numeric=True),
    ]
    if summary["sin_acceso"].any():
        hidden = Column(
            "Sin acceso",
            lambda r: light_count("sin_acceso", r["sin_acceso"]),
            numeric=True,
            nowrap=True,
        )
        columns.insert(6, hidden)
    return small_table(summary, columns, id_=ids.MINISTRY_LIST, empty="No hay ministerios.")


def _open_count(value: float) -> object:
    """Open bottlenecks of a ministry's goals, or "sin acceso" when some are not visible."""
    if pd.isna(value):
        return html.Span(NO_ACCESS, className="text-muted", title=NO_ACCESS_HELP)
    return format_int(value)


def bottlenecks_table(frame: pd.DataFrame, reach: str = EVERY_BOTTLENECK) -> html.Div:
    level = Column("Nivel", lambda r: LEVEL_SHORT_LABELS.get(r["nivel"], r["nivel"]))
    flag = Column(
        "Escalar",
        lambda r: html.Span("Sí", className="fw-semibold") if r.get("escalar") else "No",
    )
    columns = [GOAL, BOTTLENECK, TYPE, SEVERITY, level, AGE, flag]
    empty = "Sus metas no tienen restricciones abiertas."
    return bottleneck_table(frame, columns, ids.MINISTRY_BOTTLENECKS, empty, reach)


def stage_cell(stage: object, state: str, validated: object) -> html.Span:
    """'3 · Ejecución' and its state as icon + word; a missed stage says what was validated."""
    word, icon, css = STAGE_STATES.get(state, STAGE_STATES["sin_etapa"])
    if state == "sin_etapa" or pd.isna(stage):
        return html.Span(NO_DATA, className="text-muted", title=word)
    text = f"{int(stage)} · {STAGES.get(int(stage), '')}"
    if state == "no_cumplida" and not pd.isna(validated):
        word += f" (validada {int(validated)})"
    return html.Span(
        [
            html.Span(text, className="me-2"),
            html.Span(
                [html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), word],
                className=f"light light-{css}",
            ),
        ],
        className="text-nowrap",
    )


def stage_years(services: pd.DataFrame, last: int = 3) -> list[int]:
    years = sorted({int(y) for y in services["anio"].dropna()}) if "anio" in services else []
    return years[-last:]


def services_table(services: pd.DataFrame) -> html.Div:
    """One row per service, one column per year (the last three with stages): the committed
    PMG stage and whether SUBDERE validated it."""
    years = stage_years(services)
    by_service = {
        name: {int(r["anio"]): r for r in rows.to_dict("records") if not pd.isna(r.get("anio"))}
        for name, rows in services.groupby("servicio", sort=True)
    }
    frame = pd.DataFrame(
        [{"servicio": name, "sigla": _acronym(services, name), "etapas": stages}
         for name, stages in by_service.items()]
    )  # fmt: skip
    columns = [
        Column("Servicio", lambda r: _service_name(r)),
        *(Column(str(year), _year_cell(year)) for year in years),
    ]
    return small_table(
        frame, columns, id_=ids.MINISTRY_SERVICES, empty="El ministerio no tiene servicios."
    )


def _acronym(services: pd.DataFrame, name: str) -> str | None:
    if "sigla" not in services:
        return None
    values = services.loc[services["servicio"] == name, "sigla"].dropna()
    return str(values.iloc[0]) if not values.empty else None


def _service_name(row: dict) -> object:
    if isinstance(row.get("sigla"), str) and row["sigla"]:
        return html.Span([row["servicio"], html.Span(f" ({row['sigla']})", className="text-muted")])
    return row["servicio"]


def _year_cell(year: int):
    def render(row: dict) -> html.Span:
        stage = row["etapas"].get(year)
        if stage is None:
            return stage_cell(None, "sin_etapa", None)
        return stage_cell(
            stage["etapa_comprometida"], stage["estado_etapa"], stage["etapa_validada"]
        )

    return render
