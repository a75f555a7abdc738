"""What the warehouse holds right now: row counts, last load, demo flag and recent ingestions.

These queries feed the status screen and the "data last loaded" line on every screen, so they
only read the small `ingestas`/`metadata` tables or count rows; all are cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse.db import get_metadata, ident, one


@dataclass(frozen=True)
class Ingestion:
    """One accepted file, as the ingestion log `ingestas` recorded it."""

    id: int
    archivo: str
    tipo: str
    cargado_en: datetime
    estado: str
    filas_leidas: int
    filas_cargadas: int
    filas_en_cuarentena: int
    es_demo: bool


@dataclass(frozen=True)
class WarehouseStatus:
    """Everything the status screen shows, read in one go."""

    current_rows: dict[str, int]
    regions_with_data: int
    last_load: datetime | None
    is_demo: bool
    recent: list[Ingestion]


def versioned_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables of loaded data (base tables with a `valid_to` column; views are skipped), read
    from the schema itself so that a kind added by a later migration is counted too."""
    rows = con.execute(
        "SELECT c.table_name FROM information_schema.columns AS c"
        " JOIN information_schema.tables AS t USING (table_catalog, table_schema, table_name)"
        " WHERE c.table_schema = 'main' AND c.column_name = 'valid_to'"
        " AND t.table_type = 'BASE TABLE' ORDER BY c.table_name"
    ).fetchall()
    return [row[0] for row in rows]


def current_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Number of current rows (`valid_to IS NULL`) in every table of loaded data."""
    tables = versioned_tables(con)
    if not tables:
        return {}
    # One statement: identifiers through ident(), the table names as labels bound as values.
    sql = " UNION ALL ".join(
        "SELECT ? AS tabla, count(*) AS filas FROM " + ident(t) + " WHERE valid_to IS NULL"
        for t in tables
    )
    return dict(con.execute(sql, tables).fetchall())


def regions_with_data(con: duckdb.DuckDBPyConnection) -> int:
    """Regions where at least one current delivery row was reported (by comuna or region)."""
    row = one(
        con,
        "SELECT count(DISTINCT t.codigo_region) FROM entregas AS e"
        " JOIN territorios AS t ON t.codigo = e.territorio WHERE e.valid_to IS NULL",
    )
    return int(row[0]) if row else 0


def last_load(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """Load time (UTC) of the most recent accepted file, or None when nothing was loaded."""
    row = one(con, "SELECT max(cargado_en) FROM ingestas")
    return row[0] if row else None


# The metadata mark the demo generator leaves on a database of invented figures.
DATASET_KEY, DATASET_DEMO = "dataset", "demo"


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database was built by the demo generator (invented figures)."""
    return get_metadata(con, DATASET_KEY) == DATASET_DEMO


def recent_ingestions(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[Ingestion]:
    """The last `limit` accepted files, newest first."""
    rows = con.execute(
        "SELECT id, archivo, tipo, cargado_en, estado, filas_leidas, filas_cargadas,"
        " filas_en_cuarentena, es_demo FROM ingestas"
        " ORDER BY cargado_en DESC, id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [Ingestion(*row) for row in rows]


def warehouse_status(con: duckdb.DuckDBPyConnection, recent: int = 10) -> WarehouseStatus:
    """All of the above, for one screen render."""
    return WarehouseStatus(
        current_rows=current_row_counts(con),
        regions_with_data=regions_with_data(con),
        last_load=last_load(con),
        is_demo=is_demo(con),
        recent=recent_ingestions(con, recent),
    )
