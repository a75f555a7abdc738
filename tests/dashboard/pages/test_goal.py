"""The goal detail page (/meta/<codigo>) in headless Chromium on the demo warehouse.

SAL-01 (a national goal with a regional breakdown, a red bottleneck and milestones) is the
example: its May 2025 figure was reported but not validated in the second demo load, so the
page shows a hollow point and a provenance row from that later file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.goal_page.forecast_card import CARD_ID as FORECAST_CARD
from dashboard.ui import ids
from tests.support.sessions import start_signed_in
from warehouse.db import connect

CODE = "SAL-01"
MAY_FILE = "demo_avance_mensual_2025-05.csv"

# The plotted data of a dcc.Graph, as the browser holds it.
TRACE_X_JS = (
    "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
    "const t = g && g.data.find(d => d.name && d.name.startsWith(arguments[1]));"
    "return t ? t.x.map(String) : null;"
)
SHAPE_X_JS = (
    "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
    "const s = g && g.layout.shapes.find(s => s.name === arguments[1]);"
    "return s ? String(s.x0) : null;"
)


@pytest.fixture(scope="module")
def goal_name(demo_db: Path) -> str:
    con = connect(demo_db, read_only=True)
    try:
        rows = con.execute(
            "SELECT nombre FROM metas WHERE codigo_meta = ? AND valid_to IS NULL", [CODE]
        ).fetchall()
    finally:
        con.close()
    return rows[0][0]


def open_page(dash_duo, app_for, demo_db: Path, query: str = "") -> None:
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/meta/{CODE}{query}")


def trace_x(dash_duo, graph: str, name: str) -> list[str] | None:
    return dash_duo.driver.execute_script(TRACE_X_JS, graph, name)


def test_goal_page_shows_goal_thermometer_figures_and_provenance(
    dash_duo, app_for, demo_db, goal_name
):
    open_page(dash_duo, app_for, demo_db, "?mes=2025-05&validadas=1")

    dash_duo.wait_for_text_to_equal(f"#{ids.META_TITLE}", goal_name)
    dash_duo.wait_for_contains_text(f"#{ids.META_CAPTION}", "mayo 2025")
    assert dash_duo.find_element(f"#{ids.META_THERMOMETER} .thermo-mark")
    dash_duo.wait_for_contains_text(f"#{ids.META_PROVENANCE}", MAY_FILE)
    assert "Reportado, sin validar" in dash_duo.find_element(f"#{ids.META_PROVENANCE}").text
    dash_duo.wait_for_contains_text(f"#{FORECAST_CARD}", "pronosticado")
    dash_duo.wait_for_element(f"#{ids.META_TIMELINE} .js-plotly-plot")
    # The May figure is reported, not validated: a hollow point, not a filled one.
    unvalidated = trace_x(dash_duo, ids.META_TIMELINE, "Real reportado, sin validar")
    assert unvalidated and unvalidated[-1].startswith("2025-05-31")
    assert dash_duo.driver.execute_script(SHAPE_X_JS, ids.META_TIMELINE, "plazo")
    assert trace_x(dash_duo, ids.META_TIMELINE, "Proyección")
    dash_duo.wait_for_element(f"#{ids.META_GANTT} .js-plotly-plot")
    dash_duo.wait_for_contains_text(f"#{ids.META_REGIONS}", "Valparaíso")
    assert (
        "Escalar al Grupo de Estrategia" in dash_duo.find_element(f"#{ids.META_BOTTLENECKS}").text
    )
    ministry = dash_duo.find_element(".lead a")
    assert "/ministerio/" in ministry.get_attribute("href")
    assert dash_duo.get_logs() == []


def test_month_in_url_changes_figures_and_controls_write_the_url(
    dash_duo, app_for, demo_db, goal_name
):
    open_page(dash_duo, app_for, demo_db, "?mes=2025-05")
    dash_duo.wait_for_element(f"#{ids.META_TIMELINE} .js-plotly-plot")
    may = trace_x(dash_duo, ids.META_TIMELINE, "Real validado")
    assert dash_duo.driver.execute_script(SHAPE_X_JS, ids.META_TIMELINE, "corte").startswith(
        "2025-05-31"
    )

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/meta/{CODE}?mes=2024-10")
    dash_duo.wait_for_contains_text(f"#{ids.META_CAPTION}", "octubre 2024")
    dash_duo.wait_for_element(f"#{ids.META_TIMELINE} .js-plotly-plot")
    october = trace_x(dash_duo, ids.META_TIMELINE, "Real validado")
    assert october and may and len(october) < len(may)
    assert october[-1].startswith("2024-10-31")
    assert MAY_FILE not in dash_duo.find_element(f"#{ids.META_PROVENANCE}").text

    # The toggle writes ?validadas=0 and the page follows: all reported figures count.
    dash_duo.find_element(f"#{ids.META_VALIDATED} input[value='0']").click()
    dash_duo.wait_for_contains_text(f"#{ids.META_CAPTION}", "todas las reportadas")
    assert "validadas=0" in dash_duo.driver.current_url
    assert "mes=2024-10" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_unknown_code_shows_a_friendly_message(dash_duo, app_for, demo_db):
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/meta/NO-EXISTE")

    dash_duo.wait_for_contains_text(f"#{ids.META_NOT_FOUND}", "Meta no encontrada")
    link = dash_duo.find_element(f"#{ids.META_NOT_FOUND} a")
    assert link.get_attribute("href").endswith("/metas")
    assert dash_duo.get_logs() == []
