"""A file is all in or all out; reloading is idempotent; replaced values keep their history."""

from __future__ import annotations

import datetime as dt

import pytest

from loaders import ingest as ingest_module
from loaders.ingest import ingest_file, ingest_files
from tests.support.loader_files import FILES, snapshot, write
from warehouse import ingestion

T1 = dt.datetime(2026, 1, 10, 12, 0)
T2 = dt.datetime(2026, 2, 10, 12, 0)


def test_file_missing_a_required_column_changes_nothing(con, tmp_path):
    ingest_files(con, [FILES / "instituciones.csv", FILES / "productos.csv"])
    before = snapshot(con)
    path = write(tmp_path / "e.csv", "servicio,producto,territorio,mes\nFONASA,x,5101,2024-01\n")
    result = ingest_file(con, path, kind="entregas")
    assert (result.status, result.exit_code) == ("rejected", 2)
    assert "beneficiarios" in result.message
    assert snapshot(con) == before


def test_unrecognised_file_changes_nothing(con, tmp_path):
    before = snapshot(con)
    result = ingest_file(con, write(tmp_path / "x.csv", "a,b\n1,2\n"))
    assert result.status == "rejected" and "No se reconoce" in result.message
    assert snapshot(con) == before


def test_crash_in_the_middle_of_a_load_leaves_the_database_as_it_was(con, monkeypatch):
    ingest_files(con, [FILES / "instituciones.csv"])
    before = snapshot(con)
    real_write = ingestion.write_versioned

    def write_then_fail(*args, **kwargs):
        real_write(*args, **kwargs)  # the rows are written… then the process "crashes"
        raise RuntimeError("disco lleno")

    monkeypatch.setattr(ingestion, "write_versioned", write_then_fail)
    [result] = ingest_files(con, [FILES / "productos.csv"])
    assert (result.status, result.exit_code) == ("error", 1)
    assert snapshot(con) == before


@pytest.mark.parametrize("when", [dt.datetime(2000, 1, 1), None], ids=["earlier", "now"])
@pytest.mark.parametrize("hash_first", [True, False], ids=["hashed-first", "hashed-while-read"])
def test_same_file_twice_changes_nothing_and_says_so(con, tmp_path, monkeypatch, hash_first, when):
    """Small files are recognised before they are read, large ones once read, before anything
    is written (ingest.HASH_FIRST_BYTES): the answer is the same, also when the second load's
    time is earlier than the last load (the same bytes say more than the time)."""
    if not hash_first:
        monkeypatch.setattr(ingest_module, "HASH_FIRST_BYTES", 0)
    ingest_files(con, [FILES / "instituciones.csv"])
    before = snapshot(con)
    copy = tmp_path / "copia_con_otro_nombre.csv"
    copy.write_bytes((FILES / "instituciones.csv").read_bytes())
    for path in (FILES / "instituciones.csv", copy):
        result = ingest_file(con, path, loaded_at=when)
        assert (result.status, result.exit_code) == ("already_loaded", 0)
        assert "ya se cargó" in result.message
    assert snapshot(con) == before


def _goal_target(con, known_at: dt.datetime | None) -> dict[str, float]:
    rows = con.execute(
        "SELECT codigo_meta, valor_meta FROM metas WHERE valid_from <= ?"
        " AND (valid_to IS NULL OR valid_to > ?)",
        [known_at, known_at],
    ).fetchall()
    return dict(rows)


def test_replacement_keeps_history_as_known_at_any_date(con):
    first = ingest_file(con, FILES / "metas_v1.csv", loaded_at=T1)
    second = ingest_file(con, FILES / "metas_v2.csv", loaded_at=T2)
    assert (first.rows_new, second.rows_new, second.rows_replaced, second.rows_unchanged) == (
        2,
        1,
        1,
        1,
    )
    assert _goal_target(con, T1 - dt.timedelta(days=1)) == {}
    assert _goal_target(con, T1 + dt.timedelta(days=1)) == {"M-01": 50.0, "M-02": 20.0}
    assert _goal_target(con, T2) == {"M-01": 40.0, "M-02": 20.0, "M-03": 5.0}
    history = con.execute(
        "SELECT m.valor_meta, m.valid_from, m.valid_to, i.archivo, m.source_line"
        " FROM metas m JOIN ingestas i ON i.id = m.ingestion_id"
        " WHERE codigo_meta = 'M-01' ORDER BY valid_from"
    ).fetchall()
    assert history == [(50.0, T1, T2, "metas_v1.csv", 2), (40.0, T2, None, "metas_v2.csv", 2)]


def test_lineage_has_file_hash_line_and_load_time(con):
    ingest_file(con, FILES / "metas_v1.csv", loaded_at=T1)
    row = con.execute(
        "SELECT i.archivo, length(i.hash_contenido), i.cargado_en, m.source_line FROM metas m"
        " JOIN ingestas i ON i.id = m.ingestion_id WHERE codigo_meta = 'M-02'"
    ).fetchall()
    assert row == [("metas_v1.csv", 64, T1, 3)]


def test_history_cannot_go_back_in_time(con):
    ingest_file(con, FILES / "metas_v1.csv", loaded_at=T2)
    before = snapshot(con)
    result = ingest_file(con, FILES / "metas_v2.csv", loaded_at=T1)
    assert result.status == "rejected" and "anterior a la última carga" in result.message
    assert snapshot(con) == before


@pytest.mark.parametrize("name", ["datos.json", "sin_extension"])
def test_unsupported_format_is_rejected(con, tmp_path, name):
    result = ingest_file(con, write(tmp_path / name, "{}"))
    assert result.status == "rejected" and "Formato no admitido" in result.message


@pytest.mark.parametrize("text", ["", " \r\n\t\n", "\n\n"])
def test_empty_or_blank_csv_is_rejected_as_empty(con, tmp_path, text):
    before = snapshot(con)
    result = ingest_file(con, write(tmp_path / "entregas.csv", text))
    assert result.status == "rejected" and result.message == "El archivo está vacío."
    assert snapshot(con) == before
