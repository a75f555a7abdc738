"""`python -m loaders …`: load files, list quarantined rows, build the demo, build map geometry.

Exit status of `ingest` (docs/data-contracts.md): 0 every row loaded (or the file was already
loaded), 3 loaded with quarantined rows, 2 file rejected, 1 unexpected error (nothing changed).
With several files the most serious outcome wins: 1, then 2, then 3.

`ingest` works on the primary file while the dashboard serves the published snapshot
(warehouse.snapshots): it reads and checks each file without the primary's write lock, waits
for another writer to finish only to write, and once its files are committed it publishes a
new snapshot, which the serving processes pick up on their next request. A run that changed
nothing (every file rejected, already loaded, or failed) publishes nothing. Reading limits
(loaders.limits): `--max-…` options or `TABLERO_MAX_…` variables.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from loaders import limits
from loaders.contracts import KINDS
from loaders.ingest import load_files
from loaders.load_result import IngestResult
from loaders.quarantine_csv import fix_me_bytes, fix_me_frame
from warehouse import ingestion, snapshots
from warehouse.db import WarehouseError, connect, default_db_path

STATUS_LABELS = {
    "loaded": "[green]cargado[/]",
    "partial": "[yellow]parcial[/]",
    "rejected": "[red]rechazado[/]",
    "already_loaded": "[cyan]ya cargado[/]",
    "error": "[red]error[/]",
}
SEVERITY = {1: 3, 2: 2, 3: 1, 0: 0}  # exit code -> how serious
LIMIT_OPTIONS = {  # loaders.limits.Limits field -> help; each also $TABLERO_MAX_<FIELD>
    "xlsx_mb": "máximo de MB de un Excel descomprimido (200)",
    "file_mb": "máximo de MB de un CSV, o de los datos de un Parquet (4096)",
    "columns": "máximo de columnas (2.000)",
    "rows": "máximo de filas (25.000.000)",
    "cells": "máximo de celdas del área de una hoja de Excel (50.000.000)",
    "cell_chars": "máximo de caracteres de una celda (32.767)",
}
CHANGED = frozenset({"loaded", "partial"})  # outcomes that committed rows to the primary


def overall_exit_code(results: Sequence[IngestResult]) -> int:
    return max((r.exit_code for r in results), key=lambda c: SEVERITY[c], default=0)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m loaders", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)
    db_help = "base de datos DuckDB (por omisión $TABLERO_DB o data/tablero.duckdb)"

    ingest = sub.add_parser("ingest", help="cargar archivos (CSV, Excel, Parquet)")
    ingest.add_argument("--db", type=Path, default=None, help=db_help)
    ingest.add_argument("--kind", choices=sorted(KINDS), help="tipo de archivo, si no se detecta")
    ingest.add_argument("--json", action="store_true", help="un objeto JSON por archivo")
    for name, help_text in LIMIT_OPTIONS.items():
        ingest.add_argument(f"--max-{name.replace('_', '-')}", type=int, help=help_text)
    ingest.add_argument("files", nargs="+", type=Path)

    quarantine = sub.add_parser("quarantine", help="listar o exportar filas en cuarentena")
    quarantine.add_argument("--db", type=Path, default=None, help=db_help)
    quarantine.add_argument("--file", help="nombre del archivo cargado")
    quarantine.add_argument("--csv", type=Path, help="exportar a este CSV")

    demo = sub.add_parser("demo", help="crear la base de demostración")
    demo.add_argument("--db", type=Path, default=None, help=db_help)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--scale", type=int, default=1, help="multiplica las filas de entregas")

    sub.add_parser("geometry", help="construir y medir la geometría web de los mapas")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(stderr=True)
    try:
        if args.command == "ingest":
            limits.override(**{name: getattr(args, "max_" + name) for name in LIMIT_OPTIONS})
            return run_ingest(args.db or default_db_path(), args.files, args.kind, args.json)
        if args.command == "quarantine":
            return run_quarantine(args.db or default_db_path(), args.file, args.csv)
        if args.command == "demo":
            return run_demo(args.db or default_db_path(), args.seed, args.scale)
        return run_geometry()
    except WarehouseError as exc:
        console.print(f"[red]{exc.title}[/]: {exc.detail}")
        return 1


def run_ingest(db: Path, files: Sequence[Path], kind: str | None, as_json: bool) -> int:
    console = Console(stderr=True)
    # Each file is read and checked without the primary's write lock (loaders.ingest.load_file):
    # other writers (a validation, `accounts disable`) wait only while a file is written.
    with _progress(console, enabled=not as_json) as on_file:
        results = load_files(db, files, kind, progress=on_file)
    if any(r.status in CHANGED for r in results):
        with snapshots.writer(db, publish_after=False) as con:
            snapshots.publish(con, db)  # holding the primary: nobody writes during the copy
    if as_json:
        for result in results:
            print(json.dumps(result.to_json(), ensure_ascii=False, default=str))
    else:
        console = Console()
        print_summary(Console(width=max(console.width, 120)), results)
    return overall_exit_code(results)


@contextlib.contextmanager
def _progress(console: Console, enabled: bool) -> Iterator[object]:
    """A line per file that shows its phase (reading, checking, saving) while it loads."""
    if not enabled:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:

        def on_file(path: Path):
            task = progress.add_task(path.name, total=None)
            return lambda phase: progress.update(task, description=f"{path.name}: {phase}")

        yield on_file


def print_summary(console: Console, results: Sequence[IngestResult]) -> None:
    table = Table(title="Resumen de la carga", caption="parcial = cargado con filas en cuarentena")
    for header in (
        "archivo",
        "tipo",
        "estado",
        "leídas",
        "cargadas",
        "nuevas",
        "reemplazadas",
        "sin cambio",
        "cuarentena",
    ):
        text = header in ("archivo", "tipo", "estado")
        table.add_column(header, justify="left" if text else "right", overflow="fold")
    for r in results:
        table.add_row(
            r.file,
            r.kind or "—",
            STATUS_LABELS.get(r.status, r.status),
            *(
                f"{n:,}".replace(",", ".")
                for n in (
                    r.rows_read,
                    r.rows_loaded,
                    r.rows_new,
                    r.rows_replaced,
                    r.rows_unchanged,
                    r.rows_quarantined,
                )
            ),
        )
    console.print(table)
    for r in results:
        if r.message:
            console.print(f"[bold]{r.file}[/]: {r.message}")
        if r.ignored_columns:
            console.print(
                f"[bold]{r.file}[/]: columnas ignoradas (no son del contrato): "
                + ", ".join(r.ignored_columns)
            )
        for error in r.errors[:10]:
            console.print(
                f"  línea {error['line']}, {error['column'] or 'fila'} "
                f"«{error['value'] or ''}»: {error['reason']}"
            )
        if r.rows_quarantined > 10:
            console.print(
                f"  … {r.rows_quarantined} filas en cuarentena en total; "
                f"véalas con: python -m loaders quarantine --file {r.file}"
            )


def run_quarantine(db: Path, file_name: str | None, out: Path | None) -> int:
    con = connect(db, read_only=True)
    try:
        if file_name and out:
            frame = fix_me_frame(con, file_name)
        else:
            frame = ingestion.quarantine_listing(con, file_name)
    finally:
        con.close()
    if out:
        out.write_bytes(fix_me_bytes(frame))  # no formula runs (warehouse.csv_safety)
        Console(stderr=True).print(f"{len(frame)} filas exportadas a {out}")
        return 0
    if frame.empty:
        print("No hay filas en cuarentena.")
        return 0
    print(frame.to_string(index=False, max_colwidth=80))
    return 0


def run_demo(db: Path, seed: int, scale: int) -> int:
    from loaders.demo import build_demo

    summary = build_demo(db, seed=seed, scale=scale)
    Console().print(summary)
    return 0


def run_geometry() -> int:
    from loaders.web_geometry import build_web_geometry, geometry_sizes

    build_web_geometry()
    for name, sizes in geometry_sizes().items():
        print(name, sizes)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
