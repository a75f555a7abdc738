"""Turning a file's text cells into checked, typed rows (in the loading connection's temp tables).

The kind's contract decides how each column is parsed; cross-column rules of a kind (a target
date after the start date, a target in the goal's direction) are listed here next to their reasons.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from loaders import limits
from loaders.arrow_numbers import read_numbers
from loaders.contracts import Column, ColumnType
from loaders.headers import HeaderMatch
from loaders.resolve_cells import Reference, catalogue_of, parsers_for, resolve_mapped
from loaders.row_order import MAPPED_PREFIXES, RowOrder, order_rows, take_rows
from loaders.source_table import LINE, SourceTable
from warehouse import staging, staging_results
from warehouse.staging import ColumnPlan

T = ColumnType
_NUMERIC = {
    T.NUMBER: "number",
    T.COUNT: "count",
    T.AMOUNT: "amount",
    T.RATIO: "ratio",
    T.YEAR: "year",
}
_MAPPED_DATE = {T.MONTH, T.DATE}
_MAPPED_TEXT = {T.REGION, T.TERRITORY, T.SCOPE, T.CATEGORY, T.SERVICE, T.GOAL, T.COMMITMENT}

# What the rules below read besides the row (registered by `stage_file` from the Reference).
GOAL_FACTS = "stg_goal_facts"  # f_codigo, f_inicio (first month), f_sin_negativos
CALENDAR = "stg_calendar"  # hoy (the day in Chile), hoy_mes (its month)
_TODAY = f"(SELECT hoy FROM {CALENDAR})"
_THIS_MONTH = f"(SELECT hoy_mes FROM {CALENDAR})"
_GOAL_FIRST_MONTH = f"(SELECT f_inicio FROM {GOAL_FACTS} WHERE f_codigo = codigo_meta)"
_NO_NEGATIVES = f"(SELECT f_sin_negativos FROM {GOAL_FACTS} WHERE f_codigo = codigo_meta)"
_NEGATIVE = (
    "Valor negativo: la línea base y la meta son positivas, la unidad de la meta no admite"
    " valores bajo cero."
)

# (column blamed, condition over typed columns that is TRUE when the row is wrong, reason).
# Web forms and the API check their entries with these same rules (loaders.entries).
ROW_RULES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "metas": (
        ("fecha_meta", "fecha_meta <= fecha_inicio",
         "La fecha de la meta debe ser posterior a la fecha de inicio."),
        ("valor_meta",
         "(sentido = 'ascendente' AND valor_meta <= linea_base)"
         " OR (sentido = 'descendente' AND valor_meta >= linea_base)",
         "El valor meta debe ser mayor que la línea base en una meta ascendente"
         " y menor en una descendente."),
        ("umbral_amarillo", "umbral_amarillo > umbral_verde",
         "El umbral amarillo no puede ser mayor que el umbral verde."),
    ),
    "metas_intermedias": (
        ("fecha_cumplida", f"fecha_cumplida > {_TODAY}",
         "La fecha de cumplimiento no puede ser posterior a hoy."),
    ),
    "avance_mensual": (
        ("mes", f"mes < {_GOAL_FIRST_MONTH}", "El mes es anterior al inicio de la meta."),
        ("valor_real", f"valor_real IS NOT NULL AND mes > {_THIS_MONTH}",
         "No se puede informar el valor real de un mes que todavía no llega."),
        *((column, f"{column} < 0 AND {_NO_NEGATIVES}", _NEGATIVE)
          for column in ("valor_real", "valor_programado", "pronostico")),
    ),
    "restricciones": (
        ("fecha_resolucion", "fecha_resolucion < fecha_alerta",
         "La fecha de resolución no puede ser anterior a la fecha de alerta."),
        ("fecha_alerta", f"fecha_alerta > {_TODAY}",
         "La fecha de alerta no puede ser posterior a hoy."),
        ("fecha_resolucion", f"fecha_resolucion > {_TODAY}",
         "La fecha de resolución no puede ser posterior a hoy."),
    ),
    "compromisos": (
        ("fecha_compromiso", "fecha_compromiso < fecha_acuerdo",
         "El plazo del compromiso no puede ser anterior a la fecha del acuerdo."),
        ("fecha_cumplimiento", f"fecha_cumplimiento > {_TODAY}",
         "La fecha de cumplimiento no puede ser posterior a hoy."),
    ),
    "seguimientos": (
        ("fecha", f"fecha > {_TODAY}", "La fecha del seguimiento no puede ser posterior a hoy."),
    ),
}  # fmt: skip


def column_plans(match: HeaderMatch) -> list[ColumnPlan]:
    has_catalogue_check = match.kind.name != "productos" and {"servicio", "producto"} <= set(
        match.kind.column_names
    )
    return [_plan(c, match.columns.get(c.name), has_catalogue_check) for c in match.kind.columns]


def resolved_sources(match: HeaderMatch) -> list[str]:
    """The file's headers of the columns resolved by their distinct cells (`resolve_mapped`)."""
    return [p.source for p in column_plans(match) if p.mapped_type and p.source]


def _plan(column: Column, source: str | None, catalogue: bool) -> ColumnPlan:
    numeric = _NUMERIC.get(column.type)
    if column.type is T.STAGE and column.bounds:
        numeric = f"stage_{column.bounds[0]}_{column.bounds[1]}"
    mapped = "DATE" if column.type in _MAPPED_DATE else None
    if column.type in _MAPPED_TEXT:
        mapped = "VARCHAR"
    context = None
    if catalogue and column.name == "producto":
        mapped, context = "VARCHAR", "servicio"
    # Numbers need no text rule: a NUL or a novel in a numeric cell fails to read as a number.
    length = None if numeric else min(column.max_length, limits.active().cell_chars)
    return ColumnPlan(
        column.name,
        source,
        column.required,
        column.default,
        numeric,
        mapped,
        context,
        max_length=length,
    )


@dataclass(frozen=True)
class CheckedRows:
    """A file's rows resolved, ordered and with their numbers read: all of it in Arrow,
    before the write lock is taken (`check_rows`); `stage_file` hands it to DuckDB."""

    table: pa.Table  # the file's cells plus resolved values (staging.SOURCE)
    stored: pa.Table  # what staging.stage_typed reads, in the stored order (staging.SORTED)
    plans: list[ColumnPlan]
    typed_plans: list[ColumnPlan]  # the same, saying which numbers are already read
    order: RowOrder
    reference: Reference  # what the cells were resolved against (the row rules read it too)


@dataclass(frozen=True)
class Staged:
    keys_distinct: bool  # no two rows of the file can share a key (see `keys_distinct`)
    presorted: bool  # staging.GOOD yields the rows in `order_by` order


def check_rows(
    source: SourceTable,
    match: HeaderMatch,
    reference: Reference,
    order_by: Sequence[str] = (),
) -> CheckedRows:
    """Resolve, order and read the numbers of a file's rows, without any connection.
    `order_by`: the columns the rows will be stored sorted by (staging.order_column).

    Months, dates, codes and categories are resolved here in Arrow: each column's distinct
    cells are parsed once in Python and travel as dictionary arrays (an index per row into the
    parsed values), so a file of ten million rows parses a few hundred values and copies no
    text. The rows are put in their stored order (`order_rows`), numbers are read by Arrow
    straight into that order where it can (`read_numbers`); `stage_file` then lets DuckDB type
    what is left and check everything (staging.stage_typed)."""
    plans = column_plans(match)
    table = resolve_mapped(
        source.table,
        plans,
        parsers_for(reference, match.kind),
        catalogue_of(reference),
        ranked=order_by,
    )
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        rows = order_rows(table, order_by, match.kind.key, pool)
        numbers, typed_plans = read_numbers(table, plans, source.decimal_comma, rows.positions)
        stored = _checked_columns(table, typed_plans)
        if rows.positions is not None:
            stored = take_rows(stored, rows.positions, plans)
        for name, values in numbers.items():  # already in the stored order
            stored = stored.append_column(name, values)
    finally:
        pool.shutdown(wait=False)  # the key check may still run: `rows.keys_distinct` waits
    return CheckedRows(table, stored, plans, typed_plans, rows, reference)


def stage_file(
    con: duckdb.DuckDBPyConnection,
    checked: CheckedRows,
    match: HeaderMatch,
    decimal_comma: bool,
    order_by: Sequence[str] = (),
) -> Staged:
    """Fill the staging tables; rows to load end in staging.FINAL, problems in staging.ERRORS."""
    con.register(staging.SOURCE, checked.table)
    con.register(staging.SORTED, checked.stored)
    register_reference(con, checked.reference)
    rules = ROW_RULES.get(match.kind.name, ())
    staging.stage_typed(
        con, checked.typed_plans, decimal_comma, rules, order_by, source=staging.SORTED
    )
    # The bad rows' numbers are read again from their text (the same numbers, see
    # `_as_numbers`), so the file's table need not carry them in its own order.
    staging_results.collect_errors(con, checked.plans, rules, decimal_comma)
    return Staged(checked.order.keys_distinct(), checked.order.in_order)


def register_reference(con: duckdb.DuckDBPyConnection, reference: Reference) -> None:
    """The goals' facts and today's date, as the row rules read them (GOAL_FACTS, CALENDAR)."""
    facts = reference.goal_facts
    con.register(
        GOAL_FACTS,
        pa.table(
            {
                "f_codigo": pa.array([f[0] for f in facts], pa.string()),
                "f_inicio": pa.array([f[1] for f in facts], pa.date32()),
                "f_sin_negativos": pa.array([f[2] for f in facts], pa.bool_()),
            }
        ),
    )
    today = reference.today
    con.register(CALENDAR, pa.table({"hoy": [today], "hoy_mes": [today.replace(day=1)]}))


def unregister_reference(con: duckdb.DuckDBPyConnection) -> None:
    for name in (GOAL_FACTS, CALENDAR):
        with contextlib.suppress(duckdb.Error):
            con.unregister(name)


def _checked_columns(table: pa.Table, plans: Sequence[ColumnPlan]) -> pa.Table:
    """The columns staging.stage_typed reads but the numbers already read (`read_numbers`):
    lines, cells of the other unmapped columns, resolved values."""
    names = [LINE] + [p.source for p in plans if p.source and not p.mapped_type and not p.preparsed]
    names += [n for n in table.column_names if n.startswith(MAPPED_PREFIXES)]
    return table.select(list(dict.fromkeys(names)))
