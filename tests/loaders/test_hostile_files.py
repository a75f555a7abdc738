"""Any file, however hostile or clumsy, is answered 2 (rejected) or 3 (loaded with quarantine)
with a Spanish reason and a JSON summary, within seconds and bounded memory; a rejected file
leaves every table as it was, and no bad text (garbled, NUL, too long) is ever stored.

Each file is loaded by the real command line in a subprocess bounded in time and memory
(`run_cli`): a zip bomb or a far cell that made the loader allocate would crash it there (a
Rust abort, a MemoryError), not the test run."""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from loaders.cli import main
from tests.support.loader_files import FILES, snapshot, write

REPO = Path(__file__).parents[2]
MEMORY = 1536 * 1024**2
HARD_STOP = 4 * 1024**3
GOAL_HEADER = (
    "codigo_meta,nombre,ministerio,gerente,unidad,sentido,linea_base,valor_meta,"
    "fecha_inicio,fecha_meta\n"
)
GOAL = "{code},{name},Ministerio de Salud,Ana Pérez,personas,descendente,100,50,2024-01-01,2026-12-31\n"
ENGLISH = ("codec", "Error", "error:", "Traceback", "Expected", "can't", "invalid", "line contains")


RUNNER = """
import resource, sys
from loaders.cli import main
try:
    code = main(sys.argv[1:])
finally:
    print("peak_kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run_cli(db: Path, path: Path, *extra: str) -> tuple[int, list[dict]]:
    """`python -m loaders ingest --json` in a subprocess bounded in memory and time: it must
    answer within 30 s, never use more than 1.5 GB (its peak resident memory), and a blow-up
    past 4 GB of data is stopped by the kernel (the address space is no measure: Arrow's and
    DuckDB's thread pools reserve gigabytes of it that they never touch)."""

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (HARD_STOP, HARD_STOP))

    done = subprocess.run(
        [sys.executable, "-c", RUNNER, "ingest", "--db", str(db), "--json", *extra, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=bounded,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    summaries = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(summaries) == 1, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    peak = int(done.stderr.rsplit("peak_kib", 1)[1].split()[0]) * 1024
    assert peak < MEMORY, f"{peak / 1024**2:.0f} MB"
    return done.returncode, summaries


def reasons(summary: dict) -> list[str]:
    found = [summary["message"]] if summary["message"] else []
    return found + [e["reason"] for e in summary["errors"]]


def assert_spanish(summary: dict) -> None:
    found = reasons(summary)
    assert found and all(text.strip() for text in found), summary
    for text in found:
        assert not any(word in text for word in ENGLISH), text


def tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


@pytest.fixture
def goals_db(db_path: Path) -> Path:
    """A warehouse holding services and two goals, so that text columns can be loaded."""
    assert main(["ingest", "--db", str(db_path), str(FILES / "instituciones.csv")]) == 0
    assert main(["ingest", "--db", str(db_path), str(FILES / "metas_v1.csv")]) == 0
    return db_path


# --------------------------------------------------------------------------- hostile .xlsx

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="poblacion" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_CLOSE = "</sheetData></worksheet>"


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = (
    '<row r="1">'
    + cell("A1", "territorio")
    + cell("B1", "anio")
    + cell("C1", "poblacion")
    + "</row>"
)
GOOD_ROW = '<row r="2">' + cell("A2", "5101") + cell("B2", "2024") + cell("C2", "10") + "</row>"


def xlsx(path: Path, rows: str = "", *, doctype: str = "", big_cell_mib: int = 0) -> Path:
    """A minimal workbook, its one sheet written by hand (what an attacker controls)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write((SHEET_OPEN.format(doctype=doctype) + HEADER_ROW + rows).encode())
            if big_cell_mib:
                sheet.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
                block = b"A" * 1024**2
                for _ in range(big_cell_mib):
                    sheet.write(block)
                sheet.write(b"</t></is></c></row>")
            sheet.write(SHEET_CLOSE.encode())
    return path


def lying_sizes(path: Path, member: str, declared: int) -> Path:
    """Say `member` unzips to `declared` bytes in both zip headers, whatever it really holds."""
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(member)
    data = bytearray(path.read_bytes())
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    data[local + 22 : local + 26] = declared.to_bytes(4, "little")
    name = member.encode()
    start = data.find(b"PK\x01\x02")  # every central directory record: patch the member's
    while start != -1:
        name_length = int.from_bytes(data[start + 28 : start + 30], "little")
        if data[start + 46 : start + 46 + name_length] == name:
            data[start + 24 : start + 28] = declared.to_bytes(4, "little")
        start = data.find(b"PK\x01\x02", start + 4)
    path.write_bytes(bytes(data))
    return path


ENTITY_BOMB = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def zip_bomb(tmp: Path) -> Path:
    return xlsx(tmp / "bomba.xlsx", big_cell_mib=256)


def lying_zip_bomb(tmp: Path) -> Path:
    path = xlsx(tmp / "bomba_mentirosa.xlsx", big_cell_mib=300)
    return lying_sizes(path, "xl/worksheets/sheet1.xml", 4096)


def far_cell(tmp: Path) -> Path:
    return xlsx(
        tmp / "lejana.xlsx", GOOD_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )


def wide_area(tmp: Path) -> Path:
    """Column 2,000 (within the column limit) at Excel's last row: 2 billion cells."""
    return xlsx(
        tmp / "area.xlsx", GOOD_ROW + '<row r="1048576"><c r="BXX1048576"><v>1</v></c></row>'
    )


def cells_without_references(tmp: Path) -> Path:
    """Cells placed by position (no r=): 5,000 of them on one row."""
    return xlsx(tmp / "sin_ref.xlsx", GOOD_ROW + "<row>" + "<c><v>1</v></c>" * 5000 + "</row>")


def entity_bomb(tmp: Path) -> Path:
    rows = '<row r="2">' + cell("A2", "&lol9;") + "</row>"
    return xlsx(tmp / "entidades.xlsx", rows, doctype=ENTITY_BOMB)


def not_a_zip(tmp: Path) -> Path:
    path = tmp / "falso.xlsx"
    path.write_bytes(random.Random(7).randbytes(50_000))
    return path


# --------------------------------------------------------------------------- hostile text


def garbage(tmp: Path) -> Path:
    path = tmp / "basura.csv"
    path.write_bytes(random.Random(1).randbytes(200_000))
    return path


def garbage_parquet(tmp: Path) -> Path:
    path = tmp / "basura.parquet"
    path.write_bytes(b"PAR1" + random.Random(2).randbytes(20_000) + b"PAR1")
    return path


def bom_only(tmp: Path) -> Path:
    path = tmp / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    return path


def bom_and_breaks(tmp: Path) -> Path:
    path = tmp / "bom2.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    return path


def cr_only(tmp: Path) -> Path:
    path = tmp / "cr.csv"
    path.write_bytes(b"\r" * 5000)
    return path


def nul_header(tmp: Path) -> Path:
    path = tmp / "nul_encabezado.csv"
    path.write_bytes(b"territorio\x00,anio,poblacion\n5101,2024,10\n")
    return path


def huge_header(columns: int) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        names = ["territorio", "anio", "poblacion"] + [f"col{i}" for i in range(columns)]
        return write(
            tmp / f"ancho_{columns}.csv", ",".join(names) + "\n5101,2024,10" + "," * columns + "\n"
        )

    return build


REJECTED = {
    "zip_bomb": (zip_bomb, "descomprimido"),
    "lying_zip_bomb": (lying_zip_bomb, "dañado"),
    "far_cell": (far_cell, "columna XFD"),
    "wide_area": (wide_area, "celdas"),
    "cells_without_references": (cells_without_references, "columnas"),
    "entity_bomb": (entity_bomb, "DTD"),
    "not_a_zip": (not_a_zip, ".xlsx válido"),
    "garbage": (garbage, "binario"),
    "garbage_parquet": (garbage_parquet, "Parquet"),
    "bom_only": (bom_only, "vacío"),
    "bom_and_breaks": (bom_and_breaks, "vacío"),
    "cr_only": (cr_only, "vacío"),
    "nul_header": (nul_header, "binario"),
    "header_20k": (huge_header(20_000), "columnas"),
    "header_100k": (huge_header(100_000), "columnas"),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_a_hostile_file_is_rejected_with_a_spanish_reason_and_nothing_changes(
    goals_db, tmp_path, case
) -> None:
    build, words = REJECTED[case]
    path = build(tmp_path)
    before = tables(goals_db)
    code, [summary] = run_cli(goals_db, path)
    assert (code, summary["status"]) == (2, "rejected"), summary
    assert_spanish(summary)
    assert words in summary["message"], summary["message"]
    assert "Encabezados repetidos" not in summary["message"]
    assert tables(goals_db) == before


def stored_goal_names(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT nombre FROM metas").fetchall()]
    finally:
        con.close()


def quarantined(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT linea, columna, motivo, length(coalesce(valor, '')), length(fila_original)"
            " FROM cuarentena ORDER BY linea"
        ).fetchall()
    finally:
        con.close()


def mixed_mostly_utf8(tmp: Path) -> Path:
    lines = [GOAL.format(code=f"M-1{i}", name="Atención primaria") for i in range(3)]
    raw = GOAL_HEADER.encode() + "".join(lines).encode("utf-8")
    raw += GOAL.format(code="M-19", name="Atención en Latin-1").encode("cp1252")
    path = tmp / "mezcla_utf8.csv"
    path.write_bytes(raw)
    return path


def mixed_mostly_latin1(tmp: Path) -> Path:
    lines = [GOAL.format(code=f"M-2{i}", name="Gestión regional") for i in range(3)]
    raw = GOAL_HEADER.encode() + "".join(lines).encode("cp1252")
    raw += GOAL.format(code="M-29", name="Atención en UTF-8").encode("utf-8")
    path = tmp / "mezcla_latin1.csv"
    path.write_bytes(raw)
    return path


def nul_in_text(tmp: Path) -> Path:
    rows = GOAL.format(code="M-31", name="Meta con\x00nulo") + GOAL.format(
        code="M-32", name="Buena"
    )
    return write(tmp / "nulo.csv", GOAL_HEADER + rows)


def huge_cell(tmp: Path) -> Path:
    header = "codigo_restriccion,codigo_meta,tipo,severidad,nivel,descripcion,fecha_alerta\n"
    rows = "R-1,M-01,legal,rojo,estrategia," + "x" * 10_000_000 + ",2024-03-01\n"
    rows += "R-2,M-01,legal,rojo,estrategia,Falta un decreto,2024-03-01\n"
    return write(tmp / "restricciones.csv", header + rows)


def long_name(tmp: Path) -> Path:
    return write(tmp / "largo.csv", GOAL_HEADER + GOAL.format(code="M-41", name="n" * 600)
                 + GOAL.format(code="M-42", name="Corta"))  # fmt: skip


QUARANTINED = {
    "mixed_mostly_utf8": (mixed_mostly_utf8, "no está en UTF-8", 5),
    "mixed_mostly_latin1": (mixed_mostly_latin1, "está en UTF-8", 5),
    "nul_in_text": (nul_in_text, "carácter nulo", 2),
    "huge_cell": (huge_cell, "2.000 caracteres", 2),
    "long_name": (long_name, "500 caracteres", 2),
}


@pytest.mark.parametrize("case", sorted(QUARANTINED))
def test_bad_text_is_quarantined_with_its_reason_never_stored(goals_db, tmp_path, case) -> None:
    build, words, line = QUARANTINED[case]
    code, [summary] = run_cli(goals_db, build(tmp_path))
    assert (code, summary["status"], summary["rows_quarantined"]) == (3, "partial", 1), summary
    assert_spanish(summary)
    assert [e["line"] for e in summary["errors"]] == [line]
    assert words in summary["errors"][0]["reason"]
    names = stored_goal_names(goals_db)
    assert not any("Ã" in n or "\x00" in n or len(n) > 500 for n in names), names
    [(stored_line, _column, reason, value_chars, row_chars)] = quarantined(goals_db)
    assert stored_line == line and words in reason
    assert value_chars <= 32_767 and row_chars < 100_000  # not the 10-million-character cell


def test_descriptions_of_ten_million_characters_are_not_stored(goals_db, tmp_path) -> None:
    assert run_cli(goals_db, huge_cell(tmp_path))[0] == 3
    con = duckdb.connect(str(goals_db), read_only=True)
    try:
        stored = con.execute(
            "SELECT codigo_restriccion, length(descripcion) FROM restricciones"
        ).fetchall()
    finally:
        con.close()
    assert stored == [("R-2", 16)]


def test_a_file_with_mac_line_breaks_loads(goals_db, tmp_path) -> None:
    """CR alone ends lines in files saved by old Mac Excel: read, not refused with a csv error."""
    path = tmp_path / "mac.csv"
    path.write_bytes(b"territorio,anio,poblacion\r5101,2024,10\r5102,2024,20\r")
    code, [summary] = run_cli(goals_db, path)
    assert (code, summary["rows_loaded"]) == (0, 2), summary


def test_limits_come_from_the_environment_or_the_command_line(goals_db, tmp_path) -> None:
    path = huge_header(10)(tmp_path)  # 13 columns
    code, [summary] = run_cli(goals_db, path, "--max-columns", "12")
    assert code == 2 and "13 columnas; el máximo es 12" in summary["message"]
    assert run_cli(goals_db, path)[0] == 0
