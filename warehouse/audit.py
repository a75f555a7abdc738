"""One audit trail for every write to the figures: who, when, through which channel, what, and
the values before → after (`auditoria`, migration 006).

Writers call `record` inside their own transaction, so a write and its audit line are committed
together or not at all. The table is readable by the system only (warehouse.scope); screens
show a figure's steps from its versions, not from here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pandas as pd

from warehouse.db import one
from warehouse.versioned import fetch

FORM = "formulario"
FILE = "archivo"
API = "api"
CONSOLE = "consola"
VALIDATION = "validacion"
CHANNELS = (FORM, FILE, API, CONSOLE, VALIDATION)

_INSERT_SQL = (
    "INSERT INTO auditoria (en, usuario, canal, accion, tabla, clave, antes, despues, comentario)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
_TRAIL_SQL = (
    "SELECT id, en, usuario, canal, accion, tabla, clave, antes, despues, comentario"
    " FROM auditoria WHERE ($tabla IS NULL OR tabla = $tabla) ORDER BY id"
)


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    at: datetime,
    user: str,
    channel: str,
    action: str,
    table: str,
    key: Mapping[str, object] | None,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
    comment: str | None = None,
) -> int:
    """Append one audit line in the caller's transaction; its id."""
    if channel not in CHANNELS:
        raise ValueError(f"canal de auditoría desconocido: {channel!r}")
    row = one(
        con,
        _INSERT_SQL,
        [at, user, channel, action, table, _json(key), _json(before), _json(after), comment],
    )
    assert row is not None
    return int(row[0])


def trail(con: duckdb.DuckDBPyConnection, table: str | None = None) -> pd.DataFrame:
    """Every audit line in order (one table's, or all): for tests and the console."""
    return fetch(con, _TRAIL_SQL, {"tabla": table})


def _json(values: Mapping[str, object] | None) -> str | None:
    if values is None:
        return None
    return json.dumps({k: _plain(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)


def _plain(value: object) -> object:
    """JSON-safe: dates as ISO text, NaN/NaT as null, numpy scalars as Python numbers."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
