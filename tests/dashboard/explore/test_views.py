"""/explorar: each dataset's filters are its own, and a link carries the grid's column filters
(issue 16, items 3 and 4), and every row says where it comes from (file, line, load time;
who validated a monthly figure and when).

Layouts and callbacks are called as plain functions inside a signed-in request on the demo;
two short browser tests check what only a browser shows (the grid reads its filterModel from
the URL, and a column filter typed in the grid reaches the URL)."""

from __future__ import annotations

import io
import shutil
import sys
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlparse

import dash
import pandas as pd
import pytest
from dash.testing.wait import until

from dashboard.explore import views as ev
from dashboard.ui import ids
from tests.support.sessions import staff_request, start_signed_in
from warehouse.db import connect, transaction
from warehouse.explore.datasets import DATASETS
from warehouse.scope import Scope
from warehouse.validation import FigureKey, apply_validation, pending_figures

PAGE = "dashboard.pages.explore"
# Whether the grid shows the file column (columns off to the right are not rendered).
VISIBLE_JS = "return dash_ag_grid.getApi(arguments[0]).getColumn('archivo').isVisible();"
TEXT_FILTER = {"tipo": {"filterType": "text", "type": "contains", "filter": "financ"}}


def page():
    return sys.modules[PAGE]


def walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from walk(child)


def controls_of(tree) -> list:
    return [
        c
        for c in walk(tree)
        if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == ids.EXPLORE_FILTER
    ]


def by_id(tree, id_: str):
    return next(c for c in walk(tree) if getattr(c, "id", None) == id_)


def open_layout(app, **query):
    with staff_request(app, "/explorar"):
        return dash.page_registry[PAGE]["layout"](**query)


def run_show(app, controls, model=None, provenance=False):
    """The grid callback with what the controls hold, as the browser would send it."""
    with staff_request(app, "/explorar"):
        return page().show(
            [c.value for c in controls], model or {}, provenance, [c.id for c in controls], None
        )


@pytest.fixture
def app(app_for, demo_db):
    return app_for(demo_db)


# --------------------------------------------------------------------------- item 3


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_every_dataset_opens_with_rows_for_presidencia(app, dataset):
    controls = controls_of(open_layout(app, conjunto=dataset))
    assert {c.id["dataset"] for c in controls} == {dataset}
    rows, _columns, count, _caption, search = run_show(app, controls)
    assert rows, f"{dataset} abre sin filas: {count}"
    assert parse_qs(search[1:])["conjunto"] == [dataset]


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_switching_to_any_dataset_from_deliveries_shows_rows(app, dataset):
    """The deliveries' settings (nivel = Región) never fill another dataset's filters."""
    deliveries = controls_of(open_layout(app, conjunto="entregas", nivel="region"))
    with staff_request(app, "/explorar"):
        children, model = page().change_dataset(
            dataset, [c.value for c in deliveries], [c.id for c in deliveries]
        )
    assert model == {}
    controls = controls_of(children)
    rows = run_show(app, controls)[0]
    assert rows


def test_bottleneck_level_offers_bottleneck_levels_unset(app):
    controls = {c.id["key"]: c for c in controls_of(open_layout(app, conjunto="restricciones"))}
    level = controls["nivel"]
    assert level.value is None and level.clearable
    assert level.options == [
        {"label": "Coordinación Institucional", "value": "institucional"},
        {"label": "Grupo de Estrategia", "value": "estrategia"},
    ]
    rows = run_show(app, list(controls.values()))[0]
    assert {r["nivel"] for r in rows} <= {"Coordinación Institucional", "Grupo de Estrategia"}


def test_a_value_outside_the_controls_choices_is_dropped(app):
    """Links written by the faulty page (`conjunto=restricciones&nivel=region`) open with rows."""
    controls = {
        c.id["key"]: c
        for c in controls_of(open_layout(app, conjunto="restricciones", nivel="region"))
    }
    assert controls["nivel"].value is None
    assert run_show(app, list(controls.values()))[0]
    deliveries = {
        c.id["key"]: c.value
        for c in controls_of(open_layout(app, conjunto="entregas", desglose="x", region="99"))
    }
    assert deliveries["desglose"] == "periodo" and deliveries["region"] is None


def test_switching_keeps_the_filters_both_datasets_have(app):
    progress = controls_of(
        open_layout(
            app, conjunto="avance_mensual", ministerio="Ministerio de Salud", region="05",
            estado="validado",
        )
    )  # fmt: skip
    with staff_request(app, "/explorar"):
        children, _ = page().change_dataset(
            "restricciones", [c.value for c in progress], [c.id for c in progress]
        )
    kept = {c.id["key"]: c.value for c in controls_of(children)}
    assert kept["ministerio"] == "Ministerio de Salud" and kept["region"] == "05"
    assert "estado" not in kept and kept["nivel"] is None


# --------------------------------------------------------------------------- item 4


def test_grid_filter_model_survives_the_url_round_trip(app):
    model = {
        "tipo": {"filterType": "text", "type": "contains", "filter": "financ"},
        "fecha_alerta": {
            "filterType": "text",
            "operator": "OR",
            "conditions": [
                {"filterType": "text", "type": "startsWith", "filter": "2024"},
                {"filterType": "text", "type": "startsWith", "filter": "2025"},
            ],
        },
    }
    request = ev.ExploreRequest("restricciones", {"situacion": "abierta"}, model)
    query = {k: v[0] for k, v in parse_qs(ev.search_of(request)[1:]).items()}
    assert set(query) == {"conjunto", "situacion", "filtros"}
    tree = open_layout(app, **query)
    grid = by_id(tree, ids.EXPLORE_GRID)
    assert grid.filterModel == model
    assert {d["field"] for d in grid.columnDefs} >= {"tipo", "fecha_alerta"}  # before any rows
    rows, _cols, _count, _caption, search = run_show(app, controls_of(tree), grid.filterModel)
    assert rows and all("financ" in r["tipo"].lower() for r in rows)
    assert ev.parse_filter_model(parse_qs(search[1:])["filtros"][0]) == model


@pytest.mark.parametrize(
    "filtros",
    [
        "{no es json",
        "[1, 2]",
        '{"no_existe": {"filterType": "text", "type": "contains", "filter": "a"}}',
        '{"tipo": {"filterType": "text", "type": "regex", "filter": "a"}}',
        '{"tipo": "financiera"}',
        "{" + '"tipo": {}, ' * 400 + "}",
    ],
)
def test_a_malformed_filter_model_in_the_url_is_ignored(app, filtros):
    tree = open_layout(app, conjunto="restricciones", filtros=filtros)
    grid = by_id(tree, ids.EXPLORE_GRID)
    assert grid.filterModel == {}
    assert run_show(app, controls_of(tree), grid.filterModel)[0]


# --------------------------------------------------------------------------- provenance

LINEAGE = {"archivo", "linea", "cargado_en"}


@pytest.mark.parametrize(
    ("dataset", "args", "lineage"),
    [
        ("avance_mensual", {}, LINEAGE | {"validacion", "validado_por", "validado_en"}),
        ("restricciones", {}, LINEAGE),
        ("compromisos", {}, LINEAGE),
        ("entregas", {"desglose": "filas"}, LINEAGE),
        ("entregas", {"desglose": "filas", "nivel": "comuna", "region": "05"}, LINEAGE),
        ("estado_metas", {}, {"meta_archivo", "meta_linea", "meta_cargado_en"}),
    ],
)
def test_every_row_says_where_it_comes_from(app, dataset, args, lineage):
    controls = controls_of(open_layout(app, conjunto=dataset, **args))
    rows, columns, *_ = run_show(app, controls)
    prefix = "meta_" if dataset == "estado_metas" else ""
    assert rows and all(r[prefix + "archivo"] and r[prefix + "linea"] >= 2 for r in rows)
    assert all(len(r[prefix + "cargado_en"]) == len("2025-06-09 08:00") for r in rows)
    hidden = {d["field"] for d in columns if d.get("hide")}
    # In the grid only when asked, or when the rows were chosen for it (loaded deliveries).
    assert hidden == (set() if args.get("desglose") == "filas" else lineage)
    shown = run_show(app, controls, provenance=True)
    assert not any(d.get("hide") for d in shown[1])
    assert parse_qs(shown[4][1:])["origen"] == ["si"]


def test_downloads_carry_the_provenance_columns(app):
    request = ev.ExploreRequest("restricciones", {"situacion": "abierta"})
    with staff_request(app, "/explorar"):
        from dashboard.server import database

        content, _name = database.run(ev.export_file, request, "csv")
        book, _name = database.run(ev.export_file, request, "xlsx")
    frame = pd.read_csv(io.BytesIO(content), sep=";", encoding="utf-8-sig")
    lineage = ["Archivo de origen", "Línea del archivo", "Cargado (hora de Chile)"]
    assert set(lineage) <= set(frame)
    assert frame["Archivo de origen"].notna().all()
    sheets = pd.read_excel(io.BytesIO(book), sheet_name=None, header=None, engine="openpyxl")
    assert lineage == [c for c in sheets["Datos"].iloc[0] if c in lineage]
    notes = dict(zip(sheets["Filtros"][0], sheets["Filtros"][1], strict=True))
    assert notes["Origen de cada fila"] == "Columnas «" + "», «".join(lineage) + "»"


def test_a_validated_figure_says_who_validated_it_and_when(app_for, demo_db, tmp_path):
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    con = connect(path)
    try:
        pending = pending_figures(con)
        figure = pending[pending["ministerio"] == "Ministerio de Salud"].iloc[0]
        key = FigureKey.from_row(figure.to_dict())
        coordinator = Scope("ministerio", ("Ministerio de Salud",), user="coordinadora.salud")
        with transaction(con):
            done = apply_validation(
                con, coordinator, [key], "validar", None, datetime(2025, 6, 18, 15, 0)
            )
        assert done.accepted == 1
    finally:
        con.close()
    app = app_for(path)
    month = key.mes.strftime("%Y-%m")
    controls = controls_of(
        open_layout(app, conjunto="avance_mensual", meta=key.codigo_meta, desde=month, hasta=month)
    )
    rows = run_show(app, controls)[0]
    region = key.region or None
    row = next(r for r in rows if (r["region"] == "Nacional") == (region is None))
    assert row["validacion"] == "Validado"
    assert row["validado_por"] == "coordinadora.salud"
    assert row["validado_en"] == "2025-06-18 11:00"  # 15:00 UTC in Chile (UTC-4 in June)
    assert row["archivo"] == figure["archivo"] and row["linea"] == figure["linea"]
    others = [r for r in rows if r is not row and r["estado"] == "Validado"]
    assert all(r["validacion"] == "Validado en el archivo" for r in others)


# --------------------------------------------------------------------------- browser


def test_a_column_filter_goes_to_the_url_and_the_url_brings_it_back(dash_duo, app):
    start_signed_in(dash_duo, app, path="/explorar?conjunto=restricciones")
    count = f"#{ids.EXPLORE_COUNT}"
    until(lambda: dash_duo.find_element(count).text.endswith("filas"), timeout=20)
    everything = dash_duo.find_element(count).text
    box = dash_duo.find_element(".ag-floating-filter[col-id='tipo'] input")
    box.send_keys("financ")
    until(lambda: "filtros" in parse_qs(urlparse(dash_duo.driver.current_url).query), timeout=10)
    filtros = parse_qs(urlparse(dash_duo.driver.current_url).query)["filtros"][0]
    assert ev.parse_filter_model(filtros) == TEXT_FILTER
    until(lambda: dash_duo.find_element(count).text != everything, timeout=10)
    filtered = dash_duo.find_element(count).text

    link = "/explorar?" + urlencode({"conjunto": "restricciones", "filtros": filtros})
    dash_duo.driver.get(dash_duo.server_url + link)  # the shared link, opened again
    until(lambda: dash_duo.find_element(count).text == filtered, timeout=20)
    box = dash_duo.find_element(".ag-floating-filter[col-id='tipo'] input")
    assert box.get_attribute("value") == "financ"

    dash_duo.find_element(f"label[for='{ids.EXPLORE_PROVENANCE}']").click()  # show the origin
    until(lambda: dash_duo.driver.execute_script(VISIBLE_JS, ids.EXPLORE_GRID), timeout=10)
    until(lambda: "origen=si" in dash_duo.driver.current_url, timeout=10)
    assert "filtros" in dash_duo.driver.current_url  # the column filter stays
    assert dash_duo.find_element(count).text == filtered
    assert dash_duo.get_logs() == []
