"""Queries for the goals screens: metas, avance_mensual, restricciones, metas_intermedias.

Each returns the rows as known at `known_at` (current rows when None). These tables are small
(goals × months), so the per-goal logic runs in `indicators/` on the returned frames.

The weekly review compares the data as known at two instants: `known_at_each` reads a table
once for several instants and splits the rows, because on tables this small a query's cost is
mostly fixed (planning, conversion to pandas), not per row. Rows come through
Arrow where that is faster: text columns then reach pandas without a Python string per value
(on avance_mensual a third less time than `.df()`; for one instant of the wide and short
`metas`, `.df()` is faster), and the rows of each instant are split in Arrow. Dates are cast
to TIMESTAMP so that both paths give the same frames (`.df()` hands a DATE over as
datetime64[us]).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse.db import compose, ident
from warehouse.figure_access import (
    BOTTLENECKS_SEEN,
    BOTTLENECKS_SEEN_REGION,
    bottlenecks_seen,
    region_with_every_bottleneck,
)
from warehouse.scope import cursor_scope_key
from warehouse.versioned import Params, as_known, fetch, fetch_arrow, where


@dataclass(frozen=True)
class Table:
    """One query of this module: its columns, its table and the order of its rows."""

    columns: str
    table: str
    order: str
    arrow: bool = False  # read one instant through Arrow (see the module docstring)
    # The table is a relation that takes its instant itself: `{known}` in its text is the
    # "known at" condition (versioned.as_known) of every versioned table it reads.
    per_instant: bool = False

    @property
    def sql(self) -> str:
        return "SELECT " + self.columns + " FROM " + self.table

    def at(self, known_at: datetime | None) -> tuple[str, Params]:
        """`SELECT columns FROM table` as known at `known_at`, and its parameters."""
        condition, params = as_known(None, known_at)
        if self.per_instant:
            return "SELECT " + self.columns + " FROM " + self.table.format(known=condition), params
        return self.sql + where([condition]), params


GOALS = Table(
    "codigo_meta, nombre, ministerio, servicio, area_tematica, gerente, unidad, sentido,"
    " linea_base, valor_meta, CAST(fecha_inicio AS TIMESTAMP) AS fecha_inicio,"
    " CAST(fecha_meta AS TIMESTAMP) AS fecha_meta, ambito, umbral_verde, umbral_amarillo",
    "metas",
    " ORDER BY codigo_meta",
)
# Only what the indicators read: who reported a row and their comment are shown on the goal
# page (goal_detail), and those two text columns were ~40 % of this query's time.
PROGRESS = Table(
    "codigo_meta, CAST(mes AS TIMESTAMP) AS mes, region, valor_programado, valor_real, estado",
    "avance_mensual",
    " ORDER BY codigo_meta, mes, region NULLS FIRST",
    arrow=True,
)
BOTTLENECKS = Table(
    "codigo_restriccion, codigo_meta, tipo, severidad, nivel, region, descripcion,"
    " responsable, CAST(fecha_alerta AS TIMESTAMP) AS fecha_alerta,"
    " CAST(fecha_resolucion AS TIMESTAMP) AS fecha_resolucion",
    "restricciones",
    " ORDER BY codigo_meta, codigo_restriccion",
    arrow=True,
)
MILESTONES = Table(
    "codigo_meta, codigo_hito, nombre, CAST(fecha_programada AS TIMESTAMP) AS fecha_programada,"
    " CAST(fecha_cumplida AS TIMESTAMP) AS fecha_cumplida, peso",
    "metas_intermedias",
    " ORDER BY codigo_meta, fecha_programada, codigo_hito",
    arrow=True,
)
GOAL_SQL, PROGRESS_SQL = GOALS.sql, PROGRESS.sql
BOTTLENECK_SQL, MILESTONE_SQL = BOTTLENECKS.sql, MILESTONES.sql


def goals(con: duckdb.DuckDBPyConnection, known_at: datetime | None = None) -> pd.DataFrame:
    condition, params = as_known(None, known_at)
    return read(con, GOALS, GOAL_SQL + where([condition]) + GOALS.order, params)


def progress(
    con: duckdb.DuckDBPyConnection,
    until: date | None = None,
    known_at: datetime | None = None,
    codigo_meta: str | None = None,
) -> pd.DataFrame:
    """Monthly progress rows up to month `until` (all months when None), national and regional."""
    condition, params = as_known(None, known_at)
    conditions = [condition]
    if until is not None:
        conditions.append("mes <= $until")
        params["until"] = until
    if codigo_meta is not None:
        conditions.append("codigo_meta = $codigo_meta")
        params["codigo_meta"] = codigo_meta
    return read(con, PROGRESS, PROGRESS_SQL + where(conditions) + PROGRESS.order, params)


def bottlenecks(con: duckdb.DuckDBPyConnection, known_at: datetime | None = None) -> pd.DataFrame:
    condition, params = as_known(None, known_at)
    return read(con, BOTTLENECKS, BOTTLENECK_SQL + where([condition]) + BOTTLENECKS.order, params)


def milestones(con: duckdb.DuckDBPyConnection, known_at: datetime | None = None) -> pd.DataFrame:
    condition, params = as_known(None, known_at)
    return read(con, MILESTONES, MILESTONE_SQL + where([condition]) + MILESTONES.order, params)


def known_at_each(
    con: duckdb.DuckDBPyConnection, query: Table, instants: Sequence[datetime | None]
) -> list[pd.DataFrame]:
    """The frame the query gives as known at each instant (the same rows, order and dtypes as
    one query per instant), from one query: the rows known at any of them, with a flag each.
    A relation that takes its instant itself is read once per instant."""
    if query.per_instant:
        frames = []
        for instant in instants:
            sql, params = query.at(instant)
            frames.append(read(con, query, sql + query.order, params))
        return frames
    conditions: list[str] = []
    params: Params = {}
    for i, instant in enumerate(instants):
        condition, bound = as_known(None, instant)
        # as_known stays the one definition of "known at"; each instant gets its parameter.
        for name, value in bound.items():
            condition = condition.replace("$" + name, f"${name}_{i}")
            params[f"{name}_{i}"] = value
        conditions.append("(" + condition + ")")
    flags = "".join(
        compose(", {condition} AS {name}", condition=c, name=ident(f"_known_{i}"))
        for i, c in enumerate(conditions)
    )
    sql = compose(
        "SELECT {columns}{flags} FROM {table} WHERE {known}{order}",
        columns=query.columns,
        flags=flags,
        table=query.table,
        known=" OR ".join(conditions),
        order=query.order,
    )
    table = fetch_arrow(con, sql, params)
    data = table.select(range(table.num_columns - len(instants)))
    frames = [_frame(data.filter(table.column(data.num_columns + i))) for i in range(len(instants))]
    return [_with_access(con, query, frame) for frame in frames]


def read(con: duckdb.DuckDBPyConnection, query: Table, sql: str, params: Params) -> pd.DataFrame:
    """`fetch` of one of this module's queries, through Arrow when the table is marked so."""
    frame = _frame(fetch_arrow(con, sql, params)) if query.arrow else fetch(con, sql, params)
    return _with_access(con, query, frame)


def _with_access(con: duckdb.DuckDBPyConnection, query: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Goals carry whether the cursor's viewer reads every bottleneck of each (and of which
    region), so that no light or count over bottlenecks is computed on a part of them
    (warehouse.figure_access.FIGURE_ACCESS)."""
    if query is not GOALS:
        return frame
    key = cursor_scope_key(con)
    seen = bottlenecks_seen(
        key, *(frame[c].to_numpy(dtype=object) for c in ("codigo_meta", "ministerio", "ambito"))
    )
    return frame.assign(
        **{BOTTLENECKS_SEEN: seen, BOTTLENECKS_SEEN_REGION: region_with_every_bottleneck(key)}
    )


def _frame(rows: pa.Table) -> pd.DataFrame:
    """The rows as `fetch` would give them: a text column without a single value is object
    holding None, as DuckDB's `.df()` types such a column (also in an empty result)."""
    blank = [
        field.name
        for field, column in zip(rows.schema, rows.columns, strict=True)
        if _is_text(field.type) and column.null_count == len(column)
    ]
    frame = rows.to_pandas(use_threads=False)
    if not blank:
        return frame
    nothing = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return frame.assign(**dict.fromkeys(blank, nothing))


def _is_text(kind: pa.DataType) -> bool:
    return (
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )
