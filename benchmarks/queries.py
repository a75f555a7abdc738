"""Queries used only by the benchmark: the raw current deliveries and the DuckDB loading floor.

Kept here, not in `warehouse/`, so the production package carries no benchmark code; they use the
warehouse's helpers all the same: values bound as parameters, the table name through `ident`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from warehouse.db import compose, ident, scalar
from warehouse.versioned import execute, fetch


def current_deliveries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current rows of `entregas` as loaded (no aggregation, no join)."""
    sql = (
        "SELECT servicio, producto, territorio, mes, beneficiarios, unidades,"
        " gasto_corriente, gasto_inversion FROM entregas WHERE valid_to IS NULL"
    )
    return fetch(con, sql)


def load_csv_floor(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> int:
    """DuckDB's own CSV load into a new table: the floor the loaders are compared with."""
    name = ident(table)
    execute(con, compose("DROP TABLE IF EXISTS {t}", t=name))
    execute(con, compose("CREATE TABLE {t} AS SELECT * FROM read_csv($path)", t=name),
            {"path": str(path)})  # fmt: skip
    return int(scalar(con, compose("SELECT count(*) FROM {t}", t=name)) or 0)
