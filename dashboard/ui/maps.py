"""Choropleth maps of regions and comunas, drawn without any tile server.

The geometry is a static asset (assets/geo/*.json, built once by loaders.web_geometry) that the
browser fetches once and caches: a figure names it by URL and carries only codes, classes and
hover text, so a map interaction costs a few kilobytes instead of the ~1 MB of comuna shapes
(architecture.md, "Never send geometry in a callback").

Legend classes come from mapclassify: quantiles, or natural breaks computed by jenkspy's
Fisher-Jenks (optimal and deterministic, in C: mapclassify's NaturalBreaks is k-means from a
random start, so the same map got other classes on another request, and its FisherJenks is
pure Python without numba, ~0.4 s for 346 comunas against 0.5 ms). Territories without a value
get their own grey "sin datos" class, so a gap in the data is never mistaken for a low value.
Each class is labelled by the range of its own values ("12 – 19", or "17" for one value), empty
or tied classes are dropped and neighbours that would read alike are merged, so every shown
value falls in exactly one label.

Framing: plotly's `map.fitbounds` ignores choroplethmap traces and `map.bounds` only limits
panning, so the view is computed here: the region's comunas' bounding box (island groups drawn
as insets left out) fitted in Web Mercator into the map's pixels with a margin. The figure
carries the box in `layout.meta.fit`, and a clientside callback (`FIT_JS`) refits it to the
graph's real width once the browser knows it.

Figures are plain dicts, not `go.Figure`s: plotly's validation dominated callback CPU (see
dashboard.ui.figure_dict).
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jenkspy
import mapclassify
import numpy as np
import pandas as pd

from dashboard.server import cache
from dashboard.ui.figure_dict import Figure, FigureDict, trace
from dashboard.ui.formatting import NO_ACCESS, NO_DATA
from dashboard.ui.theme import NO_DATA_COLOR

GEO_DIR = Path(__file__).resolve().parents[2] / "assets" / "geo"
GEO_FILES = {"region": "regiones.json", "comuna": "comunas.json"}
SCHEMES = {"cuantiles": "Cuantiles", "cortes_naturales": "Cortes naturales"}
# Light to dark, colour-blind safe (cividis-like ramp; readable when printed in grey).
CLASS_COLORS = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
Box = tuple[float, float, float, float]  # west, south, east, north (degrees)
# MapLibre draws the world 512 px wide at zoom 0 (raster tiles' 256 px made every region twice
# too close: Coquimbo showed -29.5 to -31.8 of its -29.0 to -32.3).
TILE_PX = 512
MAP_PADDING_PX = 24  # margin around the framed territory, on every side
MAP_WIDTH = 800  # the graph's width assumed before the browser refits to the real one
MAX_ZOOM = 12.0
# Island comunas drawn as insets (Chile and Valparaíso): the mainland framing leaves them out.
ISLAND_COMUNAS = {"Isla de Pascua": "05201", "Juan Fernández": "05104"}


@dataclass(frozen=True)
class Classes:
    """Class of each territory (-1 = sin datos) and the legend labels, lowest class first."""

    index: np.ndarray
    labels: tuple[str, ...]


def number(value: float, digits: int = 0) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def classify(values: pd.Series, scheme: str = "cuantiles", k: int = 5, digits: int = 0) -> Classes:
    """Classes over the known values (NaN stays out as 'sin datos'); with k or fewer distinct
    values, one class per value."""
    known = values.dropna().to_numpy(dtype=float)
    index = np.full(len(values), -1, dtype=int)
    if known.size == 0:
        return Classes(index, ())
    distinct = np.unique(known)
    if distinct.size <= k:
        raw = np.searchsorted(distinct, known)
    else:
        with warnings.catch_warnings():
            # Ties can leave a quantile class empty; mapclassify warns, _legend drops it.
            warnings.simplefilter("ignore", UserWarning)
            if scheme == "cortes_naturales":
                breaks = jenkspy.jenks_breaks(known, n_classes=k)
                model = mapclassify.UserDefined(known, bins=[float(b) for b in breaks[1:]])
            else:
                model = mapclassify.Quantiles(known, k=k)
        raw = np.asarray(model.yb)
    classes, labels = _legend(known, raw, digits)
    index[values.notna().to_numpy()] = classes
    return Classes(index, labels)


def _legend(known: np.ndarray, raw: np.ndarray, digits: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Non-empty classes renumbered from 0, each labelled by its own values' range. When two
    neighbours would read alike at `digits` (24,6 and 25,4 both "25"), a digit is added; when
    they still do, they are merged: a legend never shows the same number in two classes."""
    ranges = [(known[raw == c].min(), known[raw == c].max()) for c in np.unique(raw)]
    for shown in range(digits, digits + 3):
        if all(
            number(high, shown) != number(low, shown)
            for (_, high), (low, _) in itertools.pairwise(ranges)
        ):
            break
    groups: list[list[float]] = []
    renumber = np.empty(len(ranges), dtype=int)
    for i, (low, high) in enumerate(ranges):
        if groups and number(groups[-1][1], shown) == number(low, shown):
            groups[-1][1] = high
        else:
            groups.append([low, high])
        renumber[i] = len(groups) - 1
    position = np.searchsorted(np.unique(raw), raw)
    labels = tuple(_range_label(low, high, shown) for low, high in groups)
    return renumber[position], labels


def _range_label(low: float, high: float, digits: int) -> str:
    low_text, high_text = number(low, digits), number(high, digits)
    return low_text if low_text == high_text else low_text + " – " + high_text


def _colorscale(n_classes: int) -> list[list[object]]:
    """A stepped scale for z = -1 (sin datos) … n-1, one flat band per class."""
    colors = [NO_DATA_COLOR, *_class_colors(n_classes)]
    steps = len(colors)
    scale: list[list[object]] = []
    for i, color in enumerate(colors):
        scale.append([i / steps, color])
        scale.append([(i + 1) / steps, color])
    return scale


def _class_colors(n: int) -> list[str]:
    if n <= 0:
        return []
    positions = np.linspace(0, len(CLASS_COLORS) - 1, n).round().astype(int)
    return [CLASS_COLORS[p] for p in positions]


@dataclass(frozen=True)
class MapData:
    """What a map shows: one row per territory with code, name and value."""

    level: str  # 'region' | 'comuna'
    frame: pd.DataFrame  # columns: codigo, nombre, valor (and sin_acceso: not the viewer's)
    indicator: str  # legend title, e.g. 'Beneficiarios por 1.000 hab.'
    digits: int = 0


def choropleth(
    data: MapData,
    geojson_url: str,
    *,
    scheme: str = "cuantiles",
    k: int = 5,
    box: Box | None = None,
    height: int = 640,
    uirevision: str | None = None,
) -> Figure:
    """The map figure as the dict Dash sends; `geojson_url` is the cached static asset, never
    the shapes themselves. `box` is the territory to frame (default: mainland Chile).
    `uirevision` (default: the level) keeps the user's zoom while it is unchanged. Plain lists
    throughout: a few dozen values serialise fastest that way."""
    frame = data.frame.reset_index(drop=True)
    classes = classify(frame["valor"], scheme, k, data.digits)
    names = frame["nombre"].tolist()
    hidden = (
        frame["sin_acceso"].fillna(False).to_numpy(dtype=bool)
        if "sin_acceso" in frame
        else np.zeros(len(frame), dtype=bool)
    )
    shown = [
        NO_ACCESS
        if secret
        else NO_DATA
        if (v is None or (isinstance(v, float) and math.isnan(v)))
        else number(v, data.digits)
        for v, secret in zip(frame["valor"], hidden, strict=True)
    ]
    n = len(classes.labels)
    # The grey class holds what is missing; it says so when some of it is not the viewer's.
    ticks = ["sin datos / sin acceso" if hidden.any() else "sin datos", *classes.labels]
    regions = trace(
        "choroplethmap",
        geojson=geojson_url,
        featureidkey="id",
        locations=frame["codigo"].tolist(),
        z=classes.index.tolist(),
        zmin=-1.5,
        zmax=n - 0.5,
        colorscale=_colorscale(n),
        marker={"line": {"width": 0.6 if data.level == "region" else 0.3, "color": "#ffffff"}},
        customdata=[[name, text] for name, text in zip(names, shown, strict=True)],
        hovertemplate="<b>%{customdata[0]}</b><br>" + data.indicator + ": %{customdata[1]}"
        "<extra></extra>",
        colorbar={
            "title": {"text": data.indicator, "side": "right"},
            "tickvals": list(range(-1, n)),
            "ticktext": ticks,
            "len": 0.7,
            "thickness": COLORBAR_THICKNESS,
            "x": 1.0,
            "xanchor": "left",
            "xpad": COLORBAR_PAD,
        },
    )
    layout = map_layout(
        None, height, uirevision or data.level, fit=box or chile_box(), right=colorbar_px(ticks)
    )
    return FigureDict([regions], layout).to_dict()


# The colour bar gets a right margin of its own, sized from its longest label (~8 px a character
# at 12 px, generous), so the map's width is known: the graph's width minus that margin.
COLORBAR_THICKNESS, COLORBAR_PAD, COLORBAR_TITLE_PX, LABEL_CHAR_PX = 14, 8, 30, 8


def colorbar_px(ticks: list[str]) -> int:
    longest = max((len(t) for t in ticks), default=0)
    return COLORBAR_THICKNESS + 2 * COLORBAR_PAD + COLORBAR_TITLE_PX + LABEL_CHAR_PX * longest


def map_layout(
    view: dict[str, float] | None,
    height: int,
    uirevision: str,
    *,
    fit: Box | None = None,
    right: int = 0,
) -> dict[str, Any]:
    """A tile-free map (the geometry is the only layer) on `view`, or framing the box `fit` at
    `MAP_WIDTH`; `layout.meta.fit` lets the browser refit it to the graph's real width."""
    if view is None:
        if fit is None:
            raise ValueError("A map needs a view or a box to fit")
        view = fit_view(fit, MAP_WIDTH - right, height)
    layout: dict[str, Any] = {
        "map": {"style": "white-bg", **_view(view)},
        "margin": {"l": 0, "r": right, "t": 0, "b": 0},
        "height": height,
        "uirevision": uirevision,
    }
    if fit is not None:
        layout["meta"] = {"fit": [float(v) for v in fit], "padding": MAP_PADDING_PX}
    return layout


def _view(view: dict[str, float]) -> dict[str, object]:
    return {"center": {"lat": view["lat"], "lon": view["lon"]}, "zoom": view["zoom"]}


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(
    box: Box, width: float, height: float, padding: float = MAP_PADDING_PX
) -> dict[str, float]:
    """Centre and zoom that show `box` whole in a `width` × `height` px map, `padding` px clear
    on every side (Web Mercator; FIT_JS is the same computation in the browser)."""
    west, south, east, north = box
    y_south, y_north = _mercator_y(south), _mercator_y(north)
    x_span = max(math.radians(east - west), 1e-6)
    y_span = max(y_north - y_south, 1e-6)
    px_per_radian = min(max(width - 2 * padding, 1) / x_span, max(height - 2 * padding, 1) / y_span)
    zoom = min(MAX_ZOOM, max(0.0, math.log2(px_per_radian * 2 * math.pi / TILE_PX)))
    lat = math.degrees(2 * math.atan(math.exp((y_south + y_north) / 2)) - math.pi / 2)
    # Rounded down, so rounding never crops; the centre is the mid-point in Mercator.
    return {
        "lat": round(lat, 5),
        "lon": round((west + east) / 2, 5),
        "zoom": math.floor(zoom * 1000) / 1000,
    }


FIT_JS = """
function (figure) {
    const skip = window.dash_clientside.no_update;
    const layout = figure && figure.layout;
    const fit = layout && layout.meta && layout.meta.fit;
    const graph = document.getElementById(GRAPH_ID);
    if (!fit || !graph || !layout.map) { return skip; }
    const margin = layout.margin || {};
    const pad = layout.meta.padding || 0;
    const width = graph.getBoundingClientRect().width - (margin.l || 0) - (margin.r || 0);
    const height = layout.height - (margin.t || 0) - (margin.b || 0);
    if (!(width > 2 * pad && height > 2 * pad)) { return skip; }
    const [west, south, east, north] = fit;
    const mercator = (lat) => Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360));
    const ySouth = mercator(south), yNorth = mercator(north);
    const xSpan = Math.max((east - west) * Math.PI / 180, 1e-6);
    const ySpan = Math.max(yNorth - ySouth, 1e-6);
    const perRadian = Math.min((width - 2 * pad) / xSpan, (height - 2 * pad) / ySpan);
    let zoom = Math.log2(perRadian * 2 * Math.PI / TILE_PX);
    zoom = Math.floor(Math.min(MAX_ZOOM, Math.max(0, zoom)) * 1000) / 1000;
    if (Math.abs(zoom - layout.map.zoom) < 0.002) { return skip; }
    const lat = (2 * Math.atan(Math.exp((ySouth + yNorth) / 2)) - Math.PI / 2) * 180 / Math.PI;
    const center = {lat: lat, lon: (west + east) / 2};
    const map = Object.assign({}, layout.map, {zoom: zoom, center: center});
    return Object.assign({}, figure, {layout: Object.assign({}, layout, {map: map})});
}
"""


def fit_js(graph_id: str) -> str:
    """FIT_JS for one graph: a clientside callback refitting its figure to its real width."""
    return (
        FIT_JS.replace("GRAPH_ID", json.dumps(graph_id))
        .replace("TILE_PX", str(TILE_PX))
        .replace("MAX_ZOOM", str(MAX_ZOOM))
    )


@cache.pure(maxsize=2)
def _bounds(level: str) -> dict[str, Box]:
    """(west, south, east, north) of each feature, read once from the asset the map draws."""
    collection = json.loads((GEO_DIR / GEO_FILES[level]).read_text("utf-8"))
    out = {}
    for feature in collection["features"]:
        coords = np.array(list(_coordinates(feature["geometry"])))
        out[feature["id"]] = tuple(float(v) for v in (*coords.min(axis=0), *coords.max(axis=0)))
    return out


def _coordinates(geometry: dict) -> object:
    rings = geometry["coordinates"]
    polygons = rings if geometry["type"] == "MultiPolygon" else [rings]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def mainland_boxes(region_code: str | None = None) -> dict[str, Box]:
    """Each comuna's box (of one region, or all), the island insets left out: framing Valparaíso
    on Rapa Nui and the Andes at once would shrink the mainland to a strip."""
    islands = set(ISLAND_COMUNAS.values())
    return {
        code: box
        for code, box in _bounds("comuna").items()
        if code not in islands and (region_code is None or code[:2] == region_code)
    }


def chile_box() -> Box:
    return _union(list(mainland_boxes().values()))


def region_box(region_code: str) -> Box:
    """The box of a region's mainland comunas (Chile's for an unknown code)."""
    boxes = list(mainland_boxes(region_code).values())
    return _union(boxes) if boxes else chile_box()


def region_view(
    region_code: str, width: float = MAP_WIDTH, height: float = 640
) -> dict[str, float]:
    """Centre and zoom that show one region's mainland comunas whole in a map of that size."""
    return fit_view(region_box(region_code), width, height)


# Framed for an inset about 300 px wide: Juan Fernández's main islands lie 160 km apart.
ISLAND_VIEWS = {
    "Isla de Pascua": {"lat": -27.12, "lon": -109.35, "zoom": 9.2},
    "Juan Fernández": {"lat": -33.7, "lon": -79.8, "zoom": 6.2},
}
