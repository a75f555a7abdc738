"""Shared goal pieces without a browser: defaults and URL parsing, the catalogue queries, the
goal board and its regional view, the goals filters, and the builders (cards, tables, grid)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
import pytest

from dashboard.goals.filters import GoalFilters, apply, options
from dashboard.server.board import (
    BREAKDOWN,
    OWN_SCOPE,
    GoalBoard,
    goals_in_region,
    load_board,
    region_goal_rows,
    region_red_share,
)
from dashboard.server.defaults import (
    Defaults,
    month_label,
    month_options,
    parse_day,
    parse_month,
    read_defaults,
    review_window,
)
from dashboard.ui import goal_tables
from dashboard.ui.goals_grid import COLUMN_DEFS, grid_rows, scope_text
from tests.support.components import browser_text, kind, walk
from warehouse import catalog
from warehouse.db import connect

MAY = date(2025, 5, 1)
DEFAULTS = Defaults(MAY, date(2025, 6, 16), date(2025, 6, 9), None, (MAY, date(2025, 4, 1)))


# --------------------------------------------------------------------------- defaults


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-04", date(2025, 4, 1)), (" 2024-12 ", date(2024, 12, 1)), ("2025-13", MAY),
     ("2025-4", MAY), ("abril", MAY), (None, MAY), ("", MAY), ("0999-01", MAY)],
)  # fmt: skip
def test_parse_month_falls_back_on_anything_but_yyyy_mm(text, expected):
    assert parse_month(text, MAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-06-01", date(2025, 6, 1)), ("2025-02-30", None), ("01-06-2025", None),
     ("2025-6-1", None), (None, None)],
)  # fmt: skip
def test_parse_day_falls_back_on_invalid_dates(text, expected):
    fallback = date(2000, 1, 1)
    assert parse_day(text, fallback) == (expected or fallback)


def test_review_window_defaults_and_repairs_reversed_dates():
    assert review_window(None, None, DEFAULTS) == (date(2025, 6, 9), date(2025, 6, 16))
    assert review_window(None, "2025-06-30", DEFAULTS) == (date(2025, 6, 23), date(2025, 6, 30))
    assert review_window("2025-06-01", "2025-06-16", DEFAULTS) == (
        date(2025, 6, 1),
        date(2025, 6, 16),
    )
    # "desde" on or after "hasta": one review cycle before "hasta" instead.
    assert review_window("2025-06-16", "2025-06-16", DEFAULTS)[0] == date(2025, 6, 9)
    assert review_window("2025-07-01", "2025-06-16", DEFAULTS)[0] == date(2025, 6, 9)


def test_month_menu_shows_a_requested_month_without_data():
    values = [o["value"] for o in month_options(DEFAULTS, date(2024, 1, 1))]
    assert values == ["2025-05", "2025-04", "2024-01"]
    assert month_label(MAY) == "mayo 2025"


def test_defaults_come_from_the_data_not_the_wall_clock(demo_db):
    con = connect(demo_db, read_only=True, threads=1)
    try:
        found = read_defaults(con, today=date(2030, 1, 1))
    finally:
        con.close()
    # The demo's last monthly report is May 2025 and its last load was on 2025-06-16.
    assert found.as_of == MAY
    assert (found.review_from, found.review_to) == (date(2025, 6, 9), date(2025, 6, 16))
    assert found.last_load.date() == date(2025, 6, 16)
    assert found.months[0] == MAY and list(found.months) == sorted(found.months, reverse=True)


def test_defaults_of_an_empty_warehouse_use_today(tmp_path):
    con = connect(tmp_path / "vacia.duckdb")
    try:
        found = read_defaults(con, today=date(2025, 3, 10))
    finally:
        con.close()
    assert found.as_of == date(2025, 2, 1)
    assert (found.review_from, found.review_to) == (date(2025, 3, 3), date(2025, 3, 10))
    assert found.last_load is None and found.months == ()


# --------------------------------------------------------------------------- catalogue


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Ministerio de Salud", "salud"), ("Ministerio de Obras Públicas", "obras-publicas"),
     ("Ministerio del Interior", "interior"),
     ("Ministerio de las Culturas, las Artes y el Patrimonio", "culturas-las-artes-y-el-patrimonio"),
     ("Ministerio de la Mujer y la Equidad de Género", "mujer-y-la-equidad-de-genero"),
     ("Subsecretaría de Desarrollo Regional", "subsecretaria-de-desarrollo-regional")],
)  # fmt: skip
def test_slugify_drops_the_ministry_prefix_and_accents(name, slug):
    assert catalog.slugify(name) == slug


def test_ministry_slugs_are_unique_and_stable():
    slugs = catalog.ministry_slugs(["Ministerio de Salud", "Ministerio del Salud", "Salud"])
    assert slugs == {
        "salud": "Ministerio de Salud",
        "salud-2": "Ministerio del Salud",
        "salud-3": "Salud",
    }


def test_catalogue_of_the_demo(demo_db):
    con = connect(demo_db, read_only=True, threads=1)
    try:
        ministries = catalog.ministries(con)
        health = catalog.ministry_services(con, "Ministerio de Salud")
        months = catalog.progress_months(con)
        quarantined = catalog.quarantined_files(con)
    finally:
        con.close()
    assert ministries["slug"].is_unique and ministries["ministerio"].is_unique
    row = ministries.set_index("slug").loc["salud"]
    assert (row["ministerio"], row["metas"], row["servicios"]) == ("Ministerio de Salud", 5, 3)
    assert ministries["metas"].sum() == 55
    assert "FONASA" in set(health["sigla"])
    assert months[0] == MAY and months == sorted(months, reverse=True)
    assert quarantined.empty  # the demo's files load whole


# --------------------------------------------------------------------------- board (synthetic)


def small_board() -> GoalBoard:
    """G1 national with a breakdown for 05 (rojo) and 13 (verde); G2 of region 05 (verde) with
    a stray regional row for 05 (rojo, must not count twice); G3 of region 13 (verde)."""
    goals = pd.DataFrame(
        {
            "codigo_meta": ["G1", "G2", "G3"],
            "nombre": ["Uno", "Dos", "Tres"],
            "estado": ["amarillo", "verde", "verde"],
            "avance": [0.5, 0.9, float("nan")],
            "esperado": [0.6, 0.8, 0.5],
            "cumplimiento": [0.83, 1.1, float("nan")],
            "linea_base": [0.0, 0.0, 0.0],
            "valor_meta": [100.0, 10.0, 5.0],
            "ministerio": ["Ministerio de Salud", "Ministerio de Salud", "Ministerio del Interior"],
            "area_tematica": ["social", "social", "infraestructura"],
            "gerente": ["Ana", "Berta", "Carla"],
            "ambito": ["nacional", "05", "13"],
        }
    )
    regional = pd.DataFrame(
        {
            "codigo_meta": ["G1", "G1", "G2"],
            "region": ["05", "13", "05"],
            "estado": ["rojo", "verde", "rojo"],
            "avance": [0.2, 0.95, 0.1],
            "esperado": [0.6, 0.6, 0.8],
            "cumplimiento": [0.33, 1.58, 0.12],
            "linea_base_regional": [0.0, 0.0, 0.0],
            "meta_regional": [10.0, 40.0, 10.0],
        }
    )
    regions = pd.DataFrame(
        {
            "codigo": ["15", "05", "13"],
            "nombre_corto": ["Arica y Parinacota", "Valparaíso", "Metropolitana"],
        }
    )
    ministries = pd.DataFrame(
        {
            "ministerio": ["Ministerio de Salud", "Ministerio del Interior"],
            "slug": ["salud", "interior"],
            "metas": [2, 1],
            "servicios": [1, 1],
        }
    )
    return GoalBoard(MAY, goals, regional, regions, ministries)


def test_a_regional_goal_counts_once_in_its_region_with_its_own_figures():
    rows = region_goal_rows(small_board())
    assert not rows.duplicated(["codigo_meta", "region"]).any()
    in_05 = goals_in_region(small_board(), "05").set_index("codigo_meta")
    assert list(in_05.index) == ["G1", "G2"]
    assert in_05.loc["G1", ["estado", "cifras", "valor_meta"]].tolist() == ["rojo", BREAKDOWN, 10.0]
    assert in_05.loc["G2", ["estado", "cifras"]].tolist() == ["verde", OWN_SCOPE]
    assert in_05.loc["G1", "nombre"] == "Uno"  # attributes kept from the goal


def test_red_share_per_region_leaves_regions_without_goals_as_no_data():
    share = region_red_share(small_board()).set_index("codigo")
    assert list(share.index) == ["15", "05", "13"]  # north to south, all regions
    assert share.loc["05", ["metas", "rojas", "valor"]].tolist() == [2, 1, 50.0]
    assert share.loc["13", ["metas", "rojas", "valor"]].tolist() == [2, 0, 0.0]
    assert share.loc["15", "metas"] == 0 and math.isnan(share.loc["15", "valor"])


# --------------------------------------------------------------------------- filters


def test_filters_from_a_url_keep_only_offered_values():
    board = small_board()
    args = {"ministerio": "salud", "region": "99", "semaforo": "rojo", "gerente": "Nadie", "x": "1"}
    filters = GoalFilters.from_query(args, board)
    assert filters == GoalFilters(ministerio="salud", semaforo="rojo")
    assert filters.search(mes="2025-05") == "?mes=2025-05&ministerio=salud&semaforo=rojo"
    assert GoalFilters().search() == ""
    assert filters.describe(board)["Ministerio"] == "Ministerio de Salud"
    assert filters.describe(board)["Semáforo"] == "Rojo"


def test_filters_narrow_the_goals_and_a_region_judges_its_own_figures():
    board = small_board()
    assert list(apply(board, GoalFilters())["codigo_meta"]) == ["G1", "G2", "G3"]
    assert list(apply(board, GoalFilters(ministerio="salud"))["codigo_meta"]) == ["G1", "G2"]
    assert list(apply(board, GoalFilters(area="infraestructura"))["codigo_meta"]) == ["G3"]
    assert list(apply(board, GoalFilters(gerente="Berta"))["codigo_meta"]) == ["G2"]
    # Nationally G1 is amarillo; in Valparaíso its breakdown is rojo.
    assert apply(board, GoalFilters(semaforo="rojo")).empty
    red_05 = apply(board, GoalFilters(region="05", semaforo="rojo"))
    assert list(red_05["codigo_meta"]) == ["G1"]


def test_filter_menus_offer_what_the_goals_have():
    offered = options(small_board())
    assert [o["value"] for o in offered["ministerio"]] == ["salud", "interior"]
    assert [o["label"] for o in offered["area"]] == ["Infraestructura", "Social"]
    assert [o["value"] for o in offered["region"]] == ["05", "13"]  # Arica has no goal
    assert [o["value"] for o in offered["semaforo"]][:3] == ["rojo", "amarillo", "verde"]
    assert [o["value"] for o in offered["gerente"]] == ["Ana", "Berta", "Carla"]


# --------------------------------------------------------------------------- builders


def test_light_cards_add_up_to_the_goals_and_link_to_the_filtered_table():
    goals = pd.DataFrame({"estado": ["rojo", "rojo", "verde", "sin_informacion"]})
    row = goal_tables.light_cards(
        goals, id_="cards", href_for=lambda light: goal_tables.goals_href(semaforo=light)
    )
    values = [browser_text(c) for c in walk(row) if getattr(c, "className", "") == "kpi-value"]
    assert values == ["2", "0", "1", "0", "1", "0"]  # rojo, amarillo, verde, cumplida, …
    labels = [browser_text(c) for c in walk(row) if "light " in (getattr(c, "className", "") or "")]
    assert labels[:3] == ["Rojo", "Amarillo", "Verde"]  # icon + word, never colour alone
    hrefs = [c.href for c in walk(row) if getattr(c, "href", None)]
    assert hrefs[0] == "/metas?semaforo=rojo" and len(hrefs) == 6


def test_goal_links_point_at_the_detail_page():
    assert goal_tables.goal_href("SAL-01") == "/meta/SAL-01"
    assert goal_tables.goal_href("A/B 1") == "/meta/A%2FB%201"
    link = goal_tables.goal_link("SAL-01", "Reducir la lista")
    assert link.href == "/meta/SAL-01" and browser_text(link) == "SAL-01 Reducir la lista"


def test_small_table_says_when_empty_and_folds_long_lists():
    columns = [goal_tables.Column("Meta", lambda r: r["codigo_meta"])]
    empty = goal_tables.small_table(pd.DataFrame(), columns, id_="t", empty="Nada que mostrar.")
    assert "Nada que mostrar." in browser_text(empty)
    frame = pd.DataFrame({"codigo_meta": [f"M-{i}" for i in range(12)]})
    folded = goal_tables.small_table(frame, columns, id_="t", empty="", visible=8)
    rows = [c for c in walk(folded) if kind(c) == "Tr"]
    assert len(rows) == 2 + 12  # two header rows (shown part and folded part), every goal
    summary = [browser_text(c) for c in walk(folded) if kind(c) == "Summary"]
    assert summary == ["Ver 4 más"]


def test_goals_table_shows_light_thermometer_and_compliance():
    goals = small_board().goals
    table = goal_tables.goals_table(goals, id_="t")
    text = browser_text(table)
    assert "G1 Uno" in text and "Amarillo" in text and "83 %" in text
    marks = [c for c in walk(table) if getattr(c, "className", "") == "thermo-mark"]
    assert len(marks) == 3 and marks[0].style == {"left": "60.0%"}


def test_grid_rows_carry_words_icons_and_formatted_numbers():
    board = small_board()
    rows = grid_rows(apply(board, GoalFilters(region="05")), board)
    first = rows[0]  # G1 in Valparaíso is rojo: rojo sorts first
    assert first["codigo_meta"] == "G1" and first["href"] == "/meta/G1"
    assert (first["semaforo_texto"], first["semaforo_clase"]) == ("Rojo", "rojo")
    assert first["semaforo_icono"].startswith("bi-")
    assert (first["avance_texto"], first["esperado_texto"]) == ("20 %", "60 %")
    assert first["alcance"] == "Valparaíso (desglose)"
    assert rows[1]["alcance"] == "Valparaíso"  # G2's own scope
    national = grid_rows(board.goals, board)
    assert [r["alcance"] for r in national] == ["Nacional", "Valparaíso", "Metropolitana"]
    assert {r["codigo_meta"]: r["avance"] for r in national}["G3"] is None  # NaN -> null
    renderers = {c.get("cellRenderer") for c in COLUMN_DEFS}
    assert {"GoalLink", "LightBadge", "Thermometer"} <= renderers


def test_scope_text():
    names = {"05": "Valparaíso"}
    assert scope_text({"ambito": "nacional"}, names) == "Nacional"
    assert scope_text({"ambito": "05"}, names) == "Valparaíso"
    assert scope_text({"ambito": "nacional", "cifras": BREAKDOWN, "region": "05"}, names) == (
        "Valparaíso (desglose)"
    )


# --------------------------------------------------------------------------- board (demo)


def test_board_of_the_demo_joins_attributes_and_regions(demo_db):
    con = connect(demo_db, read_only=True, threads=1)
    try:
        board = load_board(con, MAY, known_at=datetime(2025, 6, 16, 23, 59))
    finally:
        con.close()
    assert len(board.goals) == 55 and board.goals["codigo_meta"].is_unique
    assert board.goals[["ministerio", "gerente", "ambito"]].notna().all().all()
    assert list(board.region_names)[:2] == ["15", "01"]  # north to south
    share = region_red_share(board)
    assert len(share) == 16 and (share["metas"] > 0).all()
    assert ((share["valor"] >= 0) & (share["valor"] <= 100)).all()
