"""Builders of the territorial map: figure, island insets, table, gap, caption and notes.

Pure functions of a `territory.data.MapView` (no database), so unit tests can check them
without a browser. Figures are plain dicts that carry the geometry's URL, never the shapes
(dashboard.ui.maps).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, html

from dashboard.territory.data import (
    COMUNA_SYNERGY_LEGEND,
    INDICATORS,
    SCHEMES,
    MapView,
)
from dashboard.ui import maps
from dashboard.ui.figure_dict import Figure, template
from dashboard.ui.formatting import NO_ACCESS, NO_DATA, source_text
from warehouse.provenance import DeliveryLoads

# Valparaíso's islands: Rapa Nui (05201) and the Juan Fernández archipelago (05104).
ISLAND_REGION = "05"
ISLANDS = tuple(maps.ISLAND_COMUNAS.items())
PERCENT_COLUMNS = frozenset({"sinergia", "metas_rojo"})
MAP_HEIGHT, INSET_HEIGHT = 640, 220


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def number_text(value: object, digits: int = 0, suffix: str = "") -> str:
    """Chilean style ('1.234,5'), a dash when unknown."""
    if is_missing(value):
        return NO_DATA
    return maps.number(float(value), digits) + suffix  # type: ignore[arg-type]


def legend(view: MapView) -> str:
    if view.state.indicator == "sinergia" and view.level == "comuna":
        return COMUNA_SYNERGY_LEGEND
    return INDICATORS[view.state.indicator].legend


def map_data(view: MapView) -> maps.MapData:
    """Codes, names and the chosen indicator's value: all a map sends to the browser."""
    columns = ["codigo", "nombre", view.column]
    if "sin_acceso" in view.table and view.table["sin_acceso"].any():
        columns.append("sin_acceso")
    frame = view.table[columns].rename(columns={view.column: "valor"})
    frame = frame.assign(valor=frame["valor"].astype(float))
    return maps.MapData(view.level, frame, legend(view), INDICATORS[view.state.indicator].digits)


def geometry_file(view: MapView) -> str:
    """The static GeoJSON asset (relative to assets/) the figure names by URL."""
    return "geo/" + maps.GEO_FILES[view.level]


def map_figure(view: MapView, geojson_url: str) -> Figure:
    """The main map: Chile's regions, or one region's comunas framed whole on the mainland
    (the island comunas are insets)."""
    box = maps.region_box(view.state.region) if view.state.region else maps.chile_box()
    # A new region (or level) reframes the map; an indicator change keeps the user's zoom.
    return maps.choropleth(
        map_data(view),
        geojson_url,
        scheme=view.state.scheme,
        box=box,
        height=MAP_HEIGHT,
        uirevision=view.state.region or "chile",
    )


def register_map_fit(graph_id: str) -> None:
    """Refit a map figure to its graph's real width in the browser (the server assumes
    maps.MAP_WIDTH): its own output, so it runs once per new figure."""
    dash.clientside_callback(
        maps.fit_js(graph_id),
        Output(graph_id, "figure", allow_duplicate=True),
        Input(graph_id, "figure"),
        prevent_initial_call="initial_duplicate",
    )


def show_islands(view: MapView) -> bool:
    """Rapa Nui and Juan Fernández are shown for Chile and for Valparaíso's comunas."""
    return view.state.region in (None, ISLAND_REGION)


def inset_figure(main: Figure, view: MapView, island: str) -> Figure:
    """A small map of one island group: the main map's trace (same classes, colours and hover)
    cut to the islands' territory. Slicing the main figure's dict costs microseconds; building
    the inset through plotly's validated objects cost ~40 ms."""
    whole = main["data"][0]
    code = ISLAND_REGION if view.level == "region" else dict(ISLANDS)[island]
    keep = [i for i, location in enumerate(whole["locations"]) if location == code]
    sliced = {key: [whole[key][i] for i in keep] for key in ("locations", "z", "customdata")}
    layout = maps.map_layout(
        maps.ISLAND_VIEWS[island], INSET_HEIGHT, island + (view.state.region or "chile")
    )
    # An inset has no colour bar, axes or text of its own: plotly's "none" template instead
    # of the ~7 KB shared one.
    return {
        "data": [whole | sliced | {"showscale": False}],
        "layout": layout | {"template": template("none")},
    }


def title(view: MapView) -> str:
    if view.region_name:
        return f"Comunas de {view.region_name}"
    return "Regiones de Chile"


def hint(view: MapView) -> str:
    if view.level == "region":
        return "Haga clic en una región para ver sus comunas. Pase el cursor para ver el valor."
    return "Pase el cursor sobre una comuna para ver su valor."


def caption_filters(view: MapView) -> dict[str, object]:
    """What the caption says is shown: indicator, territory, period, selection, classes."""
    state = view.state
    entries: dict[str, object] = {
        "Indicador": INDICATORS[state.indicator].label,
        "Territorio": title(view),
    }
    entries |= state.filters.describe(view.catalog)
    if view.goals_month is not None:
        entries["Semáforos de metas al mes"] = view.goals_month.strftime("%m-%Y")
    entries["Clases"] = SCHEMES[state.scheme]
    return entries


def gap_text(view: MapView) -> html.P:
    """brecha = max / min coverage, naming both territories (architecture: say what it is)."""
    gap = view.report.brecha
    if gap is None:
        return html.P("Brecha de cobertura: sin territorios con cobertura.", className="mb-1")
    names = dict(zip(view.table["codigo"], view.table["nombre"], strict=True))
    high, low = names.get(gap.codigo_max, gap.codigo_max), names.get(gap.codigo_min, gap.codigo_min)
    return html.P(
        [
            html.Strong("Brecha de cobertura: " + number_text(gap.brecha, 1) + " veces. "),
            f"La mayor cobertura es {high} ({number_text(gap.cobertura_max, 1)} por 1.000 hab.)"
            f" y la menor, {low} ({number_text(gap.cobertura_min, 1)}).",
        ],
        className="mb-1",
        title="Brecha = cobertura máxima / cobertura mínima, entre territorios con cobertura > 0.",
    )


def notes(view: MapView) -> list[str]:
    """Caveats of this view, in words: what the figures leave out."""
    out = []
    if view.level == "comuna" and view.report.beneficiarios_sin_comuna:
        out.append(
            number_text(view.report.beneficiarios_sin_comuna)
            + " beneficiarios se informaron para la región completa: no aparecen en las comunas."
        )
    if view.state.indicator == "metas_rojo" and view.level == "comuna":
        out.append("Las metas se informan por región: no hay cifras de metas por comuna.")
    if view.state.indicator == "sinergia":
        out.append(INDICATORS["sinergia"].help)
    if view.deliveries is not None:
        out.append(delivery_source(view.deliveries))
    return out


def delivery_source(loads: DeliveryLoads) -> str:
    """The delivery files behind the territorial figures: the latest, and how many there are."""
    if not loads.files:
        return "Fuente: ningún archivo de entregas cargado."
    text = source_text(loads.latest_file, None, loads.latest_loaded_at)
    if loads.files == 1:
        return text + " (el único archivo de entregas)."
    return text + f" (el más reciente de {loads.files} archivos de entregas)."


# --------------------------------------------------------------------------- table

# (field, header, digits, suffix)
TABLE_COLUMNS: tuple[tuple[str, str, int, str], ...] = (
    ("beneficiarios", "Beneficiarios", 0, ""),
    ("poblacion", "Población", 0, ""),
    ("cobertura", "Cobertura (por 1.000 hab.)", 1, ""),
    ("gasto_corriente_per_capita", "Gasto corriente per cápita ($)", 0, ""),
    ("gasto_inversion_per_capita", "Gasto de inversión per cápita ($)", 0, ""),
    ("sinergia", "Convergencia (% población)", 0, " %"),
    ("metas_rojo", "Metas en rojo (%)", 0, " %"),
)


def _columns(view: MapView) -> list[tuple[str, str, int, str]]:
    columns = list(TABLE_COLUMNS)
    if view.level == "comuna":
        columns[5] = ("sinergia", COMUNA_SYNERGY_LEGEND, 0, "")
        columns = columns[:6]
    elif view.goals_month is None:
        columns = columns[:6]
    return columns


def table_rows(view: MapView) -> list[dict[str, object]]:
    """One row per territory: true values (sorting) and Chilean-formatted texts (display)."""
    rows = []
    columns = _columns(view)
    for record in view.table.to_dict("records"):
        row: dict[str, object] = {"codigo": record["codigo"], "nombre": record["nombre"]}
        hidden = str(record.get("ocultas") or "").split(",")
        for field, _, digits, suffix in columns:
            value = record.get(field)
            row[field] = None if is_missing(value) else float(value)  # type: ignore[arg-type]
            row[field + "_txt"] = (
                NO_ACCESS if field in hidden else number_text(value, digits, suffix)
            )
        if "metas" in record and not is_missing(record["metas"]) and "metas_rojo" not in hidden:
            row["metas_rojo_txt"] = (
                f"{int(record['rojas'])} de {int(record['metas'])}"
                f" ({number_text(record['metas_rojo'], 0, ' %')})"
            )
        rows.append(row)
    return rows


def column_defs(view: MapView) -> list[dict[str, object]]:
    """Territory first; the mapped indicator's column highlighted and sorted, largest first."""
    level = "Comuna" if view.level == "comuna" else "Región"
    defs: list[dict[str, object]] = [
        {"headerName": level, "field": "nombre", "pinned": "left", "minWidth": 170, "flex": 2}
    ]
    for field, header, _, _ in _columns(view):
        selected = field == view.column
        spec: dict[str, object] = {
            "headerName": header,
            "field": field,
            "valueFormatter": {"function": f"params.data.{field}_txt"},
            "type": "rightAligned",
            "flex": 1,
            "minWidth": 130,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        }
        if selected:
            spec |= {"sort": "desc", "cellClass": "map-selected", "headerClass": "map-selected"}
        defs.append(spec)
    return defs


def territory_table(id_: str, rows: Sequence[dict], columns: Sequence[dict]) -> dag.AgGrid:
    """A sortable grid with every row rendered (16 regions, at most 52 comunas)."""
    return dag.AgGrid(
        id=id_,
        rowData=list(rows),
        columnDefs=list(columns),
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True},
        getRowId="params.data.codigo",
        dashGridOptions={
            "domLayout": "autoHeight",
            "suppressCellFocus": True,
            "localeText": {"noRowsToShow": "Sin territorios para mostrar."},
        },
        className="territory-grid",
        style={"width": "100%"},
    )
