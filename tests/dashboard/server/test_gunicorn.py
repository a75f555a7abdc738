"""The production serving model, for real: gunicorn with dashboard/server/gunicorn_conf.py on loopback.

* The plan (workers, threads, DuckDB threads and memory) keeps every worker within the budget.
* The master never opens DuckDB; each worker that served reads a published snapshot, never the
  primary file.
* A file loaded with `python -m loaders ingest` while a client keeps querying: no request
  fails, every answer is the state before or the state after (never a half-loaded file), a
  client never goes back to the old state once it saw the new one, and the new state is served.

No timing is asserted (architecture.md); the server is stopped with SIGTERM and must exit 0.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import requests

from benchmarks import dash_requests as dr
from benchmarks.load import Server, serving, stop
from dashboard.server.gunicorn_conf import GIB, MIB, plan
from dashboard.server.settings import SettingsError
from tests.support.paths import REPO
from tests.support.sessions import requests_login
from warehouse import snapshots

REPO = REPO
WORKERS = 2
NEW_MONTH = "2025-06"  # the demo (DEMO_TODAY = 2025-06-18) has deliveries up to 2025-05
SHOWN_FROM = "2025-04"
ACCESS_LINE = re.compile(r'^<(\d+)> \S+ "(\w+) (\S+) HTTP')


# --------------------------------------------------------------------------- the plan


@pytest.mark.parametrize(
    ("env", "cpus", "memory", "expected"),
    [
        ({}, 2, 8 * GIB, (2, 4, 1, 1 * GIB)),  # a worker per CPU; DuckDB's CPUs shared
        ({}, 2, 2 * GIB, (2, 4, 1, 512 * MIB)),  # a small machine: half of it, split in two
        ({"TABLERO_WORKERS": "3", "TABLERO_THREADS_PER_WORKER": "8"}, 8, 64 * GIB,
         (3, 8, 2, 1 * GIB)),
        ({"TABLERO_MEMORY_BUDGET": "1GB"}, 4, 64 * GIB, (4, 4, 1, 256 * MIB)),
        ({"TABLERO_THREADS": "2", "TABLERO_MEMORY_LIMIT": "700MB"}, 2, 4 * GIB,
         (2, 4, 2, 700 * MIB)),
    ],
)  # fmt: skip
def test_plan_keeps_the_workers_within_the_memory_budget(env, cpus, memory, expected):
    chosen = plan(env, cpus, memory)
    assert (chosen.workers, chosen.threads, chosen.duckdb_threads, chosen.memory_limit) == expected
    assert chosen.workers * chosen.memory_limit <= chosen.budget
    assert chosen.duckdb_memory_limit == f"{expected[3] // MIB}MiB"


@pytest.mark.parametrize(
    "env",
    [
        {"TABLERO_WORKERS": "4", "TABLERO_MEMORY_LIMIT": "1GB", "TABLERO_MEMORY_BUDGET": "3GB"},
        {"TABLERO_WORKERS": "0"},
        {"TABLERO_MEMORY_LIMIT": "mucho"},
        {"TABLERO_WORKERS": "64", "TABLERO_MEMORY_BUDGET": "1GB"},  # 16 MiB each: too little
    ],
)
def test_plan_refuses_settings_that_overrun_the_budget_or_make_no_sense(env):
    with pytest.raises(SettingsError):
        plan(env, 2, 8 * GIB)


def test_an_invalid_setting_stops_gunicorn_with_one_line(tmp_path):
    env = {**os.environ, "TABLERO_WORKERS": "dos", "TABLERO_DB": str(tmp_path / "x.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "dashboard/server/gunicorn_conf.py", "--check-config"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Configuración inválida: TABLERO_WORKERS='dos'" in done.stderr
    assert not (tmp_path / "x.duckdb").exists()


# --------------------------------------------------------------------------- a live server


@pytest.fixture(scope="module")
def primary(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo's primary file alone: gunicorn must publish its first snapshot."""
    path = tmp_path_factory.mktemp("serving") / "tablero.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="module")
def server(primary: Path) -> Iterator[Server]:
    env = {"TABLERO_WORKERS": str(WORKERS), "TABLERO_THREADS_PER_WORKER": "4"}
    with serving(primary, primary.parent / "gunicorn.log", env=env) as live:
        yield live
        assert stop(live.process) == 0, live.log.read_text()[-2000:]


def open_files(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:  # closed since listed
            continue
    return found


def database_files(pid: int) -> set[str]:
    return {f for f in open_files(pid) if ".duckdb" in Path(f).name}


def served_by(log: Path, path: str) -> set[int]:
    """Pids of the workers whose access log lines show a request for `path`."""
    pids = set()
    for line in log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.match(line)
        if match and match[3].split("?")[0] == path:
            pids.add(int(match[1]))
    return pids


def test_workers_read_snapshots_and_the_master_never_opens_duckdb(server, primary):
    public = requests.get(server.url + "/publico", timeout=60)
    assert public.status_code == 200
    assert 'lang="es-CL"' in public.text
    # The shell layout reads the database (demo badge, last load); many at once reach both.
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: requests.get(server.url + "/_dash-layout", timeout=60),
                                range(24)))  # fmt: skip
    assert {a.status_code for a in answers} == {200}

    master, workers = server.process.pid, server.workers
    assert len(workers) == WORKERS
    assert database_files(master) == set()
    served = served_by(server.log, "/_dash-layout")
    assert served and served <= set(workers)
    folder = str(snapshots.snapshot_dir(primary))
    for pid in served:
        held = database_files(pid)
        assert held, f"worker {pid} served the layout without a database open"
        assert all(f.startswith(folder + os.sep) for f in held), held
    for pid in workers:
        assert str(primary) not in database_files(pid)
    # Each worker read the DuckDB settings the plan gave it (dashboard.server.settings reads them).
    ready = re.findall(
        r"Proceso (\d+) listo: DuckDB con (\d+) hilos y (\d+)MiB", server.log.read_text()
    )
    assert {int(pid) for pid, _, _ in ready} == set(workers)
    assert all(int(threads) >= 1 and int(mib) >= 64 for _, threads, mib in ready)


# --------------------------------------------------------------------------- loading while serving


@dataclass(frozen=True)
class Seen:
    at: float
    status: int
    body: str
    problems: tuple[str, ...]


def deliveries_query(session: requests.Session, url: str, product: str) -> dict:
    """The explorer's grid callback for one product's deliveries by region and month since
    SHOWN_FROM, built as the browser builds it from the page it was sent."""
    search = f"?conjunto=entregas&nivel=region&desglose=mes&producto={product}&desde={SHOWN_FROM}"
    all_callbacks = dr.callbacks(session.get(url + dr.DEPENDENCIES_PATH, timeout=60).json())
    props = dr.collect(session.get(url + dr.LAYOUT_PATH, timeout=60).json())
    page = session.post(url + dr.UPDATE_PATH, json=dr.page_request("/explorar", search),
                        timeout=60)  # fmt: skip
    assert page.status_code == 200, page.text[:500]
    assert dr.problems(page.json()) == []
    arrived = dr.apply(page.json(), props)
    [grid] = [cb for cb in dr.fired_by(all_callbacks, props, arrived)
              if cb.writes("explorar-grilla.rowData")]  # fmt: skip
    return dr.request(grid, props)


def new_month_file(primary: Path, folder: Path) -> tuple[Path, str, dict[str, int]]:
    """A deliveries file for NEW_MONTH of the product with most comuna rows, in comunas of
    several regions; and what each region's total must then be."""
    con = duckdb.connect(str(snapshots.current(primary) or primary), read_only=True)
    try:
        service, product = con.execute(
            "SELECT servicio, producto FROM entregas WHERE valid_to IS NULL"
            " AND length(territorio) = 5 GROUP BY ALL ORDER BY count(*) DESC, 2 LIMIT 1"
        ).fetchall()[0]
        comunas = [
            row[0]
            for row in con.execute(
                "SELECT DISTINCT territorio FROM entregas WHERE valid_to IS NULL AND producto = ?"
                " AND length(territorio) = 5 ORDER BY territorio",
                [product],
            ).fetchall()
        ][::7]
    finally:
        con.close()
    assert len({c[:2] for c in comunas}) >= 3
    lines = ["servicio,producto,territorio,mes,beneficiarios,unidades,gasto_corriente"]
    totals: dict[str, int] = {}
    for i, comuna in enumerate(comunas):
        people = 1000 + i
        lines.append(f'"{service}","{product}",{comuna},{NEW_MONTH},{people},{people},{people}0')
        totals[comuna[:2]] = totals.get(comuna[:2], 0) + people
    path = folder / f"entregas_{NEW_MONTH}.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path, product, totals


def keep_querying(session, url, payload, stop_flag: threading.Event, seen: list[Seen]) -> None:
    while not stop_flag.is_set():
        try:
            answer = session.post(url + dr.UPDATE_PATH, json=payload, timeout=60)
        except requests.RequestException as exc:
            seen.append(Seen(time.monotonic(), 0, repr(exc), ("sin respuesta",)))
            continue
        try:
            found = tuple(dr.problems(answer.json()))
        except ValueError:
            found = ("no es JSON",)
        seen.append(Seen(time.monotonic(), answer.status_code, answer.text, found))


def month_totals(body: str, month: str) -> dict[str, int]:
    rows = json.loads(body)["response"]["explorar-grilla"]["rowData"]
    return {r["codigo_region"]: r["beneficiarios"] for r in rows if r["mes"] == month}


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_file_loaded_while_serving_never_shows_half_loaded(server, primary, tmp_path):
    new_file, product, totals = new_month_file(primary, tmp_path)
    clients = [requests_login(server.url, "presidencia") for _ in range(2)]
    payload = deliveries_query(clients[0], server.url, product)
    before = clients[0].post(server.url + dr.UPDATE_PATH, json=payload, timeout=60)
    assert before.status_code == 200
    assert month_totals(before.text, NEW_MONTH) == {}
    assert month_totals(before.text, "2025-05")  # the view shows data, not an empty grid

    stop_flag = threading.Event()
    seen: list[list[Seen]] = [[] for _ in clients]
    threads = [
        threading.Thread(target=keep_querying, args=(c, server.url, payload, stop_flag, s))
        for c, s in zip(clients, seen, strict=True)
    ]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: all(len(s) >= 3 for s in seen))
        started = time.monotonic()
        load = subprocess.run(
            [sys.executable, "-m", "loaders", "ingest", "--db", str(primary), "--json",
             str(new_file)],
            cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        finished = time.monotonic()
        assert load.returncode == 0, load.stdout + load.stderr
        after = clients[0].post(server.url + dr.UPDATE_PATH, json=payload, timeout=60).text
        wait_for(lambda: all(sum(x.body == after for x in s) >= 3 for s in seen))
    finally:
        stop_flag.set()
        for thread in threads:
            thread.join(120)

    answers = [x for s in seen for x in s]
    assert all(x.status == 200 and not x.problems for x in answers), [
        (x.status, x.problems, x.body[:200]) for x in answers if x.status != 200 or x.problems
    ]
    assert {x.body for x in answers} == {before.text, after}  # the old state or the new one
    assert month_totals(after, NEW_MONTH) == totals  # the whole file, in every region
    for client_seen in seen:  # once a client saw the new state, it never sees the old one
        states = [x.body == after for x in client_seen]
        assert states == sorted(states)
    assert any(started < x.at < finished for x in answers), "served while the file loaded"
