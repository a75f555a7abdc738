"""`python -m benchmarks.run --rows N [--repeat R] [--threads T] [--out benchmarks/RESULTS.md]
[--load-users 50,200 --load-seconds 60]`.

After the interactions, the peak memory of a serving process is measured in a process of its
own (benchmarks.serving_memory): this process's peak holds the pandas frames.

With --load-users, the load test (benchmarks.load: locust against gunicorn, with and without
think time) runs on the same warehouse after the server-side measures."""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

from benchmarks import dataset, interactions, load, loading, map_bytes, report, serving_memory
from dashboard.server.gunicorn_conf import ServingPlan, machine_memory, plan
from warehouse.db import connect

HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="filas de entregas (aprox.)")
    parser.add_argument("--repeat", type=int, default=3, help="repeticiones de cada carga")
    parser.add_argument("--samples", type=int, default=20, help="llamadas por interacción")
    parser.add_argument("--threads", type=int, default=2, help="hilos de DuckDB de las cargas")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="carpeta de trabajo")
    parser.add_argument(
        "--load-users", type=_user_counts, default=(),
        help="prueba de carga con locust: usuarios por corrida, p. ej. 50,200 (omitida si falta)",
    )  # fmt: skip
    parser.add_argument("--load-seconds", type=int, default=60, help="segundos medidos por corrida")
    return parser.parse_args(argv)


def _user_counts(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        counts = ()
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("usuarios separados por coma, p. ej. 50,200")
    return counts


def peak_rss_bytes() -> int:
    """Peak resident memory of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def serving_plan() -> ServingPlan:
    """What dashboard/server/gunicorn_conf.py gives each worker here (TABLERO_* honoured)."""
    return plan(os.environ, os.cpu_count() or 1, machine_memory())


def kept_sections(out: Path) -> str:
    """The `## ` sections of the results file written by hand or by other benchmarks (the
    cache layers' figures), carried over when this run rewrites the file."""
    if not out.exists():
        return ""
    text = out.read_text("utf-8")
    start = text.find("\n## ")
    return "" if start < 0 else text[start:]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"Generando la demo para unas {args.rows:,} filas de entregas…", flush=True)
    data = dataset.build(args.work, args.rows)
    print(f"Midiendo la carga de {data.rows:,} filas ({args.repeat} repeticiones)…", flush=True)
    load_result = loading.measure(data, args.repeat, args.threads)
    print("Midiendo las interacciones…", flush=True)
    # Interactions run as a serving worker runs them: its DuckDB threads and memory limit.
    worker = serving_plan()
    con = connect(
        data.warehouse, read_only=True, threads=worker.duckdb_threads,
        memory_limit=worker.duckdb_memory_limit,
    )  # fmt: skip
    try:
        steps = interactions.run(con, args.samples, dataset.TODAY)
        payload = map_bytes.measure(con, interactions.REGION)
    finally:
        con.close()
    rss = peak_rss_bytes()
    print("Midiendo la memoria de un proceso que sirve…", flush=True)
    try:
        serving = serving_memory.serving_peak(data.warehouse)
    except serving_memory.ServingError as exc:
        print(f"No se pudo medir la memoria al servir: {exc}", file=sys.stderr, flush=True)
        serving = None
    runs = None
    if args.load_users:
        print(f"Prueba de carga: {args.load_users} usuarios, {args.load_seconds} s…", flush=True)
        runs = load.measure(
            data.warehouse, args.load_users, args.load_seconds, work=args.work / "carga"
        )
    table = report.rows(load_result, steps, payload, rss, serving) + report.load_rows(runs)
    settings = (
        f"escala {data.scale}, repeticiones {args.repeat}, muestras {args.samples},"
        f" hilos de DuckDB al cargar {args.threads} y por proceso que sirve"
        f" {worker.duckdb_threads} ({worker.workers} procesos)"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    notes = (
        report.loading_notes(load_result)
        + report.interaction_notes(steps)
        + report.load_notes(runs)
    )
    text = report.markdown(table, data.rows, data.demo_rows, settings, notes)
    args.out.write_text(text + kept_sections(args.out), "utf-8")
    met = sum(r.verdict == "met" for r in table)
    judged = sum(r.verdict != "—" for r in table)
    equal = all(s.equal is not False for s in steps)
    served = "".join(
        f", {r.label}: p95 {r.p95_ms:,.0f} ms y {r.failures} errores" for r in runs or ()
        if r.is_target
    )  # fmt: skip
    memory = f"{serving.peak_bytes / report.GB:.2f} GB" if serving else "no medida"
    print(
        f"{data.rows:,} filas: carga CSV {load_result.csv_rate:,.0f} filas/s"
        f" ({load_result.csv_over_floor:.1f}× el piso), metas cumplidas {met}/{judged},"
        f" respuestas {'iguales' if equal else 'DISTINTAS'}, memoria al servir {memory}"
        f"{served}; resultados en {args.out}"
    )
    return 0 if equal and serving is not None else 1


if __name__ == "__main__":
    raise SystemExit(main())
