"""A bottleneck's level written as the screens write it ("Grupo de Estrategia", "Coordinación
Institucional", in any case or accents) loads as its code; anything else is still refused."""

from __future__ import annotations

import pytest

from loaders.contracts import CATEGORY_LABELS, LEVELS
from loaders.ingest import ingest_file, ingest_files
from loaders.values import parse_category
from tests.support.loader_files import FILES, write

HEADER = "codigo_restriccion,codigo_meta,tipo,severidad,nivel,descripcion,fecha_alerta\n"
ROWS = (
    "R-1,M-01,financiera,rojo,Grupo de Estrategia,Falta decreto,01/09/2024\n"
    "R-2,M-01,legal,amarillo,grupo de estrategia,Recurso pendiente,02/09/2024\n"
    "R-3,M-02,politica,rojo,Coordinación Institucional,Sin acuerdo,03/09/2024\n"
    "R-4,M-02,legal,verde,coordinacion institucional,Convenio lento,04/09/2024\n"
    "R-5,M-02,legal,verde,ESTRATEGIA,Código en mayúsculas,05/09/2024\n"
    "R-6,M-02,legal,verde,Comité de Ministros,Nivel que no existe,06/09/2024\n"
)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Grupo de Estrategia", "estrategia"),
        ("grupo de estrategia", "estrategia"),
        ("GRUPO DE ESTRATEGIA", "estrategia"),
        ("Coordinación Institucional", "institucional"),
        ("coordinacion institucional", "institucional"),
        ("Coordinacion  Institucional", "institucional"),
        ("institucional", "institucional"),
        ("Estrategia", "estrategia"),
    ],
)
def test_level_labels_parse_as_codes(raw: str, code: str) -> None:
    assert parse_category(raw, LEVELS) == (code, None)


def test_unknown_level_names_the_labels_it_accepts() -> None:
    value, reason = parse_category("Comité de Ministros", LEVELS)
    assert value is None
    assert reason is not None and "«Grupo de Estrategia»" in reason


def test_labels_are_the_screens_words() -> None:
    assert CATEGORY_LABELS["estrategia"] == "Grupo de Estrategia"
    assert CATEGORY_LABELS["institucional"] == "Coordinación Institucional"


def test_bottlenecks_file_with_level_labels_loads(con, tmp_path) -> None:
    ingest_files(
        con, [FILES / "instituciones.csv", FILES / "productos.csv", FILES / "metas_v1.csv"]
    )
    result = ingest_file(con, write(tmp_path / "restricciones.csv", HEADER + ROWS))
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("partial", 5, 1)
    error = result.errors[0]
    assert (error["line"], error["column"], error["value"]) == (7, "nivel", "Comité de Ministros")
    stored = con.execute(
        "SELECT codigo_restriccion, nivel FROM restricciones WHERE valid_to IS NULL ORDER BY 1"
    ).fetchall()
    assert stored == [
        ("R-1", "estrategia"),
        ("R-2", "estrategia"),
        ("R-3", "institucional"),
        ("R-4", "institucional"),
        ("R-5", "estrategia"),
    ]
