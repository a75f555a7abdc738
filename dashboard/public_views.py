"""Builders of the public pages (/publico and /publico/meta/<codigo>), for citizens.

Pure functions of `dashboard.public_data` frames, which hold validated figures only and no
bottleneck, lineage, reporter or comment: a builder here cannot show what it is never given.
The lights are the trajectory lights of the validated figures, so their tooltips say so (the
internal pages' tooltips mention other inputs that the public figures do not use).

Component ids of both pages live here, so the pages and the tests agree on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import quote, urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.components import (
    LIGHT_ORDER,
    LIGHTS,
    caption,
    dropdown,
    kpi_card,
    light_badge,
    percent,
    section,
    thermometer,
)
from dashboard.elements import Element
from dashboard.figure_dict import Figure
from dashboard.formatting import NO_DATA, format_datetime, format_int
from dashboard.goal_charts import MILESTONE_STATES, milestones_figure
from dashboard.goal_figures import timeline_figure
from dashboard.goal_format import (
    format_date,
    format_value,
    is_missing,
    month_label,
    value_digits,
)
from dashboard.goal_header import definition_facts, fact, heading, not_found_notice
from dashboard.goal_views import Column, number, small_table
from dashboard.public_data import NATIONAL, PublicBoard, PublicGoal, Trajectory
from warehouse.vocabulary import AREA_LABELS

# --------------------------------------------------------------------------- ids and URLs

PUBLIC_PATH = "/publico"
GOAL_PATH = PUBLIC_PATH + "/meta/"
REGION_PARAM = "region"
GROUP_PARAM = "agrupar"

TITLE = "publico-title"
URL = "publico-url"
REGION = "publico-region"
GROUP = "publico-group"
CAPTION = "publico-caption"
RESULTS = "publico-results"
SUMMARY = "publico-summary"
GROUP_TABLE = "publico-group-"  # + position of the group
SEAL = "publico-seal"
ERROR = "publico-error"

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

GROUPS = {"ministerio": "Ministerio", "area": "Área temática"}
DEFAULT_GROUP = "ministerio"
GRAPH_CONFIG = {"displaylogo": False, "responsive": True}

PAGE_TITLE = "Resultados de las metas de gobierno"
LIGHT_HELP = {
    "verde": "Avanza según lo programado: cumple al menos el umbral verde de su trayectoria "
    "(por omisión, 90 % de lo programado a la fecha), con cifras validadas.",
    "amarillo": "Avanza algo más lento de lo programado: entre el umbral amarillo (por omisión "
    "70 %) y el verde de su trayectoria, con cifras validadas.",
    "rojo": "Avanza bastante más lento de lo programado: bajo el umbral amarillo de su "
    "trayectoria (por omisión 70 %), con cifras validadas.",
    "cumplida": "Alcanzó su valor meta.",
    "no_iniciada": "Aún no llega su fecha de inicio.",
    "sin_informacion": "Sin cifra validada para el mes de corte ni para el mes anterior.",
}
SEAL_TEXT = (
    "Cada mes, los equipos responsables de cada meta informan sus cifras. La coordinación "
    "institucional del ministerio revisa cada cifra y, si es correcta, le pone su sello de "
    "calidad: la valida. Aquí solo se publican y se usan para los cálculos las cifras "
    "validadas; una cifra informada que todavía no ha sido revisada no aparece. Por eso el "
    "último mes validado de una meta puede ser anterior al mes de corte."
)
THERMOMETER_TEXT = (
    "El termómetro muestra cuánto ha avanzado la meta desde su línea base hacia su valor meta; "
    "la marca negra indica dónde debería estar a la fecha según lo programado (avance "
    "esperado). El semáforo compara el avance logrado con el programado."
)


def goal_href(codigo_meta: str, region: str | None = None) -> str:
    """/publico/meta/<codigo>, with ?region=XX when the visitor is looking at a region."""
    href = GOAL_PATH + quote(str(codigo_meta), safe="")
    return href + ("?" + urlencode({REGION_PARAM: region}) if region else "")


def board_search(region: str | None, group: str) -> str:
    """The /publico query string for a region and grouping ('' for the default view)."""
    query = {REGION_PARAM: region or "", GROUP_PARAM: "" if group == DEFAULT_GROUP else group}
    kept = {k: v for k, v in query.items() if v}
    return "?" + urlencode(kept) if kept else ""


def parse_group(value: object) -> str:
    text = str(value or "").strip()
    return text if text in GROUPS else DEFAULT_GROUP


# --------------------------------------------------------------------------- small parts


def public_light(light: str | None, *, small: bool = False) -> Element:
    """Icon + word, with a tooltip about validated trajectories only."""
    return light_badge(light, small=small, title=LIGHT_HELP.get(light or ""))


def seal_explanation() -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2(
                [html.I(className="bi bi-patch-check-fill me-2", **{"aria-hidden": "true"}),
                 "¿Qué significa «validado» (sello de calidad)?"],
                className="h6 alert-heading",
            ),
            html.P(SEAL_TEXT, className="mb-1 small"),
            html.P(THERMOMETER_TEXT, className="mb-0 small"),
        ],
        id=SEAL,
        color="info",
        class_name="py-2",
    )  # fmt: skip


def value_text(value: object, unit: object, digits: int) -> str:
    """'1.234 personas', or a dash without a value."""
    if is_missing(value):
        return NO_DATA
    text = format_value(value, digits)  # type: ignore[arg-type]
    return f"{text} {unit}" if unit and not is_missing(unit) else text


def _row_digits(row: dict) -> int:
    """The value's own decimals: a regional row's baseline and target are implied by its plan
    (indicators.goal_regions) and carry decimals that no reported figure has."""
    return value_digits([row.get("valor_actual")])


def _goal_cell(row: dict, region: str | None) -> dcc.Link:
    label = [html.Span(row["codigo_meta"], className="goal-code"), " ", row.get("nombre") or ""]
    return dcc.Link(label, href=goal_href(row["codigo_meta"], region), className="goal-link")


def _latest_cell(row: dict) -> list:
    value = value_text(row.get("valor_actual"), row.get("unidad"), _row_digits(row))
    return [html.Div(value), html.Div(month_label(row.get("mes_reportado")), className="small")]


def result_columns(region: str | None) -> list[Column]:
    # The light first: on a phone the table scrolls inside its box, and the light is what a
    # reader must see without scrolling.
    columns = [
        Column("Semáforo", lambda r: public_light(r.get("semaforo")), nowrap=True),
        Column("Meta", lambda r: _goal_cell(r, region)),
        Column(
            "Avance (marca: esperado)",
            lambda r: thermometer(number(r.get("avance")), number(r.get("esperado"))),
        ),
        Column(
            "Avance esperado",
            lambda r: percent(number(r.get("esperado"))),
            numeric=True,
            nowrap=True,
        ),
        Column("Última cifra validada", _latest_cell, numeric=True, nowrap=True),
    ]
    if region:
        columns.insert(2, Column("Cifras", lambda r: r.get("cifras_texto", ""), nowrap=True))
    return columns


# --------------------------------------------------------------------------- /publico


def region_options(board: PublicBoard) -> list[dict[str, str]]:
    """The regions with at least one goal with figures of their own, north to south."""
    counts = board.goals_per_region()
    return [
        {"label": f"{name} ({counts[code]} metas)", "value": code}
        for code, name in zip(board.regions["codigo"], board.regions["nombre_corto"], strict=True)
        if counts[code]
    ]


def parse_region(value: object, board: PublicBoard) -> str | None:
    """A region code the board has goals for, or None (the national view)."""
    text = str(value or "").strip()
    return text if text in {o["value"] for o in region_options(board)} else None


def controls(board: PublicBoard, region: str | None, group: str) -> dbc.Row:
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Región", html_for=REGION, class_name="small mb-1"),
                    dropdown(
                        id=REGION,
                        options=region_options(board),
                        value=region,
                        placeholder="Todo el país (cifras nacionales)",
                        clearable=True,
                    ),
                ],
                xs=12,
                md=5,
                xl=4,
            ),
            dbc.Col(
                [
                    dbc.Label("Agrupar por", html_for=GROUP, class_name="small mb-1"),
                    dbc.RadioItems(
                        id=GROUP,
                        options=[{"label": v, "value": k} for k, v in GROUPS.items()],
                        value=group,
                        inline=True,
                    ),
                ],
                xs=12,
                md=5,
            ),
        ],
        class_name="g-2 mb-2 filter-bar",
    )


def board_caption(board: PublicBoard, region: str | None, group: str) -> html.P:
    shown = {
        "Región": board.region_names.get(region or "") if region else "todo el país",
        "Cifras": "solo validadas (sello de calidad)",
        "Mes de corte": month_label(board.as_of) if board.as_of else None,
        "Agrupadas por": GROUPS[group].lower(),
    }
    return caption(shown, board.last_load)


def update_text(last_load: datetime | None) -> html.P:
    return html.P(
        [
            html.I(className="bi bi-clock-history me-1", **{"aria-hidden": "true"}),
            "Última actualización de los datos: ",
            html.Strong(format_datetime(last_load)),
            " (hora de Chile continental).",
        ],
        className="small text-muted mb-2",
    )


def light_summary(goals: pd.DataFrame) -> dbc.Row:
    """Goals per light (only the lights present), and the total."""
    counts = goals["semaforo"].value_counts() if not goals.empty else pd.Series(dtype=int)
    # lg=True: the cards share one row on a wide screen, however many lights are present.
    cards = [dbc.Col(kpi_card("Metas", format_int(len(goals))), xs=6, md=3, lg=True)]
    for light in LIGHT_ORDER:
        n = int(counts.get(light, 0))
        if not n:
            continue
        word, _icon, css = LIGHTS[light]
        cards.append(
            dbc.Col(
                html.Div(
                    kpi_card(word, format_int(n), f"de {format_int(len(goals))}", accent=css),
                    title=LIGHT_HELP[light],
                    className="h-100",
                ),
                xs=6,
                md=3,
                lg=True,
            )
        )
    return dbc.Row(cards, id=SUMMARY, class_name="g-3 mb-3")


def _group_keys(frame: pd.DataFrame, group: str) -> list[tuple[str, str]]:
    """(value, heading) of each group, in display order."""
    if group == "area":
        present = set(frame["area_tematica"].dropna())
        keys = [(a, label) for a, label in AREA_LABELS.items() if a in present]
        others = sorted(present - set(AREA_LABELS))
        return keys + [(a, a) for a in others]
    return [(m, m) for m in sorted(set(frame["ministerio"].dropna()))]


def grouped_tables(frame: pd.DataFrame, group: str, region: str | None) -> list[html.Section]:
    column = "area_tematica" if group == "area" else "ministerio"
    columns = result_columns(region)
    sections = []
    for position, (key, title) in enumerate(_group_keys(frame, group)):
        rows = frame[frame[column] == key].sort_values("codigo_meta")
        n = len(rows)
        sections.append(
            section(
                f"{title} ({n} meta{'s' if n != 1 else ''})",
                small_table(rows, columns, id_=f"{GROUP_TABLE}{position}", empty="Sin metas."),
            )
        )
    return sections


CIFRAS_WORDS = {"meta regional": "Meta regional", "desglose regional": "Desglose de meta nacional"}


def board_rows(board: PublicBoard, region: str | None) -> pd.DataFrame:
    """The goals shown: every goal with its national figures, or the region's goals with the
    region's figures."""
    if not region:
        return board.goals
    rows = board.in_region(region)
    return rows.assign(cifras_texto=rows["cifras"].map(CIFRAS_WORDS).fillna(rows["cifras"]))


def board_results(board: PublicBoard, region: str | None, group: str) -> list[object]:
    """The light summary and one table per ministry or area."""
    if board.as_of is None:
        return [html.P("Aún no hay cifras validadas publicadas.", className="text-muted py-3")]
    rows = board_rows(board, region)
    intro = (
        f"Metas con cifras propias para la región de {board.region_names.get(region, region)}: "
        "las metas regionales y el desglose regional de metas nacionales, medidas contra su "
        "propia programación."
        if region
        else "Todas las metas de gobierno, con sus cifras nacionales."
    )
    if rows.empty:
        return [html.P(intro), html.P("No hay metas con cifras validadas.", className="text-muted")]
    return [
        html.P(intro, className="mb-2"),
        light_summary(rows),
        *grouped_tables(rows, group, region),
    ]


# --------------------------------------------------------------------------- /publico/meta


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
    """Programmed vs validated actual (goal_figures), without the legend entry for figures
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


def hidden(children: Sequence[object]) -> html.Div:
    return html.Div(list(children), hidden=True)
