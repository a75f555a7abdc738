"""Convergencia (/convergencia) in headless Chromium on the demo warehouse: the page shows the
report's σ, β, Theil and synergy for the view in the URL, and a control changes the view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from dash.testing.wait import until

from dashboard.ui import ids
from tests.support.sessions import start_signed_in

# _fullData: the traces as Plotly drew them (numpy arrays arrive base64-encoded in g.data).
FIGURE_JS = (
    "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
    "if (!g || !g._fullData) return null;"
    "return g._fullData.map(t => ({x: Array.from(t.x || []), y: Array.from(t.y || []),"
    " name: t.name || null}));"
)


def open_page(dash_duo, app_for, demo_db, search: str = "") -> None:
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/convergencia{search}")
    dash_duo.wait_for_element(f"#{ids.CONV_SIGMA} .js-plotly-plot", timeout=30)


def traces(dash_duo, graph_id: str) -> list[dict]:
    return dash_duo.driver.execute_script(FIGURE_JS, graph_id) or []


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def test_page_shows_sigma_beta_theil_and_synergy_for_regions(dash_duo, app_for, demo_db):
    open_page(dash_duo, app_for, demo_db)

    dash_duo.wait_for_contains_text(f"#{ids.CONV_SIGMA_TEXT}", "σ-convergencia", timeout=20)
    assert (
        "Entre 2024 y 2025 la dispersión" in dash_duo.find_element(f"#{ids.CONV_SIGMA_TEXT}").text
    )
    dash_duo.wait_for_contains_text(f"#{ids.CONV_BETA_TEXT}", "n = 16 regiones")
    dash_duo.wait_for_contains_text(f"#{ids.CONV_THEIL_TEXT}", "T = ")
    dash_duo.wait_for_contains_text(f"#{ids.CONV_CARDS}", "Coeficiente de variación")
    dash_duo.wait_for_contains_text(f"#{ids.CONV_CAPTION}", "Territorios: Regiones de Chile")
    dash_duo.wait_for_contains_text(f"#{ids.CONV_NOTES}", "2025 tiene entregas en 5 de 12 meses")
    sigma = traces(dash_duo, ids.CONV_SIGMA)
    assert sigma[0]["x"] == [2024, 2025] and len(sigma) == 2  # series and OLS trend
    synergy = traces(dash_duo, ids.CONV_SYNERGY)[0]
    assert len(synergy["y"]) == 16 and synergy["y"][0] == "Arica y Parinacota"  # north first
    assert len(dash_duo.find_elements(f"#{ids.CONV_PAIRS} tbody tr")) == 10
    assert dash_duo.get_logs() == []


def test_url_reproduces_a_comuna_view_of_one_region(dash_duo, app_for, demo_db):
    open_page(dash_duo, app_for, demo_db, "?nivel=comuna&region=05&anio=2025&area=social")

    dash_duo.wait_for_contains_text(f"#{ids.CONV_BETA_TEXT}", "n = 38 comunas", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.CONV_THEIL_TEXT}", "entre provincias")
    dash_duo.wait_for_contains_text(f"#{ids.CONV_CAPTION}", "Comunas de Valparaíso")
    dash_duo.wait_for_contains_text(f"#{ids.CONV_CAPTION}", "Área temática: Social")
    dash_duo.wait_for_contains_text(f"#{ids.CONV_SYNERGY_TEXT}", "en Valparaíso")
    theil = traces(dash_duo, ids.CONV_THEIL)
    assert [t["name"] for t in theil] == ["T entre provincias", "T dentro de las provincias"]
    assert query(dash_duo) == {
        "nivel": ["comuna"], "region": ["05"], "area": ["social"], "anio": ["2025"],
    }  # fmt: skip
    assert dash_duo.get_logs() == []


def test_choosing_comunas_changes_the_figures_and_the_url(dash_duo, app_for, demo_db):
    open_page(dash_duo, app_for, demo_db)
    dash_duo.wait_for_contains_text(f"#{ids.CONV_BETA_TEXT}", "n = 16 regiones", timeout=20)
    region_box = f"#{ids.CONV_REGION}"
    assert dash_duo.find_element(region_box).get_attribute("disabled") is not None

    dash_duo.find_element(
        f"label[for='_dbcprivate_radioitems_{ids.CONV_LEVEL}_input_comuna']"
    ).click()
    dash_duo.wait_for_contains_text(f"#{ids.CONV_BETA_TEXT}", "n = 345 comunas", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.CONV_THEIL_TEXT}", "entre regiones")
    until(lambda: query(dash_duo).get("nivel") == ["comuna"], timeout=10)
    until(lambda: dash_duo.find_element(region_box).get_attribute("disabled") is None, timeout=10)
    assert len(traces(dash_duo, ids.CONV_BETA)[0]["x"]) == 345
    assert dash_duo.get_logs() == []
