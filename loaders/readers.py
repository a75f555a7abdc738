"""Reading a file of any accepted format into a table of text cells with spreadsheet line numbers.

Every cell is read as text: types are decided later, column by column, so a bad cell becomes a
quarantined row with a reason instead of a failed file. Line numbers are those a spreadsheet
shows (header = line 1), because that is where the sender will look for the problem. Columns
of few distinct cells may come as dictionary arrays of text (`read_source`'s `repeated`).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from loaders import text as text_rules
from loaders.limits import Limits, active, thousands
from loaders.normalize import token

LINE = "__line"
SNIFF_BYTES = 64 * 1024
HEADER_BYTES = 4 * 1024**2  # the first line of a CSV is read whole, up to this size
FIELD_CHARS = 256 * 1024**2  # the exact reader's cell limit (the file's size bounds it anyway)
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
    _, bom = _detect_encoding(head)
    header, _ = _csv_header(path, bom, active())
    return header


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
    limits = active()
    if path.stat().st_size > limits.file_bytes:
        raise RejectedFile(
            f"El archivo pesa más de {thousands(limits.file_mb)} MB, el máximo admitido "
            "(TABLERO_MAX_FILE_MB); divídalo en varios archivos."
        )
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    encoding, bom = _detect_encoding(head)
    if _blank(path, head, bom):
        raise RejectedFile("El archivo está vacío.")
    header, delimiter = _csv_header(path, bom, limits)
    table: pa.Table | None = None
    exact, problems = False, 0
    if encoding == text_rules.UTF8:
        with contextlib.suppress(UnicodeDecodeError):  # not all UTF-8: read below
            table, problems = _read_csv_fast(path, header, bom, encoding, delimiter, repeated)
    if table is None:
        raw = path.read_bytes()[bom:]
        encoding, exact = text_rules.legacy_encoding(raw)
        if not exact:
            table, problems = _read_legacy(raw, header, delimiter, repeated)
        del raw
    if table is not None and table.num_rows > limits.rows:
        raise _too_many_rows(table.num_rows, limits)
    if problems or exact:
        decoded = text_rules.decode_checked(path.read_bytes()[bom:], encoding)
        table, row_problems = _read_csv_exact(decoded, delimiter, encoding, limits)
    else:
        row_problems = []
    fmt = f"csv '{delimiter}' {encoding}" + (" BOM" if bom else "")
    return SourceTable(table, fmt, decimal_comma=delimiter == ";", problems=row_problems)


def _too_many_rows(rows: int, limits: Limits) -> RejectedFile:
    return RejectedFile(
        f"El archivo tiene {thousands(rows)} filas; el máximo es {thousands(limits.rows)} "
        "(TABLERO_MAX_ROWS). Divídalo en varios archivos."
    )


def _csv_header(path: Path, bom: int, limits: Limits) -> tuple[list[str], str]:
    """(header cells, delimiter) from the whole first line, however long (up to HEADER_BYTES):
    a header cut at the sniffing window would look like repeated names."""
    first = b""
    with path.open("rb") as handle:
        handle.seek(bom)
        while len(first) <= HEADER_BYTES:
            chunk = handle.read(SNIFF_BYTES)
            ends = [i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0]
            if ends:
                first += chunk[: min(ends)]
                break
            first += chunk
            if not chunk:
                break
    if len(first) > HEADER_BYTES:
        raise RejectedFile(
            f"La primera línea pasa de {HEADER_BYTES // 1024**2} MB sin terminar: no es un "
            "encabezado de CSV."
        )
    try:
        line = first.decode(text_rules.UTF8)
    except UnicodeDecodeError:
        line = first.decode(text_rules.LEGACY, "replace")
    if text_rules.looks_binary(line):
        raise RejectedFile(
            "La primera línea no es un encabezado de texto: el archivo parece binario o no es un "
            "CSV. Envíe un CSV, un Excel (.xlsx) o un Parquet."
        )
    delimiter = _detect_delimiter(line)
    header = next(csv.reader([line], delimiter=delimiter), [])
    _check_headers(header, limits)
    return header, delimiter


def _blank(path: Path, head: bytes, bom: int = 0) -> bool:
    """No cells at all: empty (a byte-order mark alone included), or only spaces and line
    breaks."""
    body = head[bom:]
    if not body or not body.isspace():
        return not body
    return len(head) < SNIFF_BYTES or path.read_bytes()[bom:].isspace()


def _read_csv_fast(
    path: Path,
    header: list[str],
    bom: int,
    encoding: str,
    delimiter: str,
    repeated: Collection[str],
    data: pa.Buffer | None = None,
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
    reader takes over. `data`: the file's text as UTF-8, when it is not read from the disk."""
    source: str | pa.Buffer = str(path) if data is None else data
    try:
        table, problems = _arrow_csv(source, header, delimiter, repeated, newlines_in_values=False)
    except pa.ArrowInvalid as exc:
        if "out of sync" not in str(exc):
            raise _read_error(exc, encoding) from exc
        try:
            table, problems = _arrow_csv(
                source, header, delimiter, repeated, newlines_in_values=True
            )
        except pa.ArrowInvalid as again:
            raise _read_error(again, encoding) from again
    return table.append_column(LINE, _line_numbers(table.num_rows)), problems


def _read_legacy(
    raw: bytes, header: list[str], delimiter: str, repeated: Collection[str]
) -> tuple[pa.Table, int]:
    """A Windows-1252 file whose every byte is a character: decoded in memory, then read as
    a UTF-8 one (the fast way)."""
    data = pa.py_buffer(_decode(raw, text_rules.LEGACY).encode("utf-8"))
    return _read_csv_fast(Path(), header, 0, text_rules.LEGACY, delimiter, repeated, data)


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
    return RejectedFile(
        "No se pudo leer el CSV: revise que todas las filas usen el mismo separador y que las "
        "comillas estén cerradas."
    )


def _line_numbers(rows: int) -> pa.Array:
    """Spreadsheet line numbers of rows read in order: the header is line 1."""
    return pa.array(np.arange(2, rows + 2, dtype=np.int64))


def _read_csv_exact(
    text: str, delimiter: str, encoding: str = text_rules.UTF8, limits: Limits | None = None
) -> tuple[pa.Table, list[RowProblem]]:
    """Slow path for files with blank or malformed rows, or lines in another encoding
    (`text` from text.decode_checked): exact spreadsheet line numbers."""
    limits = limits or active()
    csv.field_size_limit(FIELD_CHARS)  # long cells are read, then quarantined by their column
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _exact_rows(rows, delimiter, encoding, limits)
    except csv.Error as exc:
        raise RejectedFile(
            f"No se pudo leer el CSV cerca de la línea {rows.line_num}: revise las comillas "
            "(una comilla sin cerrar une el resto del archivo en una sola celda)."
        ) from exc


def _exact_rows(
    rows: Iterator[list[str]], delimiter: str, encoding: str, limits: Limits
) -> tuple[pa.Table, list[RowProblem]]:
    header = [text_rules.printable(cell) for cell in next(rows, [])]
    _check_headers(header, limits)
    columns: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line is not a row
        if len(lines) + len(problems) >= limits.rows:
            raise _too_many_rows(len(lines) + len(problems) + 1, limits)
        line = delimiter.join(row)
        wrong = text_rules.line_problem(line, encoding)
        if wrong is not None:
            problems.append(RowProblem(number, wrong[1][: limits.cell_chars], wrong[0]))
            continue
        if len(row) != len(header):
            problems.append(
                RowProblem(
                    number,
                    line[: limits.cell_chars],
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


def _check_headers(header: list[str], limits: Limits | None = None) -> None:
    limits = limits or active()
    if len(header) > limits.columns:
        raise RejectedFile(
            f"El encabezado tiene {thousands(len(header))} columnas; el máximo es "
            f"{thousands(limits.columns)} (TABLERO_MAX_COLUMNS)."
        )
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
    _check_headers(header, limits)
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
    _check_headers(names, limits)
    if meta.num_rows > limits.rows:
        raise _too_many_rows(meta.num_rows, limits)
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
    _check_headers(table.column_names, limits)
    columns = [_parquet_column_as_text(table.column(i)) for i in range(table.num_columns)]
    lines = _line_numbers(table.num_rows)
    text = pa.Table.from_arrays([*columns, lines], names=[*table.column_names, LINE])
    return SourceTable(text, "parquet")


def _parquet_column_as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dates as ISO text; Arrow already prints 1234.0 as "1234", so counts read as integers."""
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.date32())
    return column.cast(pa.string()).fill_null("")
