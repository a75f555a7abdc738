"""The open data (metas, avance, diccionario) read through the public scope of the demo.

What must hold: no file carries an unvalidated figure or a bottleneck's text, the goals'
numbers are the public board's, the same data give the same bytes, and a revised target keeps
its original promise next to it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.public.data import load_board
from dashboard.public.open_data import (
    AVANCE,
    CSV_ENCODING,
    METAS,
    NotPublicCursor,
    open_data_files,
)
from loaders.demo.build import demo_dir
from loaders.ingest import ingest_file
from tests.support.demo_copies import writable_demo
from warehouse.scope import Scope, apply_scope

NAMES = {"metas.csv", "metas.json", "avance.csv", "avance.json", "diccionario.json"}
REVISED = "SAL-01"


def public_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    cur = con.cursor()
    apply_scope(cur, Scope.public())
    return cur


@pytest.fixture(scope="module")
def demo_con(demo_db: Path):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def files(demo_con) -> dict[str, bytes]:
    return open_data_files(public_cursor(demo_con))


def csv_frame(data: bytes) -> pd.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return pd.read_csv(
        io.BytesIO(data), sep=";", decimal=",", encoding=CSV_ENCODING, dtype={"region": str}
    )


def rows(data: bytes) -> list[dict]:
    return json.loads(data)["filas"]


def unvalidated_figures(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(goal, month, region or '', value) of every current figure awaiting validation."""
    found = con.execute(
        "SELECT codigo_meta, strftime(mes, '%Y-%m-%d'), coalesce(region, ''), valor_real"
        " FROM avance_mensual WHERE valid_to IS NULL AND estado <> 'validado'"
        " AND valor_real IS NOT NULL"
    ).fetchall()
    assert found, "the demo has figures awaiting validation"
    return found


def test_every_file_is_there_with_the_stamp_of_the_data(files, demo_con):
    assert set(files) == NAMES
    board = load_board(public_cursor(demo_con))
    for name in NAMES - {"metas.csv", "avance.csv"}:
        document = json.loads(files[name])
        assert document["ultima_actualizacion"] == f"{board.last_load:%Y-%m-%dT%H:%M:%S}Z"
        assert document["mes_de_corte"] == f"{board.as_of:%Y-%m-%d}"
        assert document["datos_de_demostracion"] is True
        assert document["filas"]


def test_no_file_holds_an_unvalidated_figure(files, demo_con):
    unvalidated = unvalidated_figures(demo_con)
    series = {
        (r["codigo_meta"], r["mes"], r["region"] or ""): r["valor_real"]
        for r in rows(files["avance.json"])
    }
    table = csv_frame(files["avance.csv"]).fillna({"region": ""})
    from_csv = {
        (r.codigo_meta, r.mes, r.region): r.valor_real for r in table.itertuples(index=False)
    }
    assert len(from_csv) == len(series) == len(table)
    for goal, month, region, value in unvalidated:
        for found in (series, from_csv):
            shown = found.get((goal, month, region))
            assert shown is None or pd.isna(shown), (goal, month, region, value)
    # Nor in any other file, under any written form: the values no validated figure, plan,
    # baseline or target shares, with four digits or more (no date or ratio looks the same).
    taken = {v for (v,) in demo_con.execute(
        "SELECT valor_real FROM avance_mensual WHERE valid_to IS NULL AND estado = 'validado'"
        " UNION SELECT valor_programado FROM avance_mensual"
        " UNION SELECT linea_base FROM metas UNION SELECT valor_meta FROM metas"
    ).fetchall()}  # fmt: skip
    distinctive = sorted({v for *_, v in unvalidated if abs(v) >= 1000} - taken)
    assert distinctive
    texts = {name: data.decode("utf-8-sig") for name, data in files.items()}
    for value in distinctive:
        whole, _, decimals = repr(float(value)).partition(".")
        written = re.compile(rf"(?<![\d.,]){re.escape(whole)}[.,]{decimals}(?!\d)")
        for name, text in texts.items():
            assert not written.search(text), (name, value)


def test_no_file_holds_a_bottleneck(files, demo_con):
    descriptions = [d for (d,) in demo_con.execute(
        "SELECT DISTINCT descripcion FROM restricciones WHERE descripcion IS NOT NULL"
    ).fetchall() if d.strip()]  # fmt: skip
    assert descriptions
    for name, data in files.items():
        text = data.decode("utf-8-sig")
        assert not [d for d in descriptions if d in text], name


def test_the_goals_numbers_are_the_public_boards(files, demo_con):
    board = load_board(public_cursor(demo_con)).goals.set_index("codigo_meta")
    published = {r["codigo_meta"]: r for r in rows(files["metas.json"])}
    assert sorted(published) == sorted(board.index)
    table = csv_frame(files["metas.csv"]).set_index("codigo_meta")
    for code, row in published.items():
        expected = board.loc[code]
        for column in ("linea_base", "valor_meta", "valor_actual", "avance"):
            value = expected[column]
            assert row[column] == (None if pd.isna(value) else float(value)), (code, column)
            assert table.loc[code, column] == pytest.approx(row[column], nan_ok=True) or (
                row[column] is None and pd.isna(table.loc[code, column])
            )
        assert row["semaforo"] == expected["semaforo"]
        month = expected["mes_reportado"]
        assert row["mes_reportado"] == (None if pd.isna(month) else f"{month:%Y-%m-%d}")
        assert row["fecha_meta"] == f"{expected['fecha_meta']:%Y-%m-%d}"
        assert row["revisiones"] == 0 and row["valor_meta_original"] == row["valor_meta"]


def test_the_same_data_give_the_same_bytes(files, demo_con):
    again = open_data_files(public_cursor(demo_con))
    assert {n: hashlib.sha256(b).hexdigest() for n, b in again.items()} == {
        n: hashlib.sha256(b).hexdigest() for n, b in files.items()
    }


def test_the_dictionary_describes_every_column(files):
    entries = rows(files["diccionario.json"])
    for name, fields in (("metas", METAS), ("avance", AVANCE)):
        described = [e for e in entries if e["archivo"] == name]
        assert [e["columna"] for e in described] == [f.name for f in fields]
        assert all(e["tipo"] and e["significado"] for e in described)
        assert list(csv_frame(files[f"{name}.csv"]).columns) == [f.name for f in fields]
        assert list(rows(files[f"{name}.json"])[0]) == [f.name for f in fields]
    units = {e["columna"]: e["unidad"] for e in entries if e["archivo"] == "metas"}
    assert "unidad de la meta" in units["valor_actual"] and units["codigo_meta"] is None


def test_only_a_public_cursor_may_read_them(demo_con):
    with pytest.raises(NotPublicCursor):
        open_data_files(demo_con.cursor())
    staff = demo_con.cursor()
    apply_scope(staff, Scope.everything())
    with pytest.raises(NotPublicCursor):
        open_data_files(staff)


def revised_metas_file(demo_db: Path, folder: Path, new_target: int) -> Path:
    """The demo's goals file with REVISED's target changed, in the demo's own dialect."""
    source = demo_dir(demo_db) / "demo_metas.csv"
    text = source.read_bytes().decode("cp1252")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = [h.lower() for h in lines[0]]
    target = header.index("valor meta")
    row = next(line for line in lines if line[0] == REVISED)
    row[target] = str(new_target)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(lines)
    path = folder / "metas_revisadas.csv"
    path.write_bytes(out.getvalue().encode("cp1252"))
    return path


def test_a_revised_target_keeps_its_original_promise(demo_db, tmp_path):
    with writable_demo(demo_db, tmp_path) as con:
        (old,) = con.execute(
            "SELECT valor_meta FROM metas WHERE valid_to IS NULL AND codigo_meta = ?", [REVISED]
        ).fetchone()
        new = int(old) - 100_000
        result = ingest_file(
            con, revised_metas_file(demo_db, tmp_path, new), loaded_at=datetime(2025, 6, 17, 12)
        )
        assert result.status == "loaded", result
        files = open_data_files(public_cursor(con))
    goals = {r["codigo_meta"]: r for r in rows(files["metas.json"])}
    revised = goals.pop(REVISED)
    assert (revised["valor_meta"], revised["valor_meta_original"]) == (new, old)
    assert revised["revisiones"] == 1
    assert revised["avance"] != revised["avance_meta_original"]
    assert all(g["revisiones"] == 0 for g in goals.values())
    table = csv_frame(files["metas.csv"]).set_index("codigo_meta")
    assert table.loc[REVISED, "valor_meta_original"] == old
    assert table.loc[REVISED, "revisiones"] == 1
    assert json.loads(files["metas.json"])["ultima_actualizacion"] == "2025-06-17T12:00:00Z"
