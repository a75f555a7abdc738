"""Loading speed: the real loaders (CSV and Parquet) against DuckDB's own CSV load.

Other processes share the machine, so its speed drifts from one minute to the next: each
repetition times the floor and the CSV loader back to back (alternating which goes first) and
the ratio is the median of those pairs. CPU time (all threads of this process) is recorded too:
it hardly moves with the machine's load, so its ratio says whether the loader's work changed."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from benchmarks import queries
from benchmarks.dataset import Dataset
from benchmarks.timing import median
from loaders.ingest import ingest_file
from loaders.reference import ensure_reference
from warehouse.db import connect

T = TypeVar("T")


@dataclass(frozen=True)
class LoadResult:
    rows: int
    csv_seconds: float  # medians over the repeats
    parquet_seconds: float
    floor_seconds: float
    pair_ratios: tuple[float, ...] = ()  # CSV loader / floor, wall time, per repetition
    csv_cpu_seconds: float = float("nan")  # medians of CPU time
    floor_cpu_seconds: float = float("nan")

    @property
    def csv_rate(self) -> float:
        return self.rows / self.csv_seconds

    @property
    def parquet_rate(self) -> float:
        return self.rows / self.parquet_seconds

    @property
    def floor_rate(self) -> float:
        return self.rows / self.floor_seconds

    @property
    def csv_over_floor(self) -> float:
        """How many times slower the CSV loader is than the floor: the median of the
        back-to-back pairs (the ratio of the medians when there are none)."""
        if self.pair_ratios:
            return statistics.median(self.pair_ratios)
        return self.csv_seconds / self.floor_seconds

    @property
    def csv_cpu_over_floor(self) -> float:
        """The same ratio in CPU time, which the machine's load hardly moves."""
        return self.csv_cpu_seconds / self.floor_cpu_seconds


def _clocked(fn: Callable[[], T]) -> tuple[float, float, T]:
    """Wall seconds, CPU seconds of this process (all threads), and the result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _fresh(path: Path, threads: int, catalogues: tuple[Path, ...]):
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = connect(path, threads=threads)
    ensure_reference(con)
    for catalogue in catalogues:
        result = ingest_file(con, catalogue)
        if result.status != "loaded":
            raise RuntimeError(f"no se pudo cargar {catalogue.name}: {result.message}")
    return con


def _loader_seconds(data: Dataset, source: Path, threads: int) -> tuple[float, float]:
    """(wall, CPU) seconds of one load of `source` into a warehouse holding the catalogues."""
    con = _fresh(data.work_dir / "carga.duckdb", threads, data.catalogues)
    try:
        seconds, cpu, result = _clocked(lambda: ingest_file(con, source, "entregas"))
    finally:
        con.close()
    if result.status != "loaded" or result.rows_loaded != data.rows:
        raise RuntimeError(
            f"carga incompleta de {source.name}: {result.status}, {result.rows_loaded} filas "
            f"de {data.rows}; {result.message}"
        )
    return seconds, cpu


def _floor_seconds(data: Dataset, threads: int) -> tuple[float, float]:
    path = data.work_dir / "piso.duckdb"
    path.unlink(missing_ok=True)
    con = connect(path, threads=threads)
    try:
        seconds, cpu, rows = _clocked(lambda: queries.load_csv_floor(con, "piso", data.csv))
    finally:
        con.close()
    if rows != data.rows:
        raise RuntimeError(f"el piso leyó {rows} filas de {data.rows}")
    return seconds, cpu


def measure(data: Dataset, repeat: int, threads: int) -> LoadResult:
    csv, floor = [], []
    for i in range(repeat):
        if i % 2:
            csv.append(_loader_seconds(data, data.csv, threads))
            floor.append(_floor_seconds(data, threads))
        else:
            floor.append(_floor_seconds(data, threads))
            csv.append(_loader_seconds(data, data.csv, threads))
    parquet = [_loader_seconds(data, data.parquet, threads)[0] for _ in range(repeat)]
    return LoadResult(
        data.rows,
        median([wall for wall, _ in csv]),
        median(parquet),
        median([wall for wall, _ in floor]),
        pair_ratios=tuple(c[0] / f[0] for c, f in zip(csv, floor, strict=True)),
        csv_cpu_seconds=median([cpu for _, cpu in csv]),
        floor_cpu_seconds=median([cpu for _, cpu in floor]),
    )
