"""Loading speed: the real loaders (CSV and Parquet) against DuckDB's own CSV load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmarks.dataset import Dataset
from benchmarks.timing import median, timed
from loaders.ingest import ingest_file
from loaders.reference import ensure_reference
from warehouse import bench_queries
from warehouse.db import connect


@dataclass(frozen=True)
class LoadResult:
    rows: int
    csv_seconds: float  # medians over the repeats
    parquet_seconds: float
    floor_seconds: float

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
        """How many times slower the CSV loader is than the floor."""
        return self.csv_seconds / self.floor_seconds


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


def _loader_seconds(data: Dataset, source: Path, threads: int) -> float:
    con = _fresh(data.work_dir / "carga.duckdb", threads, data.catalogues)
    try:
        seconds, result = timed(lambda: ingest_file(con, source, "entregas"))
    finally:
        con.close()
    if result.status != "loaded" or result.rows_loaded != data.rows:
        raise RuntimeError(
            f"carga incompleta de {source.name}: {result.status}, {result.rows_loaded} filas "
            f"de {data.rows}; {result.message}"
        )
    return seconds


def _floor_seconds(data: Dataset, threads: int) -> float:
    path = data.work_dir / "piso.duckdb"
    path.unlink(missing_ok=True)
    con = connect(path, threads=threads)
    try:
        seconds, rows = timed(lambda: bench_queries.load_csv_floor(con, "piso", data.csv))
    finally:
        con.close()
    if rows != data.rows:
        raise RuntimeError(f"el piso leyó {rows} filas de {data.rows}")
    return seconds


def measure(data: Dataset, repeat: int, threads: int) -> LoadResult:
    csv = [_loader_seconds(data, data.csv, threads) for _ in range(repeat)]
    parquet = [_loader_seconds(data, data.parquet, threads) for _ in range(repeat)]
    floor = [_floor_seconds(data, threads) for _ in range(repeat)]
    return LoadResult(data.rows, median(csv), median(parquet), median(floor))
