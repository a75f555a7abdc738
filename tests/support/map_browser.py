"""Reading the map in headless Chromium: the figure Plotly drew, the grid's rows, the URL's
query, and requests to other hosts."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from dash.testing.wait import until

from dashboard.ui import ids
from tests.support.sessions import start_signed_in

FIGURE_JS = (
    "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
    "if (!g || !g.data || !g.data.length) return null;"
    "const t = g.data[0];"
    "return {locations: Array.from(t.locations), geojson: t.geojson,"
    " title: t.colorbar && t.colorbar.title ? t.colorbar.title.text : null,"
    " ticks: Array.from((t.colorbar && t.colorbar.ticktext) || [])};"
)
ROWS_JS = (
    "return Array.from(document.querySelectorAll("
    "'#' + arguments[0] + ' .ag-pinned-left-cols-container .ag-row'))"
    ".map(r => r.innerText.trim());"
)
SET_PROPS_JS = "window.dash_clientside.set_props(arguments[0], arguments[1]);"
RESOURCES_JS = "return performance.getEntriesByType('resource').map(e => e.name);"
COMUNAS_05 = 38


def figure(dash_duo) -> dict | None:
    return dash_duo.driver.execute_script(FIGURE_JS, ids.MAP_GRAPH)


def wait_for_figure(dash_duo, condition, message: str) -> dict:
    until(lambda: (f := figure(dash_duo)) is not None and condition(f), timeout=20)
    result = figure(dash_duo)
    assert result is not None, message
    return result


def table_names(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(ROWS_JS, ids.MAP_TABLE)


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def open_map(dash_duo, app_for, demo_db, search: str = "") -> None:
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/mapa{search}")
    dash_duo.wait_for_element(f"#{ids.MAP_GRAPH} .js-plotly-plot", timeout=20)


def foreign_requests(dash_duo) -> list[str]:
    local = dash_duo.server_url.rstrip("/") + "/"
    return [u for u in dash_duo.driver.execute_script(RESOURCES_JS) if not u.startswith(local)]
