"""Builders for the weekly review page: decision tables, changes, milestones, regional map.

Pure functions of the frames in dashboard.server.review_data.ReviewPage; each table says in words
when it is empty ("Ninguna…"), because in a meeting an empty block must read as good news,
not as a page that failed to load.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.server.board import EVERY_BOTTLENECK, NO_BOTTLENECK
from dashboard.server.defaults import month_label
from dashboard.ui import ids
from dashboard.ui.bottleneck_table import (
    AGE,
    BOTTLENECK,
    GOAL,
    RESPONSIBLE,
    SEVERITY,
    TYPE,
    bottleneck_table,
    days,
)
from dashboard.ui.components import light_badge, percent
from dashboard.ui.figure_dict import Figure
from dashboard.ui.formatting import NO_ACCESS_HELP
from dashboard.ui.goal_tables import Column, day_text, is_missing, small_table
from dashboard.ui.maps import MapData, choropleth
from indicators.months import as_date

TOP_ROWS = 8  # long lists show their first rows; the rest folds under "Ver N más"
RED_SHARE_HELP = (
    "Porcentaje de las metas de cada región que están en rojo al mes de corte. Metas de la "
    "región: las de ámbito regional (con sus propias cifras) y las metas nacionales con "
    "desglose regional (con las cifras de esa región). Gris: la región no tiene metas."
)


def escalate_table(
    frame: pd.DataFrame, reach: str = EVERY_BOTTLENECK, extra: Column | None = None
) -> html.Div:
    """`extra`: the decision on each bottleneck (review.decision_section.decision_column)."""
    columns = [GOAL, BOTTLENECK, TYPE, RESPONSIBLE, AGE, *([extra] if extra else [])]
    empty = "Ninguna restricción debe escalarse al Grupo de Estrategia."
    return bottleneck_table(frame, columns, ids.HOME_ESCALATE, empty, reach)


def projection_text(row: dict) -> str:
    if is_missing(row.get("proyeccion")):
        return "La tendencia se aleja de la meta"
    return "Llegaría en " + month_label(as_date(row["proyeccion"]))


def at_risk_table(frame: pd.DataFrame) -> html.Div:
    columns = [
        GOAL,
        Column("Semáforo", lambda r: light_badge(r["estado"]), nowrap=True),
        Column("Proyección", projection_text),
        Column("Plazo", lambda r: day_text(r["fecha_meta"]), nowrap=True),
    ]
    empty = "Ninguna meta está en riesgo según su proyección."
    return small_table(frame, columns, id_=ids.HOME_AT_RISK, empty=empty, visible=TOP_ROWS)


def light_change_table(frame: pd.DataFrame) -> html.Div:
    columns = [
        GOAL,
        Column("Antes", lambda r: light_badge(r["estado_anterior"]), nowrap=True),
        Column("Ahora", lambda r: light_badge(r["estado_actual"]), nowrap=True),
    ]
    return small_table(
        frame, columns, id_=ids.HOME_LIGHT_CHANGES, empty="Ninguna meta cambió de semáforo."
    )


def bottleneck_change_tables(
    opened_rows: pd.DataFrame,
    resolved_rows: pd.DataFrame,
    escalate_rows: pd.DataFrame,
    reach: str = EVERY_BOTTLENECK,
) -> list[object]:
    """Opened, resolved and newly-to-escalate bottlenecks, each under its own heading."""
    alert = Column("Alerta", lambda r: day_text(r["fecha_alerta"]), nowrap=True)
    opened = [GOAL, BOTTLENECK, SEVERITY, alert]
    resolved = [GOAL, BOTTLENECK, SEVERITY]
    blocks = (
        ("Restricciones nuevas", opened_rows, opened, ids.HOME_BOTTLENECKS_OPENED,
         "No se abrieron restricciones."),
        ("Restricciones resueltas", resolved_rows, resolved,
         ids.HOME_BOTTLENECKS_RESOLVED, "No se resolvieron restricciones."),
        ("Nuevas para escalar", escalate_rows, [GOAL, BOTTLENECK, AGE],
         ids.HOME_ESCALATE_NEW, "Ninguna restricción pasó a escalarse."),
    )  # fmt: skip
    return [
        sub_block(
            title,
            bottleneck_table(frame, cols, id_, empty, reach),
            None if reach == NO_BOTTLENECK else len(frame),
        )
        for title, frame, cols, id_, empty in blocks
    ]


def commitments_table(frame: pd.DataFrame, region_names: dict[str, str]) -> html.Div:
    columns = [
        Column("Región", lambda r: region_names.get(r["region"], r["region"])),
        Column("Servicio", lambda r: r["servicio"]),
        Column("Compromiso", lambda r: r["descripcion"]),
        Column("Plazo", lambda r: day_text(r["fecha_compromiso"]), nowrap=True),
        Column("Atraso", lambda r: days(r.get("dias_atraso")), numeric=True, nowrap=True),
    ]
    empty = "Ningún compromiso pasó a estar atrasado."
    return small_table(frame, columns, id_=ids.HOME_COMMITMENTS_LATE, empty=empty)


def _milestone(row: dict) -> object:
    name: list[object] = [row["nombre"]]
    if row.get("nuevo"):
        name.append(dbc.Badge("nuevo", color="warning", text_color="dark", class_name="ms-2"))
    return html.Div(name)


def milestones_table(frame: pd.DataFrame, *, id_: str, empty: str) -> html.Div:
    """Date, goal and milestone (overdue ones flagged "nuevo" when they were not overdue at the
    previous review)."""
    columns = [
        Column("Fecha", lambda r: day_text(r["fecha_programada"]), nowrap=True),
        GOAL,
        Column("Hito", _milestone),
    ]
    return small_table(frame, columns, id_=id_, empty=empty, visible=TOP_ROWS)


def sub_block(
    title: str, table: object, count: int | None = None, *, help_text: str = ""
) -> html.Div:
    """A titled table inside a section, with its row count and an optional definition."""
    heading: list[object] = [title]
    if count is not None:
        heading.append(dbc.Badge(str(count), color="secondary", pill=True, class_name="ms-2"))
    if help_text:
        heading.append(html.I(className="bi bi-info-circle ms-2 text-muted small", title=help_text))
    return html.Div([html.H3(heading, className="h6 mt-3 mb-2"), table], className="sub-block")


def red_share_figure(share: pd.DataFrame, geojson_url: str) -> Figure:
    """Regions coloured by their share of goals in rojo, as the dict Dash sends (dashboard.ui.maps).
    Natural breaks: shares take few distinct values (2 of 5, 1 of 6…), which quantile classes
    would tie."""
    hidden = "sin_acceso" in share and share["sin_acceso"].any()
    columns = ["codigo", "nombre", "valor", *(["sin_acceso"] if hidden else [])]
    data = MapData("region", share[columns], "% de metas en rojo")
    return choropleth(data, geojson_url, scheme="cortes_naturales", k=4, height=560)


def red_share_map(share: pd.DataFrame, geojson_url: str) -> dcc.Graph:
    return dcc.Graph(
        id=ids.HOME_MAP,
        figure=red_share_figure(share, geojson_url),
        config={"displaylogo": False, "scrollZoom": False},
    )


def red_share_ranking(share: pd.DataFrame, top: int = 8) -> html.Div:
    """The regions with the largest share in rojo, as text: the map's colours are never the
    only way to read it."""
    known = share[(share["metas"] > 0) & share["valor"].notna()]
    ranked = known.sort_values(["valor", "metas"], ascending=False).head(top)
    columns = [
        Column("Región", lambda r: r["nombre"]),
        Column("En rojo", lambda r: f"{r['rojas']} de {r['metas']}", numeric=True),
        Column("%", lambda r: percent(r["valor"] / 100), numeric=True),
    ]
    hidden = "sin_acceso" in share and share["sin_acceso"].any()
    empty = NO_ACCESS_HELP if hidden else "Sin metas regionales."
    return small_table(ranked, columns, id_=ids.HOME_MAP + "-ranking", empty=empty)
