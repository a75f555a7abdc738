"""Every accepted format and dialect yields exactly the same stored rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from loaders.ingest import ingest_file, ingest_files
from tests.support.loader_files import FILES

EXPECTED = [
    ("Fondo Nacional de Salud", "Atención primaria", "05", dt.date(2024, 1, 1), 200, None, None, 0.0),
    ("Fondo Nacional de Salud", "Atención primaria", "05101", dt.date(2024, 1, 1), 1234, 10,
     1234567.5, None),
    ("Junta Nacional de Auxilio Escolar y Becas", "Alimentación escolar", "13101",
     dt.date(2024, 2, 1), 30, 30, 900.25, 100.0),
]  # fmt: skip


@pytest.fixture
def catalogue(con):
    results = ingest_files(con, [FILES / "instituciones.csv", FILES / "productos.csv"])
    assert [r.status for r in results] == ["loaded", "loaded"]
    return con


def stored_deliveries(con) -> list[tuple]:
    return con.execute(
        "SELECT servicio, producto, territorio, mes, beneficiarios, unidades, gasto_corriente,"
        " gasto_inversion FROM entregas WHERE valid_to IS NULL ORDER BY territorio"
    ).fetchall()


@pytest.mark.parametrize(
    "name", ["entregas_utf8_comma.csv", "entregas_utf8_bom.csv", "entregas_cp1252_semicolon.csv"]
)
def test_csv_dialects_store_the_same_rows(catalogue, name: str) -> None:
    result = ingest_file(catalogue, FILES / name)
    assert (result.kind, result.status, result.rows_loaded) == ("entregas", "loaded", 3)
    assert stored_deliveries(catalogue) == EXPECTED


def test_latin1_file_reports_its_dialect(catalogue) -> None:
    ingest_file(catalogue, FILES / "entregas_cp1252_semicolon.csv")
    fmt = catalogue.execute("SELECT formato FROM ingestas WHERE tipo = 'entregas'").fetchall()
    assert fmt == [("csv ';' cp1252",)]


def _write_xlsx(path: Path, sheet_first: str | None) -> Path:
    """Excel cells of real types: numbers, dates; the data on the sheet named 'entregas'."""
    book = xlsxwriter.Workbook(path)
    if sheet_first:
        book.add_worksheet(sheet_first).write(0, 0, "notas del analista")
    sheet = book.add_worksheet("Entregas")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    header = ["Servicio", "Producto", "Territorio", "Mes", "Beneficiarios", "Unidades",
              "Gasto corriente", "Gasto inversion"]  # fmt: skip
    sheet.write_row(0, 0, header)
    rows = [
        ("FONASA", "Atención primaria", 5101, dt.datetime(2024, 1, 1), 1234, 10, 1234567.5, None),
        ("FONASA", "Atención primaria", "V", dt.datetime(2024, 1, 20), 200, None, None, 0),
        ("JUNAEB", "Alimentación escolar", 13101, dt.datetime(2024, 2, 1), 30, 30, 900.25, 100),
    ]
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(i, j, value, date_format)
            elif value is not None:
                sheet.write(i, j, value)
    book.close()
    return path


@pytest.mark.parametrize("sheet_first", [None, "Notas"])
def test_xlsx_first_sheet_or_sheet_named_after_the_kind(catalogue, tmp_path, sheet_first) -> None:
    result = ingest_file(catalogue, _write_xlsx(tmp_path / "entregas.xlsx", sheet_first))
    assert (result.kind, result.status) == ("entregas", "loaded")
    assert stored_deliveries(catalogue) == EXPECTED


def test_parquet_with_typed_columns(catalogue, tmp_path) -> None:
    table = pa.table(
        {
            "servicio": ["FONASA", "FONASA", "JUNAEB"],
            "producto": ["Atención primaria", "Atención primaria", "Alimentación escolar"],
            "territorio": ["05101", "05", "13101"],
            "mes": pa.array([dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1)]),
            "beneficiarios": pa.array([1234.0, 200.0, 30.0]),  # counts written as doubles
            "unidades": pa.array([10, None, 30], pa.int64()),
            "gasto_corriente": [1234567.5, None, 900.25],
            "gasto_inversion": [None, 0.0, 100.0],
        }
    )
    pq.write_table(table, tmp_path / "entregas.parquet")
    result = ingest_file(catalogue, tmp_path / "entregas.parquet")
    assert (result.kind, result.status) == ("entregas", "loaded")
    assert stored_deliveries(catalogue) == EXPECTED


def test_headers_match_ignoring_case_accents_spaces_and_underscores(catalogue, tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("TERRITORIO, Año ,POBLACIÓN,Fuente\n5101,2024,296655,INE\n", encoding="utf-8")
    result = ingest_file(catalogue, path)
    assert (result.kind, result.status, result.ignored_columns) == (
        "poblacion",
        "loaded",
        ["Fuente"],
    )
