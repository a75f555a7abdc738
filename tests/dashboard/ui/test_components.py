"""Shared builders without a browser: lights, thermometer, percentages, map classes and figures."""

from __future__ import annotations

import math
import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest
from dash._utils import to_json

from dashboard.ui import components, maps
from tests.support.figures import as_figure


def _texts(component: object) -> list[str]:
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.append(node)
        children = getattr(node, "children", None)
        if isinstance(children, list):
            stack.extend(children)
        elif children is not None:
            stack.append(children)
    return found


@pytest.mark.parametrize(
    ("light", "word"),
    [("rojo", "Rojo"), ("verde", "Verde"), ("sin_informacion", "Sin información"),
     ("no_iniciada", "No iniciada"), ("cumplida", "Cumplida")],
)  # fmt: skip
def test_every_light_has_an_icon_and_a_word_never_colour_alone(light: str, word: str) -> None:
    badge = components.light_badge(light)
    icon = badge.children[0]
    assert icon.className.startswith("bi bi-") and word in _texts(badge)
    assert badge.title  # the tooltip explains the light


def test_unknown_light_is_a_dash_not_a_colour() -> None:
    assert _texts(components.light_badge(None)) == ["—"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.8734, "87 %"), (-0.2, "-20 %"), (1.5, "150 %"), (None, "—"), (math.nan, "—")],
)
def test_percent_in_chilean_style(value, text) -> None:
    assert components.percent(value) == text


def test_thermometer_clips_the_drawing_but_writes_the_true_value() -> None:
    bar = components.thermometer(1.3, 0.5)
    fill = bar.children[0].children[0]
    mark = bar.children[0].children[1]
    assert fill.style == {"width": "100.0%"} and mark.style == {"left": "50.0%"}
    assert bar.children[1].children == "130 %"
    below = components.thermometer(-0.1)
    assert below.children[0].children[0].style == {"width": "0.0%"}
    assert len(below.children[0].children) == 1  # no expected mark without a plan


def test_classes_keep_missing_values_apart() -> None:
    values = pd.Series([1.0, np.nan, 2.0, 3.0, 4.0, 5.0, 6.0])
    classes = maps.classify(values, "cuantiles", k=3)
    assert classes.index[1] == -1  # "sin datos", never the lowest class
    assert sorted(set(classes.index) - {-1}) == [0, 1, 2]
    assert len(classes.labels) == 3


def test_classes_with_ties_make_fewer_classes_without_noise(recwarn) -> None:
    classes = maps.classify(pd.Series([1.0, 1.0, 1.0, 2.0]), "cortes_naturales", k=5)
    assert len(classes.labels) == 2 and not [w for w in recwarn if "unique" in str(w.message)]


def test_natural_breaks_are_the_same_on_every_request_and_optimal() -> None:
    """Skewed values like comuna coverage: k-means from random starts (mapclassify's
    NaturalBreaks) gave other classes on some requests; Fisher-Jenks is exact and fixed."""
    values = pd.Series(np.random.default_rng(1).lognormal(3.0, 1.0, 346))
    first = maps.classify(values, "cortes_naturales", k=5)
    for _ in range(20):
        again = maps.classify(values, "cortes_naturales", k=5)
        assert again.labels == first.labels and (again.index == first.index).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "numba not installed": slow but exact
        exact = mapclassify.FisherJenks(values.to_numpy(), k=5)
    assert (first.index == exact.yb).all()


def test_a_map_figure_names_its_geometry_by_url_and_never_embeds_it() -> None:
    frame = pd.DataFrame({"codigo": ["05", "13"], "nombre": ["Valparaíso", "Metropolitana"],
                          "valor": [10.0, np.nan]})  # fmt: skip
    figure = maps.choropleth(
        maps.MapData("region", frame, "Cobertura"), "/assets/geo/regiones.json"
    )
    checked = as_figure(figure)
    trace = checked.data[0]
    assert trace.geojson == "/assets/geo/regiones.json"
    assert "coordinates" not in to_json(figure)
    assert list(trace.z) == [0, -1]  # the missing value is "sin datos", not the lowest class
    assert trace.colorbar.ticktext[0] == "sin datos"
    assert trace.colorbar.title.text == "Cobertura"
    assert list(trace.customdata[1]) == ["Metropolitana", "—"]
    assert checked.layout.map.style == "white-bg"  # no tile server
    assert checked.layout.uirevision == "region"


def test_region_views_fit_the_mainland() -> None:
    valparaiso = maps.region_view("05")
    assert -34 < valparaiso["lat"] < -32 and -72 < valparaiso["lon"] < -70  # not Rapa Nui
    assert maps.region_view("13")["zoom"] > maps.region_view("12")["zoom"]  # small region, closer
