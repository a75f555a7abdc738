"""Explorar y exportar (/explorar) in headless Chromium on the demo warehouse.

Rows are read through the grid's own API (every row after AG Grid's filters, not only the
rendered ones). Downloads land in dash_duo's download directory: headless Chromium saves them
once told to through the DevTools protocol (Page.setDownloadBehavior).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pandas as pd
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from dashboard.explore import grid_filters
from dashboard.explore import views as ev
from dashboard.server import database
from dashboard.ui import ids
from tests.support.sessions import start_signed_in
from warehouse.explore.datasets import dataset_for
from warehouse.explore.queries import fetch_rows
from warehouse.scope import Scope

GRID_ROWS_JS = (
    "const api = dash_ag_grid.getApi(arguments[0]); if (!api) return null;"
    "const rows = []; api.forEachNodeAfterFilterAndSort(n => rows.push(n.data)); return rows;"
)
# Every column's header, also those AG Grid has not rendered (columns are virtualised).
HEADERS_JS = (
    "const api = dash_ag_grid.getApi(arguments[0]);"
    "return api ? api.getColumnDefs().map(c => c.headerName) : [];"
)


def open_page(dash_duo, app_for, demo_db, search: str = ""):
    app = app_for(demo_db)
    start_signed_in(dash_duo, app)
    dash_duo.driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": dash_duo.download_path}
    )
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/explorar{search}")
    dash_duo.wait_for_element(f"#{ids.EXPLORE_GRID} .ag-row", timeout=30)
    return app


def grid_rows(dash_duo) -> list[dict]:
    return dash_duo.driver.execute_script(GRID_ROWS_JS, ids.EXPLORE_GRID) or []


def count_text(dash_duo) -> str:
    return dash_duo.find_element(f"#{ids.EXPLORE_COUNT}").text


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def expected(app, dataset: str, args: dict, model: dict | None = None) -> pd.DataFrame:
    """The rows the warehouse holds for a view, read through the app's own connection (DuckDB
    refuses a second connection to the file with another configuration in one process)."""
    query = grid_filters.build_query(dataset, args, None, model)
    return database.database_of(app.server).run(Scope.everything(), fetch_rows, query)


def downloaded(dash_duo, suffix: str, timeout: float = 30) -> Path:
    folder = Path(dash_duo.download_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = [p for p in folder.glob("*" + suffix) if p.stat().st_size > 0]
        if files:
            return files[0]
        time.sleep(0.2)
    raise AssertionError(f"no se descargó ningún {suffix} en {folder}")


def test_page_loads_the_goal_status_at_the_latest_month(dash_duo, app_for, demo_db):
    open_page(dash_duo, app_for, demo_db)

    dash_duo.wait_for_text_to_equal(f"#{ids.EXPLORE_COUNT}", "55 filas", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.EXPLORE_CAPTION}", "Conjunto: Estado de metas")
    dash_duo.wait_for_contains_text(f"#{ids.EXPLORE_CAPTION}", "Mes de corte: 2025-05")
    dash_duo.wait_for_contains_text(f"#{ids.EXPLORE_CAPTION}", "Datos cargados")
    assert len(grid_rows(dash_duo)) == 55
    assert "Semáforo de trayectoria" in dash_duo.driver.execute_script(HEADERS_JS, ids.EXPLORE_GRID)
    assert query(dash_duo) == {"conjunto": ["estado_metas"], "mes": ["2025-05"]}
    assert dash_duo.get_logs() == []


def test_url_reproduces_the_view_and_a_filter_changes_the_rows(dash_duo, app_for, demo_db):
    app = open_page(dash_duo, app_for, demo_db, "?conjunto=compromisos&estado=cumplido")
    rows = expected(app, "compromisos", {"estado": "cumplido"})
    dash_duo.wait_for_text_to_equal(f"#{ids.EXPLORE_COUNT}", f"{len(rows)} filas", timeout=20)
    assert {r["estado"] for r in grid_rows(dash_duo)} == {"Cumplido"}
    dash_duo.wait_for_contains_text(f"#{ids.EXPLORE_CAPTION}", "Estado: Cumplido")

    region = "button[id*='\"key\":\"region\"'][id*='compromisos']"
    dash_duo.select_dcc_dropdown(region, value="Valparaíso")
    rows = expected(app, "compromisos", {"estado": "cumplido", "region": "05"})
    dash_duo.wait_for_text_to_equal(f"#{ids.EXPLORE_COUNT}", f"{len(rows)} filas", timeout=20)
    until(lambda: len(grid_rows(dash_duo)) == len(rows), timeout=10)
    assert [r["codigo_compromiso"] for r in grid_rows(dash_duo)] == rows[
        "codigo_compromiso"
    ].tolist()
    until(lambda: query(dash_duo).get("region") == ["05"], timeout=10)
    assert query(dash_duo)["estado"] == ["cumplido"]

    dash_duo.find_element("label[for$='restricciones']").click()  # another dataset
    until(
        lambda: "Severidad" in dash_duo.driver.execute_script(HEADERS_JS, ids.EXPLORE_GRID),
        timeout=20,
    )
    until(lambda: query(dash_duo).get("conjunto") == ["restricciones"], timeout=10)
    assert query(dash_duo).get("region") == ["05"]  # a filter both datasets have stays
    assert "estado" not in query(dash_duo)  # the commitments' own filter does not
    assert dash_duo.get_logs() == []


def test_downloads_hold_exactly_the_filtered_rows(dash_duo, app_for, demo_db):
    search = "?conjunto=entregas&desglose=mes&region=05"
    app = open_page(dash_duo, app_for, demo_db, search)
    args = {"desglose": "mes", "region": "05"}
    everything = expected(app, "entregas", args)
    dash_duo.wait_for_contains_text(
        f"#{ids.EXPLORE_COUNT}", f"{len(everything):,}".replace(",", ".")
    )

    box = dash_duo.find_element(".ag-floating-filter[col-id='servicio'] input")
    box.send_keys("salud")
    box.send_keys(Keys.TAB)
    model = {"servicio": {"filterType": "text", "type": "contains", "filter": "salud"}}
    rows = expected(app, "entregas", args, model)
    assert 0 < len(rows) < len(everything)
    dash_duo.wait_for_text_to_equal(f"#{ids.EXPLORE_COUNT}", f"{len(rows)} filas", timeout=20)
    assert len(grid_rows(dash_duo)) == len(rows)
    dash_duo.wait_for_contains_text(f"#{ids.EXPLORE_CAPTION}", "Servicio: contiene «salud»")

    dash_duo.find_element(f"#{ids.EXPLORE_CSV}").click()
    csv = pd.read_csv(downloaded(dash_duo, ".csv"), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(csv) == len(rows)
    assert csv["Servicio"].tolist() == rows["servicio"].tolist()
    assert csv["Beneficiarios"].tolist() == rows["beneficiarios"].tolist()

    dash_duo.find_element(f"#{ids.EXPLORE_XLSX}").click()
    book = openpyxl.load_workbook(io.BytesIO(downloaded(dash_duo, ".xlsx").read_bytes()))
    data = list(book["Datos"].iter_rows(values_only=True))
    assert len(data) - 1 == len(rows)
    filters = [tuple(r) for r in book["Filtros"].iter_rows(values_only=True)]
    assert ("Filtro", "Región = Valparaíso") in filters
    assert ("Filtro", "Servicio contiene «salud»") in filters
    assert ("Desglose", "Por mes") in filters
    assert dash_duo.get_logs() == []


def test_large_views_show_the_first_rows_and_say_so(dash_duo, app_for, demo_db):
    app = open_page(dash_duo, app_for, demo_db, "?conjunto=entregas&nivel=comuna&desglose=mes")
    total = len(expected(app, "entregas", {"nivel": "comuna", "desglose": "mes"}))
    shown = f"{total:,}".replace(",", ".") + " filas; se muestran las primeras 5.000"
    dash_duo.wait_for_contains_text(f"#{ids.EXPLORE_COUNT}", shown, timeout=30)
    assert len(grid_rows(dash_duo)) == 5000
    assert "Comuna" in dash_duo.driver.execute_script(HEADERS_JS, ids.EXPLORE_GRID)
    assert dash_duo.get_logs() == []


# --------------------------------------------------------------------------- without a browser


def test_request_round_trips_through_the_url():
    request = ev.parse_request(
        {"conjunto": "entregas", "nivel": "comuna", "region": "05", "semaforo": "rojo", "x": "1"}
    )
    assert request.dataset == "entregas"
    assert dict(request.args) == {"nivel": "comuna", "region": "05"}  # only its own keys
    assert ev.search_of(request) == "?conjunto=entregas&nivel=comuna&region=05"
    assert ev.parse_request({"conjunto": "usuarios"}).dataset == "estado_metas"


def test_request_from_pattern_matched_controls():
    control_ids = [
        {"type": ids.EXPLORE_FILTER, "key": "region", "dataset": "compromisos"},
        {"type": ids.EXPLORE_FILTER, "key": "estado", "dataset": "compromisos"},
    ]
    model = {"servicio": {"filterType": "text", "type": "contains", "filter": "a"}}
    request = ev.request_from_controls(control_ids, ["05", None], model)
    assert request == ev.ExploreRequest("compromisos", {"region": "05"}, model)


def test_grid_columns_filters_and_counts():
    defs = ev.column_defs(dataset_for("entregas").columns)
    assert defs[0]["pinned"] == "left"
    number = next(d for d in defs if d["field"] == "beneficiarios")
    assert number["filter"] == "agNumberColumnFilter"
    assert number["filterParams"] == {"inRangeInclusive": True}  # as the SQL's BETWEEN
    assert next(d for d in defs if d["field"] == "servicio")["filter"] == "agTextColumnFilter"
    rows = pd.DataFrame({"a": range(3)})
    query = grid_filters.build_query("compromisos", {})
    view = ev.ExploreView(ev.ExploreRequest("compromisos"), query, rows, 12345, None)
    assert ev.count_text(view) == (
        "12.345 filas; se muestran las primeras 3. La descarga incluye todas."
    )
    assert ev.count_text(ev.ExploreView(view.request, query, rows.head(1), 1, None)) == "1 fila"


def test_filter_controls_are_one_dropdown_per_setting_and_filter():
    options = {"region": [("05", "Valparaíso")], "mes": [("2025-05", "2025-05")]}
    controls = ev.Controls(ev.ExploreRequest("entregas", {"region": "05"}), options, ())
    row = ev.filter_controls(controls)
    dropdowns = [col.children[1] for col in row.children]
    assert [d.id["key"] for d in dropdowns] == [
        "nivel", "desglose", "region", "area", "servicio", "producto", "desde", "hasta",
    ]  # fmt: skip
    assert {d.id["dataset"] for d in dropdowns} == {"entregas"}
    assert dropdowns[0].value == "region" and not dropdowns[0].clearable  # a setting
    assert dropdowns[2].value == "05" and dropdowns[2].options == [
        {"label": "Valparaíso", "value": "05"}
    ]
    assert dropdowns[6].options == [{"label": "mayo 2025", "value": "2025-05"}]
