"""gunicorn settings of the dashboard in production:
`gunicorn -c dashboard/server/gunicorn_conf.py` (what `make serve` runs).

The serving model (README, "Servir en producción"):

* N worker *processes* (default: one per CPU), because building figures and JSON is Python
  work that holds the GIL; each with T threads (gthread, default 4), because DuckDB releases
  the GIL while it reads, so a thread can serialise one answer while others query.
* `preload_app = False`: the app is imported and built in each worker after the fork, and
  dashboard.server.database opens the published snapshot read-only on the first request; the
  master never opens DuckDB, so no connection, thread pool or file lock is shared across a fork.
* DuckDB's threads and memory limit are set per worker (TABLERO_THREADS, TABLERO_MEMORY_LIMIT,
  read by dashboard.server.settings) so that N workers together stay within
  TABLERO_MEMORY_BUDGET and do not start N × CPU threads each.

Environment: TABLERO_HOST, TABLERO_PORT, TABLERO_DB as everywhere; TABLERO_WORKERS,
TABLERO_THREADS_PER_WORKER, TABLERO_THREADS (DuckDB threads per worker), TABLERO_MEMORY_LIMIT
(DuckDB memory per worker), TABLERO_MEMORY_BUDGET (DuckDB memory of all workers together),
TABLERO_TIMEOUT (seconds a request may take), TABLERO_LOG_LEVEL.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dashboard.server.settings import Settings, SettingsError

MIB = 1024**2
GIB = 1024**3
THREADS_PER_WORKER = 4
# DuckDB's share of one worker: with ~0.4 GB of Python, pages and caches, a worker stays within
# the 1.5 GB per serving process of issue 6.
WORKER_MEMORY_CAP = 1 * GIB
BUDGET_SHARE = 0.5  # of the machine's memory, when no TABLERO_MEMORY_BUDGET is given
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ServingPlan:
    """How many processes and threads serve, and what DuckDB may use in each."""

    workers: int
    threads: int  # request threads per worker
    duckdb_threads: int  # per worker
    memory_limit: int  # bytes of DuckDB memory per worker
    budget: int  # bytes of DuckDB memory for all workers

    @property
    def duckdb_memory_limit(self) -> str:
        """The limit as DuckDB reads it (MiB: DuckDB's 'MB' means 1000² bytes)."""
        return f"{self.memory_limit // MIB}MiB"


def parse_size(name: str, raw: str) -> int:
    """'1GB', '1.5GiB', '512MB', '800M' -> bytes (1024-based, as a budget is meant)."""
    match = _SIZE.match(raw)
    if not match:
        raise SettingsError(f"{name}={raw!r} no es un tamaño válido: use p. ej. '1GB' o '512MB'.")
    number, unit = float(match[1]), match[2].upper()
    return int(number * 1024 ** "BKMGT".index(unit or "B"))


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name}={raw!r} no es válido: debe ser un entero mayor que cero.")
    return int(raw)


def machine_memory() -> int:
    """Physical memory, or the container's limit (cgroup v2) when that is lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        return total
    return min(total, int(limit)) if limit.isdigit() else total


def plan(env: Mapping[str, str], cpus: int, memory: int) -> ServingPlan:
    """The plan for a machine with `cpus` and `memory` bytes, from TABLERO_* variables.

    Defaults: a worker per CPU, DuckDB's CPUs shared among them, and DuckDB memory per worker
    of min(1 GiB, budget / workers); an explicit limit that would overrun the budget stops the
    server rather than let the machine swap under load."""
    workers = _count(env, "TABLERO_WORKERS", max(1, cpus))
    threads = _count(env, "TABLERO_THREADS_PER_WORKER", THREADS_PER_WORKER)
    duckdb_threads = _count(env, "TABLERO_THREADS", max(1, cpus // workers))
    raw_budget = env.get("TABLERO_MEMORY_BUDGET", "").strip()
    budget = parse_size("TABLERO_MEMORY_BUDGET", raw_budget) if raw_budget else None
    budget = budget or int(memory * BUDGET_SHARE)
    raw_limit = env.get("TABLERO_MEMORY_LIMIT", "").strip()
    if raw_limit:
        limit = parse_size("TABLERO_MEMORY_LIMIT", raw_limit)
        if workers * limit > budget:
            raise SettingsError(
                f"{workers} procesos × TABLERO_MEMORY_LIMIT={raw_limit} superan el presupuesto "
                f"de memoria de DuckDB ({budget // MIB} MiB, TABLERO_MEMORY_BUDGET): baje "
                "TABLERO_WORKERS o TABLERO_MEMORY_LIMIT."
            )
    else:
        limit = min(WORKER_MEMORY_CAP, budget // workers)
    if limit < 64 * MIB:
        raise SettingsError(
            f"Quedan {limit // MIB} MiB de DuckDB por proceso: muy poco para servir; "
            "baje TABLERO_WORKERS o suba TABLERO_MEMORY_BUDGET."
        )
    return ServingPlan(workers, threads, duckdb_threads, limit, budget)


try:
    _settings = Settings.from_env()
    _plan = plan(os.environ, os.cpu_count() or 1, machine_memory())
except SettingsError as _exc:  # gunicorn would print a traceback: say it in one line
    print(f"Configuración inválida: {_exc}", file=sys.stderr)
    raise SystemExit(2) from None

# --------------------------------------------------------------------------- gunicorn settings

wsgi_app = "dashboard.server.wsgi:server"
bind = [f"{_settings.host}:{_settings.port}"]
worker_class = "gthread"
workers = _plan.workers
threads = _plan.threads
preload_app = False
# Read by each worker's Settings.from_env(); the master applies them before forking.
raw_env = [
    f"TABLERO_THREADS={_plan.duckdb_threads}",
    f"TABLERO_MEMORY_LIMIT={_plan.duckdb_memory_limit}",
]
timeout = _count(os.environ, "TABLERO_TIMEOUT", 120)  # an Excel export of 100.000 rows: seconds
graceful_timeout = 30
# Idle keep-alive connections wait in the gthread worker's poller, not in a thread, so they
# may outlive a person's pause between two clicks: with 5 s, a browser (or the load test)
# reading a page for longer found its connection closed under it and the next POST failed.
# 75 s, as nginx's default, behind which this usually runs.
keepalive = _count(os.environ, "TABLERO_KEEPALIVE", 75)
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("TABLERO_LOG_LEVEL", "info")
# %(p)s: the worker's pid, so a slow request can be traced to its process.
access_log_format = '%(p)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'
proc_name = "tablero"
# gunicornc's control socket, one per port: two servers on one machine (a test beside the real
# one) must not take over each other's socket.
_runtime = os.environ.get("XDG_RUNTIME_DIR", "")
control_socket = str(
    (Path(_runtime) if _runtime and Path(_runtime).is_dir() else Path.home() / ".gunicorn")
    / f"tablero-{_settings.port}.ctl"
)
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"  # heartbeat files in memory: a busy disk cannot stall workers


# --------------------------------------------------------------------------- hooks


def on_starting(server) -> None:
    """Prepare the database, its snapshot and the map geometry in a child process, so the
    master itself never opens DuckDB (python -m dashboard.server.wsgi). A load committed by a writer
    that died before publishing is published there, before any worker serves."""
    done = subprocess.run([sys.executable, "-m", "dashboard.server.wsgi"], check=False)
    if done.returncode != 0:
        server.log.error("No se pudo preparar la base de datos para servir (ver arriba).")
        raise SystemExit(done.returncode)


def post_worker_init(worker) -> None:
    """The app is built in this worker (pages imported, no database opened yet); the DuckDB
    settings are those its Settings.from_env() read."""
    worker.log.info(
        "Proceso %s listo: DuckDB con %s hilos y %s de memoria", worker.pid,
        os.environ.get("TABLERO_THREADS"), os.environ.get("TABLERO_MEMORY_LIMIT"),
    )  # fmt: skip


def when_ready(server) -> None:
    server.log.info(
        "Tablero disponible en http://%s:%s/ — %d procesos × %d hilos; DuckDB por proceso: "
        "%d hilos, %s de memoria (presupuesto %d MiB)",
        _settings.host, _settings.port, _plan.workers, _plan.threads, _plan.duckdb_threads,
        _plan.duckdb_memory_limit, _plan.budget // MIB,
    )  # fmt: skip
