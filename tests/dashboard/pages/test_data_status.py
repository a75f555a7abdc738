"""The app frame and the data-status page (/datos) in headless Chromium: they render, are
styled, say it is demo data, load nothing from outside this server, and log no console error.
The weekly review home page on the demo is tested in test_weekly_review.py."""

from __future__ import annotations

from dashboard.ui import ids
from tests.support.sessions import start_signed_in
from tests.support.small_warehouse import LAST_LOAD_CHILE

TITLE = "Tablero de Metas y Territorio"
DATA_TITLE = "Datos · " + TITLE

# Resource URLs the page fetched (stylesheets, scripts, fonts, XHR), as the browser saw them.
RESOURCES_JS = "return performance.getEntriesByType('resource').map(e => e.name);"
NAVBAR_BACKGROUND_JS = (
    "return getComputedStyle(document.getElementById(arguments[0])).backgroundColor;"
)
ICON_FONT_LOADED_JS = (
    "await document.fonts.ready;"
    "return [...document.fonts].some(f => f.family.includes('bootstrap-icons')"
    " && f.status === 'loaded');"
)


def foreign_requests(dash_duo) -> list[str]:
    local = dash_duo.server_url.rstrip("/") + "/"
    return [
        url for url in dash_duo.driver.execute_script(RESOURCES_JS) if not url.startswith(local)
    ]


def test_data_page_loads_offline_and_shows_demo_badge(dash_duo, app_for, make_warehouse):
    start_signed_in(dash_duo, app_for(make_warehouse(demo=True)))
    # The home page renders on a warehouse with goals but no progress yet…
    dash_duo.wait_for_text_to_equal(f"#{ids.HOME_TITLE}", "Revisión semanal")
    assert dash_duo.driver.title == TITLE

    # …and the navbar leads to the data-status page.
    dash_duo.find_element(f"#{ids.NAV_LINKS} a[href='/datos']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.DATA_TITLE}", "Datos cargados")
    dash_duo.wait_for_contains_text(f"#{ids.DEMO_BADGE}", "datos de demostración")
    dash_duo.wait_for_contains_text(f"#{ids.LAST_LOAD}", LAST_LOAD_CHILE)
    dash_duo.wait_for_contains_text(f"#{ids.DATA_INGESTIONS}", "metas_abril.xlsx")
    dash_duo.wait_for_contains_text(f"#{ids.DATA_QUARANTINE}", "entregas_marzo.csv")
    assert dash_duo.driver.title == DATA_TITLE

    # Bootstrap (served from /vendor) is applied: .bg-dark gives the navbar its colour.
    assert dash_duo.driver.execute_script(NAVBAR_BACKGROUND_JS, ids.NAVBAR) == "rgb(33, 37, 41)"
    assert dash_duo.driver.execute_script(ICON_FONT_LOADED_JS) is True
    assert foreign_requests(dash_duo) == []
    assert dash_duo.get_logs() == []


def test_missing_database_shows_an_explanation_not_an_error(dash_duo, app_for, tmp_path):
    dash_duo.start_server(app_for(tmp_path / "no-existe.duckdb"), navigate=False)
    # Without a database nobody can log in, and the login form says why.
    driver = dash_duo.driver
    driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#usuario").send_keys("presidencia")
    driver.find_element("css selector", "#clave").send_keys("demo-presidencia")
    driver.find_element("css selector", "#login-submit").click()
    dash_duo.wait_for_contains_text("#login-error", "No existe la base de datos")
    # The public pages explain it too, instead of failing.
    dash_duo.server_url = dash_duo.server.url + "/publico"
    dash_duo.wait_for_contains_text(f"#{ids.DB_ERROR}", "No existe la base de datos")
    assert "datos de demostración" not in dash_duo.find_element(f"#{ids.NAVBAR}").text
    # The console shows only the login form's 503 (the refused login), no script error.
    assert [e for e in dash_duo.get_logs() if "503" not in e["message"]] == []
