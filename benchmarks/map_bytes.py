"""Bytes a map interaction sends: the figure with the geometry as a URL (what the dashboard
sends) against the same figure with the comuna GeoJSON embedded."""

from __future__ import annotations

import json
from dataclasses import dataclass

import plotly.graph_objects as go
from dash._utils import to_json

from dashboard.territory import data as td
from dashboard.ui import maps
from loaders.web_geometry import ensure_web_geometry

GEOJSON_URL = "/assets/geo/comunas.json"


@dataclass(frozen=True)
class MapBytes:
    url_bytes: int
    embedded_bytes: int

    @property
    def share(self) -> float:
        return self.url_bytes / self.embedded_bytes


def _size(figure: dict[str, object] | go.Figure) -> int:
    """Bytes of the figure as Dash serialises it into an answer."""
    return len(to_json(figure).encode("utf-8"))


def measure(con, region: str) -> MapBytes:
    """The comuna map of `region` (coverage), serialised both ways."""
    ensure_web_geometry()
    view = td.map_view(con, td.MapState(region=region))
    frame = view.table.rename(columns={view.column: "valor"})[["codigo", "nombre", "valor"]]
    data = maps.MapData("comuna", frame, td.INDICATORS["cobertura"].legend, 1)
    figure = maps.choropleth(data, GEOJSON_URL)
    shapes = json.loads((maps.GEO_DIR / maps.GEO_FILES["comuna"]).read_text("utf-8"))
    embedded = go.Figure(figure)
    embedded.update_traces(geojson=shapes)
    return MapBytes(_size(figure), _size(embedded))
