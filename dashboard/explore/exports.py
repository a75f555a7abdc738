"""CSV and Excel files of exactly the rows an explorer view shows (all of them, not the first
5.000 the grid holds), with the filters that produced them.

CSV dialect, chosen for Excel in Chile: UTF-8 with a byte-order mark (without it, Excel reads
"Región" as "RegiÃ³n"), `;` between fields and a decimal comma. Excel with the Spanish (Chile)
regional setting splits fields on the list separator, which is `;` there because `,` is the
decimal mark; a `,`-separated file opens as one column. Other tools read the file by naming
the separator (pandas: `sep=";", decimal=","`). Headers are the Spanish column labels the grid
shows. The CSV carries data only; the Excel file adds a second sheet, "Filtros", that lists the
dataset, its settings and filters, the data source and when the file was generated.

Loaded text may start like a formula (`=HYPERLINK(…)`): the CSV escapes it with a leading `'`
(warehouse.csv_safety), and the Excel file writes every text cell as a string, never a formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import xlsxwriter

from dashboard.ui.formatting import format_datetime
from warehouse import csv_safety
from warehouse.explore.dataset_parts import Column
from warehouse.explore.queries import SourceInfo

CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM
EXCEL_MAX_ROWS = 1_048_575  # one row of Excel's 1,048,576 holds the header
DATA_SHEET = "Datos"
FILTER_SHEET = "Filtros"
AS_OF = "Mes de corte"


@dataclass(frozen=True)
class ExportInfo:
    """What the second sheet says about the rows."""

    dataset: str  # 'Entregas'
    settings: Sequence[tuple[str, str]]  # ('Mes de corte', '2025-05'), ('Nivel', 'Región')
    filters: Sequence[str]  # 'Región = Valparaíso', 'Servicio contiene «salud»'
    source: SourceInfo
    generated_at: datetime  # UTC
    rows: int
    provenance: str = ""  # which columns say where each row comes from


def labelled(frame: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """The frame with the columns in order and named by their Spanish labels."""
    return frame[[c.name for c in columns]].set_axis([c.label for c in columns], axis=1)


def csv_bytes(frame: pd.DataFrame, columns: Sequence[Column]) -> bytes:
    """The rows as CSV for Excel in Chile (see the module docstring), text that a spreadsheet
    would run as a formula escaped (warehouse.csv_safety)."""
    text = csv_safety.to_csv(
        labelled(frame, columns), index=False, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL,
        lineterminator=csv_safety.CRLF,
    )  # fmt: skip
    return text.encode(CSV_ENCODING)


def xlsx_bytes(frame: pd.DataFrame, columns: Sequence[Column], info: ExportInfo) -> bytes:
    """An .xlsx workbook: sheet "Datos" (the rows, numbers as numbers) and sheet "Filtros"."""
    if len(frame) > EXCEL_MAX_ROWS:
        raise ValueError(
            f"Excel admite hasta {EXCEL_MAX_ROWS:,} filas; descargue CSV".replace(",", ".")
        )
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    _data_sheet(book, frame, columns)
    _filter_sheet(book, info)
    book.close()
    return buffer.getvalue()


def _data_sheet(book: xlsxwriter.Workbook, frame: pd.DataFrame, columns: Sequence[Column]) -> None:
    sheet = book.add_worksheet(DATA_SHEET)
    bold = book.add_format({"bold": True, "bg_color": "#E7EEF6", "text_wrap": True})
    integer = book.add_format({"num_format": "#,##0"})
    decimal = book.add_format({"num_format": "#,##0.0##"})
    sheet.write_row(0, 0, [c.label for c in columns], bold)
    for index, column in enumerate(columns):
        values = frame[column.name].tolist()
        is_number = column.kind == "number"
        number = integer if is_number and _integral(values) else decimal
        for row, value in enumerate(values, start=1):
            if _missing(value):
                continue
            if is_number:
                sheet.write_number(row, index, float(value), number)
            else:
                sheet.write_string(row, index, str(value))
        sheet.set_column(index, index, _width(column, values))
    sheet.freeze_panes(1, 0)
    if len(frame):
        sheet.autofilter(0, 0, len(frame), len(columns) - 1)


def _filter_sheet(book: xlsxwriter.Workbook, info: ExportInfo) -> None:
    sheet = book.add_worksheet(FILTER_SHEET)
    bold = book.add_format({"bold": True})
    for row, (name, value) in enumerate(filter_rows(info)):
        sheet.write_string(row, 0, name, bold)
        sheet.write_string(row, 1, value)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 70)


def filter_rows(info: ExportInfo) -> list[tuple[str, str]]:
    """The second sheet as (name, value) rows: what produced the data and where it came from."""
    rows = [("Conjunto de datos", info.dataset), *info.settings]
    if all(name != AS_OF for name, _ in info.settings):
        rows.append((AS_OF, "No aplica: filas vigentes en la última carga"))
    if info.filters:
        rows += [("Filtro", text) for text in info.filters]
    else:
        rows.append(("Filtro", "Sin filtros: todas las filas vigentes"))
    rows += [
        ("Filas", f"{info.rows:,}".replace(",", ".")),
        ("Base de datos", info.source.database),
        *([("Origen de cada fila", info.provenance)] if info.provenance else []),
        ("Última carga de datos", format_datetime(info.source.last_load) + " (hora de Chile)"),
        ("Datos de demostración", "Sí (cifras ficticias)" if info.source.is_demo else "No"),
        ("Generado", format_datetime(info.generated_at) + " (hora de Chile)"),
    ]
    return rows


def file_name(dataset: str, generated_at: datetime, extension: str) -> str:
    """'entregas_2025-06-18_1530.csv' (UTC time, sortable; no characters Windows rejects)."""
    stem = re.sub(r"[^a-z0-9_]+", "_", dataset.lower()).strip("_") or "datos"
    return f"{stem}_{generated_at:%Y-%m-%d_%H%M}.{extension}"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _integral(values: list[object]) -> bool:
    return all(_missing(v) or float(v).is_integer() for v in values)  # type: ignore[arg-type]


def _width(column: Column, values: list[object]) -> float:
    sample = [len(str(v)) for v in values[:200] if not _missing(v)]
    return min(max([len(column.label), *sample]) + 2, 60)
