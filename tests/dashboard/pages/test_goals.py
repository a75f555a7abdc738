"""Metas (/metas): the page and its callback without a browser, then in headless Chromium
(filters change the grid and the URL, a URL reproduces the view, a goal opens its page)."""

from __future__ import annotations

import sys
from datetime import date

import dash
from dash.testing.wait import until

from dashboard.goals.filters import GoalFilters, apply
from dashboard.server.board import load_board
from dashboard.server.defaults import bottleneck_day
from dashboard.ui import ids
from tests.support.components import browser_text, walk
from tests.support.sessions import staff_request, start_signed_in
from warehouse.db import connect

MAY = date(2025, 5, 1)
ROWS = f"#{ids.GOALS_GRID} .ag-center-cols-container .ag-row"


def demo_goals(demo_db, **filters: str):
    """The goals the page should list for these filters (default month, as the page judges)."""
    con = connect(demo_db, read_only=True, threads=1)
    try:
        board = load_board(con, MAY, bottlenecks_at=bottleneck_day(MAY, date(2025, 6, 16)))
    finally:
        con.close()
    return apply(board, GoalFilters(**filters))


def metas_layout(app, **args):
    with staff_request(app, "/metas"):
        return dash.page_registry["dashboard.pages.goals"]["layout"](**args)


def by_id(tree) -> dict:
    return {c.id: c for c in walk(tree) if isinstance(getattr(c, "id", None), str)}


def test_layout_reads_filters_from_the_url_and_drops_unknown_values(app_for, demo_db):
    app = app_for(demo_db)
    found = by_id(metas_layout(app, ministerio="salud", semaforo="rojo", region="99"))
    expected = demo_goals(demo_db, ministerio="salud", semaforo="rojo")
    assert found[ids.GOALS_FILTERS["ministerio"]].value == "salud"
    assert found[ids.GOALS_FILTERS["region"]].value is None  # no region 99
    assert found[ids.GOALS_MONTH].value == "2025-05"
    assert browser_text(found[ids.GOALS_COUNT]) == f"{len(expected)} de 55 metas"
    grid = found[ids.GOALS_GRID]
    assert [r["codigo_meta"] for r in grid.rowData] == sorted(expected["codigo_meta"])
    caption = browser_text(found[ids.GOALS_CAPTION])
    assert "Ministerio: Ministerio de Salud" in caption and "Semáforo: Rojo" in caption


def test_callback_returns_rows_caption_count_and_url(app_for, demo_db):
    app = app_for(demo_db)
    update = sys.modules["dashboard.pages.goals"].update_table
    with staff_request(app, "/metas"):
        rows, caption, count, search = update("2025-05", None, "social", "05", None, None)
    expected = demo_goals(demo_db, area="social", region="05")
    assert sorted(r["codigo_meta"] for r in rows) == sorted(expected["codigo_meta"])
    assert [r["semaforo_orden"] for r in rows] == sorted(r["semaforo_orden"] for r in rows)
    assert len(rows) >= 2  # Valparaíso's social goals: its own and national breakdowns
    assert search == "?mes=2025-05&area=social&region=05"
    assert count == f"{len(expected)} de 55 metas"
    assert "Región: Valparaíso" in browser_text(caption)


def test_all_goals_sorted_worst_light_first(app_for, demo_db):
    grid = by_id(metas_layout(app_for(demo_db)))[ids.GOALS_GRID]
    ranks = [r["semaforo_orden"] for r in grid.rowData]
    assert len(ranks) == 55 and ranks == sorted(ranks)
    assert all(r["href"] == "/meta/" + r["codigo_meta"] for r in grid.rowData)


def test_missing_database_keeps_the_callback_components(app_for, tmp_path):
    """Dash checks callbacks against every page's layout: an error page without the grid and
    the filters would log a console error on every screen."""
    found = by_id(metas_layout(app_for(tmp_path / "no-existe.duckdb")))
    assert "No existe la base de datos" in browser_text(found[ids.GOALS_ERROR])
    needed = {ids.GOALS_URL, ids.GOALS_MONTH, ids.GOALS_CAPTION, ids.GOALS_COUNT, ids.GOALS_GRID}
    assert needed | set(ids.GOALS_FILTERS.values()) <= set(found)


# --------------------------------------------------------------------------- browser


def row_count(dash_duo) -> int:
    return len(dash_duo.find_elements(ROWS))


def test_metas_in_a_browser(dash_duo, app_for, demo_db):
    """One server for the whole story: all goals, a filter changes the grid and the URL, a goal
    opens its page, and a URL with filters reproduces the view."""
    red = demo_goals(demo_db, semaforo="rojo")
    health_05 = demo_goals(demo_db, ministerio="salud", region="05")
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.driver.get(dash_duo.server_url + "/metas")

    dash_duo.wait_for_text_to_equal(f"#{ids.GOALS_COUNT}", "55 metas")
    until(lambda: row_count(dash_duo) == 55, timeout=10)
    dash_duo.wait_for_contains_text(
        f"#{ids.GOALS_GRID}", "Reducir la lista de espera de consultas de especialidad"
    )
    light = dash_duo.find_element(f"#{ids.GOALS_GRID} .light")
    assert light.text in {"Rojo", "Amarillo", "Verde"}  # icon + word, never colour alone
    assert light.find_element("css selector", "i.bi").get_attribute("aria-hidden") == "true"
    assert dash_duo.find_elements(f"#{ids.GOALS_GRID} .thermo-mark")  # esperado mark drawn

    dash_duo.select_dcc_dropdown(f"#{ids.GOALS_FILTERS['semaforo']}", value="Rojo")
    dash_duo.wait_for_text_to_equal(f"#{ids.GOALS_COUNT}", f"{len(red)} de 55 metas")
    until(lambda: row_count(dash_duo) == len(red), timeout=10)
    until(lambda: "semaforo=rojo" in dash_duo.driver.current_url, timeout=10)
    assert "mes=2025-05" in dash_duo.driver.current_url
    texts = {e.text for e in dash_duo.find_elements(f"#{ids.GOALS_GRID} .light")}
    assert texts == {"Rojo"}

    first = sorted(red["codigo_meta"])[0]
    link = dash_duo.find_element(f"#{ids.GOALS_GRID} a[href='/meta/{first}']")
    if "dashboard.pages.goal" in dash.page_registry:  # the goal page is another module's
        dash_duo.driver.execute_script("arguments[0].click();", link)
        until(lambda: dash_duo.driver.current_url.endswith("/meta/" + first), timeout=10)
        dash_duo.wait_for_element(f"#{ids.META_TITLE}", timeout=10)

    dash_duo.driver.get(dash_duo.server_url + "/metas?mes=2025-05&ministerio=salud&region=05")
    expected = health_05

    dash_duo.wait_for_text_to_equal(f"#{ids.GOALS_COUNT}", f"{len(expected)} de 55 metas")
    until(lambda: row_count(dash_duo) == len(expected), timeout=10)
    dash_duo.wait_for_contains_text(f"#{ids.GOALS_CAPTION}", "Región: Valparaíso")
    ministry = dash_duo.find_element(f"#{ids.GOALS_FILTERS['ministerio']}")
    assert "Ministerio de Salud" in ministry.text
    assert "Valparaíso (desglose)" in dash_duo.find_element(f"#{ids.GOALS_GRID}").text
    assert dash_duo.get_logs() == []
