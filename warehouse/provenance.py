"""Where the figures on screen came from: the file, its line and load time of each bottleneck and
commitment, and the delivery files behind the territorial figures.

Monthly goal figures bring their lineage and validation with their rows
(warehouse.goal_detail.progress_with_lineage); the queries here serve the other kinds. They run
on the viewer's scoped cursor like every read, so a viewer gets the source of the rows it may
read only. `ingestas` (the load log) is read in full by every role: its files and times date
every screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from warehouse.db import READ_FAILED, warehouse_errors
from warehouse.versioned import fetch, where

SOURCE_COLUMNS = ("archivo", "linea", "cargado_en")
DELIVERY_KIND = "entregas"

_BOTTLENECK_SOURCES_SQL = (
    "SELECT r.codigo_restriccion, i.archivo, r.source_line AS linea, i.cargado_en"
    " FROM restricciones AS r LEFT JOIN ingestas AS i ON i.id = r.ingestion_id"
)
_COMMITMENT_SOURCES_SQL = (
    "SELECT c.codigo_compromiso, i.archivo, c.source_line AS linea, i.cargado_en"
    " FROM compromisos AS c LEFT JOIN ingestas AS i ON i.id = c.ingestion_id"
)
# A file contributed when it wrote a row (new or replacing one): a file whose every row was
# already loaded with the same values left the earlier file's lineage in place.
_DELIVERY_LOADS_SQL = (
    "SELECT count(*), arg_max(archivo, cargado_en), max(cargado_en) FROM ingestas"
    " WHERE tipo = $kind AND filas_nuevas + filas_reemplazadas > 0"
)


@dataclass(frozen=True)
class DeliveryLoads:
    """The delivery files that wrote rows: how many, and the latest one with its load time."""

    files: int
    latest_file: str | None
    latest_loaded_at: datetime | None  # UTC, as stored


def bottleneck_sources(con: duckdb.DuckDBPyConnection, codigo_meta: str) -> pd.DataFrame:
    """The current bottlenecks of one goal: codigo_restriccion, archivo, linea, cargado_en."""
    sql = _BOTTLENECK_SOURCES_SQL + where(
        ["r.valid_to IS NULL", "r.codigo_meta = $codigo"]
    ) + " ORDER BY 1"  # fmt: skip
    return fetch(con, sql, {"codigo": codigo_meta})


def commitment_sources(con: duckdb.DuckDBPyConnection, region: str) -> pd.DataFrame:
    """The current commitments of one region: codigo_compromiso, archivo, linea, cargado_en."""
    sql = _COMMITMENT_SOURCES_SQL + where(
        ["c.valid_to IS NULL", "c.region = $region"]
    ) + " ORDER BY 1"  # fmt: skip
    return fetch(con, sql, {"region": region})


def with_sources(rows: pd.DataFrame, sources: pd.DataFrame, key: str) -> pd.DataFrame:
    """`rows` with the archivo, linea and cargado_en of each row (matched on `key`), in order:
    the sources are read apart because the rows' own queries serve every screen."""
    found = sources.drop_duplicates(key).set_index(key)
    keys = rows[key]
    return rows.assign(**{c: keys.map(found[c]) if len(found) else None for c in SOURCE_COLUMNS})


def delivery_loads(con: duckdb.DuckDBPyConnection) -> DeliveryLoads:
    """One small query on the load log (a few hundred rows at most): cheap on every render."""
    with warehouse_errors(READ_FAILED):
        rows = con.execute(_DELIVERY_LOADS_SQL, {"kind": DELIVERY_KIND}).fetchall()
    files, latest, loaded_at = rows[0] if rows else (0, None, None)
    return DeliveryLoads(int(files or 0), latest, loaded_at)
