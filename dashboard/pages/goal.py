"""Goal detail (/meta/<codigo>): everything about one goal at one as-of month.

The URL holds the whole view (?mes=AAAA-MM&validadas=0|1), so a pasted link reproduces it. The
two controls only write the URL (dcc.Location with refresh="callback-nav"); Dash pages then
render `layout` again with the new query arguments, so there is one code path for a first visit,
a pasted link and a change of month.
"""

from __future__ import annotations

from urllib.parse import unquote, urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard.goal_page.controls import (
    controls,
    month_notice,
    not_found,
    parse_flag,
    search_string,
    validation_skeleton,
)
from dashboard.goal_page.data import GoalPage, load_goal_page
from dashboard.goal_page.decisions_section import decisions_section
from dashboard.goal_page.figure_steps_section import figure_steps_section
from dashboard.goal_page.forecast_card import forecast_card
from dashboard.goal_page.summary import header, lights, progress_card
from dashboard.goal_page.tables import (
    bottlenecks_table,
    milestones_table,
    provenance_table,
    regions_table,
)
from dashboard.notes import thread as note_thread
from dashboard.security import page_access
from dashboard.server import database
from dashboard.ui import ids
from dashboard.ui.components import LIGHTS, caption, error_alert, section
from dashboard.ui.goal_charts import milestones_figure, region_bars
from dashboard.ui.goal_format import format_date, month_label
from dashboard.ui.goal_trajectory import timeline_figure
from warehouse.db import WarehouseError


def _title(codigo: str | None = None, **_query: str) -> str:
    return f"Meta {codigo} · Tablero de Metas y Territorio" if codigo else "Meta"


dash.register_page(
    __name__,
    path_template="/meta/<codigo>",
    name="Meta",
    title=_title,
    order=90,
    nav=False,  # a detail page: reached from the goals list, not from the navbar
)

GRAPH_CONFIG = {"displaylogo": False, "responsive": True}
VALIDATION_PAGE = "dashboard.pages.validation"
HISTORY_LINK = "meta-historial-validacion"
LIGHT_WORDS = {light: word for light, (word, _icon, _css) in LIGHTS.items()}


def _graph(id_: str, figure: object) -> dcc.Graph:
    return dcc.Graph(id=id_, figure=figure, config=GRAPH_CONFIG)


def trajectory_section(page: GoalPage) -> html.Section:
    figure = timeline_figure(
        page.goal,
        page.series,
        page.as_of,
        validated_only=page.validated_only,
        fit=page.fit,
        projected=page.score["proyeccion"],
        digits=page.digits,
    )
    return section(
        "Trayectoria: programado y real",
        _graph(ids.META_TIMELINE, figure),
        help_text="Puntos llenos: cifras validadas; puntos vacíos: reportadas sin validar. La "
        "línea naranja es la tendencia (mínimos cuadrados) de las últimas 6 cifras consideradas.",
    )


def milestones_section(page: GoalPage) -> html.Section:
    children: list[object] = [milestones_table(page.milestones)]
    if not page.milestones.empty:
        children.insert(0, _graph(ids.META_GANTT, milestones_figure(page.milestones, page.cut)))
    return section("Metas intermedias (mapa calendario)", children)


def regions_section(page: GoalPage) -> html.Section | None:
    if page.regions.empty:
        return None
    return section(
        "Desglose regional",
        dbc.Row(
            [
                dbc.Col(regions_table(page.regions, page.digits), lg=7),
                dbc.Col(_graph(ids.META_REGION_BARS, region_bars(page.regions, LIGHT_WORDS)), lg=5),
            ]
        ),
        help_text="Cada región se mide contra su propio plan, con los umbrales de la meta.",
    )


def history_link(codigo: str) -> html.P | None:
    """The goal's validation history, for the roles that may open /validacion."""
    if database.viewer().role not in page_access.roles_for(VALIDATION_PAGE):
        return None
    return html.P(
        dcc.Link(
            [html.I(className="bi bi-clock-history me-1"), "Historial de validación de esta meta"],
            href="/validacion?" + urlencode({"meta": codigo}),
        ),
        id=HISTORY_LINK,
        className="small mt-2 mb-0",
    )


def goal_view(page: GoalPage, month_text: str | None) -> html.Div:
    shown = page.series[pd.to_datetime(page.series["mes"]) <= pd.Timestamp(page.as_of)]
    filters = {
        "Meta": page.record["codigo_meta"],
        "Mes de corte": month_label(page.as_of),
        "Cifras": "solo validadas" if page.validated_only else "todas las reportadas",
    }
    return html.Div(
        [
            header(page),
            controls(page),
            month_notice(page, month_text),
            caption(filters, page.last_load, id_=ids.META_CAPTION),
            dbc.Row(
                [dbc.Col(lights(page), lg=7), dbc.Col(progress_card(page), lg=5)],
                class_name="g-3 meta-summary",
            ),
            forecast_card(page.record["codigo_meta"], page.as_of, page.digits),
            trajectory_section(page),
            milestones_section(page),
            section(
                "Restricciones (cuellos de botella)",
                bottlenecks_table(
                    page.bottlenecks,
                    page.region_names,
                    complete=page.score["semaforo_gestion"] != "sin_acceso",
                ),
                help_text=f"Abiertas al {format_date(page.cut)} (cierre del mes de corte, o la "
                "fecha de la revisión semanal). Se escalan al Grupo de Estrategia las rojas de "
                "nivel institucional abiertas hace más de 30 días.",
            ),
            decisions_section(page),
            regions_section(page),
            section(
                "Procedencia de las cifras",
                [provenance_table(shown, page.digits), history_link(page.record["codigo_meta"])],
                help_text="De qué archivo y línea viene cada cifra mensual, cuándo se cargó, y"
                " quién la validó o devolvió y cuándo.",
            ),
            figure_steps_section(page.record["codigo_meta"], page.as_of, page.region_names),
            note_thread.section_for(page.record["codigo_meta"]),
        ]
    )


def layout(
    codigo: str | None = None,
    mes: str | None = None,
    validadas: str | None = None,
    al: str | None = None,
    **_other: str,
) -> html.Div:
    """The page for goal `codigo`; unknown codes and database problems get a message."""
    body: object
    if codigo is None:  # Dash's validation call (every page layout, no arguments)
        body = validation_skeleton()
    else:
        try:
            codigo = unquote(codigo)  # links quote codes (ui.goal_tables.goal_href)
            page = database.run(load_goal_page, codigo, mes, parse_flag(validadas), al)
        except WarehouseError as exc:
            body = error_alert(exc, ids.META_ERROR)
        else:
            body = not_found(codigo) if page is None else goal_view(page, mes)
    return html.Div([dcc.Location(id=ids.META_URL, refresh="callback-nav"), body])


@callback(
    Output(ids.META_URL, "search"),
    Input(ids.META_MONTH, "value"),
    Input(ids.META_VALIDATED, "value"),
    prevent_initial_call=True,
)
def write_url(month: str | None, validated: str | None) -> str:
    """The controls' state into the URL; the page renders again from it."""
    return search_string(month, validated)


note_thread.register_callbacks()
