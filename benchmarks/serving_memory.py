"""Peak memory of one process serving the dashboard, measured apart from the benchmark.

The benchmark process holds the pandas baselines and built the data set, so its own peak says
nothing about serving. `serving_peak` starts a fresh Python that does what a gunicorn worker
does (dashboard/server/gunicorn_conf.py, preload_app = False): it builds the app (`create_app`,
every page imported), reads the published snapshot through `dashboard.server.database.Database`
with the DuckDB threads and memory limit the serving plan gives a worker, and calls the page
data functions of every timed interaction on a scoped cursor, as a request does, from as many
threads as a worker serves requests with. It then reports its peak.

The peak is VmHWM (/proc/self/status), not ru_maxrss: on Linux a child's ru_maxrss keeps the
high-water mark of the address space it replaced at exec, which for a subprocess is the parent's
(a child of a 12 GB benchmark would report 12 GB without allocating anything).

`python -m benchmarks.serving_memory WAREHOUSE [--threads T] [--rounds R]`
prints one JSON line (the child side); `serving_peak` runs it and reads that line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb

from warehouse import snapshots

REPO = Path(__file__).resolve().parents[1]
ROUNDS = 3


@dataclass(frozen=True)
class ServingPeak:
    peak_bytes: int  # VmHWM of the serving process (ru_maxrss where there is no /proc)
    threads: int  # DuckDB threads
    memory_limit: str  # DuckDB memory limit, as gunicorn_conf passes it ('1024MiB')
    request_threads: int  # threads calling at once (gthread threads of a worker)
    snapshot: str  # file name of the snapshot read
    calls: int  # data calls made


class ServingError(RuntimeError):
    """The serving process failed; the message ends with its error output."""


def own_peak_bytes() -> int:
    """This process's peak resident memory since its exec (see the module docstring)."""
    try:
        status = Path("/proc/self/status").read_text("utf-8")
    except OSError:
        status = ""
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    if found:
        return int(found[1]) * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# --------------------------------------------------------------------------- parent side


def serving_peak(warehouse: Path, threads: int | None = None, rounds: int = ROUNDS) -> ServingPeak:
    """Publish the warehouse's snapshot when it has none (serving processes read only
    snapshots), then measure a serving process over it. No connection to the primary may be
    open here: publishing takes its write lock."""
    warehouse = Path(warehouse).resolve()
    if snapshots.ensure_published(warehouse) is None:
        raise ServingError(f"no existe la base {warehouse}")
    command = [
        sys.executable, "-m", "benchmarks.serving_memory", str(warehouse), "--rounds", str(rounds),
    ]  # fmt: skip
    if threads is not None:
        command += ["--threads", str(threads)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise ServingError(f"el proceso que sirve terminó con código {done.returncode}:\n{tail}")
    return ServingPeak(**json.loads(lines[-1]))


# --------------------------------------------------------------------------- child side


Call = Callable[[duckdb.DuckDBPyConnection], object]


def calls(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Call]]:
    """Every timed interaction as its page reads it, and the pages around them (region,
    convergence, goals list, Excel export), for the data in `con`.

    Imported here, not at the top: the parent never needs the pages."""
    from benchmarks.interactions import REGION, explorer_request, goal_with_regions
    from dashboard.explore import views as explore_views
    from dashboard.goal_page import data as goal_page_data
    from dashboard.server import board, defaults
    from dashboard.server.review_data import load_review
    from dashboard.territory import convergence_data as cd
    from dashboard.territory import data as td
    from dashboard.territory.filters import TerritoryFilters
    from indicators.goal_report import goal_scorecard

    base = defaults.read_defaults(con)
    first, last = date(base.as_of.year, 1, 1), base.as_of
    request = explorer_request(first, last)
    codigo = goal_with_regions(con)
    return [
        ("mapa_regiones", lambda c: td.map_view(c, td.MapState())),
        ("mapa_comunas", lambda c: td.map_view(c, td.MapState(region=REGION))),
        ("region", lambda c: td.region_view(c, REGION, TerritoryFilters())),
        ("convergencia_regiones", lambda c: cd.convergence_view(c, cd.parse_state({}))),
        ("convergencia_comunas", lambda c: cd.convergence_view(
            c, cd.parse_state({"nivel": "comuna", "region": REGION}))),
        ("metas", lambda c: board.load_board(
            c, base.as_of, bottlenecks_at=defaults.bottleneck_day(base.as_of, base.review_to))),
        ("meta", lambda c: goal_page_data.load_goal_page(c, codigo)),
        ("revision", lambda c: load_review(c, base.as_of, base.review_from, base.review_to)),
        ("scorecard", lambda c: goal_scorecard(c, base.as_of)),
        ("explorador", lambda c: explore_views.load_view(c, request)),
        ("exportar_csv", lambda c: explore_views.export_file(c, request, "csv")),
        ("exportar_xlsx", lambda c: explore_views.export_file(c, request, "xlsx")),
    ]  # fmt: skip


def serve(warehouse: Path, threads: int | None, rounds: int) -> ServingPeak:
    """Build the app as a worker does and run every call `rounds` times, the calls of a round
    from the worker's request threads at once; the computed values (reports, boards) are
    dropped between rounds, so each round computes them again."""
    from dashboard.server import cache, database
    from dashboard.server.factory import create_app
    from dashboard.server.gunicorn_conf import machine_memory, plan
    from dashboard.server.settings import Settings
    from warehouse.scope import Scope

    worker = plan(os.environ, os.cpu_count() or 1, machine_memory())
    threads = threads or worker.duckdb_threads
    settings = Settings(db_path=warehouse, threads=threads, memory_limit=worker.duckdb_memory_limit)
    served = database.database_of(create_app(settings).server)
    scope = Scope.everything()
    made = 0
    try:
        work = served.run(scope, calls)
        with ThreadPoolExecutor(worker.threads, thread_name_prefix="solicitud") as pool:
            for round_ in range(rounds):
                if round_:
                    cache.clear(cache.VALUES)
                for _ in pool.map(lambda call: served.run(scope, call[1]), work):
                    made += 1
        snapshot = served.serving_path
    finally:
        served.close()
    if snapshot is None or snapshot == warehouse:
        raise ServingError(f"no se leyó una instantánea publicada de {warehouse}")
    return ServingPeak(
        own_peak_bytes(), threads, worker.duckdb_memory_limit, worker.threads, snapshot.name, made
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serving_memory")
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--threads", type=int, default=None, help="hilos de DuckDB")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    peak = serve(args.warehouse, args.threads, args.rounds)
    print(json.dumps(asdict(peak)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
