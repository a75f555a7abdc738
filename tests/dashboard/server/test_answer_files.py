"""Answers kept on disk for every serving process (dashboard/server/answer_files.py): whole or
absent, private, bounded, and only for the current snapshot and day."""

from __future__ import annotations

import stat
from datetime import date

import diskcache

from dashboard.server.answer_files import FOLDER, Answer, AnswerFiles
from warehouse import snapshots

DAY = date(2026, 11, 23)


def key(database, stamp: int, request: str = "/metas", day: date = DAY) -> tuple[object, ...]:
    """An answer's key: the request, then cache.data_version (snapshot file, ingestion, its
    load time, scope, day)."""
    snapshot = snapshots.snapshot_dir(database) / f"{database.stem}.{stamp}.duckdb"
    scope = ("presidencia", (), None)
    return ("/_dash-update-component", request, scope, str(snapshot), stamp, None, scope, day)


def store_files(database) -> list:
    return sorted((snapshots.snapshot_dir(database) / FOLDER).iterdir())


def test_what_one_process_writes_another_reads_whole(tmp_path) -> None:
    database = tmp_path / "tablero.duckdb"
    answer = Answer(b'{"x": 1}', "application/json")
    AnswerFiles().put(key(database, 1), answer)
    assert AnswerFiles().get(key(database, 1)) == answer  # another process's store
    assert AnswerFiles().get(key(database, 1, "/mapa")) is None
    assert AnswerFiles().get(key(database, 2)) is None  # another snapshot
    folder = snapshots.snapshot_dir(database) / FOLDER
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for written in store_files(database):  # no temporary file left readable by others
        assert not written.name.startswith(".")
        assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_a_new_snapshot_or_day_is_never_answered_from_an_older_one(tmp_path) -> None:
    database = tmp_path / "tablero.duckdb"
    older, newer = Answer(b"{10}", "application/json"), Answer(b"{20}", "application/json")
    AnswerFiles().put(key(database, 10), older)
    AnswerFiles().put(key(database, 20), newer)
    assert AnswerFiles().get(key(database, 20)) == newer
    assert AnswerFiles().get(key(database, 10)) == older  # a process still on the older one
    assert AnswerFiles().get(key(database, 20, day=date(2026, 11, 24))) is None  # next day
    assert AnswerFiles().get(key(database, 30)) is None


def test_the_store_is_bounded_oldest_answers_out_first(tmp_path) -> None:
    database = tmp_path / "tablero.duckdb"
    store = AnswerFiles(max_bytes=400_000)
    for n in range(40):
        store.put(key(database, 1, f"/p{n}"), Answer(b"x" * 30_000, "application/json"))
    assert store.get(key(database, 1, "/p39")) is not None
    assert store.get(key(database, 1, "/p0")) is None  # evicted: least recently stored
    with diskcache.Cache(str(snapshots.snapshot_dir(database) / FOLDER)) as kept:
        assert 0 < len(kept) <= 400_000 // 30_000  # what is kept fits the bound
    store.put(key(database, 1, "/huge"), Answer(b"x" * 100_001, "application/json"))
    assert store.get(key(database, 1, "/huge")) is None  # over a quarter: not kept
