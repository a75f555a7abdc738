"""Building the demo warehouse: write the files, then load them through the real loaders.

The demo goes through exactly the path a ministry's files take (header matching, dialects,
validation, versioning), in two loads a week apart, so the weekly review has history to compare
and any loader regression shows up in the demo too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from loaders.demo.accounts import add_demo_accounts
from loaders.demo.clock import DemoCalendar
from loaders.demo.files import DemoFile, write_demo_files
from loaders.demo.follow_ups import add_demo_notes
from loaders.ingest import ingest_files
from loaders.load_result import IngestResult
from loaders.reference import ensure_reference
from warehouse import status
from warehouse.db import WarehouseError, connect, get_metadata, set_metadata, transaction
from warehouse.snapshots import publish


@dataclass
class DemoSummary:
    db_path: Path
    out_dir: Path
    files: list[DemoFile]
    results: list[IngestResult]
    seed: int = 42
    scale: int = 1
    rows_per_kind: dict[str, int] = field(default_factory=dict)  # rows loaded, both loads
    seconds_generate: float = 0.0
    seconds_ingest: float = 0.0

    @property
    def seconds(self) -> float:
        return self.seconds_generate + self.seconds_ingest

    @property
    def problems(self) -> list[IngestResult]:
        """Files that did not load cleanly (should be none: the demo is valid by design)."""
        return [r for r in self.results if r.status != "loaded" or r.rows_quarantined]

    def __str__(self) -> str:
        """What `python -m loaders demo` prints: where, how much, how long, any problem."""
        lines = [
            f"Base de demostración: {self.db_path} (semilla {self.seed}, escala {self.scale})",
            f"{len(self.files)} archivos en {self.out_dir}: generados en "
            f"{self.seconds_generate:.1f} s, cargados en {self.seconds_ingest:.1f} s",
        ]
        lines += [f"  {kind:<18} {rows:>12,} filas" for kind, rows in self.rows_per_kind.items()]
        for result in self.problems:
            lines.append(f"  PROBLEMA {result.file}: {result.status} {result.message}")
        return "\n".join(lines)

    __rich__ = __str__  # rich's Console prints this text instead of the dataclass fields


def build_demo(
    db_path: Path,
    *,
    seed: int = 42,
    scale: int = 1,
    out_dir: Path | None = None,
    today: date | None = None,
) -> DemoSummary:
    """Write the demo files (into `out_dir`, by default `demo_dir(db_path)`) and load them into
    `db_path` (a new database, or an old demo), add one account per role
    (loaders.demo.accounts) and a few notes addressed to them (loaders.demo.follow_ups), and
    publish the result as a snapshot.

    A database holding real data is never touched: mixing invented figures into official ones
    would be worse than failing.
    """
    db_path = Path(db_path)
    out_dir = Path(out_dir) if out_dir else demo_dir(db_path)
    calendar = DemoCalendar.for_today(today)
    _clear_previous_demo(db_path)
    started = time.perf_counter()
    files = write_demo_files(out_dir, seed=seed, scale=scale, today=calendar.today)
    generated = time.perf_counter()
    con = connect(db_path)
    try:
        ensure_reference(con)
        # Marked first: a build that fails half-way is still a demo, and can be rebuilt.
        set_metadata(con, status.DATASET_KEY, status.DATASET_DEMO)
        results = []
        for batch, loaded_at in ((1, calendar.first_load), (2, calendar.second_load)):
            paths = [f.path for f in files if f.batch == batch]
            results += ingest_files(con, paths, loaded_at=loaded_at, demo=True)
        with transaction(con):
            add_demo_accounts(con)
            add_demo_notes(con, calendar)  # addressed to the accounts: after them
        # The serving processes read published snapshots only: CURRENT now names this build.
        publish(con, db_path)
    finally:
        con.close()
    summary = DemoSummary(db_path, out_dir, files, results, seed, scale)
    for result in results:
        kind = result.kind or "?"
        summary.rows_per_kind[kind] = summary.rows_per_kind.get(kind, 0) + result.rows_loaded
    summary.seconds_generate = generated - started
    summary.seconds_ingest = time.perf_counter() - generated
    return summary


def demo_dir(db_path: Path) -> Path:
    """Where a database's demo files go: a folder named after it (`data/tablero.duckdb.demo/`),
    so building the demo of one database never overwrites the files of another beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".demo")


def _clear_previous_demo(db_path: Path) -> None:
    """Remove an earlier demo database so the demo is rebuilt from scratch; refuse real data.

    Its published snapshots stay: a running dashboard keeps serving the old demo until the new
    build is published, and publishing prunes the old ones."""
    if not db_path.exists():
        return
    con = connect(db_path)
    try:
        dataset = get_metadata(con, status.DATASET_KEY)
    finally:
        con.close()
    if dataset != status.DATASET_DEMO:
        raise WarehouseError(
            "La base de datos ya existe y no es de demostración",
            f"{db_path}: elija otra ruta con --db; la demo no se mezcla con datos reales.",
        )
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        path.unlink(missing_ok=True)
