"""The writers' turn (warehouse.snapshots.writer): held for the whole write against other
processes and threads, even after the writer reads the primary file itself — which drops
DuckDB's own POSIX lock on it, the lock a turn must not depend on."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from warehouse import snapshots
from warehouse.db import connect

TRY_TO_WRITE = """
import sys
from pathlib import Path
from warehouse import snapshots
from warehouse.db import WarehouseError
try:
    with snapshots.writer(Path(sys.argv[1]), wait=0.5, publish_after=False):
        print("escribió")
except WarehouseError as exc:
    print("ocupada:", exc.title)
"""


def new_primary(tmp_path: Path) -> Path:
    path = tmp_path / "tablero.duckdb"
    con = connect(path)
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    return path


def other_process_tries(primary: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", TRY_TO_WRITE, str(primary)],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    return done.stdout.strip() or done.stderr[-500:]


def test_another_process_waits_even_after_the_writer_read_the_primary(tmp_path):
    primary = new_primary(tmp_path)
    with snapshots.writer(primary, publish_after=False) as con:
        primary.read_bytes()  # open and close the file: DuckDB's POSIX lock is gone now
        con.execute("INSERT INTO t VALUES (1)")
        assert other_process_tries(primary).startswith("ocupada")
    assert other_process_tries(primary) == "escribió"


def test_threads_of_one_process_take_turns(tmp_path):
    primary = new_primary(tmp_path)
    inside = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def first() -> None:
        with snapshots.writer(primary, publish_after=False) as con:
            inside.set()
            release.wait(10)
            con.execute("INSERT INTO t VALUES (1)")
            order.append("primero")

    def second() -> None:
        with snapshots.writer(primary, publish_after=False) as con:
            con.execute("INSERT INTO t VALUES (2)")
            order.append("segundo")

    one = threading.Thread(target=first)
    one.start()
    inside.wait(10)
    two = threading.Thread(target=second)
    two.start()
    release.set()
    one.join(20)
    two.join(20)
    assert order == ["primero", "segundo"]
    con = connect(primary, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM t").fetchone() == (2,)
    finally:
        con.close()
