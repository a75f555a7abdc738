"""Answers kept on disk for every serving process (dashboard/answer_files.py): whole or
absent, private, bounded, and only for the current snapshot and day."""

from __future__ import annotations

import stat
from datetime import date

from dashboard.answer_files import FOLDER, Answer, AnswerFiles
from warehouse import snapshots

DAY = date(2026, 11, 23)


def key(database, stamp: int, request: str = "/metas", day: date = DAY) -> tuple[object, ...]:
    return (
        "/_dash-update-component",
        request,
        ("presidencia", (), None),
        str(database),
        stamp,
        day,
    )


def folders(database) -> list[str]:
    return sorted(p.name for p in (snapshots.snapshot_dir(database) / FOLDER).iterdir())


def test_what_one_process_writes_another_reads_whole(tmp_path) -> None:
    database = tmp_path / "tablero.duckdb"
    answer = Answer(b'{"x": 1}', "application/json")
    AnswerFiles().put(key(database, 1), answer)
    assert AnswerFiles().get(key(database, 1)) == answer  # another process's store
    assert AnswerFiles().get(key(database, 1, "/mapa")) is None
    assert AnswerFiles().get(key(database, 2)) is None  # another snapshot
    (folder,) = (snapshots.snapshot_dir(database) / FOLDER).iterdir()
    (written,) = folder.iterdir()  # no temporary file left behind
    assert not written.name.startswith(".")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_a_new_snapshot_or_day_removes_older_folders_never_newer_ones(tmp_path) -> None:
    database = tmp_path / "tablero.duckdb"
    answer = Answer(b"{}", "application/json")
    AnswerFiles().put(key(database, 10), answer)
    AnswerFiles().put(key(database, 20), answer)
    assert folders(database) == ["20-2026-11-23"]
    AnswerFiles().put(key(database, 10), answer)  # a process still on the older snapshot
    assert folders(database) == ["10-2026-11-23", "20-2026-11-23"]
    AnswerFiles().put(key(database, 20, day=date(2026, 11, 24)), answer)
    assert folders(database) == ["20-2026-11-24"]


def test_each_process_writes_a_bounded_amount_per_folder(tmp_path) -> None:
    database = tmp_path / "tablero.duckdb"
    store = AnswerFiles(max_bytes=250)
    for request in ("/a", "/b", "/c"):
        store.put(key(database, 1, request), Answer(b"x" * 100, "application/json"))
    assert store.get(key(database, 1, "/b")) is not None
    assert store.get(key(database, 1, "/c")) is None  # over the bound: not written
