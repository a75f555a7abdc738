"""The decisions CSV (dashboard.decisions.export): Excel-in-Chile dialect (BOM, `;`), Spanish
headers, one row per decision, text that would run as a formula escaped."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pandas as pd

from dashboard.decisions.export import HEADERS, csv_bytes, file_name

FRAME = pd.DataFrame(
    {
        "id": [7],
        "estado": ["abierta"],
        "dias_vencida": [None],
        "codigo_restriccion": ["R-011"],
        "codigo_meta": ["SAL-01"],
        "nombre_meta": ["Lista; de espera"],
        "ministerio": ["Ministerio de Salud"],
        "texto": ["=1+1"],
        "responsable": ["@presidencia"],
        "vence": pd.to_datetime(["2026-12-20"]),
        "creada_en": pd.to_datetime(["2026-12-01 15:00"]),
        "creada_por": ["presidencia"],
        "cerrada_en": pd.to_datetime([None]),
        "cerrada_por": [None],
        "resultado": [None],
    }
)


def test_one_row_per_decision_escaped_and_quoted():
    raw = csv_bytes(FRAME)
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(HEADERS)
    (row,) = rows[1:]
    record = dict(zip(HEADERS, row, strict=True))
    assert record["Decisión"] == "'=1+1" and record["Responsable"] == "'@presidencia"
    assert record["Nombre de la meta"] == "Lista; de espera"  # quoted, not split
    assert (record["Estado"], record["Vence"]) == ("Abierta", "20-12-2026")
    assert record["Registrada (hora de Chile)"] == "01-12-2026 12:00"
    assert record["Cerrada (hora de Chile)"] == "" and record["Resultado"] == ""


def test_the_file_name_sorts_by_time():
    assert file_name(datetime(2026, 12, 7, 15, 30)) == "decisiones_2026-12-07_1530.csv"
