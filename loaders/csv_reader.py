"""Reading a CSV into text cells: its encoding, delimiter and header sniffed, its rows read by
Arrow when the file is plain and row by row (with each bad row kept as a problem) when not.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Collection, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from loaders import text as text_rules
from loaders.limits import Limits, active, thousands
from loaders.source_table import (
    LINE,
    TEXT_CODES,
    RejectedFile,
    RowProblem,
    SourceTable,
    check_headers,
    line_numbers,
    too_many_rows,
)

SNIFF_BYTES = 64 * 1024
HEADER_BYTES = 4 * 1024**2  # the first line of a CSV is read whole, up to this size
FIELD_CHARS = 256 * 1024**2  # the exact reader's cell limit (the file's size bounds it anyway)
BLOCK_BYTES = 1 << 24  # pyarrow reads a CSV in blocks of this size, one per thread at a time


def detect_encoding(head: bytes) -> tuple[str, int]:
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
    encoding, bom = detect_encoding(head)
    if _blank(path, head, bom):
        raise RejectedFile("El archivo está vacío.")
    header, delimiter = csv_header(path, bom, limits)
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
        raise too_many_rows(table.num_rows, limits)
    if problems or exact:
        decoded = text_rules.decode_checked(path.read_bytes()[bom:], encoding)
        table, row_problems = _read_csv_exact(decoded, delimiter, encoding, limits)
    else:
        row_problems = []
    fmt = f"csv '{delimiter}' {encoding}" + (" BOM" if bom else "")
    return SourceTable(table, fmt, decimal_comma=delimiter == ";", problems=row_problems)


def csv_header(path: Path, bom: int, limits: Limits) -> tuple[list[str], str]:
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
    check_headers(header, limits)
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
    return table.append_column(LINE, line_numbers(table.num_rows)), problems


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
    check_headers(header, limits)
    columns: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line is not a row
        if len(lines) + len(problems) >= limits.rows:
            raise too_many_rows(len(lines) + len(problems) + 1, limits)
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
