"""Snapshots, their `.partial` copies, CURRENT, the signing key and kept answers are private to
the service's user (0600 files, 0700 folders) under the usual umask 022: they hold password
hashes and unvalidated figures (issue 17). Demo files go to a folder named after their
database, so one database's demo never overwrites another's."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dashboard.security import auth
from dashboard.server.answer_files import FOLDER, Answer, AnswerFiles
from loaders.cli import main
from loaders.demo import build
from tests.support.paths import REPO
from warehouse import snapshots
from warehouse.db import WarehouseError, connect

INSTITUTIONS = REPO / "tests" / "loaders" / "files" / "instituciones.csv"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_published_snapshot_its_partial_copy_and_current_are_private(
    tmp_path, monkeypatch
) -> None:
    db = tmp_path / "tablero.duckdb"
    seen: dict[str, int] = {}
    copyfile = shutil.copyfile

    def watched(src, dst, *args, **kwargs):
        if str(dst).endswith(".partial"):
            seen["partial"] = mode(Path(dst))  # before a single byte is copied
            result = copyfile(src, dst, *args, **kwargs)
            seen["partial_after"] = mode(Path(dst))
            return result
        return copyfile(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", watched)
    assert main(["ingest", "--db", str(db), str(INSTITUTIONS)]) == 0

    folder = snapshots.snapshot_dir(db)
    published = snapshots.current(db)
    assert published is not None
    assert seen == {"partial": 0o600, "partial_after": 0o600}
    assert mode(folder) == 0o700
    assert mode(published) == 0o600
    assert mode(folder / snapshots.POINTER) == 0o600
    assert mode(db) == 0o600  # the primary holds the same hashes


def test_a_folder_from_before_is_made_private_at_the_next_publication(tmp_path) -> None:
    db = tmp_path / "tablero.duckdb"
    connect(db).close()
    folder = snapshots.snapshot_dir(db)
    folder.mkdir(mode=0o755)
    old = folder / "tablero.1.duckdb"
    old.write_bytes(b"")
    old.chmod(0o644)
    assert mode(folder) == 0o755

    published = snapshots.ensure_published(db)

    assert published is not None and mode(published) == 0o600
    assert mode(folder) == 0o700  # no one else can reach the older file inside it either


def test_the_signing_key_is_private(tmp_path) -> None:
    db = tmp_path / "tablero.duckdb"
    key = auth._stored_secret(db)
    (path,) = tmp_path.glob("tablero.duckdb*")
    assert path.read_text("utf-8").strip() == key
    assert mode(path) == 0o600

    path.chmod(0o644)  # written by hand, or by an older version
    assert auth._stored_secret(db) == key
    assert mode(path) == 0o600


def test_kept_answers_and_every_folder_above_them_are_private(tmp_path) -> None:
    db = tmp_path / "tablero.duckdb"  # nothing published yet: the answers create the folders
    snapshot = snapshots.snapshot_dir(db) / "tablero.7.duckdb"
    scope = ("presidencia", (), None)
    key = ("/_dash-update-component", "/metas", scope, str(snapshot), 7, None, scope, "d")
    AnswerFiles().put(key, Answer(b'{"x": 1}', "application/json"))

    root = snapshots.snapshot_dir(db)
    written = sorted((root / FOLDER).iterdir())
    assert written and all(p.is_file() for p in written)
    assert [mode(p) for p in (root, root / FOLDER)] == [0o700, 0o700]
    assert [mode(p) for p in written] == [0o600] * len(written)


# ------------------------------------------------------------------ demo files


@pytest.fixture
def demo_files_written(monkeypatch) -> list[Path]:
    """`loaders demo` with the files' generation and loading replaced by a marker file: where
    the files go is the point, not the 20 s of generating them."""
    folders: list[Path] = []

    def write_demo_files(out_dir: Path, **_: object) -> list:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "demo_marca.csv").write_text(str(len(folders)), "utf-8")
        folders.append(out_dir)
        return []

    monkeypatch.setattr(build, "write_demo_files", write_demo_files)
    monkeypatch.setattr(build, "ingest_files", lambda *args, **kwargs: [])
    monkeypatch.setattr(build, "add_demo_accounts", lambda con: None)  # needs the loaded files
    monkeypatch.setattr(build, "add_demo_notes", lambda con, calendar: [])  # and the accounts
    return folders


def test_each_database_gets_its_own_demo_folder(tmp_path, demo_files_written) -> None:
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert main(["demo", "--db", str(first)]) == 0
    assert main(["demo", "--db", str(second)]) == 0

    assert demo_files_written == [build.demo_dir(first), build.demo_dir(second)]
    assert build.demo_dir(first) == tmp_path / "a.duckdb.demo"
    assert (tmp_path / "a.duckdb.demo" / "demo_marca.csv").read_text("utf-8") == "0"
    assert (tmp_path / "b.duckdb.demo" / "demo_marca.csv").read_text("utf-8") == "1"
    assert not (tmp_path / "demo").exists()  # the folder every database used to share


def test_a_refused_demo_writes_no_files(tmp_path, demo_files_written) -> None:
    real = tmp_path / "real.duckdb"
    connect(real).close()  # not marked as demo: real data is never touched
    with pytest.raises(WarehouseError):
        build.build_demo(real, today=date(2026, 11, 23))
    assert demo_files_written == []
    assert not build.demo_dir(real).exists()
