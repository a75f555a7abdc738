"""The current version of one row of a versioned table, found by its key.

Forms and the API start every entry from what is stored (an entry changes a few fields of a
row, the others stay), and send back the version they read, so that a write made meanwhile by
somebody else is a conflict and never overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from warehouse.db import compose, ident

# Columns every versioned table has besides its contract's (never entered, never copied).
VERSION_COLUMNS = ("valid_from", "valid_to", "ingestion_id", "source_line", "validacion_id")


@dataclass(frozen=True)
class CurrentRow:
    values: dict[str, object]  # column → stored value (the contract's columns)
    version: str  # valid_from as text: what a client sends back to prove what it read


def current_row(
    con: duckdb.DuckDBPyConnection, table: str, key: Mapping[str, object]
) -> CurrentRow | None:
    """The row of `table` whose key columns equal `key` (NULL matching NULL), if any."""
    condition = " AND ".join(ident(k) + " IS NOT DISTINCT FROM ?" for k in key)
    cursor = con.execute(
        compose(
            "SELECT *, CAST(valid_from AS VARCHAR) AS version__ FROM {table}"
            " WHERE valid_to IS NULL AND {condition}",
            table=ident(table),
            condition=condition,
        ),
        list(key.values()),
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        return None
    values = dict(zip(names, rows[0], strict=True))
    version = str(values.pop("version__"))
    for column in VERSION_COLUMNS:
        values.pop(column, None)
    return CurrentRow(values, version)
