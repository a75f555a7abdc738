"""Builders of the public board (/publico): every goal's validated result, by ministry or area,
nationally or for one region, for citizens.

Pure functions of `dashboard.public.data` frames, which hold validated figures only and no
bottleneck, lineage, reporter or comment: a builder here cannot show what it is never given.
Component ids of the page live here, so the page and the tests agree on them.
"""

from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.public.data import PublicBoard
from dashboard.public.parts import (
    DEFAULT_GROUP,
    GROUPS,
    LIGHT_HELP,
    OPEN_DATA_PATH,
    PAGE_TITLE,
    goal_href,
    public_light,
    value_text,
)
from dashboard.ui.components import (
    LIGHT_ORDER,
    LIGHTS,
    caption,
    dropdown,
    kpi_card,
    percent,
    section,
    thermometer,
)
from dashboard.ui.formatting import format_datetime, format_int
from dashboard.ui.goal_format import month_label, value_digits
from dashboard.ui.goal_tables import Column, number, small_table
from warehouse.vocabulary import AREA_LABELS

# (file, link text) of the open data files (dashboard.public.open_data).
OPEN_DATA_FILES = (
    ("metas.csv", "metas (CSV)"), ("metas.json", "metas (JSON)"),
    ("avance.csv", "avance mensual (CSV)"), ("avance.json", "avance mensual (JSON)"),
    ("diccionario.json", "diccionario de datos"),
)  # fmt: skip
TITLE = "publico-title"
URL = "publico-url"
REGION = "publico-region"
GROUP = "publico-group"
CAPTION = "publico-caption"
RESULTS = "publico-results"
SUMMARY = "publico-summary"
GROUP_TABLE = "publico-group-"  # + position of the group
ERROR = "publico-error"


def header() -> list[object]:
    return [
        html.H1(PAGE_TITLE, id=TITLE, className="h2 mt-2"),
        html.P(
            "Cuánto han avanzado las metas de gobierno hacia sus objetivos, con cifras "
            "validadas. Elija una región para ver las metas con cifras de esa región, y haga "
            "clic en una meta para ver su trayectoria.",
            className="lead",
        ),
        open_data_links(),
    ]


def open_data_links() -> html.P:
    """The open data behind the page, for whoever wants the numbers themselves."""
    links: list[object] = [
        html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}),
        "Datos abiertos: ",
    ]
    for position, (name, label) in enumerate(OPEN_DATA_FILES):
        links += [" · " if position else "", html.A(label, href=OPEN_DATA_PATH + name)]
    return html.P(links, className="small mb-2")


def parse_group(value: object) -> str:
    text = str(value or "").strip()
    return text if text in GROUPS else DEFAULT_GROUP


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
