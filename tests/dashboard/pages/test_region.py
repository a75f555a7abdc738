"""The region pages (/region and /region/<code>) in headless Chromium on the demo warehouse."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from dash.testing.wait import until

from dashboard.ui import ids
from tests.support.sessions import start_signed_in

CARD_TITLES_JS = (
    "return Array.from(document.querySelectorAll('#' + arguments[0] + ' .region-card .h5'))"
    ".map(e => e.innerText.trim());"
)
GRID_TEXT_JS = (
    "const g = document.getElementById(arguments[0]);"
    "return g ? Array.from(g.querySelectorAll('.ag-row')).map(r => r.innerText).join('\\n') : '';"
)
LOCATIONS_JS = (
    "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
    "return g && g.data && g.data.length ? [g.data[0].geojson, g.data[0].locations.length] : null;"
)
SET_PROPS_JS = "window.dash_clientside.set_props(arguments[0], arguments[1]);"
RESOURCES_JS = "return performance.getEntriesByType('resource').map(e => e.name);"


def grid_text(dash_duo, id_: str) -> str:
    return dash_duo.driver.execute_script(GRID_TEXT_JS, id_)


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def test_region_list_leads_to_the_intendente_page(dash_duo, app_for, demo_db):
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/region")
    dash_duo.wait_for_element(f"#{ids.REGION_LIST} .region-card")

    names = dash_duo.driver.execute_script(CARD_TITLES_JS, ids.REGION_LIST)
    assert len(names) == 16
    assert (names[0], names[5], names[-1]) == ("Arica y Parinacota", "Valparaíso", "Magallanes")

    dash_duo.find_element(f"#{ids.REGION_LIST} a[href='/region/05']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.REGION_TITLE}", "Región de Valparaíso")
    assert urlparse(dash_duo.driver.current_url).path == "/region/05"
    dash_duo.wait_for_contains_text(f"#{ids.REGION_KPIS}", "Chile: ")
    dash_duo.wait_for_contains_text(f"#{ids.REGION_KPIS}", "Compromisos atrasados")
    dash_duo.wait_for_contains_text(f"#{ids.REGION_COMMITMENTS}", "GRA-05-001")
    dash_duo.wait_for_contains_text(f"#{ids.REGION_COMMITMENTS}", "Cumplido")
    dash_duo.wait_for_contains_text(f"#{ids.REGION_STAGES}", "Etapa comprometida")
    dash_duo.wait_for_contains_text(f"#{ids.REGION_CAPTION}", "Región: Valparaíso")
    until(lambda: "Viña del Mar" in grid_text(dash_duo, ids.REGION_COMUNAS), timeout=15)
    until(lambda: "/meta/" in dash_duo.find_element(f"#{ids.REGION_GOALS}").get_attribute(
        "innerHTML"), timeout=10)  # fmt: skip
    until(lambda: dash_duo.driver.execute_script(LOCATIONS_JS, ids.REGION_MAP), timeout=15)
    geojson, comunas = dash_duo.driver.execute_script(LOCATIONS_JS, ids.REGION_MAP)
    assert (geojson, comunas) == ("/assets/geo/comunas.json", 38)
    local = dash_duo.server_url.rstrip("/") + "/"
    resources = dash_duo.driver.execute_script(RESOURCES_JS)
    assert [u for u in resources if not u.startswith(local)] == []
    assert dash_duo.get_logs() == []


def test_region_codes_in_any_form_and_filters_in_the_url(dash_duo, app_for, demo_db):
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/region/valparaiso?area=social&anio=2024")

    dash_duo.wait_for_text_to_equal(f"#{ids.REGION_TITLE}", "Región de Valparaíso")
    caption = f"#{ids.REGION_CAPTION}"
    dash_duo.wait_for_contains_text(caption, "Periodo: 2024")
    dash_duo.wait_for_contains_text(caption, "Área temática: Social")
    commitments = f"#{ids.REGION_COMMITMENTS}"
    dash_duo.wait_for_contains_text(commitments, "GRA-05-002")
    assert "GRA-05-008" not in dash_duo.find_element(commitments).text  # infraestructura

    # Changing a filter rewrites the page body and the URL (no reload).
    dash_duo.driver.execute_script(
        SET_PROPS_JS, f"{ids.REGION_FILTERS}-area", {"value": "infraestructura"}
    )
    dash_duo.wait_for_contains_text(caption, "Área temática: Infraestructura")
    dash_duo.wait_for_contains_text(commitments, "GRA-05-008")
    assert "GRA-05-002" not in dash_duo.find_element(commitments).text
    until(lambda: query(dash_duo).get("area") == ["infraestructura"], timeout=10)
    assert query(dash_duo)["anio"] == ["2024"]

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/region/V")
    dash_duo.wait_for_text_to_equal(f"#{ids.REGION_TITLE}", "Región de Valparaíso")
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/region/atlantida")
    dash_duo.wait_for_contains_text(f"#{ids.REGION_NOT_FOUND}", "atlantida")
    dash_duo.wait_for_element(f"#{ids.REGION_LIST} .region-card")
    assert dash_duo.get_logs() == []
