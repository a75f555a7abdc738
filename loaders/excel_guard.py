"""Checking an .xlsx before a spreadsheet library opens it: size unzipped, XML, sheet area.

An .xlsx is a zip of XML parts, and the library that reads it (calamine, in Rust) trusts them:
a 262 KB file whose one cell unzips to 256 MiB, or one cell at XFD1048576 (calamine allocates
the whole area: 512 GiB, and the process aborts), or an XML entity bomb. So the parts are first
unzipped here in bounded chunks, counting the bytes actually produced, refusing any DTD (a real
workbook never has one), and measuring each sheet from the cells it really holds.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from loaders.limits import Limits, thousands
from loaders.source_table import RejectedFile

CHUNK = 1 << 20
MAX_PARTS = 10_000
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_P = rb"<(?:[A-Za-z_][\w.-]*:)?"  # an element, with or without a namespace prefix
_ROW_START = re.compile(_P + rb"row[\s>/]")
_ROW_NUMBER = re.compile(_P + rb"row\b[^>]*?\sr=\"(\d{1,12})\"")
_CELL = re.compile(_P + rb"c[\s>/]")
_CELL_REF = re.compile(_P + rb"c\b[^>]*?\sr=\"([A-Za-z]{1,8})(\d{1,12})\"")


@dataclass
class SheetSize:
    """The last row and column a sheet's cells reach (what calamine will allocate)."""

    rows: int = 0
    columns: int = 0


def column_number(letters: bytes | str) -> int:
    number = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(ch) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def checked_parts(path: Path, limits: Limits) -> tuple[dict[str, str], dict[str, SheetSize]]:
    """(sheet name → its part, part → its size): every part unzipped once, bounded.

    Raises RejectedFile when the zip is broken, declares or produces more than the limit once
    unzipped, or holds a DTD."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RejectedFile(
            "No se pudo abrir el Excel: el archivo no es un .xlsx válido "
            "(zip dañado o de otro tipo)."
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise RejectedFile(
                f"El Excel tiene {thousands(len(infos))} partes internas; no es un libro normal."
            )
        declared = sum(info.file_size for info in infos)
        if declared > limits.xlsx_bytes:
            raise _too_big(declared, limits)
        sizes: dict[str, SheetSize] = {}
        produced = 0
        texts: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            scanning = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            scan = _SheetScan() if scanning else None
            kept = info.filename.endswith(("workbook.xml", "workbook.xml.rels"))
            try:
                produced = _read_part(
                    archive, info, produced, limits, scan, texts if kept else None
                )
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
                raise RejectedFile(
                    "El Excel está dañado: una de sus partes no se puede descomprimir."
                ) from exc
            if scan is not None:
                sizes[info.filename] = scan.size()
    return _sheet_parts(texts), sizes


def _too_big(size: int, limits: Limits) -> RejectedFile:
    return RejectedFile(
        f"El Excel ocupa más de {thousands(limits.xlsx_mb)} MB una vez descomprimido "
        f"({thousands(size // 1024**2)} MB o más); es el máximo admitido "
        "(TABLERO_MAX_XLSX_MB). Envíe los datos como CSV o divida el archivo."
    )


def _read_part(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    produced: int,
    limits: Limits,
    scan: _SheetScan | None,
    texts: dict[str, bytes] | None,
) -> int:
    """Unzip one part chunk by chunk (zipfile stops at the declared size and checks the CRC),
    counting what comes out against the limit; look for a DTD and measure a sheet."""
    tail = b""
    whole: list[bytes] = []
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            produced += len(chunk)
            if produced > limits.xlsx_bytes:
                raise _too_big(produced, limits)
            if _DTD.search(tail + chunk):
                raise RejectedFile(
                    "El Excel contiene una declaración DTD o entidades XML, que no se admiten "
                    "(un libro de Excel normal no las tiene)."
                )
            tail = chunk[-32:]
            if scan is not None:
                scan.feed(chunk)
            if texts is not None:
                whole.append(chunk)
    if texts is not None:
        texts[info.filename] = b"".join(whole)
    return produced


class _SheetScan:
    """The farthest row and column of a sheet's cells, read from the XML as it streams by."""

    def __init__(self) -> None:
        self.carry = b""
        self.rows = 0  # <row> elements seen: rows without a number follow each other
        self.last_row = 0
        self.last_column = 0
        self.cells_in_row = 0  # cells of the row still open, for cells written without r=

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")
        data, self.carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        if len(self.carry) > CHUNK:  # no tag start in a whole chunk: nothing to keep
            data, self.carry = data + self.carry, b""
        self._measure(data)

    def _measure(self, data: bytes) -> None:
        rows = _ROW_START.findall(data)
        self.rows += len(rows)
        numbers = _ROW_NUMBER.findall(data)
        if numbers:
            self.last_row = max(self.last_row, max(map(int, numbers)))
        refs = _CELL_REF.findall(data)
        if refs:
            self.last_column = max(self.last_column, max(column_number(c) for c, _ in refs))
            self.last_row = max(self.last_row, max(int(r) for _, r in refs))
        cells = len(_CELL.findall(data))
        if cells > len(refs):  # cells placed by position: count them row by row
            pieces = _ROW_START.split(data)
            counts = [len(_CELL.findall(piece)) for piece in pieces]
            counts[0] += self.cells_in_row
            self.last_column = max(self.last_column, max(counts))
            self.cells_in_row = counts[-1]
        elif rows:
            self.cells_in_row = 0

    def size(self) -> SheetSize:
        self._measure(self.carry)
        self.carry = b""
        return SheetSize(max(self.rows, self.last_row), self.last_column)


def _sheet_parts(texts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its part inside the zip, from the workbook and its relationships."""
    workbook = next((n for n in texts if n.endswith("workbook.xml")), None)
    rels = next((n for n in texts if n.endswith("workbook.xml.rels")), None)
    if workbook is None or rels is None:
        return {}
    try:
        targets = {
            el.get("Id"): el.get("Target", "")
            for el in ElementTree.fromstring(texts[rels]).iter()
            if el.tag.endswith("Relationship")
        }
        sheets = [
            el for el in ElementTree.fromstring(texts[workbook]).iter() if el.tag.endswith("}sheet")
        ]
    except ElementTree.ParseError:
        return {}
    base = PurePosixPath(workbook).parent
    found = {}
    for sheet in sheets:
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid)
        if sheet.get("name") is not None and target:
            part = target.lstrip("/") if target.startswith("/") else str(base / target)
            found[sheet.get("name", "")] = part
    return found


def check_sheet(name: str, part: str | None, sizes: dict[str, SheetSize], limits: Limits) -> None:
    """Refuse a sheet whose cells reach past the limits (every sheet, when the part is unknown)."""
    measured = [sizes[part]] if part in sizes else list(sizes.values())
    for size in measured:
        if size.columns > limits.columns:
            raise RejectedFile(
                f"La hoja «{name}» tiene celdas hasta la columna {column_letters(size.columns)} "
                f"({thousands(size.columns)} columnas); el máximo es "
                f"{thousands(limits.columns)} columnas (TABLERO_MAX_COLUMNS)."
            )
        if size.rows > limits.rows:
            raise RejectedFile(
                f"La hoja «{name}» tiene celdas hasta la fila {thousands(size.rows)}; el máximo "
                f"es {thousands(limits.rows)} filas (TABLERO_MAX_ROWS)."
            )
        if size.rows * size.columns > limits.cells:
            raise RejectedFile(
                f"La hoja «{name}» abarca {thousands(size.rows)} filas por "
                f"{thousands(size.columns)} columnas ({thousands(size.rows * size.columns)} "
                f"celdas); el máximo es {thousands(limits.cells)} celdas (TABLERO_MAX_CELLS). "
                "Borre las celdas alejadas de los datos."
            )
