"""The load test: locust, headless, against the production server (gunicorn), both on loopback.

`measure(db, users=(50, 200), seconds=60)` starts gunicorn with dashboard/server/gunicorn_conf.py on
the published snapshot of `db`, waits until every worker has built the app, and runs locust
(benchmarks/locustfile.py) once per number of users, with 2–5 s of think time and without,
each run measuring `seconds` from the moment the last user has signed in. It reads locust's
CSV statistics (requests/s, p50, p95, failures) and the workers' peak memory.

Both run as subprocesses: gevent (locust) must not patch the caller, and the server must be
the real one. Locust shares the machine with the server, so on 2 cores it takes CPU from it:
RESULTS.md says so next to the figures.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from warehouse import snapshots
from warehouse.db import connect
from warehouse.explore.options import filter_options

REPO = Path(__file__).resolve().parents[1]
GUNICORN_CONF = REPO / "dashboard" / "server" / "gunicorn_conf.py"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
WORKER_READY = re.compile(r"Proceso (\d+) listo")  # gunicorn_conf.post_worker_init
ALL_IN = "Todos adentro"  # locustfile.arrived: every user signed in, the measure starts
SIGN_IN_ALLOWANCE = 300  # seconds for everyone to sign in (and the last actions to end)
THINK = "2-5"  # seconds between a person's actions
NO_THINK = "0"
TARGET_USERS = 200
TARGET_P95_MS = 150.0
START_TIMEOUT = 180.0
MONTHS_IN_CATALOG = 6


@dataclass(frozen=True)
class Cost:
    """One kind of request in a run: how many, and how long each took (ms)."""

    name: str
    count: int
    p50_ms: float
    average_ms: float

    @property
    def total_ms(self) -> float:
        return self.count * self.average_ms


PEOPLE = ("WeeklyReview", "Intendente", "Analyst", "Citizen")  # the mix (benchmarks/locustfile.py)
TOUR = ("Tour",)  # the baseline: one person doing all of it
COSTLIEST = 6


@dataclass(frozen=True)
class LoadRun:
    """One locust run: who, how long, and what the server did under it."""

    users: int
    think: str  # "2-5" or "0"
    seconds: int  # measured (after the ramp-up)
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    failure_examples: tuple[str, ...] = ()
    worker_peak_bytes: int = 0  # largest peak RSS of a worker, from its start to this run's end
    costliest: tuple[Cost, ...] = ()  # the requests that took most of the server's time

    @property
    def label(self) -> str:
        pause = "sin pausa" if self.think == NO_THINK else f"pausa {self.think.replace('-', '–')} s"
        people = "1 usuario" if self.users == 1 else f"{self.users} usuarios"
        return f"{people}, {pause}"

    @property
    def is_baseline(self) -> bool:
        """One person, no pauses: the cost of a request without any queue."""
        return self.users == 1 and self.think == NO_THINK

    @property
    def is_target(self) -> bool:
        return self.users == TARGET_USERS and self.think != NO_THINK

    @property
    def meets_target(self) -> bool:
        return self.failures == 0 and self.requests > 0 and self.p95_ms <= TARGET_P95_MS


# --------------------------------------------------------------------------- the server


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def workers(self) -> list[int]:
        return children(self.process.pid)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    """Direct children of a process (the gunicorn workers of a master), from /proc."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def peak_rss(pid: int) -> int:
    """Peak resident memory of a live process (VmHWM), bytes; 0 when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match[1]) * 1024 if match else 0


def server_env(db: Path, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TABLERO_")}
    return env | {
        "TABLERO_DB": str(db),
        "TABLERO_HOST": "127.0.0.1",
        "TABLERO_PORT": str(port),
        "PYTHONPATH": str(REPO),
    } | (extra or {})  # fmt: skip


@contextlib.contextmanager
def serving(
    db: Path, log: Path, *, env: dict[str, str] | None = None, timeout: float = START_TIMEOUT
) -> Iterator[Server]:
    """gunicorn with the production configuration on `db`, until every worker is ready."""
    port = free_port()
    environment = server_env(Path(db), port, env)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)],
            cwd=REPO, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(server, int(environment.get("TABLERO_WORKERS") or 0), timeout)
        yield server
    finally:
        stop(process)


def _wait_ready(server: Server, workers: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn terminó al iniciar:\n{server.log.read_text()[-3000:]}")
        ready = set(WORKER_READY.findall(server.log.read_text(errors="replace")))
        expected = workers or len(server.workers) or 1
        if len(ready) >= expected and _answers(server.url + "/login"):
            return
        time.sleep(0.25)
    raise TimeoutError(f"gunicorn no quedó listo en {timeout:.0f} s:\n{server.log.read_text()}")


def wait_idle(server: Server, quiet: float = 3.0, timeout: float = 300.0) -> None:
    """Until the server has answered nothing for `quiet` seconds (its access log is still):
    a run must not start behind the requests a previous run left queued."""
    deadline = time.monotonic() + timeout
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = server.log.stat().st_size
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.25)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """SIGTERM: gunicorn finishes the requests in flight, stops its workers and exits."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


# --------------------------------------------------------------------------- locust


def write_catalog(db: Path, out: Path) -> Path:
    """Goal codes, regions, products, areas and months the simulated people choose from, read
    from the snapshot the server will serve."""
    con = connect(snapshots.current(db) or db, read_only=True)
    try:
        options = filter_options(con)
    finally:
        con.close()
    catalog = {
        "goals": [code for code, _ in options["meta"]],
        "regions": [code for code, _ in options["region"]],
        "products": [name for name, _ in options["producto"]],
        "areas": [code for code, _ in options["area"]],
        "months": [month for month, _ in options["mes"]][:MONTHS_IN_CATALOG],
    }
    out.write_text(json.dumps(catalog, ensure_ascii=False), "utf-8")
    return out


def ramp_seconds(users: int, seconds: int) -> int:
    """Time to bring every user in: about 20 sign-ins per second (argon2 is slow on purpose)."""
    return max(1, min(max(1, seconds // 2), -(-users // 20)))


def run_locust(
    url: str,
    users: int,
    think: str,
    seconds: int,
    work: Path,
    catalog: Path | None = None,
    *,
    people: Sequence[str] | None = None,
    locustfile: Path = LOCUSTFILE,
) -> LoadRun:
    """One headless locust run of `people` (user classes of `locustfile`; by default the mix,
    or the tour for one person without pauses); statistics from the CSV it writes."""
    ramp = ramp_seconds(users, seconds)
    who = "_".join(people) if people else "mezcla"
    prefix = work / f"locust_{who}_{users}u_{'pausa' if think != NO_THINK else 'sinpausa'}"
    if people is None:
        people = TOUR if users == 1 and think == NO_THINK else PEOPLE
    limit = seconds + ramp + SIGN_IN_ALLOWANCE  # the locustfile stops `seconds` after all in
    command = [
        sys.executable, "-m", "benchmarks.locust_launch", "-f", str(locustfile), "--headless",
        "--host", url, "-u", str(users), "-r", str(max(1.0, users / ramp)), "-t", f"{limit}s",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", *people,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("TABLERO_")}
    env |= {"TABLERO_LOAD_THINK": think, "TABLERO_LOAD_SECONDS": str(seconds)}
    env |= {"PYTHONPATH": str(REPO)}
    if catalog is not None:
        env["TABLERO_LOAD_CATALOG"] = str(catalog)
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=limit + 120,
        check=False,
    )  # fmt: skip
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust no escribió {stats.name}:\n{done.stderr[-3000:]}")
    run = parse_stats(stats, Path(f"{prefix}_failures.csv"), users, think, seconds)
    if ALL_IN not in done.stderr:  # then the numbers include the sign-ins, and say so
        late = f"no todos alcanzaron a ingresar en {limit} s: cifras desde el inicio"
        run = replace(run, failure_examples=(late, *run.failure_examples))
    return run


def parse_stats(stats: Path, failures: Path, users: int, think: str, seconds: int) -> LoadRun:
    """The 'Aggregated' row of locust's *_stats.csv, the requests that took most of the time,
    and the commonest failures."""
    with stats.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    costs = [
        Cost(row["Name"], int(row["Request Count"]), _number(row["50%"]),
             _number(row["Average Response Time"]))
        for row in rows
        if row["Name"] != "Aggregated" and int(row["Request Count"] or 0) > 0
    ]  # fmt: skip
    costs.sort(key=lambda cost: -cost.total_ms)
    examples: list[str] = []
    if failures.exists():
        with failures.open(encoding="utf-8") as handle:
            failed = sorted(csv.DictReader(handle), key=lambda r: -int(r["Occurrences"]))
        examples = [f"{r['Name']}: {r['Error']} (×{r['Occurrences']})" for r in failed[:5]]
    return LoadRun(
        users=users,
        think=think,
        seconds=seconds,
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rps=float(total["Requests/s"]),
        p50_ms=_number(total["50%"]),
        p95_ms=_number(total["95%"]),
        failure_examples=tuple(examples),
        costliest=tuple(costs[:COSTLIEST]),
    )


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else float("nan")


def measure(
    db: Path,
    users: Sequence[int] = (50, TARGET_USERS),
    seconds: int = 60,
    *,
    work: Path,
    thinks: Sequence[str] = (THINK, NO_THINK),
    env: dict[str, str] | None = None,
    baseline: bool = True,
) -> list[LoadRun]:
    """Every (users, think time) run against one gunicorn on `db`'s published snapshot; with
    `baseline`, first one person without pauses: what a request costs with no queue."""
    work.mkdir(parents=True, exist_ok=True)
    snapshots.ensure_published(Path(db))
    catalog = write_catalog(Path(db), work / "catalogo.json")
    runs = []
    order = [(1, NO_THINK)] if baseline else []
    order += [(count, think) for think in thinks for count in users]
    with serving(Path(db), work / "gunicorn.log", env=env) as server:
        for count, think in order:
            wait_idle(server)
            run = run_locust(server.url, count, think, seconds, work, catalog)
            peak = max((peak_rss(pid) for pid in server.workers), default=0)
            runs.append(replace(run, worker_peak_bytes=peak))
    return runs
