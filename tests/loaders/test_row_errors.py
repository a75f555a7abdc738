"""Each kind of bad row goes to quarantine with its line, column, value and Spanish reason,
while the other rows of the file load."""

from __future__ import annotations

import json

import pytest

from loaders.ingest import ingest_file, ingest_files
from tests.support.loader_files import FILES, write

DELIVERY_HEADER = "servicio,producto,territorio,mes,beneficiarios,unidades,gasto_corriente\n"
GOOD_DELIVERY = "FONASA,Atención primaria,5101,2024-01,10,1,100\n"


@pytest.fixture
def loaded(con):
    ingest_files(
        con, [FILES / "instituciones.csv", FILES / "productos.csv", FILES / "metas_v1.csv"]
    )
    return con


@pytest.mark.parametrize(
    ("row", "column", "value", "reason"),
    [
        ("FONASA,Atención primaria,99999,2024-01,10,1,100", "territorio", "99999", "Territorio desconocido"),
        ("FONASA,Atención primaria,5101,2024-13,10,1,100", "mes", "2024-13", "Mes inexistente"),
        ("FONASA,Atención primaria,5101,enero,10,1,100", "mes", "enero", "Mes no reconocido"),
        ("FONASA,Atención primaria,5101,2024-01,-3,1,100", "beneficiarios", "-3", "no puede ser negativa"),
        ("FONASA,Atención primaria,5101,2024-01,2.5,1,100", "beneficiarios", "2.5", "número entero"),
        ("FONASA,Atención primaria,5101,2024-01,muchos,1,100", "beneficiarios", "muchos", "No es un número"),
        ("FONASA,Atención primaria,5101,2024-01,,1,100", "beneficiarios", None, "Falta el valor obligatorio"),
        ("FONASA,Atención primaria,5101,2024-01,10,1,-100", "gasto_corriente", "-100", "monto no puede ser negativo"),
        ("SENAME,Atención primaria,5101,2024-01,10,1,100", "servicio", "SENAME", "servicio no está registrado"),
        ("FONASA,Cirugías,5101,2024-01,10,1,100", "producto", "Cirugías", "no está en el catálogo"),
    ],
)  # fmt: skip
def test_bad_delivery_row_is_quarantined_with_reason(loaded, tmp_path, row, column, value, reason):
    path = write(tmp_path / "entregas.csv", DELIVERY_HEADER + GOOD_DELIVERY + row + "\n")
    result = ingest_file(loaded, path)
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("partial", 1, 1)
    assert result.exit_code == 3
    error = result.errors[0]
    assert (error["line"], error["column"], error["value"]) == (3, column, value)
    assert reason in error["reason"]
    stored = loaded.execute(
        "SELECT linea, columna, motivo, fila_original FROM cuarentena"
    ).fetchall()
    assert stored[0][:2] == (3, column)
    assert json.loads(stored[0][3])["producto"] == row.split(",")[1]  # the whole row is kept


def test_same_key_with_different_values_quarantines_both_lines(loaded, tmp_path):
    rows = (
        GOOD_DELIVERY
        + "FONASA,Atención primaria,5102,2024-01,5,1,1\n"
        + ("FONASA,Atención primaria,05101,01/2024,11,1,100\n")
    )
    result = ingest_file(loaded, write(tmp_path / "e.csv", DELIVERY_HEADER + rows))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 2)
    assert sorted(e["line"] for e in result.errors) == [2, 4]
    assert "líneas 2, 4" in result.errors[0]["reason"]


def test_exact_repeat_is_kept_once(loaded, tmp_path):
    path = write(tmp_path / "e.csv", DELIVERY_HEADER + GOOD_DELIVERY + GOOD_DELIVERY)
    result = ingest_file(loaded, path)
    assert (result.status, result.rows_loaded, result.rows_repeated) == ("loaded", 1, 1)


GOAL_HEADER = (
    "codigo_meta,nombre,ministerio,gerente,unidad,sentido,linea_base,valor_meta,"
    "fecha_inicio,fecha_meta,umbral_verde,umbral_amarillo\n"
)


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("G,n,m,g,u,ascendente,10,5,2024-01-01,2025-01-01,,", "valor_meta", "mayor que la línea base"),
        ("G,n,m,g,u,descendente,10,15,2024-01-01,2025-01-01,,", "valor_meta", "menor en una descendente"),
        ("G,n,m,g,u,ascendente,0,5,2025-01-01,2024-01-01,,", "fecha_meta", "posterior a la fecha de inicio"),
        ("G,n,m,g,u,ascendente,0,5,2024-01-01,12/31/2025,,", "fecha_meta", "día primero"),
        ("G,n,m,g,u,lateral,0,5,2024-01-01,2025-01-01,,", "sentido", "ascendente, descendente"),
        ("G,n,m,g,u,ascendente,0,5,2024-01-01,2025-01-01,1.5,", "umbral_verde", "entre 0 y 1"),
        ("G,n,m,g,u,ascendente,0,5,2024-01-01,2025-01-01,0.6,0.8", "umbral_amarillo", "no puede ser mayor"),
        (",n,m,g,u,ascendente,0,5,2024-01-01,2025-01-01,,", "codigo_meta", "Falta el valor obligatorio"),
    ],
)  # fmt: skip
def test_goal_rules(con, tmp_path, row, column, reason):
    result = ingest_file(con, write(tmp_path / "metas.csv", GOAL_HEADER + row + "\n"))
    assert (result.status, result.rows_loaded) == ("partial", 0)
    assert (result.errors[0]["line"], result.errors[0]["column"]) == (2, column)
    assert reason in result.errors[0]["reason"]


def test_goal_defaults_apply_to_empty_cells(con, tmp_path):
    path = write(
        tmp_path / "metas.csv", GOAL_HEADER + "G,n,m,g,u,ascendente,0,5,2024-01-01,2025-01-01,,\n"
    )
    assert ingest_file(con, path).status == "loaded"
    row = con.execute("SELECT ambito, umbral_verde, umbral_amarillo FROM metas").fetchall()
    assert row == [("nacional", 0.9, 0.7)]


def test_progress_for_unknown_goal_and_default_state(loaded, tmp_path):
    path = write(
        tmp_path / "avance.csv",
        "codigo_meta,mes,region,valor_real\nM-01,2024-05,,90\nM-99,2024-05,,1\nM-02,2024-05,VIII,12\n",
    )
    result = ingest_file(loaded, path)
    assert [(e["line"], e["column"]) for e in result.errors] == [(3, "codigo_meta")]
    rows = loaded.execute(
        "SELECT codigo_meta, region, estado FROM avance_mensual ORDER BY codigo_meta"
    ).fetchall()
    assert rows == [("M-01", None, "reportado"), ("M-02", "08", "reportado")]


def test_malformed_rows_keep_exact_spreadsheet_lines(loaded, tmp_path):
    text = (
        DELIVERY_HEADER
        + GOOD_DELIVERY
        + "FONASA,Atención primaria,5101\n\n"
        + ("FONASA,Atención primaria,99999,2024-01,1,1,1\n")
    )
    result = ingest_file(loaded, write(tmp_path / "e.csv", text))
    assert result.rows_loaded == 1
    assert [(e["line"], e["column"]) for e in result.errors] == [(3, None), (5, "territorio")]
    assert "3 columnas" in result.errors[0]["reason"]
