"""`python -m benchmarks.cache_layers --rows N [--layers respuestas,paginas+valores] [--out F]`.

What each cache layer is worth: the timed interactions and the 200-person load test, once with
every layer on and once with each layer switched off (TABLERO_CACHE_SIN, read only by
dashboard/server/cache.py); `a+b` switches two layers off together. A layer whose removal
keeps every target met does not pay for itself (docs/caching.md). Prints a Markdown table
and writes it to --out.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import dataset, interactions, load
from benchmarks.interactions import Interaction
from benchmarks.load import LoadRun
from benchmarks.run import serving_plan
from dashboard.server import cache
from warehouse import snapshots
from warehouse.db import connect

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Measured:
    """One configuration: the layers switched off, the interactions and the load runs."""

    off: str  # "" = every layer on
    steps: list[Interaction]
    runs: list[LoadRun]
    cpu: list[float] = field(default_factory=list)  # server CPU seconds during each run

    @property
    def label(self) -> str:
        return f"sin {self.off}" if self.off else "todas las capas"

    @property
    def targets_met(self) -> bool:
        steps = all(s.p95_ms <= s.p95_target_ms for s in self.steps)
        return steps and all(r.meets_target for r in self.runs if r.is_target)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cache_layers", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="filas de entregas (aprox.)")
    parser.add_argument("--samples", type=int, default=20, help="llamadas por interacción")
    parser.add_argument(
        "--layers", default=",".join(cache.LAYERS), help="capas a apagar, una a una"
    )
    parser.add_argument("--load-users", type=int, default=load.TARGET_USERS)
    parser.add_argument("--load-seconds", type=int, default=45, help="segundos medidos por corrida")
    parser.add_argument("--out", type=Path, default=HERE / "work" / "capas.md")
    parser.add_argument(
        "--work", type=Path, default=HERE / "work" / "capas", help="carpeta de trabajo"
    )
    parser.add_argument("--warehouse", type=Path, help="almacén ya construido (se omite la demo)")
    return parser.parse_args(argv)


def measure(
    warehouse: Path, off: str, samples: int, users: int, seconds: int, work: Path
) -> Measured:
    """Interactions in this process and the load test on a fresh gunicorn, with `off` off."""
    switched = off.replace("+", ",")
    os.environ[cache.SWITCH] = switched
    cache.clear_all()
    worker = serving_plan()
    con = connect(
        warehouse, read_only=True, threads=worker.duckdb_threads,
        memory_limit=worker.duckdb_memory_limit,
    )  # fmt: skip
    try:
        steps = interactions.run(con, samples, dataset.TODAY)
    finally:
        con.close()
    runs, cpu = load_runs(warehouse, users, seconds, work / (off or "todas"), switched)
    return Measured(off, steps, runs, cpu)


def load_runs(
    warehouse: Path, users: int, seconds: int, work: Path, switched: str
) -> tuple[list[LoadRun], list[float]]:
    """`users` with and without think time against one gunicorn, and the CPU seconds its
    processes spent on each run: latency on a shared machine says more about the neighbours
    than about a cache, the server's own CPU much less so."""
    work.mkdir(parents=True, exist_ok=True)
    snapshots.ensure_published(warehouse)
    catalog = load.write_catalog(warehouse, work / "catalogo.json")
    runs, cpu = [], []
    with load.serving(warehouse, work / "gunicorn.log", env={cache.SWITCH: switched}) as server:
        for think in (load.THINK, load.NO_THINK):
            load.wait_idle(server)
            pids = [server.process.pid, *server.workers]
            before = cpu_seconds(pids)
            runs.append(load.run_locust(server.url, users, think, seconds, work, catalog))
            cpu.append(cpu_seconds(pids) - before)
    return runs, cpu


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of live processes, from /proc (Linux)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def markdown(results: Sequence[Measured], rows: int) -> str:
    """Interactions' p95 (ms) and the load runs, one column per configuration."""
    head = "| medida | meta | " + " | ".join(r.label for r in results) + " |"
    lines = [f"Filas de entregas: {rows:,}.", "", head, "|" + " --- |" * (len(results) + 2)]
    for i, step in enumerate(results[0].steps):
        cells = [f"{r.steps[i].p95_ms:,.1f}" for r in results]
        lines.append(f"| {step.label}: p95 (ms) | ≤ {step.p95_target_ms:g} | {' | '.join(cells)} |")
    for i, run in enumerate(results[0].runs):
        cells = [_run_cell(r.runs[i]) for r in results]
        target = f"p95 ≤ {load.TARGET_P95_MS:g} ms" if run.is_target else "—"
        lines.append(f"| Carga, {run.label} | {target} | {' | '.join(cells)} |")
        cpu = [_cpu_cell(r, i) for r in results]
        lines.append(
            f"| CPU del servidor, {run.label} (ms por solicitud) | — | {' | '.join(cpu)} |"
        )
    verdicts = ["todas cumplidas" if r.targets_met else "ALGUNA NO" for r in results]
    lines.append(f"| Metas | | {' | '.join(verdicts)} |")
    return "\n".join(lines) + "\n"


def _cpu_cell(result: Measured, i: int) -> str:
    """Server CPU per request answered in the measured window (sign-ins included in the CPU,
    the same for every configuration)."""
    if i >= len(result.cpu) or not result.runs[i].requests:
        return "—"
    return f"{result.cpu[i] * 1000 / result.runs[i].requests:,.1f}"


def _run_cell(run: LoadRun) -> str:
    return f"{run.rps:,.1f} sol/s · p95 {run.p95_ms:,.0f} ms · {run.failures} err."


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"Generando la demo para unas {args.rows:,} filas de entregas…", flush=True)
    if args.warehouse:  # one already built by an earlier run: `--rows` is then its row count
        warehouse, rows = args.warehouse, args.rows
    else:
        data = dataset.build(args.work / "datos", args.rows)
        warehouse, rows = data.warehouse, data.rows
    offs = ["", *(part.strip() for part in args.layers.split(",") if part.strip())]
    results = []
    for off in offs:
        print(f"Midiendo {'todas las capas' if not off else 'sin ' + off}…", flush=True)
        results.append(
            measure(warehouse, off, args.samples, args.load_users, args.load_seconds,
                    args.work / "carga")
        )  # fmt: skip
        text = markdown(results, rows)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, "utf-8")
        print(text, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
