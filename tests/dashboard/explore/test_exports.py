"""CSV and Excel exports: the rows equal the filtered frame, in a dialect Excel in Chile opens,
and the Excel file's second sheet says which filters and which data produced them."""

from __future__ import annotations

import io
from datetime import datetime

import duckdb
import openpyxl
import pandas as pd
import pytest

from dashboard.explore import exports
from dashboard.explore import views as ev
from loaders.ingest import ingest_file
from tests.support.demo_copies import writable_demo
from tests.support.loader_files import write
from warehouse.db import connect
from warehouse.explore.dataset_parts import Column
from warehouse.explore.queries import SourceInfo, fetch_rows
from warehouse.scope import Scope, apply_scope

COLUMNS = (
    Column("region", "Región"),
    Column("servicio", "Servicio"),
    Column("beneficiarios", "Beneficiarios", "number"),
    Column("gasto", "Gasto (CLP)", "number"),
)
FRAME = pd.DataFrame(
    {
        "region": ["Valparaíso", "Ñuble", "Aysén"],
        "servicio": ["FONASA; salud", 'Servicio "X"', None],
        "beneficiarios": [1200, 35, 0],
        "gasto": [1234.5, None, 0.25],
        "oculta": [1, 2, 3],  # not a column of the view: never exported
    }
)
INFO = exports.ExportInfo(
    dataset="Entregas",
    settings=[("Nivel territorial", "Región")],
    filters=["Región = Valparaíso", "Servicio contiene «salud»"],
    source=SourceInfo("demo.duckdb", datetime(2025, 6, 16, 12, 0), True),
    generated_at=datetime(2025, 6, 18, 19, 30),
    rows=3,
)


def read_csv(content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig")


def test_csv_is_utf8_with_bom_semicolons_and_decimal_comma():
    content = exports.csv_bytes(FRAME, COLUMNS)
    assert content.startswith(b"\xef\xbb\xbf")
    header, first = content.decode("utf-8-sig").split("\r\n")[:2]
    assert header == "Región;Servicio;Beneficiarios;Gasto (CLP)"
    assert first == 'Valparaíso;"FONASA; salud";1200;1234,5'
    back = read_csv(content)
    assert back["Región"].tolist() == FRAME["region"].tolist()
    assert back["Servicio"].fillna("").tolist() == ["FONASA; salud", 'Servicio "X"', ""]
    assert back["Gasto (CLP)"].tolist()[::2] == [1234.5, 0.25]
    assert "oculta" not in back.columns


def sheet_rows(book: openpyxl.Workbook, name: str) -> list[tuple]:
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def test_excel_has_the_rows_and_a_filter_sheet():
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(FRAME, COLUMNS, INFO)))
    assert book.sheetnames == ["Datos", "Filtros"]
    data = sheet_rows(book, "Datos")
    assert data[0] == ("Región", "Servicio", "Beneficiarios", "Gasto (CLP)")
    assert data[1:] == [
        ("Valparaíso", "FONASA; salud", 1200, 1234.5),
        ("Ñuble", 'Servicio "X"', 35, None),
        ("Aysén", None, 0, 0.25),
    ]
    filters = dict(sheet_rows(book, "Filtros")[:3])
    assert filters["Conjunto de datos"] == "Entregas"
    assert filters["Mes de corte"].startswith("No aplica")
    assert sheet_rows(book, "Filtros")[3:] == [
        ("Filtro", "Región = Valparaíso"),
        ("Filtro", "Servicio contiene «salud»"),
        ("Filas", "3"),
        ("Base de datos", "demo.duckdb"),
        ("Última carga de datos", "16-06-2025 08:00 (hora de Chile)"),
        ("Datos de demostración", "Sí (cifras ficticias)"),
        ("Generado", "18-06-2025 15:30 (hora de Chile)"),
    ]


def test_filter_sheet_without_filters_says_so():
    info = exports.ExportInfo("Compromisos", [("Mes de corte", "2025-05")], [],
                              SourceInfo("x.duckdb", None, False), datetime(2025, 1, 1), 0)  # fmt: skip
    rows = exports.filter_rows(info)
    assert ("Mes de corte", "2025-05") in rows
    assert ("Filtro", "Sin filtros: todas las filas vigentes") in rows
    assert ("Datos de demostración", "No") in rows
    assert ("Última carga de datos", "— (hora de Chile)") in rows


def test_excel_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 2)
    with pytest.raises(ValueError, match="descargue CSV"):
        exports.xlsx_bytes(FRAME, COLUMNS, INFO)


def test_file_names_are_safe_and_sortable():
    when = datetime(2025, 6, 18, 15, 30)
    assert exports.file_name("estado_metas", when, "xlsx") == "estado_metas_2025-06-18_1530.xlsx"
    assert exports.file_name("../Entregas Ñ", when, "csv") == "entregas_2025-06-18_1530.csv"


# --------------------------------------------------------------------------- through the views


@pytest.fixture(scope="module")
def con(demo_db) -> duckdb.DuckDBPyConnection:
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


GRID_FILTER = {"beneficiarios": {"filterType": "number", "type": "greaterThan", "filter": 5000}}


def test_export_holds_all_filtered_rows_beyond_the_grid_limit(con):
    request = ev.ExploreRequest("entregas", {"region": "05", "desglose": "mes"}, GRID_FILTER)
    view = ev.load_view(con, request, limit=50)
    assert view.total > 50 == len(view.rows)  # the grid holds 50; the file holds them all
    content, name = ev.export_file(con, request, "csv")
    assert name.startswith("entregas_") and name.endswith(".csv")
    back = read_csv(content)
    expected = fetch_rows(con, view.query)
    assert len(back) == view.total == len(expected)
    assert back["Beneficiarios"].tolist() == expected["beneficiarios"].tolist()
    assert (back["Beneficiarios"] > 5000).all() and set(back["Región"]) == {"Valparaíso"}


def test_excel_export_of_goals_names_month_filters_and_source(con):
    request = ev.ExploreRequest("estado_metas", {"semaforo": "rojo"}, {})
    content, _ = ev.export_file(con, request, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    data = sheet_rows(book, "Datos")
    assert {row[data[0].index("Estado")] for row in data[1:]} == {"Rojo"}
    filters = sheet_rows(book, "Filtros")
    assert ("Mes de corte", "2025-05") in filters  # the default: latest month with progress
    assert ("Filtro", "Estado = Rojo") in filters
    assert ("Filas", str(len(data) - 1)) in filters
    assert ("Base de datos", "demo.duckdb") in filters
    assert ("Datos de demostración", "Sí (cifras ficticias)") in filters


def test_csv_export_of_commitments_has_the_latest_follow_ups_state(demo_db, tmp_path):
    """The file says what the grid says: a commitment met by a follow-up reads "Cumplido", for
    a regional account that reads its region only."""
    with writable_demo(demo_db, tmp_path) as writable:
        follow_up = "codigo_compromiso,fecha,estado,nota\nGRA-05-002,2025-06-10,cumplido,Listo\n"
        csv = write(tmp_path / "seguimientos.csv", follow_up)
        assert ingest_file(writable, csv, loaded_at=datetime(2025, 6, 18, 12)).rows_new == 1
        cur = writable.cursor()
        apply_scope(cur, Scope("region", region="05", user="region"))
        request = ev.ExploreRequest("compromisos", {"estado": "cumplido"}, {})
        content, name = ev.export_file(cur, request, "csv")
    back = read_csv(content).set_index("Código")
    assert name.startswith("compromisos_")
    shown = ["Estado", "Fecha de cumplimiento", "Último seguimiento"]
    assert back.loc["GRA-05-002", shown].tolist() == ["Cumplido", "2025-06-10", "Listo"]
    assert set(back["Estado"]) == {"Cumplido"} and set(back["Región"]) == {"Valparaíso"}
