"""The row versions behind "what changed" between two review instants: the monthly figures and
the goals whose versions began or ended between them, each marked with the side it was known on.

Only rows that changed are read (a version that began or ended in (before, after]), so the
weekly pack can say *why* a goal moved — a new report, a revised figure, a new target — without
reading the whole history. The cursor's scope applies as for every query (masked figures read
as not reported).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from warehouse.db import compose, ident
from warehouse.versioned import Params, as_known, fetch

PROGRESS_COLUMNS = (
    "codigo_meta, CAST(mes AS TIMESTAMP) AS mes, region, valor_programado, valor_real, estado"
)
GOAL_COLUMNS = (
    "codigo_meta, nombre, linea_base, valor_meta, CAST(fecha_meta AS TIMESTAMP) AS fecha_meta,"
    " ambito"
)
BEFORE, AFTER = "antes", "despues"


def changed_progress(
    con: duckdb.DuckDBPyConnection, before: datetime, after: datetime
) -> pd.DataFrame:
    """Versions of avance_mensual rows that changed between the instants, known at either one
    (columns of PROGRESS_COLUMNS plus booleans `antes` and `despues`)."""
    return _changed(con, "avance_mensual", PROGRESS_COLUMNS, before, after)


def changed_goals(
    con: duckdb.DuckDBPyConnection, before: datetime, after: datetime
) -> pd.DataFrame:
    """Versions of metas rows that changed between the instants, known at either one."""
    return _changed(con, "metas", GOAL_COLUMNS, before, after)


def _changed(
    con: duckdb.DuckDBPyConnection, table: str, columns: str, before: datetime, after: datetime
) -> pd.DataFrame:
    params: Params = {"t0": before, "t1": after}
    known: dict[str, str] = {}
    for side, name in ((BEFORE, "t0"), (AFTER, "t1")):
        condition, _ = as_known(None, before)  # the one definition of "known at"
        known[side] = condition.replace("$known_at", "$" + name)
    changed = "(valid_from > $t0 AND valid_from <= $t1) OR (valid_to > $t0 AND valid_to <= $t1)"
    sql = compose(
        "SELECT {columns}, ({before}) AS {b}, ({after}) AS {a} FROM {table}"
        " WHERE ({changed}) AND (({before}) OR ({after})) ORDER BY codigo_meta, valid_from",
        columns=columns,
        before=known[BEFORE],
        after=known[AFTER],
        b=ident(BEFORE),
        a=ident(AFTER),
        table=ident(table),
        changed=changed,
    )
    return fetch(con, sql, params)
