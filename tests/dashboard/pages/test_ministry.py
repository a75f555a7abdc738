"""Ministerios (/ministerio, /ministerio/<slug>): summary and builders without a browser, the
pages on the demo, and the list-to-ministry navigation in headless Chromium."""

from __future__ import annotations

from datetime import date

import dash
import pandas as pd
from dash.testing.wait import until

from dashboard.ministry.data import ministry_summary
from dashboard.ministry.views import services_table, stage_cell
from dashboard.server.board import load_board
from dashboard.server.defaults import bottleneck_day
from dashboard.ui import ids
from dashboard.ui.goal_tables import light_counts
from tests.support.components import browser_text, kind, walk
from tests.support.sessions import staff_request, start_signed_in
from warehouse.db import connect

MAY, APRIL = date(2025, 5, 1), date(2025, 4, 1)
HEALTH = "Ministerio de Salud"


def demo_board(demo_db, as_of=MAY):
    con = connect(demo_db, read_only=True, threads=1)
    try:
        return load_board(con, as_of, bottlenecks_at=bottleneck_day(as_of, date(2025, 6, 16)))
    finally:
        con.close()


def ministerio_layout(app, **args):
    with staff_request(app, "/ministerio"):
        return dash.page_registry["dashboard.pages.ministry"]["layout"](**args)


def by_id(tree) -> dict:
    return {c.id: c for c in walk(tree) if isinstance(getattr(c, "id", None), str)}


def rows_of(component) -> list[str]:
    return [browser_text(r) for r in walk(component) if kind(r) == "Tr"][1:]


# --------------------------------------------------------------------------- builders


def test_summary_counts_every_goal_of_every_ministry(demo_db):
    summary = ministry_summary(demo_board(demo_db)).set_index("ministerio")
    assert summary["metas"].sum() == 55 and len(summary) == 18
    parts = summary[["rojo", "amarillo", "verde", "otras"]].sum(axis=1)
    assert (parts == summary["metas"]).all() and (summary["otras"] >= 0).all()
    assert summary.loc[HEALTH, ["slug", "metas", "servicios"]].tolist() == ["salud", 5, 3]


def test_stage_cells_say_stage_and_state_in_words():
    assert browser_text(stage_cell(3, "cumplida", 3)) == "3 · EjecuciónCumplida"
    assert browser_text(stage_cell(4, "no_cumplida", 2)) == "4 · EvaluaciónNo cumplida (validada 2)"
    assert browser_text(stage_cell(2, "pendiente", None)) == "2 · PlanPor validar"
    assert browser_text(stage_cell(None, "sin_etapa", None)) == "—"


def test_services_table_has_one_column_per_year_and_a_dash_for_a_missing_stage():
    services = pd.DataFrame(
        {
            "servicio": ["Fondo Nacional de Salud", "Fondo Nacional de Salud", "Otro"],
            "sigla": ["FONASA", "FONASA", None],
            "anio": [2024, 2025, None],
            "etapa_comprometida": [1, 2, None],
            "etapa_validada": [1, None, None],
            "estado_etapa": ["cumplida", "pendiente", "sin_etapa"],
        }
    )
    table = services_table(services)
    head = [browser_text(c) for c in walk(table) if kind(c) == "Th"]
    assert head == ["Servicio", "2024", "2025"]
    assert rows_of(table) == [
        "Fondo Nacional de Salud (FONASA)1 · DiagnósticoCumplida2 · PlanPor validar",
        "Otro——",
    ]


# --------------------------------------------------------------------------- pages on the demo


def test_list_links_every_ministry(app_for, demo_db):
    found = by_id(ministerio_layout(app_for(demo_db)))
    table = found[ids.MINISTRY_LIST]
    hrefs = [c.href for c in walk(table) if getattr(c, "href", None)]
    assert len(hrefs) == 18 and "/ministerio/salud" in hrefs
    assert any(r.startswith(HEALTH + "5") for r in rows_of(table))


def test_ministry_page_shows_goals_bottlenecks_and_services(app_for, demo_db):
    expected = light_counts(demo_board(demo_db).goals.query("ministerio == @HEALTH"))
    found = by_id(ministerio_layout(app_for(demo_db), slug="salud"))
    assert browser_text(found[ids.MINISTRY_TITLE]) == HEALTH
    cards = [
        int(browser_text(c))
        for c in walk(found[ids.MINISTRY_CARDS])
        if getattr(c, "className", None) == "kpi-value"
    ]
    assert cards == list(expected.values()) and sum(cards) == 5
    goals = rows_of(found[ids.MINISTRY_GOALS])
    assert len(goals) == 5 and all(r.startswith("SAL-") for r in goals)
    bottlenecks = rows_of(found[ids.MINISTRY_BOTTLENECKS])
    assert bottlenecks and all(r.startswith("SAL-") for r in bottlenecks)
    services = rows_of(found[ids.MINISTRY_SERVICES])
    assert len(services) == 3 and any("(FONASA)" in r for r in services)


def test_unknown_ministry_is_explained(app_for, demo_db):
    found = by_id(ministerio_layout(app_for(demo_db), slug="no-existe"))
    assert "No se encontró el ministerio" in browser_text(found[ids.MINISTRY_ERROR])


def test_missing_database_is_explained(app_for, tmp_path):
    found = by_id(ministerio_layout(app_for(tmp_path / "no-existe.duckdb"), slug="salud"))
    assert "No existe la base de datos" in browser_text(found[ids.MINISTRY_ERROR])


# --------------------------------------------------------------------------- browser


def card_values(dash_duo) -> list[int]:
    return [int(e.text) for e in dash_duo.find_elements(f"#{ids.MINISTRY_CARDS} .kpi-value")]


def test_from_the_list_to_a_ministry_and_a_month_in_the_url(dash_duo, app_for, demo_db):
    april = light_counts(demo_board(demo_db, APRIL).goals.query("ministerio == @HEALTH"))
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.driver.get(dash_duo.server_url + "/ministerio")

    dash_duo.wait_for_text_to_equal(f"#{ids.MINISTRY_TITLE}", "Ministerios")
    link = dash_duo.find_element(f"#{ids.MINISTRY_LIST} a[href='/ministerio/salud']")
    dash_duo.driver.execute_script("arguments[0].click();", link)
    until(lambda: dash_duo.driver.current_url.endswith("/ministerio/salud"), timeout=10)
    dash_duo.wait_for_text_to_equal(f"#{ids.MINISTRY_TITLE}", HEALTH)
    assert sum(card_values(dash_duo)) == 5
    dash_duo.wait_for_contains_text(f"#{ids.MINISTRY_SERVICES}", "Fondo Nacional de Salud")
    goal_links = dash_duo.find_elements(f"#{ids.MINISTRY_GOALS} a[href^='/meta/SAL-']")
    assert len(goal_links) == 5

    # A month in the URL reproduces that month's view.
    dash_duo.driver.get(dash_duo.server_url + "/ministerio/salud?mes=2025-04")
    dash_duo.wait_for_contains_text("#_pages_content", "Mes de corte: abril 2025")
    until(lambda: card_values(dash_duo) == list(april.values()), timeout=10)
    assert dash_duo.get_logs() == []
