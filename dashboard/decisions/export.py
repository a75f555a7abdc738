"""The CSV of exactly the decisions the filters select (all of them), in the dialect of the
explorer's CSV: UTF-8 with a byte-order mark, `;` between fields, dates dd-mm-aaaa, Spanish
headers, and text that a spreadsheet would run as a formula escaped (warehouse.csv_safety)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.decisions.grid import state_text
from dashboard.ui.formatting import format_datetime
from dashboard.ui.goal_tables import day_text, is_missing
from warehouse import csv_safety

CSV_SEPARATOR = ";"
CSV_ENCODING = "utf-8-sig"
HEADERS = (
    "N.º", "Estado", "Restricción", "Meta", "Nombre de la meta", "Ministerio", "Decisión",
    "Responsable", "Vence", "Registrada (hora de Chile)", "Registrada por",
    "Cerrada (hora de Chile)", "Cerrada por", "Resultado",
)  # fmt: skip


def _moment(value: object) -> str:
    return "" if is_missing(value) else format_datetime(pd.Timestamp(value).to_pydatetime())


def _plain(value: object) -> object:
    return "" if is_missing(value) else value


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The decisions with the CSV's columns, as text the way the screen writes them."""
    rows = [
        (
            int(r["id"]), state_text(r["estado"], r.get("dias_vencida")),
            r["codigo_restriccion"], r["codigo_meta"], _plain(r.get("nombre_meta")),
            _plain(r.get("ministerio")), r["texto"], r["responsable"], day_text(r["vence"]),
            _moment(r.get("creada_en")), r["creada_por"], _moment(r.get("cerrada_en")),
            _plain(r.get("cerrada_por")), _plain(r.get("resultado")),
        )
        for r in frame.to_dict("records")
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(HEADERS))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    text = csv_safety.to_csv(
        export_frame(frame), index=False, sep=CSV_SEPARATOR, lineterminator=csv_safety.CRLF
    )
    return text.encode(CSV_ENCODING)


def file_name(generated_at: datetime) -> str:
    """'decisiones_2026-12-07_1530.csv' (UTC time, sortable)."""
    return f"decisiones_{generated_at:%Y-%m-%d_%H%M}.csv"
