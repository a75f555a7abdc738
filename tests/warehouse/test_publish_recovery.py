"""A committed load is always published, whatever step of it a kill -9 interrupts (issue 17).

The loader runs in a subprocess whose script wraps one function so that the process SIGKILLs
itself at a chosen step: before the commit, just after it, half-way through the snapshot copy
(the `.partial` file), and between the new snapshot and CURRENT. After a "restart" (the start
check that gunicorn's on_starting and `make run` run, a serving process's first read, or the
same file sent again) the served snapshot equals the primary and no `.partial` remains."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dashboard.server.database import Database
from loaders.cli import main
from tests.support.paths import REPO
from warehouse import snapshots
from warehouse.db import compose, ident, scalar
from warehouse.scope import Scope

FILES = REPO / "tests" / "loaders" / "files"
FIRST, SECOND = FILES / "instituciones.csv", FILES / "productos.csv"

# Runs `python -m loaders ingest --db DB FILE` with one function wrapped to kill the process.
KILLER = r"""
import os, shutil, signal, sys
from warehouse import ingestion, snapshots

db, path, step = sys.argv[1:4]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if step == "before_commit":  # rows written inside the file's transaction, not committed
    write_versioned = ingestion.write_versioned
    def written(*args, **kwargs):
        write_versioned(*args, **kwargs)
        die()
    ingestion.write_versioned = written
elif step == "after_commit":  # committed, publication not started
    snapshots.publish = lambda con, primary: die()
elif step == "during_copy":  # half of the snapshot copied into its .partial file
    copyfile = shutil.copyfile
    def half(src, dst, *args, **kwargs):
        if not str(dst).endswith(".partial"):
            return copyfile(src, dst, *args, **kwargs)
        with open(src, "rb") as source, open(dst, "wb") as target:
            target.write(source.read(os.path.getsize(src) // 2))
            target.flush()
        die()
    shutil.copyfile = half
elif step == "before_pointer":  # the snapshot in place, CURRENT staged but not replaced
    replace = os.replace
    def staged(src, dst, *args, **kwargs):
        if os.path.basename(str(src)).startswith(snapshots.POINTER + "."):
            die()
        return replace(src, dst, *args, **kwargs)
    os.replace = staged

from loaders.cli import main
sys.exit(main(["ingest", "--db", db, path]))
"""

COMMITTED = ("after_commit", "during_copy", "before_pointer")
STEPS = ("before_commit", *COMMITTED)


def state(path: Path) -> tuple[dict[str, int], int | None]:
    """Rows per table and the last ingestion: equal states mean the same committed data."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1"
            ).fetchall()
        ]
        counts = {t: scalar(con, compose("SELECT count(*) FROM {t}", t=ident(t))) for t in tables}
        last = con.execute("SELECT max(id) FROM ingestas").fetchone()[0]
    finally:
        con.close()
    return counts, last


def partials(db: Path) -> list[str]:
    return sorted(p.name for p in snapshots.snapshot_dir(db).glob("*.partial"))


def served_equals_primary(db: Path) -> None:
    published = snapshots.current(db)
    assert published is not None
    assert state(published) == state(db)
    assert not snapshots.is_behind(db)
    assert partials(db) == []


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """For each step: a folder holding a database whose second load was killed there, and
    the state that was served before that load."""
    out = {}
    for step in STEPS:
        folder = tmp_path_factory.mktemp(step)
        db = folder / "tablero.duckdb"
        assert main(["ingest", "--db", str(db), str(FIRST)]) == 0
        before = state(snapshots.current(db))
        done = subprocess.run(
            [sys.executable, "-c", KILLER, str(db), str(SECOND), step],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]
        out[step] = (folder, before)
    return out


def restored(crashed, step: str, tmp_path: Path) -> tuple[Path, dict]:
    """A private copy of the crashed folder (primary, its WAL, snapshots) for one test."""
    folder, before = crashed[step]
    copy = tmp_path / "copia"
    shutil.copytree(folder, copy, symlinks=True)
    return copy / "tablero.duckdb", before


@pytest.mark.parametrize("step", STEPS)
def test_the_start_check_publishes_what_was_committed(crashed, step, tmp_path) -> None:
    db, before = restored(crashed, step, tmp_path)
    assert state(snapshots.current(db)) == before  # still serving the first load
    if step in ("during_copy", "before_pointer"):
        assert partials(db)  # the dead publisher's file was left behind

    assert snapshots.ensure_published(db) is not None  # gunicorn's on_starting, make run

    served_equals_primary(db)
    loaded = state(db)[1] != before[1]
    assert loaded == (step in COMMITTED)  # a load killed before its commit left nothing


def test_a_serving_process_first_read_publishes_it(crashed, tmp_path) -> None:
    db, before = restored(crashed, "after_commit", tmp_path)
    database = Database(db, threads=1)
    try:
        assert database.run(Scope.public(), lambda cur: cur.execute("SELECT 1").fetchall())
        assert database.serving_path == snapshots.current(db)
    finally:
        database.close()
    served_equals_primary(db)
    assert state(db)[1] != before[1]


@pytest.mark.parametrize("step", COMMITTED)
def test_sending_the_file_again_publishes_it(crashed, step, tmp_path, capsys) -> None:
    db, before = restored(crashed, step, tmp_path)
    assert main(["ingest", "--db", str(db), "--json", str(SECOND)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["status"] == "already_loaded"
    served_equals_primary(db)
    assert state(db)[1] != before[1]


def test_publishing_an_unchanged_primary_copies_nothing(tmp_path) -> None:
    db = tmp_path / "tablero.duckdb"
    assert main(["ingest", "--db", str(db), str(FIRST)]) == 0
    published, stamp = snapshots.current(db), snapshots.pointer_stamp(db)
    assert snapshots.ensure_published(db) == published
    with snapshots.writer(db) as con:
        assert snapshots.publish(con, db) == published
    assert snapshots.pointer_stamp(db) == stamp
    assert sorted(p.name for p in snapshots.snapshot_dir(db).glob("*.duckdb")) == [published.name]


def test_only_a_dead_publishers_partial_files_are_removed(tmp_path) -> None:
    db = tmp_path / "tablero.duckdb"
    folder = snapshots.snapshot_dir(db)
    folder.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    dead = int(gone.stdout)
    names = {
        "running": f"tablero.1.duckdb.{_live_pid()}.partial",  # a copy in progress
        "own": f"tablero.2.duckdb.{os.getpid()}.partial",  # another thread's
        "dead": f"tablero.3.duckdb.{dead}.partial",
        "old_format": "tablero.4.duckdb.partial",
        "pointer": f"CURRENT.abc.{dead}.partial",
        "reused_pid": f"tablero.5.duckdb.{_live_pid()}.partial",  # older than that process
    }
    for name in names.values():
        (folder / name).write_bytes(b"x")
    day_ago = (folder / names["reused_pid"]).stat().st_mtime - 86400
    os.utime(folder / names["reused_pid"], (day_ago, day_ago))

    snapshots.remove_stale_partials(folder)

    assert partials(db) == sorted([names["running"], names["own"]])


_SLEEPER: list[subprocess.Popen] = []


def _live_pid() -> int:
    """A process that runs for the test (started now, so after any back-dated file)."""
    if not _SLEEPER:
        _SLEEPER.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]))
    return _SLEEPER[0].pid


@pytest.fixture(autouse=True)
def _stop_sleeper():
    yield
    while _SLEEPER:
        process = _SLEEPER.pop()
        process.kill()
        process.wait()


def test_a_load_of_several_files_publishes_once(tmp_path, monkeypatch) -> None:
    """Catching up is for what a dead writer left: this run's own first file is not published
    on its own when the second one's turn comes."""
    db = tmp_path / "tablero.duckdb"
    assert main(["ingest", "--db", str(db), str(FIRST)]) == 0
    copies = []
    copyfile = shutil.copyfile

    def counted(src, dst, *args, **kwargs):
        copies.append(Path(dst).name)
        return copyfile(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", counted)
    assert main(["ingest", "--db", str(db), str(SECOND), str(FILES / "metas_v1.csv")]) == 0
    assert len(copies) == 1
    served_equals_primary(db)
