"""The territorial map (/mapa) in headless Chromium on the demo warehouse.

The figure is read from the browser's own plot object (the data Plotly drew), the table from
the rendered grid rows. A click on the map is simulated by setting the graph's clickData the
way Plotly does (dash_clientside.set_props), since a maplibre canvas cannot be clicked at a
region reliably from Selenium.
"""

from __future__ import annotations

from dash.testing.wait import until

from dashboard.ui import ids
from tests.support.map_browser import (
    COMUNAS_05,
    FIGURE_JS,
    SET_PROPS_JS,
    foreign_requests,
    open_map,
    query,
    table_names,
    wait_for_figure,
)


def test_map_shows_sixteen_regions_and_indicator_and_classes_change_it(dash_duo, app_for, demo_db):
    open_map(dash_duo, app_for, demo_db)

    shown = wait_for_figure(dash_duo, lambda f: len(f["locations"]) == 16, "16 regiones")
    assert shown["geojson"] == "/assets/geo/regiones.json"  # the cached asset, by URL
    assert shown["title"] == "Beneficiarios por 1.000 hab."
    assert shown["ticks"][0] == "sin datos"
    until(lambda: len(table_names(dash_duo)) == 16, timeout=10)
    assert "Magallanes" in table_names(dash_duo)
    dash_duo.wait_for_contains_text(f"#{ids.MAP_TITLE}", "Regiones de Chile")
    dash_duo.wait_for_contains_text(f"#{ids.MAP_GAP}", "Brecha de cobertura")
    dash_duo.wait_for_contains_text(f"#{ids.MAP_CAPTION}", "Indicador: Cobertura")
    dash_duo.wait_for_contains_text(f"#{ids.MAP_CAPTION}", "Datos cargados")
    inset = dash_duo.driver.execute_script(FIGURE_JS, ids.MAP_INSET_PASCUA)
    assert inset is not None and inset["locations"] == ["05"]  # Rapa Nui is Valparaíso

    dash_duo.driver.execute_script(SET_PROPS_JS, ids.MAP_INDICATOR, {"value": "beneficiarios"})
    after = wait_for_figure(dash_duo, lambda f: f["title"] == "Beneficiarios", "indicador")
    assert after["ticks"] != shown["ticks"]
    dash_duo.wait_for_contains_text(f"#{ids.MAP_CAPTION}", "Indicador: Beneficiarios")
    assert query(dash_duo)["indicador"] == ["beneficiarios"]

    # A real click on the radio button: natural breaks instead of quantiles.
    dash_duo.find_element(f"#{ids.MAP_SCHEME} input[value='cortes_naturales']").click()
    breaks = wait_for_figure(dash_duo, lambda f: f["ticks"] != after["ticks"], "cortes")
    assert breaks["title"] == "Beneficiarios"
    dash_duo.wait_for_contains_text(f"#{ids.MAP_CAPTION}", "Cortes naturales")
    assert query(dash_duo)["clases"] == ["cortes_naturales"]
    assert foreign_requests(dash_duo) == []
    assert dash_duo.get_logs() == []


def test_clicking_a_region_or_linking_to_it_drills_into_its_comunas(dash_duo, app_for, demo_db):
    open_map(dash_duo, app_for, demo_db)
    wait_for_figure(dash_duo, lambda f: len(f["locations"]) == 16, "16 regiones")

    click = {"points": [{"location": "05", "curveNumber": 0, "pointNumber": 5}]}
    dash_duo.driver.execute_script(SET_PROPS_JS, ids.MAP_GRAPH, {"clickData": click})
    shown = wait_for_figure(dash_duo, lambda f: len(f["locations"]) == COMUNAS_05, "comunas")
    assert shown["geojson"] == "/assets/geo/comunas.json"
    dash_duo.wait_for_contains_text(f"#{ids.MAP_TITLE}", "Comunas de Valparaíso")
    until(lambda: "Viña del Mar" in table_names(dash_duo), timeout=10)
    assert len(table_names(dash_duo)) == COMUNAS_05
    assert query(dash_duo)["region"] == ["05"]

    dash_duo.find_element(f"#{ids.MAP_BACK}").click()
    wait_for_figure(dash_duo, lambda f: len(f["locations"]) == 16, "vuelta a Chile")
    dash_duo.wait_for_contains_text(f"#{ids.MAP_TITLE}", "Regiones de Chile")
    assert "region" not in query(dash_duo)

    # The same view from a link: ?region=05 (as typed: 'V' works too).
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/mapa?region=V")
    wait_for_figure(dash_duo, lambda f: len(f["locations"]) == COMUNAS_05, "comunas de 05")
    until(lambda: "Isla de Pascua" in table_names(dash_duo), timeout=10)
    dash_duo.wait_for_contains_text(f"#{ids.MAP_TITLE}", "Ver la ficha de la región")
    dash_duo.find_element(f"#{ids.MAP_BACK}").click()
    until(lambda: len(table_names(dash_duo)) == 16, timeout=10)
    assert dash_duo.get_logs() == []


def test_url_with_parameters_reproduces_the_view(dash_duo, app_for, demo_db):
    open_map(
        dash_duo, app_for, demo_db,
        "?indicador=gasto_inversion&clases=cortes_naturales&region=13&anio=2024&area=social",
    )  # fmt: skip

    shown = wait_for_figure(dash_duo, lambda f: len(f["locations"]) == 52, "comunas de la RM")
    assert shown["title"] == "Gasto de inversión per cápita (CLP)"
    dash_duo.wait_for_contains_text(f"#{ids.MAP_TITLE}", "Comunas de Metropolitana")
    caption = f"#{ids.MAP_CAPTION}"
    dash_duo.wait_for_contains_text(caption, "Periodo: 2024")
    dash_duo.wait_for_contains_text(caption, "Área temática: Social")
    dash_duo.wait_for_contains_text(caption, "Clases: Cortes naturales")
    assert dash_duo.find_element(f"#{ids.MAP_SCHEME} input[value='cortes_naturales']").is_selected()
    # Rapa Nui and Juan Fernández belong to Valparaíso: no insets for Santiago.
    assert not dash_duo.find_element(f"#{ids.MAP_INSETS}").is_displayed()
    dash_duo.wait_for_contains_text(f"#{ids.MAP_HINT}", "comuna")

    # A month range instead of a year: the month boxes replace the year box.
    dash_duo.find_element(f"#{ids.MAP_FILTERS}-modo input[value='meses']").click()
    until(lambda: dash_duo.find_element(f"#{ids.MAP_FILTERS}-meses_box").is_displayed(), 10)
    assert not dash_duo.find_element(f"#{ids.MAP_FILTERS}-anio_box").is_displayed()
    dash_duo.driver.execute_script(SET_PROPS_JS, f"{ids.MAP_FILTERS}-desde", {"value": "2025-01"})
    dash_duo.driver.execute_script(SET_PROPS_JS, f"{ids.MAP_FILTERS}-hasta", {"value": "2025-03"})
    dash_duo.wait_for_contains_text(caption, "Periodo: ene 2025 a mar 2025")
    until(lambda: query(dash_duo).get("hasta") == ["2025-03"], timeout=10)
    assert query(dash_duo)["desde"] == ["2025-01"] and "anio" not in query(dash_duo)
    assert dash_duo.get_logs() == []
