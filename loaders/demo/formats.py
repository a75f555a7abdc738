"""Writing a frame in one of the dialects Chilean public data arrives in.

The demo files must exercise every dialect the loaders accept: `;` CSV in Windows-1252 with
Chilean numbers (`1.234.567,5`) and day-first dates, `,` UTF-8 CSV (with and without BOM),
Excel and Parquet. Formatting is vectorised, so a delivery file of millions of rows is fine.
Column roles come from the data contract, so each kind is written the way its reader expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from loaders.contracts import KINDS, ColumnType

DECIMAL_TYPES = {ColumnType.NUMBER, ColumnType.AMOUNT, ColumnType.RATIO}
INTEGER_TYPES = {ColumnType.COUNT, ColumnType.YEAR, ColumnType.STAGE}


@dataclass(frozen=True)
class Dialect:
    name: str
    suffix: str
    sep: str = ","
    encoding: str = "utf-8"
    thousands: str = ""
    decimal: str = "."
    date_format: str = "%Y-%m-%d"
    month_format: str = "%Y-%m"


CSV_CHILE = Dialect("csv ; cp1252", ".csv", ";", "cp1252", ".", ",", "%d/%m/%Y", "%m/%Y")
CSV_UTF8 = Dialect("csv , utf-8", ".csv")
CSV_UTF8_BOM = Dialect("csv , utf-8 BOM", ".csv", encoding="utf-8-sig", date_format="%d-%m-%Y")
XLSX = Dialect("xlsx", ".xlsx")
PARQUET = Dialect("parquet", ".parquet")


def format_numbers(values: object, decimals: int, thousands: str, decimal: str) -> pd.Series:
    """Numbers as text with up to `decimals` decimals (trailing zeros dropped); NaN -> ""."""
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    missing = np.isnan(v)
    scaled = np.rint(np.abs(np.where(missing, 0.0, v)) * 10**decimals).astype(np.int64)
    whole, frac = scaled // 10**decimals, scaled % 10**decimals
    text = _group_thousands(whole, thousands)
    if decimals:
        digits = pd.Series(frac).astype(str).str.zfill(decimals).str.rstrip("0")
        text = text.where(digits == "", text + decimal + digits)
    text = text.where(~((v < 0) & (scaled > 0)), "-" + text)
    return text.where(~missing, "")


def _group_thousands(whole: np.ndarray, thousands: str) -> pd.Series:
    plain = pd.Series(whole).astype(str)
    if not thousands:
        return plain
    groups = np.maximum(1, (plain.str.len().to_numpy() + 2) // 3)
    text = pd.Series(whole % 1000).astype(str)
    text = text.where(groups == 1, text.str.zfill(3))
    for k in range(1, int(groups.max())):
        piece = pd.Series((whole // 1000**k) % 1000).astype(str)
        piece = piece.where(groups <= k + 1, piece.str.zfill(3))
        text = text.where(groups <= k, piece + thousands + text)
    return text


def _text_frame(frame: pd.DataFrame, kind: str, dialect: Dialect, decimals: int) -> pd.DataFrame:
    """Every column as the text a person of that dialect would have typed."""
    frame = frame.reset_index(drop=True)
    out = {}
    for name in frame.columns:
        column = frame[name]
        ctype = KINDS[kind].column(name).type
        if ctype in DECIMAL_TYPES:
            out[name] = format_numbers(column, decimals, dialect.thousands, dialect.decimal)
        elif ctype in INTEGER_TYPES:
            out[name] = format_numbers(column, 0, dialect.thousands, dialect.decimal)
        elif ctype in (ColumnType.DATE, ColumnType.MONTH):
            fmt = dialect.date_format if ctype is ColumnType.DATE else dialect.month_format
            out[name] = _format_dates(column, fmt)
        else:
            out[name] = column.astype("string").fillna("")
    return pd.DataFrame(out)


def _format_dates(column: pd.Series, fmt: str) -> pd.Series:
    """Each distinct date formatted once: a million rows have a few dozen months."""
    codes, uniques = pd.factorize(pd.to_datetime(column))
    formatted = np.append(np.asarray(uniques.strftime(fmt), dtype=object), "")
    return pd.Series(formatted[codes], dtype="string")  # code -1 (no date) -> ""


def write_csv(frame, path: Path, kind: str, dialect: Dialect, headers: dict, decimals=2) -> None:
    """Lines joined column-wise (quotes only where a cell needs them), then encoded.

    Windows-1252 files also get Windows line endings, as Excel on Windows saves them.
    """
    text = _text_frame(frame, kind, dialect, decimals)
    eol = "\r\n" if dialect.encoding == "cp1252" else "\n"
    cells = [_quote(text[c], dialect.sep) for c in text.columns]
    lines = cells[0].str.cat(cells[1:], sep=dialect.sep) if len(cells) > 1 else cells[0]
    header = dialect.sep.join(headers.get(c, c) for c in text.columns)
    body = eol.join([header, *lines.tolist()]) + eol
    path.write_bytes(body.encode(dialect.encoding))


def _quote(cells: pd.Series, sep: str) -> pd.Series:
    needs = cells.str.contains(sep, regex=False) | cells.str.contains('"', regex=False)
    return cells.where(~needs, '"' + cells.str.replace('"', '""', regex=False) + '"')


def write_parquet(frame: pd.DataFrame, path: Path, headers: dict) -> None:
    """Typed columns (dates as date32): Parquet is what systems, not people, send."""
    frame = frame.rename(columns=headers)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    dates = [i for i, f in enumerate(table.schema) if pa.types.is_timestamp(f.type)]
    for i in dates:
        table = table.set_column(i, table.schema.field(i).name, table.column(i).cast(pa.date32()))
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd")


def write_xlsx(
    frame: pd.DataFrame, path: Path, kind: str, headers: dict, sheet: str, created: datetime
) -> None:
    """Dates as real Excel date cells; the creation time is fixed so the bytes are repeatable."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
    workbook.set_properties({"created": created, "author": "Demo Tablero de Metas"})
    date_cell = workbook.add_format({"num_format": "dd/mm/yyyy"})
    bold = workbook.add_format({"bold": True})
    sheet_ = workbook.add_worksheet(sheet)
    for j, name in enumerate(frame.columns):
        sheet_.write_string(0, j, headers.get(name, name), bold)
        ctype = KINDS[kind].column(name).type
        for i, value in enumerate(frame[name].tolist(), start=1):
            _write_cell(sheet_, i, j, value, ctype, date_cell)
    notes = workbook.add_worksheet("Notas")
    notes.write_string(0, 0, "Datos de demostración: cifras inventadas, no oficiales.")
    workbook.close()


def _write_cell(sheet, row: int, col: int, value, ctype: ColumnType, date_cell) -> None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return
    if ctype in (ColumnType.DATE, ColumnType.MONTH):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_cell)
    elif isinstance(value, int | float | np.integer | np.floating):
        sheet.write_number(row, col, float(value))
    else:
        sheet.write_string(row, col, str(value))
