"""Revisión semanal (/): builders without a browser, the page on the demo warehouse, and the
page in headless Chromium (cards, decisions, goal links, URL parameters, controls)."""

from __future__ import annotations

import sys
from datetime import date

import dash
import pandas as pd
from dash.testing.wait import until

from dashboard.review.views import (
    escalate_table,
    light_change_table,
    projection_text,
    red_share_ranking,
)
from dashboard.server.defaults import bottleneck_day
from dashboard.server.review_data import at_risk, load_review
from dashboard.ui import ids
from dashboard.ui.bottleneck_table import days, severity_badge
from dashboard.ui.goal_tables import light_counts
from tests.support.components import browser_text, kind, walk
from tests.support.sessions import staff_request, start_signed_in
from warehouse.db import connect

MAY, APRIL = date(2025, 5, 1), date(2025, 4, 1)
LIGHT_ORDER = ("rojo", "amarillo", "verde", "cumplida", "sin_informacion", "no_iniciada")
# A review replayed from the past: April figures, as known on 2025-06-09 (first demo load).
PAST = "/?mes=2025-04&desde=2025-06-02&hasta=2025-06-09"


def review_of(demo_db, as_of, start, end):
    con = connect(demo_db, read_only=True, threads=1)
    try:
        return load_review(con, as_of, start, end)
    finally:
        con.close()


# --------------------------------------------------------------------------- builders


def test_bottleneck_tables_say_in_words_when_nothing_is_pending():
    empty = escalate_table(pd.DataFrame())
    assert "Ninguna restricción debe escalarse" in browser_text(empty)
    assert browser_text(severity_badge("rojo")) == "Rojo"
    assert "bi-x-octagon-fill" in next(walk(severity_badge("rojo"))).children[0].className
    assert days(113.0) == "113 días" and days(float("nan")) == "—"


def test_light_changes_show_both_lights_as_words():
    frame = pd.DataFrame(
        {
            "codigo_meta": ["A-1", "B-2"],
            "nombre": ["Uno", "Dos"],
            "estado_anterior": ["amarillo", None],
            "estado_actual": ["rojo", "verde"],
        }
    )
    rows = [browser_text(r) for r in walk(light_change_table(frame)) if kind(r) == "Tr"]
    assert rows == ["MetaAntesAhora", "A-1 UnoAmarilloRojo", "B-2 Dos—Verde"]


def test_projection_text_and_ranking():
    assert projection_text({"proyeccion": date(2026, 3, 1)}) == "Llegaría en marzo 2026"
    assert projection_text({"proyeccion": None}) == "La tendencia se aleja de la meta"
    share = pd.DataFrame(
        {
            "codigo": ["01", "02", "03"],
            "nombre": ["Uno", "Dos", "Tres"],
            "metas": [4, 0, 5],
            "rojas": [1, 0, 5],
            "valor": [25.0, float("nan"), 100.0],
        }
    )
    rows = [browser_text(r) for r in walk(red_share_ranking(share)) if kind(r) == "Tr"]
    assert rows[1:] == ["Tres5 de 5100 %", "Uno1 de 425 %"]  # no-goal regions left out


def test_bottlenecks_are_judged_on_the_review_date_only_for_its_month():
    assert bottleneck_day(MAY, date(2025, 6, 16)) == date(2025, 6, 16)
    assert bottleneck_day(APRIL, date(2025, 6, 16)) is None


# --------------------------------------------------------------------------- data on the demo


def test_review_of_the_demo_week(demo_db):
    page = review_of(demo_db, MAY, date(2025, 6, 9), date(2025, 6, 16))
    counts = light_counts(page.board.goals)
    assert sum(counts.values()) == 55
    # What the indicators say, shown as-is: the cards and the changes agree on every goal.
    after = page.changes.lights["hasta"].set_index("codigo_meta")["estado"]
    assert page.board.goals.set_index("codigo_meta")["estado"].equals(after)
    assert len(page.escalate) > 0 and page.escalate["escalar"].all()
    assert page.escalate["dias_abierta"].is_monotonic_decreasing
    assert page.escalate["nombre_meta"].notna().all()
    assert "VIV-01" in set(page.changes.escalar_nuevas["codigo_meta"])
    risky = at_risk(page.board)
    assert risky["en_riesgo"].all() and (risky["estado"] != "cumplida").all()


def test_home_layout_on_the_demo(app_for, demo_db):
    app = app_for(demo_db)
    with staff_request(app, "/"):
        tree = dash.page_registry["dashboard.pages.weekly_review"]["layout"]()
    by_id = {c.id: c for c in walk(tree) if isinstance(getattr(c, "id", None), str)}
    assert by_id[ids.HOME_MONTH].value == "2025-05"  # defaults from the data
    assert (by_id[ids.HOME_FROM].date, by_id[ids.HOME_TO].date) == ("2025-06-09", "2025-06-16")
    cards = [
        browser_text(c)
        for c in walk(by_id[ids.HOME_CARDS])
        if getattr(c, "className", None) == "kpi-value"
    ]
    assert sum(int(v) for v in cards) == 55
    assert "VIV-01" in browser_text(by_id[ids.HOME_ESCALATE_NEW])
    hrefs = {c.href for c in walk(by_id[ids.HOME_ESCALATE]) if getattr(c, "href", None)}
    assert hrefs and all(h.startswith(("/meta/", "/decisiones?restriccion=")) for h in hrefs)
    figure = by_id[ids.HOME_MAP].figure
    assert figure["data"][0]["geojson"].endswith("/assets/geo/regiones.json")
    assert len(figure["data"][0]["locations"]) == 16


def test_controls_write_the_url_and_ignore_incomplete_dates(app_for, demo_db):
    app_for(demo_db)
    navigate = sys.modules["dashboard.pages.weekly_review"].navigate
    assert navigate("2025-04", "2025-06-01", "2025-06-09") == (
        "?mes=2025-04&desde=2025-06-01&hasta=2025-06-09"
    )
    assert navigate("2025-04", "", "2025-06-09") is dash.no_update


def test_missing_database_keeps_the_controls(app_for, tmp_path):
    app = app_for(tmp_path / "no-existe.duckdb")
    with staff_request(app, "/"):
        tree = dash.page_registry["dashboard.pages.weekly_review"]["layout"]()
    found = {c.id: c for c in walk(tree) if isinstance(getattr(c, "id", None), str)}
    assert "No existe la base de datos" in browser_text(found[ids.HOME_ERROR])
    assert {ids.HOME_URL, ids.HOME_MONTH, ids.HOME_FROM, ids.HOME_TO} <= set(found)


# --------------------------------------------------------------------------- browser


def card_values(dash_duo) -> dict[str, int]:
    return {
        light: int(dash_duo.find_element(f"#light-{light} .kpi-value").text)
        for light in LIGHT_ORDER
    }


def test_home_in_a_browser(dash_duo, app_for, demo_db):
    """One server for the whole story (each start costs seconds): the default week, a goal
    link, a past review from its URL, and the month control rewriting that URL."""
    expected = light_counts(
        review_of(demo_db, MAY, date(2025, 6, 9), date(2025, 6, 16)).board.goals
    )
    past = light_counts(review_of(demo_db, APRIL, date(2025, 6, 2), date(2025, 6, 9)).board.goals)
    may = light_counts(review_of(demo_db, MAY, date(2025, 6, 2), date(2025, 6, 9)).board.goals)
    assert past != may  # otherwise the month change below could not be seen
    start_signed_in(dash_duo, app_for(demo_db))

    dash_duo.wait_for_text_to_equal(f"#{ids.HOME_TITLE}", "Revisión semanal")
    dash_duo.wait_for_contains_text(f"#{ids.HOME_CAPTION}", "mayo 2025")
    assert card_values(dash_duo) == expected and sum(expected.values()) == 55
    assert dash_duo.find_element("#light-rojo .light").text == "Rojo"  # icon + word
    dash_duo.wait_for_contains_text(
        f"#{ids.HOME_ESCALATE_NEW}", "Viviendas terminadas del Plan de Emergencia Habitacional"
    )
    dash_duo.wait_for_element(f"#{ids.HOME_MAP} .js-plotly-plot")

    link = dash_duo.find_element(f"#{ids.HOME_ESCALATE_NEW} a")
    # The goal opens as the review judged it: its month, bottlenecks on the review's day.
    assert link.get_attribute("href").endswith("/meta/VIV-01?mes=2025-05&al=2025-06-16")
    if "dashboard.pages.goal" in dash.page_registry:  # the goal page is another module's
        # A JavaScript click: a link wrapped over several lines has no clickable centre point.
        dash_duo.driver.execute_script("arguments[0].click();", link)
        until(lambda: "/meta/VIV-01?" in dash_duo.driver.current_url, timeout=10)
        dash_duo.wait_for_contains_text(f"#{ids.META_TITLE}", "Viviendas terminadas", timeout=10)

    # A pasted link replays a past review…
    dash_duo.driver.get(dash_duo.server_url + PAST)

    dash_duo.wait_for_contains_text(f"#{ids.HOME_CAPTION}", "abril 2025")
    dash_duo.wait_for_contains_text(f"#{ids.HOME_CAPTION}", "02-06-2025 → 09-06-2025")
    # Nothing was loaded on 2025-06-02 (the demo's first load is on 06-09): the page says so.
    dash_duo.wait_for_contains_text(f"#{ids.HOME_CHANGES_NOTICE}", "No había metas cargadas")
    assert dash_duo.find_element(f"#{ids.HOME_FROM}").get_attribute("value") == "02-06-2025"
    assert card_values(dash_duo) == past

    # …and a control rewrites the URL, which renders the page again.
    dash_duo.select_dcc_dropdown(f"#{ids.HOME_MONTH}", value="mayo 2025")
    until(lambda: "mes=2025-05" in dash_duo.driver.current_url, timeout=10)
    assert "desde=2025-06-02" in dash_duo.driver.current_url  # the other controls are kept
    dash_duo.wait_for_contains_text(f"#{ids.HOME_CAPTION}", "mayo 2025")
    until(lambda: card_values(dash_duo) == may, timeout=10)
    assert dash_duo.get_logs() == []
