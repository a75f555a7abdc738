"""Builders of one goal's public page (/publico/meta/<codigo>): trajectory, thermometer,
milestones, and the regional figures when the goal has them, for citizens.

Pure functions of `dashboard.public.data` frames, which hold validated figures only and no
bottleneck, lineage, reporter or comment: a builder here cannot show what it is never given.
Component ids of the page live here, so the page and the tests agree on them.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.public.data import NATIONAL, PublicGoal, Trajectory
from dashboard.public.parts import (
    DEFAULT_GROUP,
    GRAPH_CONFIG,
    PUBLIC_PATH,
    board_search,
    goal_href,
    public_light,
    seal_explanation,
    value_text,
)
from dashboard.public.promise_views import promises_section
from dashboard.ui.components import caption, dropdown, percent, section, thermometer
from dashboard.ui.figure_dict import Figure
from dashboard.ui.goal_charts import MILESTONE_STATES, milestones_figure
from dashboard.ui.goal_format import format_date, is_missing, month_label
from dashboard.ui.goal_header import definition_facts, fact, heading, not_found_notice
from dashboard.ui.goal_tables import Column, number, small_table
from dashboard.ui.goal_trajectory import timeline_figure
from warehouse.vocabulary import AREA_LABELS

GOAL_URL = "publico-meta-url"
GOAL_TITLE = "publico-meta-title"
GOAL_REGION = "publico-meta-region"
GOAL_CAPTION = "publico-meta-caption"
GOAL_NATIONAL = "publico-meta-national"
GOAL_NATIONAL_CHART = "publico-meta-national-chart"
GOAL_REGIONAL = "publico-meta-regional"
GOAL_REGIONAL_CHART = "publico-meta-regional-chart"
GOAL_MILESTONES = "publico-meta-milestones"
GOAL_MILESTONES_CHART = "publico-meta-milestones-chart"
GOAL_REGIONS = "publico-meta-regions"
GOAL_NOT_FOUND = "publico-meta-not-found"
GOAL_ERROR = "publico-meta-error"


def goal_header(page: PublicGoal) -> html.Div:
    """Name, code, ministry and the goal's definition (no manager, no internal links)."""
    r = page.record
    sub: list[object] = [
        html.Span(r["codigo_meta"], className="badge text-bg-secondary me-2"),
        r["ministerio"],
    ]
    if r.get("servicio") and not is_missing(r.get("servicio")):
        sub.append(" · " + str(r["servicio"]))
    scope = r["ambito"]
    ambito = "Nacional" if scope == NATIONAL else "Región " + page.region_names.get(scope, scope)
    facts = [
        *definition_facts(r, page.national.digits),
        fact("Área temática", AREA_LABELS.get(r["area_tematica"], r["area_tematica"])),
        fact("Ámbito", ambito),
    ]
    return heading(r["nombre"], GOAL_TITLE, sub, facts)


def back_link(region: str | None) -> dcc.Link:
    return dcc.Link(
        [html.I(className="bi bi-arrow-left me-1", **{"aria-hidden": "true"}),
         "Volver a los resultados de las metas"],
        href=PUBLIC_PATH + board_search(region, DEFAULT_GROUP),
        className="small d-inline-block mb-2",
    )  # fmt: skip


def projection_text(score: dict) -> str:
    if score["semaforo"] == "cumplida":
        return "Meta cumplida."
    if is_missing(score["en_riesgo"]) or is_missing(score["pendiente"]):
        return "Sin proyección: se necesitan al menos 3 cifras validadas."
    if is_missing(score["proyeccion"]):
        return "Con la tendencia de las últimas cifras validadas, la meta no se alcanzaría."
    when = month_label(score["proyeccion"])
    if score["en_riesgo"]:
        return f"Con la tendencia actual, la meta se alcanzaría en {when}, después del plazo."
    return f"Con la tendencia actual, la meta se alcanzaría en {when}, dentro del plazo."


def result_summary(trajectory: Trajectory, unit: object, id_: str) -> dbc.Row:
    """Light, thermometer with the expected mark, last validated value and its month."""
    s, d = trajectory.score, trajectory.digits
    light = html.Div(
        [
            html.Div("Semáforo", className="kpi-label"),
            html.Div(public_light(s["semaforo"]), className="meta-light-value"),
            html.Div("cumplimiento de lo programado " + percent(s["cumplimiento"]),
                     className="kpi-note"),
        ],
        className="meta-light",
    )  # fmt: skip
    progress = html.Div(
        [
            html.Div("Termómetro: avance hacia la meta", className="kpi-label"),
            thermometer(number(s["avance"]), number(s["esperado"])),
            html.Div(
                f"Avance {percent(s['avance'])} · esperado al corte {percent(s['esperado'])}"
                " (marca negra)",
                className="kpi-note",
            ),
            html.Div(
                [
                    "Última cifra validada: ",
                    html.Strong(value_text(s["valor_actual"], unit, d)),
                    f" ({month_label(s['mes_reportado'])})",
                ],
                className="kpi-note public-latest",
            ),
            html.Div(projection_text(s), className="mt-1 fw-semibold"),
        ],
        className="meta-thermometer",
    )
    return dbc.Row(
        [dbc.Col(light, xs=12, md=4), dbc.Col(progress, xs=12, md=8)],
        id=id_,
        class_name="g-3 meta-summary",
    )


def trajectory_figure(trajectory: Trajectory, as_of: date) -> Figure:
    """Programmed vs validated actual (ui.goal_trajectory), without the legend entry for figures
    that are not validated: none are given, and citizens need not read about them."""
    figure = timeline_figure(
        trajectory.goal,
        trajectory.series,
        as_of,
        validated_only=True,
        fit=trajectory.fit,
        projected=trajectory.score["proyeccion"],
        digits=trajectory.digits,
    )
    figure["data"] = [
        t for t in figure["data"] if not str(t.get("name", "")).startswith("Real reportado")
    ]
    return figure


def trajectory_section(
    title: str, trajectory: Trajectory, page: PublicGoal, ids_: tuple[str, str]
) -> html.Section:
    return section(
        title,
        [
            result_summary(trajectory, page.record["unidad"], ids_[0]),
            dcc.Graph(
                id=ids_[1],
                figure=trajectory_figure(trajectory, page.as_of),
                config=GRAPH_CONFIG,
            ),
        ],
        help_text="Línea gris: lo programado (punteada donde se interpola hasta la meta). "
        "Puntos azules: cifras validadas. Línea naranja: tendencia de las últimas 6 cifras.",
    )


def milestones_section(page: PublicGoal) -> html.Section:
    frame = page.milestones
    columns = [
        Column("Hito", lambda m: m["codigo_hito"]),
        Column("Nombre", lambda m: m["nombre"]),
        Column("Programada", lambda m: format_date(m["fecha_programada"]), nowrap=True),
        Column("Cumplida", lambda m: format_date(m["fecha_cumplida"]), nowrap=True),
        Column("Estado", lambda m: MILESTONE_STATES[m["estado_hito"]][0], nowrap=True),
    ]
    children: list[object] = [
        small_table(
            frame,
            columns,
            id_=GOAL_MILESTONES,
            empty="Esta meta no tiene metas intermedias registradas.",
        )
    ]
    if not frame.empty:
        figure = milestones_figure(frame, page.cut)
        children.insert(0, dcc.Graph(id=GOAL_MILESTONES_CHART, figure=figure, config=GRAPH_CONFIG))
    return section(
        "Metas intermedias (hitos)",
        children,
        help_text="Estado de cada hito al cierre del mes de corte.",
    )


def regions_section(page: PublicGoal) -> html.Section | None:
    if page.regions.empty:
        return None
    d = page.national.digits
    unit = page.record["unidad"]

    def region_link(r: dict) -> dcc.Link:
        return dcc.Link(r["nombre_region"], href=goal_href(page.record["codigo_meta"], r["region"]))

    columns = [  # the light first, as in the goals tables
        Column("Semáforo", lambda r: public_light(r["semaforo"]), nowrap=True),
        Column("Región", region_link),
        Column(
            "Avance (marca: esperado)",
            lambda r: thermometer(number(r.get("avance")), number(r.get("esperado"))),
        ),
        Column("Avance esperado", lambda r: percent(number(r["esperado"])), numeric=True),
        Column(
            "Última cifra validada",
            lambda r: [
                html.Div(value_text(r["valor_actual"], unit, d)),
                html.Div(month_label(r["mes_reportado"]), className="small"),
            ],
            numeric=True,
            nowrap=True,
        ),
    ]
    return section(
        "Resultados por región",
        small_table(page.regions, columns, id_=GOAL_REGIONS, empty="Sin cifras regionales."),
        help_text="Cada región se mide contra su propia programación, con los umbrales de la "
        "meta. Las cifras están en las unidades de cada región.",
    )


def region_control(page: PublicGoal) -> dbc.Row | None:
    """Which region's trajectory to show next to the national one (only with a breakdown)."""
    if page.regions.empty:
        return None
    options = [
        {"label": name, "value": code}
        for code, name in zip(page.regions["region"], page.regions["nombre_region"], strict=True)
    ]
    return dbc.Row(
        dbc.Col(
            [
                dbc.Label("Ver también la región", html_for=GOAL_REGION, class_name="small mb-1"),
                dropdown(
                    id=GOAL_REGION,
                    options=options,
                    value=page.region,
                    placeholder="Solo cifras nacionales",
                    clearable=True,
                ),
            ],
            xs=12,
            md=5,
            xl=4,
        ),
        class_name="g-2 mb-2",
    )


def goal_caption(page: PublicGoal) -> html.P:
    shown = {
        "Meta": page.record["codigo_meta"],
        "Región": page.region_names.get(page.region or "") if page.region else None,
        "Cifras": "solo validadas (sello de calidad)",
        "Mes de corte": month_label(page.as_of),
    }
    return caption(shown, page.last_load, id_=GOAL_CAPTION)


def goal_view(page: PublicGoal) -> html.Div:
    own = page.record["ambito"] != NATIONAL
    national_title = "Resultado de la meta" if own else "Resultado nacional"
    blocks: list[object] = [
        back_link(page.region),
        goal_header(page),
        promises_section(page),  # only when the target, baseline or deadline was revised
        region_control(page),
        goal_caption(page),
    ]
    if page.regional is not None and page.region:
        name = page.region_names.get(page.region, page.region)
        blocks.append(
            trajectory_section(
                f"Resultado en la región de {name}",
                page.regional,
                page,
                (GOAL_REGIONAL, GOAL_REGIONAL_CHART),
            )
        )
    blocks += [
        trajectory_section(
            national_title, page.national, page, (GOAL_NATIONAL, GOAL_NATIONAL_CHART)
        ),
        milestones_section(page),
        regions_section(page),
        seal_explanation(),
    ]
    return html.Div([b for b in blocks if b is not None])


def goal_not_found(codigo: str) -> html.Div:
    back = dcc.Link(
        [html.I(className="bi bi-arrow-left me-1"), "Ver todas las metas"],
        href=PUBLIC_PATH,
        className="alert-link",
    )
    message = f"No hay resultados publicados para una meta con el código «{codigo}»."
    return not_found_notice(message, back, GOAL_NOT_FOUND)
