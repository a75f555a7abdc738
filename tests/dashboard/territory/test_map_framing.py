"""The drilled map frames its whole region, and the legend's classes never repeat or go empty.

Framing is checked against the geometry the browser draws (assets/geo/comunas.json, read here
on its own): the visible area of a figure's centre and zoom is computed independently in Web
Mercator (MapLibre: 512 px world at zoom 0) and must hold every mainland comuna's bounding box.
Before the fix, Coquimbo (04) showed -29.5 to -31.8 of -29.0 to -32.3 (zoom for 256 px tiles).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dash.testing.wait import until

from dashboard.territory import data as td
from dashboard.territory import map_views as tv
from dashboard.ui import ids, maps
from loaders.web_geometry import ensure_web_geometry
from tests.support.paths import REPO
from tests.support.sessions import start_signed_in
from warehouse.db import connect

COMUNAS = REPO / "assets" / "geo" / "comunas.json"
REGIONS = ("15", "01", "02", "03", "04", "05", "13", "06", "07", "16", "08", "09", "14", "10",
           "11", "12")  # fmt: skip
INSET_COMUNAS = {"05201", "05104"}  # Rapa Nui and Juan Fernández: drawn as insets
WIDTHS = (366, 600, 831, 966, 1400)  # phone, tablet, 1366 px and 1920 px desktops, wide
MAP_HEIGHT = 640


@functools.cache
def comuna_boxes() -> dict[str, tuple[float, float, float, float]]:
    """(west, south, east, north) of every comuna, from every vertex the browser draws (built
    first on a fresh clone, as the app does)."""
    ensure_web_geometry()
    boxes = {}
    for feature in json.loads(COMUNAS.read_text("utf-8"))["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        points = np.array([p for polygon in polygons for ring in polygon for p in ring])
        boxes[feature["id"]] = (*points.min(axis=0), *points.max(axis=0))
    return boxes


def mainland(region: str) -> dict[str, tuple[float, float, float, float]]:
    return {c: b for c, b in comuna_boxes().items() if c[:2] == region and c not in INSET_COMUNAS}


def visible(layout: dict, width: float) -> tuple[float, float, float, float]:
    """What a MapLibre map of the layout's centre and zoom shows in a graph `width` px wide."""
    margin = layout["margin"]
    map_w = width - margin["l"] - margin["r"]
    map_h = layout["height"] - margin["t"] - margin["b"]
    world = 512 * 2 ** layout["map"]["zoom"]
    center = layout["map"]["center"]
    half_lon = map_w / 2 / world * 360
    y = math.log(math.tan(math.pi / 4 + math.radians(center["lat"]) / 2))
    half_y = map_h / 2 / world * 2 * math.pi

    def lat(v: float) -> float:
        return math.degrees(2 * math.atan(math.exp(v)) - math.pi / 2)

    return center["lon"] - half_lon, lat(y - half_y), center["lon"] + half_lon, lat(y + half_y)


def assert_frames(shown: tuple[float, ...], boxes: dict[str, tuple[float, ...]]) -> None:
    west, south, east, north = shown
    for code, (w, s, e, n) in boxes.items():
        assert west < w and e < east and south < s and n < north, (code, shown)
    # Framed, not merely inside: the region fills one side of the map but its margins (one
    # zoom level too far out would leave it under half).
    union = [min(b[0] for b in boxes.values()), min(b[1] for b in boxes.values()),
             max(b[2] for b in boxes.values()), max(b[3] for b in boxes.values())]  # fmt: skip
    filled = max((union[2] - union[0]) / (east - west), (union[3] - union[1]) / (north - south))
    assert filled > 0.6, (shown, union)


@pytest.fixture(scope="module")
def region_figures(demo_db: Path) -> dict[str, dict]:
    connection = connect(demo_db, read_only=True)
    try:
        return {
            code: tv.map_figure(
                td.map_view(connection, td.parse_map_state({"region": code})), "/geo.json"
            )
            for code in REGIONS
        }
    finally:
        connection.close()


@pytest.mark.parametrize("region", REGIONS)
def test_the_drilled_map_shows_every_comuna_of_its_region(region, region_figures):
    layout = region_figures[region]["layout"]
    boxes = mainland(region)
    assert len(boxes) >= 4
    fit = layout["meta"]["fit"]  # the box the browser refits to the graph's real width
    assert fit[0] <= min(b[0] for b in boxes.values()) and fit[2] >= max(
        b[2] for b in boxes.values()
    )
    assert fit[1] <= min(b[1] for b in boxes.values()) and fit[3] >= max(
        b[3] for b in boxes.values()
    )
    assert_frames(visible(layout, maps.MAP_WIDTH), boxes)
    for width in WIDTHS:
        # What the browser's refit (FIT_JS, checked against fit_view below) shows at this width.
        view = maps.fit_view(tuple(fit), width - layout["margin"]["r"], MAP_HEIGHT)
        center = {"lat": view["lat"], "lon": view["lon"]}
        refit = layout | {"map": {"center": center, "zoom": view["zoom"]}}
        assert_frames(visible(refit, width), boxes)


def test_valparaiso_is_framed_on_its_mainland_with_the_islands_as_insets(region_figures):
    shown = visible(region_figures["05"]["layout"], maps.MAP_WIDTH)
    assert shown[0] > -75  # neither Juan Fernández (-80.8) nor Rapa Nui (-109.4)
    assert {"05201", "05104"} <= set(region_figures["05"]["data"][0]["locations"])


def test_the_national_map_shows_mainland_chile_whole(demo_db):
    connection = connect(demo_db, read_only=True)
    try:
        figure = tv.map_figure(td.map_view(connection, td.parse_map_state({})), "/geo.json")
    finally:
        connection.close()
    mainland_chile = {c: b for c, b in comuna_boxes().items() if c not in INSET_COMUNAS}
    assert_frames(visible(figure["layout"], maps.MAP_WIDTH), mainland_chile)
    home = maps.choropleth(  # the weekly review's map: 560 px high
        maps.MapData("region", pd.DataFrame({"codigo": ["05"], "nombre": ["V"], "valor": [1.0]}),
                     "% de metas en rojo"), "/geo.json", height=560,
    )  # fmt: skip
    _, south, _, north = visible(home["layout"], maps.MAP_WIDTH)
    assert north > -17.5 and south < -56.5  # Arica to Cabo de Hornos


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_refit_is_the_server_fit():
    """FIT_JS (run by node with a stub page) gives the zoom and centre fit_view gives."""
    box = maps.region_box("04")
    cases = []
    for width in WIDTHS:
        figure = {"layout": {"meta": {"fit": list(box), "padding": maps.MAP_PADDING_PX},
                             "margin": {"l": 0, "r": 150, "t": 0, "b": 0},
                             "height": MAP_HEIGHT, "map": {"zoom": 0, "center": {}}}}  # fmt: skip
        cases.append((width, figure))
    script = (
        "const window = {dash_clientside: {no_update: null}};"
        "let width = 0;"
        "const document = {getElementById: () => ({getBoundingClientRect: () => ({width})})};"
        f"const fit = {maps.fit_js('g').strip()};"
        f"const cases = {json.dumps(cases)};"
        "console.log(JSON.stringify(cases.map(([w, f]) => { width = w; return fit(f); })));"
    )
    out = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True,
                                    check=True, timeout=30).stdout)  # fmt: skip
    for (width, _), figure in zip(cases, out, strict=True):
        expected = maps.fit_view(box, width - 150, MAP_HEIGHT)
        assert figure["layout"]["map"]["zoom"] == pytest.approx(expected["zoom"], abs=0.002)
        assert figure["layout"]["map"]["center"]["lat"] == pytest.approx(expected["lat"], abs=1e-4)


# --------------------------------------------------------------------------- legend classes

NUMBER = r"-?[\d.]+(?:,\d+)?"


def parse(label: str) -> tuple[float, float, int]:
    """'1.234 – 2.345' or '17' -> (low, high, decimals shown)."""
    match = re.fullmatch(rf"({NUMBER})(?: – ({NUMBER}))?", label)
    assert match, label
    low, high = match.group(1), match.group(2) or match.group(1)
    decimals = len(low.split(",")[1]) if "," in low else 0

    def value(text: str) -> float:
        return float(text.replace(".", "").replace(",", "."))

    return value(low), value(high), decimals


def check_classes(values: list[float], scheme: str, k: int, digits: int = 0) -> maps.Classes:
    series = pd.Series(values, dtype=float)
    classes = maps.classify(series, scheme, k, digits)
    labels = classes.labels
    assert len(set(labels)) == len(labels), labels  # no duplicate classes
    ranges = [parse(label) for label in labels]
    for label, (low, high, _) in zip(labels, ranges, strict=True):
        assert " – " not in label or low < high, labels  # no "17 – 17"
    for (_, high, _), (low, _, _) in itertools.pairwise(ranges):
        assert high < low, labels  # ordered and disjoint
    known = series.notna().to_numpy()
    assert (classes.index[~known] == -1).all()  # NaN is "sin datos", never a class
    used = set(classes.index[known].tolist())
    assert used == set(range(len(labels)))  # no empty class
    assert len(labels) <= k and len(labels) <= series.dropna().nunique()
    for value, index in zip(series[known], classes.index[known], strict=True):
        holding = [i for i, (lo, hi, d) in enumerate(ranges) if lo <= round(value, d) <= hi]
        assert holding == [index], (value, labels)  # in exactly its own class
    return classes


@pytest.mark.parametrize("scheme", ["cuantiles", "cortes_naturales"])
def test_many_ties_make_no_degenerate_or_repeated_class(scheme):
    # Shares of goals in red: most regions at 0 %, several tied at 17 % (1 of 6) and 25 %.
    shares = [0.0] * 7 + [17.0] * 5 + [25.0, 25.0, 33.3, 50.0]
    check_classes(shares, scheme, 4)
    check_classes(shares, scheme, 5)
    classes = check_classes([0.0] * 9 + [17.0] * 6 + [40.0], scheme, 5)
    assert classes.labels == ("0", "17", "40")


def test_quantiles_of_ties_used_to_print_a_class_from_17_to_17():
    values = [17.0] * 8 + [18.0, 20.0, 22.0, 30.0, 31.0, 40.0, 41.0, 60.0]
    classes = check_classes(values, "cuantiles", 5)
    assert "17" in classes.labels and "17 – 17" not in classes.labels


@pytest.mark.parametrize("scheme", ["cuantiles", "cortes_naturales"])
def test_a_single_value_is_one_class_written_once(scheme):
    classes = check_classes([17.0] * 16, scheme, 5)
    assert classes.labels == ("17",)
    assert check_classes([np.nan, 17.4, np.nan], scheme, 5).labels == ("17",)


@pytest.mark.parametrize("scheme", ["cuantiles", "cortes_naturales"])
def test_fewer_distinct_values_than_classes_give_one_class_per_value(scheme):
    classes = check_classes([3.0, 1.0, 2.0, 3.0, 1.0, np.nan], scheme, 5)
    assert classes.labels == ("1", "2", "3")
    assert classes.index.tolist() == [2, 0, 1, 2, 0, -1]
    # Values that would read alike get the digit that tells them apart.
    assert check_classes([1.2, 1.4, 3.0], scheme, 5).labels == ("1,2", "1,4", "3,0")


def test_missing_values_only_give_no_class():
    classes = maps.classify(pd.Series([np.nan, np.nan]), "cuantiles", 5)
    assert classes.labels == () and classes.index.tolist() == [-1, -1]


@pytest.mark.parametrize("scheme", ["cuantiles", "cortes_naturales"])
def test_random_tied_values_always_give_clean_classes(scheme):
    rng = np.random.default_rng(7)
    for _ in range(60):
        n = int(rng.integers(3, 60))
        values = np.round(rng.lognormal(2.0, 1.2, n), int(rng.integers(0, 2)))
        values[rng.random(n) < 0.1] = np.nan
        if np.isnan(values).all():
            continue
        check_classes(values.tolist(), scheme, int(rng.integers(2, 7)), int(rng.integers(0, 2)))


# --------------------------------------------------------------------------- browser

BOUNDS_JS = (
    "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
    "const sub = g && g._fullLayout && g._fullLayout.map && g._fullLayout.map._subplot;"
    "if (!sub || !sub.map) return null;"
    "const b = sub.map.getBounds();"
    "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];"
)


def test_coquimbo_is_drawn_whole_at_desktop_and_phone_widths(dash_duo, app_for, demo_db):
    """The map MapLibre really shows, read from the page: -29.0 to -32.3 and every comuna."""
    boxes = mainland("04")
    start_signed_in(dash_duo, app_for(demo_db))
    for width, height in ((1366, 900), (390, 844)):
        dash_duo.driver.set_window_size(width, height)
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}/mapa?region=04")
        dash_duo.wait_for_contains_text(f"#{ids.MAP_TITLE}", "Comunas de Coquimbo", timeout=20)

        def framed() -> bool:
            shown = dash_duo.driver.execute_script(BOUNDS_JS, ids.MAP_GRAPH)
            try:
                assert shown is not None
                assert_frames(tuple(shown), boxes)
            except AssertionError:
                return False
            return True

        until(framed, timeout=20)
        shown = dash_duo.driver.execute_script(BOUNDS_JS, ids.MAP_GRAPH)
        assert shown[1] < -32.28 and shown[3] > -29.04
    assert dash_duo.get_logs() == []
