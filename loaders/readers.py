"""Reading a file of any accepted format into a table of text cells with spreadsheet line numbers.

Every cell is read as text: types are decided later, column by column, so a bad cell becomes a
quarantined row with a reason instead of a failed file. Line numbers are those a spreadsheet
shows (header = line 1), because that is where the sender will look for the problem. Columns
of few distinct cells may come as dictionary arrays of text (`read_source`'s `repeated`).
CSV has its own module (loaders.csv_reader); Excel and Parquet are read here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from loaders.csv_reader import SNIFF_BYTES, csv_header, detect_encoding, read_csv
from loaders.limits import active, thousands
from loaders.normalize import token
from loaders.source_table import (
    LINE,
    RejectedFile,
    SourceTable,
    check_headers,
    line_numbers,
    too_many_rows,
)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_source(
    path: Path, kind_hint: str | None = None, *, repeated: Collection[str] = ()
) -> SourceTable:
    """`repeated`: headers of columns with few distinct cells (services, comunas, months),
    which a CSV may deliver as dictionary arrays (see `_arrow_csv`). Every format is read
    within `limits.active()`: past a limit the file is rejected with the reason."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path, repeated)
    if suffix == ".xlsx":
        return read_xlsx(path, kind_hint)
    if suffix in (".parquet", ".pq"):
        return read_parquet(path)
    raise RejectedFile(
        f"Formato no admitido «{path.suffix or 'sin extensión'}»: "
        "envíe CSV, Excel (.xlsx) o Parquet."
    )


def peek_headers(path: Path) -> list[str]:
    """The headers alone, cheaply: to order several files before loading them."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return list(pq.read_schema(path).names)
    if suffix == ".xlsx":
        return read_xlsx(path).headers
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    _, bom = detect_encoding(head)
    header, _ = csv_header(path, bom, active())
    return header


# --- Excel -----------------------------------------------------------------------------------


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def read_xlsx(path: Path, kind_hint: str | None = None) -> SourceTable:
    """The sheet named after the kind when there is one, else the first sheet."""
    from python_calamine import CalamineWorkbook

    from loaders import excel_guard
    from loaders.contracts import KINDS

    limits = active()
    # calamine trusts the file: it is measured first (unzipped size, DTD, sheet area).
    parts, sizes = excel_guard.checked_parts(path, limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
    except Exception as exc:
        raise RejectedFile("No se pudo abrir el Excel: el archivo está dañado.") from exc
    if not names:
        raise RejectedFile("El Excel no tiene hojas.")
    wanted = {token(kind_hint)} if kind_hint else {token(k) for k in KINDS}
    sheet_name = next((n for n in names if token(n) in wanted), names[0])
    excel_guard.check_sheet(sheet_name, parts.get(sheet_name), sizes, limits)
    try:
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise RejectedFile(f"No se pudo leer la hoja «{sheet_name}»: está dañada.") from exc
    if not rows:
        raise RejectedFile(f"La hoja «{sheet_name}» está vacía.")
    header = [_excel_cell(v).strip() for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    check_headers(header, limits)
    width = len(header)
    columns: list[list[str]] = [[] for _ in header]
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [_excel_cell(v) for v in row[:width]] + [""] * (width - len(row))
        if not any(c.strip() for c in cells):
            continue
        for column, cell in zip(columns, cells, strict=True):
            column.append(cell)
        lines.append(number)
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    table = pa.Table.from_arrays([*arrays, pa.array(lines, pa.int64())], names=[*header, LINE])
    return SourceTable(table, f"xlsx hoja '{sheet_name}'")


# --- Parquet ---------------------------------------------------------------------------------


def read_parquet(path: Path) -> SourceTable:
    limits = active()
    try:
        parquet = pq.ParquetFile(path)
        meta, names = parquet.metadata, parquet.schema_arrow.names
    except Exception as exc:
        raise RejectedFile("No se pudo leer el Parquet: el archivo está dañado.") from exc
    check_headers(names, limits)
    if meta.num_rows > limits.rows:
        raise too_many_rows(meta.num_rows, limits)
    data = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if data > limits.file_bytes:
        raise RejectedFile(
            f"Los datos del Parquet ocupan {thousands(data // 1024**2)} MB descomprimidos; el "
            f"máximo es {thousands(limits.file_mb)} MB (TABLERO_MAX_FILE_MB)."
        )
    try:
        table = pq.read_table(path)
    except Exception as exc:
        raise RejectedFile("No se pudo leer el Parquet: el archivo está dañado.") from exc
    check_headers(table.column_names, limits)
    columns = [_parquet_column_as_text(table.column(i)) for i in range(table.num_columns)]
    lines = line_numbers(table.num_rows)
    text = pa.Table.from_arrays([*columns, lines], names=[*table.column_names, LINE])
    return SourceTable(text, "parquet")


def _parquet_column_as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dates as ISO text; Arrow already prints 1234.0 as "1234", so counts read as integers."""
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.date32())
    return column.cast(pa.string()).fill_null("")
