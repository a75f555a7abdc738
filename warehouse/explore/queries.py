"""One explorer view as one SQL statement, and running it.

`build_query` turns a dataset, its URL arguments and plain column filters into an
`ExploreQuery`; the grid shows its first rows and the CSV/Excel export reads all of them through
the same SQL, so what is shown and what is exported cannot disagree. Column filters apply to the
output columns, so a filter set in the grid and this SQL see the same values.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from warehouse import status
from warehouse.db import ident, scalar
from warehouse.explore.dataset_parts import SCORECARD, Column, Dataset
from warehouse.explore.datasets import GOAL_STATUS, SETTING_DEFAULTS, dataset_for
from warehouse.explore.filters import Clause, ColumnFilter, column_clauses, where
from warehouse.explore.words import expand_labels, label_params
from warehouse.versioned import Params, fetch


@dataclass(frozen=True)
class ExploreQuery:
    """One explorer view: the SQL (all rows, ordered), its parameters and what produced it.

    `grid` holds the column filters' clauses and `settings` the (key, value) of the settings that
    shaped the query; the screen that asked says them in its words (dashboard.explore)."""

    dataset: Dataset
    sql: str
    params: Params
    clauses: tuple[Clause, ...]  # dataset filters
    grid: tuple[Clause, ...]  # column filters
    settings: tuple[tuple[str, str], ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.dataset.columns

    def descriptions(self) -> list[str]:
        return [c.description for c in (*self.clauses, *self.grid)]


def build_query(
    key: str,
    args: Mapping[str, object],
    names: Mapping[str, Mapping[str, str]] | None = None,
    column_filters: Sequence[ColumnFilter] = (),
) -> ExploreQuery:
    """The query for dataset `key` with the URL arguments `args` and the column filters.

    `names` maps an option list ('region', 'meta', …) to the names of its codes, so that
    descriptions say "Región = Valparaíso" rather than "Región = 05". Empty values are no filter."""
    ds = dataset_for(key, args)
    names = names or {}
    clauses = []
    for spec in ds.filters:
        value = args.get(spec.key)
        if value not in (None, ""):
            clause = spec.clause(str(value), names.get(spec.options, {}))
            if clause is not None:
                clauses.append(clause)
    grid = column_clauses({c.name: c.label for c in ds.columns}, column_filters)
    inner = (
        "SELECT " + expand_labels(ds.select) + " " + ds.source
        + where([*ds.fixed, *(c.sql for c in clauses)]) + (" GROUP BY ALL" if ds.grouped else "")
    )  # fmt: skip
    if ds.names:
        inner = (
            "SELECT g.*, " + expand_labels(ds.names) + " FROM (" + inner + ") AS g "
            + ds.names_from
        )  # fmt: skip
    visible = ", ".join(ident(c.name) for c in ds.columns)
    sql = (
        "SELECT " + visible + " FROM (" + inner + ") AS t"
        + where([c.sql for c in grid]) + " ORDER BY " + ds.order
    )  # fmt: skip
    params: Params = {}
    for clause in (*clauses, *grid):
        params |= clause.params
    settings = tuple(
        (k, v) for k in ds.settings if (v := str(args.get(k) or SETTING_DEFAULTS.get(k, "")))
    )
    return ExploreQuery(ds, sql, params | label_params(sql), tuple(clauses), grid, settings)


def fetch_rows(
    con: duckdb.DuckDBPyConnection,
    query: ExploreQuery,
    limit: int | None = None,
    scorecard: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The rows of `query` in order (the first `limit` when given)."""
    sql, params = query.sql, dict(query.params)
    if limit is not None:
        sql, params = sql + " LIMIT $limit", params | {"limit": int(limit)}
    with _registered(con, query, scorecard):
        return fetch(con, sql, params)


def count_rows(
    con: duckdb.DuckDBPyConnection, query: ExploreQuery, scorecard: pd.DataFrame | None = None
) -> int:
    with _registered(con, query, scorecard):
        frame = fetch(con, "SELECT count(*) AS filas FROM (" + query.sql + ")", query.params)
    return int(frame["filas"].iloc[0])


@contextlib.contextmanager
def _registered(con, query: ExploreQuery, scorecard: pd.DataFrame | None) -> Iterator[None]:
    """The goal scorecard registered on this cursor (only) while its query runs."""
    if query.dataset.key != GOAL_STATUS.key:
        yield
        return
    if scorecard is None:
        raise ValueError("el estado de metas necesita el tablero de metas calculado")
    con.register(SCORECARD, scorecard)
    try:
        yield
    finally:
        con.unregister(SCORECARD)


@dataclass(frozen=True)
class SourceInfo:
    """Where the rows come from, for the export's second sheet."""

    database: str  # file name of the warehouse
    last_load: datetime | None  # UTC
    is_demo: bool


def source_info(con: duckdb.DuckDBPyConnection) -> SourceInfo:
    path = scalar(
        con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    return SourceInfo(
        Path(str(path)).name if path else "", status.last_load(con), status.is_demo(con)
    )
