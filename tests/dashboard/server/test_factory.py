"""The app skeleton without a browser: settings, status queries, factory, layout, local assets."""

from __future__ import annotations

import json
import re
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import dash
import pytest

from dashboard.server import database, first_run
from dashboard.server.settings import DEFAULT_DB_PATH, Settings, SettingsError
from dashboard.ui import ids
from dashboard.ui.formatting import format_datetime, format_int
from loaders.contracts import KINDS
from tests.support.components import browser_text, kind, walk
from tests.support.sessions import staff_request
from tests.support.small_warehouse import (
    CURRENT_ROWS,
    LAST_LOAD_CHILE,
    LAST_LOAD_UTC,
    REGIONS_WITH_DATA,
)
from warehouse import status
from warehouse.db import WarehouseError, connect
from warehouse.scope import Scope

# --------------------------------------------------------------------------- settings


def test_settings_defaults_when_environment_is_empty():
    assert Settings.from_env({}) == Settings(
        db_path=DEFAULT_DB_PATH, host="127.0.0.1", port=8050, debug=False
    )
    assert DEFAULT_DB_PATH.parts[-2:] == ("data", "tablero.duckdb")


def test_settings_read_every_variable(tmp_path):
    env = {
        "TABLERO_DB": str(tmp_path / "x.duckdb"),
        "TABLERO_HOST": "0.0.0.0",
        "TABLERO_PORT": "9000",
        "TABLERO_DEBUG": "Sí",
        "TABLERO_THREADS": "2",
        "TABLERO_MEMORY_LIMIT": "1GB",
    }
    assert Settings.from_env(env) == Settings(
        tmp_path / "x.duckdb", "0.0.0.0", 9000, True, 2, "1GB"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TABLERO_PORT", "http"),
        ("TABLERO_PORT", "70000"),
        ("TABLERO_PORT", "0"),
        ("TABLERO_THREADS", "-1"),
        ("TABLERO_DEBUG", "quizás"),
    ],
)
def test_settings_reject_bad_values_naming_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


# --------------------------------------------------------------------------- formatting


def test_numbers_and_times_read_the_chilean_way():
    assert format_int(1815902) == "1.815.902"
    assert format_int(None) == "—"
    assert format_datetime(LAST_LOAD_UTC) == LAST_LOAD_CHILE  # UTC-3 (summer time)
    assert format_datetime(datetime(2025, 7, 1, 14, 0)) == "01-07-2025 10:00"  # UTC-4 (winter)


# --------------------------------------------------------------------------- status queries


def test_status_counts_only_current_rows(make_warehouse):
    con = connect(make_warehouse(demo=True), read_only=True)
    try:
        st = status.warehouse_status(con, recent=3)
    finally:
        con.close()
    counts = {k: v for k, v in st.current_rows.items() if v}
    assert counts == CURRENT_ROWS  # the replaced version of M-01 is not counted
    assert set(st.current_rows) == set(KINDS)  # every data-contract kind, nothing else
    assert st.regions_with_data == REGIONS_WITH_DATA
    assert st.last_load == LAST_LOAD_UTC
    assert st.is_demo
    assert [i.archivo for i in st.recent] == [
        "metas_abril.xlsx",
        "entregas_marzo.csv",
        "metas_marzo.xlsx",
    ]
    assert st.recent[1].estado == "partial" and st.recent[1].filas_en_cuarentena == 1


def test_status_of_an_empty_warehouse(tmp_path):
    con = connect(tmp_path / "vacia.duckdb")
    try:
        st = status.warehouse_status(con)
    finally:
        con.close()
    assert set(st.current_rows.values()) == {0}
    assert (st.regions_with_data, st.last_load, st.is_demo, st.recent) == (0, None, False, [])


# --------------------------------------------------------------------------- factory and layout


def layout_json(app) -> str:
    response = app.server.test_client().get("/_dash-layout")
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False, separators=(",", ":"))


def test_create_app_opens_no_database(app_for, tmp_path):
    """The factory must not open DuckDB: a forking server would share the handle."""
    app = app_for(tmp_path / "no-existe.duckdb")
    assert app.use_pages
    assert not database.database_of(app.server).is_open
    assert "dashboard.pages.weekly_review" in dash.page_registry
    assert "dashboard.pages.data_status" in dash.page_registry


def test_demo_database_shows_badge_and_last_load(app_for, make_warehouse):
    app = app_for(make_warehouse(demo=True))
    layout = layout_json(app)
    assert f'"id":"{ids.DEMO_BADGE}"' in layout
    assert "datos de demostración" in layout
    assert LAST_LOAD_CHILE in layout
    assert database.database_of(app.server).is_open  # opened by the first request, not before


def test_non_demo_database_has_no_badge(app_for, make_warehouse):
    layout = layout_json(app_for(make_warehouse(demo=False)))
    assert ids.DEMO_BADGE not in layout
    assert LAST_LOAD_CHILE in layout


def test_missing_database_is_explained_not_raised(app_for, tmp_path):
    app = app_for(tmp_path / "no-existe.duckdb")
    layout = layout_json(app)
    assert ids.DB_ERROR in layout and "No existe la base de datos" in layout
    with staff_request(app, "/"):
        page = json.dumps(home_layout(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert ids.HOME_ERROR in page


def home_layout():
    return dash.page_registry["dashboard.pages.weekly_review"]["layout"]()


def data_layout():
    return dash.page_registry["dashboard.pages.data_status"]["layout"]()


def test_data_page_shows_counts_and_recent_loads(app_for, make_warehouse):
    app = app_for(make_warehouse(demo=True))
    with staff_request(app, "/datos"):
        page = json.dumps(data_layout(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert "Datos cargados" in page
    for word in ("metas_abril.xlsx", "entregas_marzo.csv", "Parcial", "Metas", "Entregas"):
        assert word in page
    with staff_request(app, "/datos"):
        tree = data_layout()
    values = [browser_text(c) for c in walk(tree) if "kpi-value" in getattr(c, "className", "")]
    assert values == ["3", "3", "2", "4", "3", LAST_LOAD_CHILE]
    # Every kind of data has its row, with its current count (0 when never loaded).
    kinds = next(c for c in walk(tree) if getattr(c, "id", None) == ids.DATA_KINDS)
    rows = [browser_text(r) for r in walk(kinds) if kind(r) == "Tr"][1:]
    assert len(rows) == len(KINDS)
    assert any(r.startswith("Entregas") and r.endswith("4") for r in rows)
    # The partial load left one row in quarantine: the file is listed with its count.
    quarantine = next(c for c in walk(tree) if getattr(c, "id", None) == ids.DATA_QUARANTINE)
    assert "entregas_marzo.csv" in browser_text(quarantine)


def test_data_page_explains_a_missing_database(app_for, tmp_path):
    app = app_for(tmp_path / "no-existe.duckdb")
    with staff_request(app, "/datos"):
        page = json.dumps(data_layout(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert ids.DATA_ERROR in page and "No existe la base de datos" in page


EVERYTHING = Scope.everything()


def test_database_errors_become_warehouse_errors(make_warehouse):
    db = database.Database(make_warehouse())
    try:
        with pytest.raises(WarehouseError, match="Error al consultar"):
            db.run(EVERYTHING, lambda con: con.execute("SELECT * FROM tabla_que_no_existe"))
        assert db.run(EVERYTHING, status.is_demo) is True  # the connection survives the error
    finally:
        db.close()


def test_one_connection_serves_many_threads(make_warehouse):
    """Each call takes its own cursor, so concurrent requests do not trip over each other."""
    db = database.Database(make_warehouse(), threads=1)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(
                pool.map(lambda _: db.run(EVERYTHING, status.warehouse_status), range(40))
            )
    finally:
        db.close()
    assert {r.regions_with_data for r in results} == {REGIONS_WITH_DATA}
    assert {len(r.recent) for r in results} == {5}


# --------------------------------------------------------------------------- offline assets


def test_bootstrap_is_served_locally_with_long_cache(app_for, tmp_path):
    client = app_for(tmp_path / "x.duckdb").server.test_client()
    css = client.get("/vendor/bootstrap/css/bootstrap.min.css?v=1")
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert css.cache_control.max_age >= 86400
    text = css.get_data(as_text=True)
    assert "Bootstrap" in text[:200] and ".navbar" in text
    # Nothing in the stylesheet may reach out: no @import, no url(http…) (fonts, images).
    assert "@import" not in text
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text)
    icons = client.get("/vendor/bootstrap/css/font/bootstrap-icons.min.css")
    assert icons.status_code == 200 and "bootstrap-icons" in icons.get_data(as_text=True)
    font = client.get("/vendor/bootstrap/css/font/fonts/bootstrap-icons.woff2")
    assert font.status_code == 200
    assert client.get("/vendor/bootstrap/../../__init__.py").status_code == 404


def test_index_page_loads_nothing_from_other_hosts(app_for, tmp_path):
    client = app_for(tmp_path / "x.duckdb").server.test_client()
    html = client.get("/publico").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert any("/vendor/bootstrap/css/bootstrap.min.css" in u for u in urls)
    assert any("/assets/tablero.css" in u for u in urls)
    assert [u for u in urls if re.match(r"(https?:)?//", u)] == []
    assert '<html lang="es-CL">' in html


def test_geometry_assets_are_cached_for_a_day(app_for, tmp_path):
    assets = tmp_path / "assets"
    (assets / "geo").mkdir(parents=True)
    (assets / "geo" / "regiones.json").write_text('{"type": "FeatureCollection"}')
    (assets / "otro.json").write_text("{}")
    client = app_for(tmp_path / "x.duckdb", assets_folder=assets).server.test_client()
    geo = client.get("/assets/geo/regiones.json")
    assert geo.status_code == 200 and geo.cache_control.max_age == 86400
    assert geo.cache_control.public
    assert client.get("/assets/otro.json").cache_control.max_age != 86400


# --------------------------------------------------------------------------- entry point


def test_entry_point_builds_demo_only_when_database_is_missing(tmp_path, monkeypatch, capsys):
    calls: list[Path] = []
    fake = types.ModuleType("loaders.demo")
    summary = types.SimpleNamespace(
        files=[1, 2], out_dir=tmp_path, rows_per_kind={"entregas": 4321}
    )
    fake.build_demo = lambda path, **_: calls.append(path) or summary  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "loaders.demo", fake)
    missing = Settings(db_path=tmp_path / "nueva.duckdb")
    first_run.ensure_demo_database(missing)
    assert calls == [missing.db_path]
    out = capsys.readouterr().out
    assert "DEMOSTRACIÓN" in out and "entregas 4.321" in out
    existing = tmp_path / "existe.duckdb"
    existing.touch()
    first_run.ensure_demo_database(Settings(db_path=existing))
    assert calls == [missing.db_path]
