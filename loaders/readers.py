"""Reading a file of any accepted format into a table of text cells with spreadsheet line numbers.

Every cell is read as text: types are decided later, column by column, so a bad cell becomes a
quarantined row with a reason instead of a failed file. Line numbers are those a spreadsheet
shows (header = line 1), because that is where the sender will look for the problem. Columns
of few distinct cells may come as dictionary arrays of text (`read_source`'s `repeated`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from loaders.normalize import token

LINE = "__line"
SNIFF_BYTES = 64 * 1024
BLOCK_BYTES = 1 << 24  # pyarrow reads a CSV in blocks of this size, one per thread at a time
TEXT_CODES = pa.dictionary(pa.int32(), pa.string())


class RejectedFile(Exception):
    """The file as a whole cannot be loaded; the message says why, in Spanish."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    raw: str
    reason: str


@dataclass
class SourceTable:
    """A file's cells as text, with its dialect and rows that could not even be split."""

    table: pa.Table  # one text column per header (string or TEXT_CODES), plus LINE (int64)
    fmt: str  # e.g. "csv ; cp1252 decimal-coma", "xlsx hoja 'metas'", "parquet"
    decimal_comma: bool = False
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [name for name in self.table.column_names if name != LINE]


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
    which a CSV may deliver as dictionary arrays (see `_arrow_csv`)."""
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
    encoding, bom = _detect_encoding(head)
    first = head[bom:].decode(encoding, errors="replace").splitlines()[0]
    return next(csv.reader([first], delimiter=_detect_delimiter(first)))


# --- CSV -------------------------------------------------------------------------------------


def _detect_encoding(head: bytes) -> tuple[str, int]:
    """(encoding, bytes of BOM). UTF-8 unless the bytes are not valid UTF-8 (then cp1252)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8", 3
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniff window is not an encoding error.
        if exc.start < len(head) - 4:
            return "cp1252", 0
    return "utf-8", 0


def _detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return ","  # a single column: no delimiter to see
    return best


def read_csv(path: Path, repeated: Collection[str] = ()) -> SourceTable:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if _blank(path, head):
        raise RejectedFile("El archivo está vacío.")
    encoding, bom = _detect_encoding(head)
    try:
        text_head = head[bom:].decode(encoding, errors="replace")
    except LookupError as exc:  # pragma: no cover - fixed encodings
        raise RejectedFile(str(exc)) from exc
    delimiter = _detect_delimiter(text_head.splitlines()[0] if text_head else "")
    try:
        table, problems = _read_csv_fast(path, head, bom, encoding, delimiter, repeated)
    except UnicodeDecodeError:
        encoding = "cp1252"
        table, problems = _read_csv_fast(path, head, bom, encoding, delimiter, repeated)
    if problems:
        text = _decode(path.read_bytes()[bom:], encoding)
        table, row_problems = _read_csv_exact(text, delimiter)
    else:
        row_problems = []
    fmt = f"csv '{delimiter}' {encoding}" + (" BOM" if bom else "")
    return SourceTable(table, fmt, decimal_comma=delimiter == ";", problems=row_problems)


def _blank(path: Path, head: bytes) -> bool:
    """No cells at all: empty, or only spaces and line breaks."""
    if not head or not head.isspace():
        return not head
    return len(head) < SNIFF_BYTES or path.read_bytes().isspace()


def _read_csv_fast(
    path: Path, head: bytes, bom: int, encoding: str, delimiter: str, repeated: Collection[str]
) -> tuple[pa.Table, int]:
    """pyarrow's multithreaded reader; returns how many rows it could not split cleanly.

    A UTF-8 file is read by pyarrow from the disk, in blocks, skipping its BOM: holding the
    whole file in memory first cost more than the parsing itself (a 1.2 GB file: 2.3–3.9 s
    against 1.1 s, the difference being mostly fresh memory for the copy). Other encodings are
    decoded in memory first.

    Rows are first cut at every line break, which lets the blocks be split without tracking
    quotes (the fast way); a quoted line break that falls on a block boundary makes the reader
    lose step, and then the file is read again tracking quotes. Either way a line break inside
    a value that cuts a row in two leaves a part with too few cells: a row problem, so the exact
    reader takes over."""
    data: str | pa.Buffer
    if encoding == "utf-8":
        head = head[bom:]
        data = str(path)
    else:
        data = pa.py_buffer(_decode(path.read_bytes()[bom:], encoding).encode("utf-8"))
        head = data[:SNIFF_BYTES].to_pybytes()
    header = next(csv.reader(io.StringIO(head.decode("utf-8", "replace")), delimiter=delimiter))
    _check_headers(header)
    try:
        table, problems = _arrow_csv(data, header, delimiter, repeated, newlines_in_values=False)
    except pa.ArrowInvalid as exc:
        if "out of sync" not in str(exc):
            raise _read_error(exc, encoding) from exc
        try:
            table, problems = _arrow_csv(data, header, delimiter, repeated, newlines_in_values=True)
        except pa.ArrowInvalid as again:
            raise _read_error(again, encoding) from again
    return table.append_column(LINE, _line_numbers(table.num_rows)), problems


def _arrow_csv(
    data: str | pa.Buffer,
    header: list[str],
    delimiter: str,
    repeated: Collection[str],
    *,
    newlines_in_values: bool,
) -> tuple[pa.Table, int]:
    """`data`: a UTF-8 file's path (pyarrow skips a BOM), or the file's text as UTF-8.

    The `repeated` columns come as dictionary arrays (an index per row into the distinct cells
    of each block): the loader resolves such columns by their distinct cells anyway, and ten
    million service and product names as text are ~1 GB of fresh memory (a 10 M-row file: read
    and encoded in 1.25 s instead of 3)."""
    problems = 0

    def on_invalid(_row: object) -> str:
        nonlocal problems
        problems += 1
        return "skip"

    table = pa_csv.read_csv(
        pa.BufferReader(data) if isinstance(data, pa.Buffer) else data,
        read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1, block_size=BLOCK_BYTES),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
            newlines_in_values=newlines_in_values,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: TEXT_CODES if name in repeated else pa.string() for name in header},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, problems


_OUTSIDE_C1 = bytes(range(0x80)) + bytes(range(0xA0, 0x100))


def _decode(raw: bytes, encoding: str) -> str:
    """Windows-1252 and Latin-1 differ only in the bytes 0x80–0x9F (curly quotes, dashes, €);
    a file without them decodes the same with the Latin-1 codec, several times faster."""
    if encoding == "cp1252" and not raw.translate(None, _OUTSIDE_C1):
        return raw.decode("latin-1")
    return raw.decode(encoding)


def _read_error(exc: pa.ArrowInvalid, encoding: str) -> Exception:
    if "UTF8" in str(exc):
        return UnicodeDecodeError(encoding, b"", 0, 1, str(exc))
    return RejectedFile(f"No se pudo leer el CSV: {exc}")


def _line_numbers(rows: int) -> pa.Array:
    """Spreadsheet line numbers of rows read in order: the header is line 1."""
    return pa.array(np.arange(2, rows + 2, dtype=np.int64))


def _read_csv_exact(text: str, delimiter: str) -> tuple[pa.Table, list[RowProblem]]:
    """Slow path for files with blank or malformed rows: exact spreadsheet line numbers."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(rows)
    _check_headers(header)
    columns: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line is not a row
        if len(row) != len(header):
            problems.append(
                RowProblem(
                    number,
                    delimiter.join(row),
                    f"La fila tiene {len(row)} columnas y el encabezado {len(header)}; "
                    "revise separadores o comillas.",
                )
            )
            continue
        for column, cell in zip(columns, row, strict=True):
            column.append(cell)
        lines.append(number)
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    table = pa.Table.from_arrays([*arrays, pa.array(lines, pa.int64())], names=[*header, LINE])
    return table, problems


def _check_headers(header: list[str]) -> None:
    names = [token(h) for h in header if h.strip()]
    if not names:
        raise RejectedFile("El archivo no tiene encabezados en la primera línea.")
    duplicated = sorted({h for h in names if names.count(h) > 1})
    if duplicated:
        raise RejectedFile("Encabezados repetidos: " + ", ".join(duplicated) + ".")


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

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise RejectedFile(f"No se pudo abrir el Excel: {exc}") from exc
    from loaders.contracts import KINDS

    wanted = {token(kind_hint)} if kind_hint else {token(k) for k in KINDS}
    names = workbook.sheet_names
    sheet_name = next((n for n in names if token(n) in wanted), names[0])
    rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    if not rows:
        raise RejectedFile(f"La hoja «{sheet_name}» está vacía.")
    header = [_excel_cell(v).strip() for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    _check_headers(header)
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
    try:
        table = pq.read_table(path)
    except Exception as exc:
        raise RejectedFile(f"No se pudo leer el Parquet: {exc}") from exc
    _check_headers(table.column_names)
    columns = [_parquet_column_as_text(table.column(i)) for i in range(table.num_columns)]
    lines = _line_numbers(table.num_rows)
    text = pa.Table.from_arrays([*columns, lines], names=[*table.column_names, LINE])
    return SourceTable(text, "parquet")


def _parquet_column_as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dates as ISO text; Arrow already prints 1234.0 as "1234", so counts read as integers."""
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.date32())
    return column.cast(pa.string()).fill_null("")
