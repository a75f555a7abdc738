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

Figures are plain dicts, not `go.Figure`s: plotly's validation dominated callback CPU (see
dashboard.figure_dict).
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jenkspy
import mapclassify
import numpy as np
import pandas as pd

from dashboard.figure_dict import Figure, FigureDict, trace
from dashboard.formatting import NO_DATA
from dashboard.theme import NO_DATA_COLOR

GEO_DIR = Path(__file__).resolve().parents[1] / "assets" / "geo"
GEO_FILES = {"region": "regiones.json", "comuna": "comunas.json"}
SCHEMES = {"cuantiles": "Cuantiles", "cortes_naturales": "Cortes naturales"}
# Light to dark, colour-blind safe (cividis-like ramp; readable when printed in grey).
CLASS_COLORS = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
# Chile from Arica (-17.5°) to Cabo de Hornos (-56°) fills a 640 px map at zoom 3 (Web
# Mercator: 0.87 rad of northing); the centre is the mid-point in Mercator, not in latitude.
NATIONAL_VIEW = {"lat": -39.6, "lon": -71.5, "zoom": 3.0}
MAP_FIT_PX = 560


@dataclass(frozen=True)
class Classes:
    """Class of each territory (-1 = sin datos) and the legend labels, lowest class first."""

    index: np.ndarray
    labels: tuple[str, ...]


def number(value: float, digits: int = 0) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def classify(values: pd.Series, scheme: str = "cuantiles", k: int = 5, digits: int = 0) -> Classes:
    """mapclassify classes over the known values; NaN stays out as 'sin datos'."""
    known = values.dropna().to_numpy(dtype=float)
    index = np.full(len(values), -1, dtype=int)
    if known.size == 0:
        return Classes(index, ())
    k = max(1, min(k, np.unique(known).size))
    if k == 1:
        index[values.notna().to_numpy()] = 0
        return Classes(index, (number(known.min(), digits) + " – " + number(known.max(), digits),))
    with warnings.catch_warnings():
        # Tied values (counts of services, shares of goals) leave fewer distinct classes than
        # asked; mapclassify warns and copes, and the legend shows the classes it made.
        warnings.simplefilter("ignore", UserWarning)
        if scheme == "cortes_naturales":
            breaks = jenkspy.jenks_breaks(known, n_classes=k)
            model = mapclassify.UserDefined(known, bins=[float(b) for b in breaks[1:]])
        else:
            model = mapclassify.Quantiles(known, k=k)
    index[values.notna().to_numpy()] = model.yb
    bounds = [known.min(), *model.bins]
    labels = tuple(
        number(low, digits) + " – " + number(high, digits)
        for low, high in itertools.pairwise(bounds)
    )
    return Classes(index, labels)


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
    frame: pd.DataFrame  # columns: codigo, nombre, valor
    indicator: str  # legend title, e.g. 'Beneficiarios por 1.000 hab.'
    digits: int = 0


def choropleth(
    data: MapData,
    geojson_url: str,
    *,
    scheme: str = "cuantiles",
    k: int = 5,
    view: dict[str, float] | None = None,
    height: int = 640,
    uirevision: str | None = None,
) -> Figure:
    """The map figure as the dict Dash sends; `geojson_url` is the cached static asset, never
    the shapes themselves. `uirevision` (default: the level) keeps the user's zoom while it is
    unchanged. Plain lists throughout: a few dozen values serialise fastest that way."""
    frame = data.frame.reset_index(drop=True)
    classes = classify(frame["valor"], scheme, k, data.digits)
    names = frame["nombre"].tolist()
    shown = [
        NO_DATA
        if (v is None or (isinstance(v, float) and math.isnan(v)))
        else number(v, data.digits)
        for v in frame["valor"]
    ]
    n = len(classes.labels)
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
            "ticktext": ["sin datos", *classes.labels],
            "len": 0.7,
            "thickness": 14,
        },
    )
    return FigureDict(
        [regions], map_layout(view or NATIONAL_VIEW, height, uirevision or data.level)
    ).to_dict()


def map_layout(view: dict[str, float], height: int, uirevision: str) -> dict[str, Any]:
    """A tile-free map framed on `view` (no tile server: the geometry is the only layer)."""
    return {
        "map": {"style": "white-bg", **_view(view)},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": height,
        "uirevision": uirevision,
    }


def _view(view: dict[str, float]) -> dict[str, object]:
    return {"center": {"lat": view["lat"], "lon": view["lon"]}, "zoom": view["zoom"]}


@cache
def _bounds(level: str) -> dict[str, tuple[float, float, float, float]]:
    """(lon_min, lat_min, lon_max, lat_max) of each feature, read once from the asset."""
    collection = json.loads((GEO_DIR / GEO_FILES[level]).read_text("utf-8"))
    out = {}
    for feature in collection["features"]:
        coords = np.array(list(_coordinates(feature["geometry"])))
        out[feature["id"]] = (*coords.min(axis=0), *coords.max(axis=0))
    return out


def _coordinates(geometry: dict) -> object:
    rings = geometry["coordinates"]
    polygons = rings if geometry["type"] == "MultiPolygon" else [rings]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def region_view(region_code: str, *, mainland_only: bool = True) -> dict[str, float]:
    """Centre and zoom that fit one region's comunas (islands far offshore left out of the fit:
    Valparaíso would otherwise be framed from Rapa Nui to the Andes)."""
    boxes = [
        box
        for code, box in _bounds("comuna").items()
        if code[:2] == region_code and not (mainland_only and box[2] < -78.0)
    ]
    lon_min = min(b[0] for b in boxes)
    lat_min = min(b[1] for b in boxes)
    lon_max = max(b[2] for b in boxes)
    lat_max = max(b[3] for b in boxes)
    # Web Mercator: 256 px span 360° at zoom 0, and latitude is stretched by 1/cos(lat).
    # Fit the larger span into ~560 px, the smaller side of the map, with a little margin.
    lat_span = (lat_max - lat_min) / math.cos(math.radians((lat_min + lat_max) / 2))
    extent = max(lon_max - lon_min, lat_span, 0.05)
    zoom = max(1.0, min(11.0, math.log2(360.0 * MAP_FIT_PX / (256.0 * extent)) - 0.3))
    return {
        "lat": float(lat_min + lat_max) / 2,
        "lon": float(lon_min + lon_max) / 2,
        "zoom": float(zoom),
    }


# Framed for an inset about 300 px wide: Juan Fernández's main islands lie 160 km apart.
ISLAND_VIEWS = {
    "Isla de Pascua": {"lat": -27.12, "lon": -109.35, "zoom": 9.2},
    "Juan Fernández": {"lat": -33.7, "lon": -79.8, "zoom": 6.2},
}
