"""A file is read and checked without the primary's write lock: while a slow (hostile) file is
being read by `python -m loaders ingest`, a coordinator's validation and the urgent
`python -m dashboard.accounts disable` go through at once, instead of failing after 60 s with
"La base de datos está ocupada por otra carga".

The slow file is made deterministic: the loader runs in a subprocess whose CSV reader waits,
once called, until the test lets it go (at most 60 s). The test acts while it waits."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dashboard.server.database import Database
from loaders.ingest import ingest_file, prepare_file, write_prepared
from loaders.resolve_cells import Reference
from tests.support.loader_files import FILES
from warehouse.db import connect
from warehouse.scope import Scope
from warehouse.validation import FigureKey, apply_validation, pending_figures

REPO = Path(__file__).parents[2]
PROMPT = 20.0  # far more than a write takes; far less than the 60 s a writer waits for the lock
SLOW_LOADER = """
import sys, time
from pathlib import Path
from loaders import readers
from loaders.cli import main

started, release = Path(sys.argv[1]), Path(sys.argv[2])
real = readers.read_csv


def slow(path, repeated=()):
    started.write_text("leyendo")
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return real(path, repeated)


readers.read_csv = slow
sys.exit(main(sys.argv[3:]))
"""


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the loader never started reading"
        time.sleep(0.05)


def in_thread(action, seconds: float):
    """Run `action` in a thread; (finished within `seconds`, its result or exception)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except Exception as exc:  # reported to the test
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    return not worker.is_alive(), outcome[0] if outcome else None


def test_validation_and_account_disable_succeed_while_a_file_is_being_read(demo_db, tmp_path):
    db = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        pending = pending_figures(con)
    finally:
        con.close()
    row = pending[pending["ministerio"] == "Ministerio de Salud"].iloc[0].to_dict()
    figure = FigureKey.from_row(row)
    coordinator = Scope("ministerio", ("Ministerio de Salud",), user="ministerio")
    slow_file = tmp_path / "poblacion.csv"
    slow_file.write_text("territorio,anio,poblacion\n05101,2030,10\n", "utf-8")
    started, release = tmp_path / "started", tmp_path / "release"
    loader = subprocess.Popen(
        [sys.executable, "-c", SLOW_LOADER, str(started), str(release),
         "ingest", "--db", str(db), "--json", str(slow_file)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(started, loader)
        database = Database(db)
        at = datetime.now(UTC).replace(tzinfo=None)
        done, result = in_thread(
            lambda: database.write(
                apply_validation, coordinator, [figure], "validar", "revisada", at
            ),
            PROMPT,
        )
        database.close()
        assert done, "the validation waited for the loader's lock"
        assert not isinstance(result, Exception), result
        assert (result.accepted, result.refused) == (1, ()), result

        disabled = subprocess.run(
            [sys.executable, "-m", "dashboard.accounts", "disable", "--db", str(db), "analista"],
            cwd=REPO, capture_output=True, text=True, timeout=PROMPT, check=False,
        )  # fmt: skip
        assert disabled.returncode == 0, disabled.stdout + disabled.stderr
        assert loader.poll() is None  # still reading: the actions did not wait for it
    finally:
        release.write_text("ya")
        out, err = loader.communicate(timeout=120)
    assert loader.returncode == 0, out + err
    assert json.loads(out.splitlines()[-1])["status"] == "loaded"
    con = duckdb.connect(str(db), read_only=True)
    try:
        active = con.execute("SELECT activa FROM cuentas WHERE usuario = 'analista'").fetchall()
        validated = con.execute(
            "SELECT count(*) FROM validaciones WHERE usuario = 'ministerio'"
        ).fetchall()
        loaded = con.execute(
            "SELECT count(*) FROM poblacion WHERE anio = 2030 AND valid_to IS NULL"
        ).fetchall()
    finally:
        con.close()
    assert (active, validated, loaded) == ([(False,)], [(1,)], [(1,)])


def test_rows_checked_before_the_lock_are_checked_again_when_a_load_changed_their_references(
    db_path,
) -> None:
    """Products read while no service existed yet: the services loaded in between (another
    writer's turn) are seen when the file is written, and its rows load."""
    con = connect(db_path)
    try:
        prepared = prepare_file(FILES / "productos.csv", None, Reference.read(con))
        assert ingest_file(con, FILES / "instituciones.csv").status == "loaded"
        result = write_prepared(con, prepared)
    finally:
        con.close()
    assert (result.status, result.rows_quarantined, result.rows_loaded) == ("loaded", 0, 2)
