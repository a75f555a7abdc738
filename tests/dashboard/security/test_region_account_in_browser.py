"""A regional account in a real browser: logs in through the form, opens on its own region, and
never sees another region's figures."""

from __future__ import annotations

from dashboard.ui import ids
from tests.support.map_browser import COMUNAS_05, table_names, until, wait_for_figure
from tests.support.sessions import start_signed_in

CLASSES_JS = (
    # _fullData: plotly sends numeric arrays base64-encoded; the full trace holds them decoded.
    "const t = document.querySelector('#' + arguments[0] + ' .js-plotly-plot')._fullData[0];"
    "return {locations: Array.from(t.locations), z: Array.from(t.z)};"
)


def test_a_regional_user_sees_only_its_region(dash_duo, app_for, demo_db):
    start_signed_in(dash_duo, app_for(demo_db), "region")
    dash_duo.wait_for_contains_text(f"#{ids.ACCOUNT_NAME}", "region")
    nav = dash_duo.find_element(f"#{ids.NAV_LINKS}").text
    assert "Mapa" in nav and "Datos" not in nav

    # The map opens on Valparaíso's comunas, with data in every one of them.
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/mapa")
    dash_duo.wait_for_contains_text(f"#{ids.MAP_TITLE}", "Comunas de Valparaíso", timeout=20)
    until(lambda: len(table_names(dash_duo)) == COMUNAS_05, timeout=20)

    # Back at the national level, every region's coverage is there: totals per region are
    # every staff role's (warehouse.figure_access.FIGURE_ACCESS), so the comparison is true.
    dash_duo.find_element(f"#{ids.MAP_BACK}").click()
    dash_duo.wait_for_contains_text(f"#{ids.MAP_TITLE}", "Regiones de Chile", timeout=20)
    wait_for_figure(dash_duo, lambda f: len(f["locations"]) == 16, "16 regiones")
    shown = dash_duo.driver.execute_script(CLASSES_JS, ids.MAP_GRAPH)
    # Class -1 is the legend's "sin datos".
    with_values = {code for code, z in zip(shown["locations"], shown["z"], strict=True) if z >= 0}
    assert len(with_values) == 16

    # Another region's page, asked for by address, says so and shows none of its figures.
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/region/13")
    dash_duo.wait_for_contains_text(f"#{ids.REGION_OUT_OF_SCOPE}", "Ir a Valparaíso", timeout=20)
    assert "Puente Alto" not in dash_duo.find_element("#_pages_content").text
    assert dash_duo.get_logs() == []
