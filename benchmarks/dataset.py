"""The benchmark's data: the demo at a scale chosen from the wanted number of delivery rows,
loaded into a warehouse for the interactions, and its delivery rows written again as ONE CSV
and ONE Parquet file for the loading measures."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from benchmarks import queries
from loaders.contracts import KINDS
from loaders.demo.build import build_demo
from loaders.demo.formats import CSV_UTF8, write_csv, write_parquet
from warehouse.db import connect

TODAY = date(2026, 11, 22)
ROWS_PER_SCALE = 415_000  # delivery rows of the demo at scale 1 for TODAY


@dataclass(frozen=True)
class Dataset:
    work_dir: Path
    demo_dir: Path
    warehouse: Path  # the full demo, loaded: the interactions read it
    csv: Path  # the delivery rows as one CSV (UTF-8, ',')
    parquet: Path  # the same rows as one Parquet file
    rows: int  # rows in csv / parquet
    demo_rows: int  # current delivery rows in the warehouse
    scale: int
    catalogues: tuple[Path, ...]  # instituciones and productos files, loaded before deliveries


def scale_for(rows: int) -> int:
    return max(1, round(rows / ROWS_PER_SCALE))


def build(work_dir: Path, rows: int) -> Dataset:
    """Build the demo at the scale for `rows` and write the big delivery files.

    Below one scale unit the demo is still built whole (the interactions need every table) and
    the loading files keep the first `rows` delivery rows."""
    work_dir = Path(work_dir)
    if work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    scale = scale_for(rows)
    demo_dir = work_dir / "demo"
    warehouse = work_dir / "interacciones.duckdb"
    build_demo(warehouse, scale=scale, out_dir=demo_dir, today=TODAY)
    con = connect(warehouse)
    try:
        deliveries = queries.current_deliveries(con)
    finally:
        con.close()
    chosen = deliveries.head(rows) if rows < len(deliveries) else deliveries
    chosen = chosen[list(KINDS["entregas"].column_names)]
    csv, parquet = work_dir / "entregas.csv", work_dir / "entregas.parquet"
    write_csv(chosen, csv, "entregas", CSV_UTF8, {})
    write_parquet(chosen.assign(mes=pd.to_datetime(chosen["mes"])), parquet, {})
    catalogues = (
        demo_dir / "demo_instituciones.csv",
        demo_dir / "demo_productos.xlsx",
    )
    return Dataset(
        work_dir, demo_dir, warehouse, csv, parquet, len(chosen), len(deliveries), scale,
        catalogues,
    )  # fmt: skip
