"""Turning a file's text cells into checked, typed rows (in the loading connection's temp tables).

The kind's contract decides how each column is parsed; cross-column rules of a kind (a target
date after the start date, a target in the goal's direction) are listed here next to their reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from loaders.contracts import Column, ColumnType, Kind
from loaders.headers import HeaderMatch
from loaders.normalize import clean_cell, token
from loaders.readers import SourceTable
from loaders.values import (
    Parsed,
    TerritoryIndex,
    parse_category,
    parse_date,
    parse_month,
    parse_reference,
    parse_region,
    parse_scope,
    parse_territory,
)
from warehouse import ingestion, staging
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
_MAPPED_TEXT = {T.REGION, T.TERRITORY, T.SCOPE, T.CATEGORY, T.SERVICE, T.GOAL}

# (column blamed, condition over typed columns that is TRUE when the row is wrong, reason)
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
    "restricciones": (
        ("fecha_resolucion", "fecha_resolucion < fecha_alerta",
         "La fecha de resolución no puede ser anterior a la fecha de alerta."),
    ),
    "compromisos": (
        ("fecha_compromiso", "fecha_compromiso < fecha_acuerdo",
         "El plazo del compromiso no puede ser anterior a la fecha del acuerdo."),
    ),
}  # fmt: skip


def column_plans(match: HeaderMatch) -> list[ColumnPlan]:
    has_catalogue_check = match.kind.name != "productos" and {"servicio", "producto"} <= set(
        match.kind.column_names
    )
    return [_plan(c, match.columns.get(c.name), has_catalogue_check) for c in match.kind.columns]


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
    return ColumnPlan(
        column.name, source, column.required, column.default, numeric, mapped, context
    )


def stage_file(con: duckdb.DuckDBPyConnection, source: SourceTable, match: HeaderMatch) -> None:
    """Fill the staging tables; rows to load end in staging.FINAL, problems in staging.ERRORS.

    Months, dates, codes and categories are resolved here in Arrow: each column's distinct
    cells are parsed once in Python and the results spread back with `take`, so a file of ten
    million rows parses a few hundred values. DuckDB then only parses the numbers."""
    plans = column_plans(match)
    table = resolve_mapped(source.table, plans, _parsers(con, match.kind), _catalogue(con))
    con.register(staging.SOURCE, table)
    rules = ROW_RULES.get(match.kind.name, ())
    staging.stage_raw(con, plans)
    staging.stage_typed(con, plans, source.decimal_comma, rules)
    staging.collect_errors(con, plans, rules)


Cells = pa.ChunkedArray


def resolve_mapped(
    table: pa.Table,
    plans: Sequence[ColumnPlan],
    parsers: dict[str, Callable[[str], Parsed]],
    catalogue: dict[tuple[str, str], str],
) -> pa.Table:
    """The table plus v_<column> (typed value) and why_<column> (reason) for mapped columns."""
    for plan in plans:
        if plan.mapped_type and plan.context is None:
            parse = parsers[plan.name]
            cells = _cells(table, plan)
            value, why = _spread(cells, lambda raw, p=plan, f=parse: _parse_cell(raw, p, f),
                                 plan.mapped_type)  # fmt: skip
            table = table.append_column("v_" + plan.name, value).append_column(
                "why_" + plan.name, why
            )
    for plan in plans:
        if plan.context:
            pairs = pc.binary_join_element_wise(
                pc.fill_null(table["v_" + plan.context], ""),
                pc.fill_null(_cells(table, plan), ""),
                PAIR,
            )
            value, why = _spread(pairs, lambda pair: _parse_product(pair, catalogue), "VARCHAR")
            table = table.append_column("v_" + plan.name, value).append_column(
                "why_" + plan.name, why
            )
    return table


PAIR = "\x1f"  # joins a resolved service and a product as written, for the catalogue check


def _cells(table: pa.Table, plan: ColumnPlan) -> Cells:
    if plan.source is None:
        return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])
    return table[plan.source]


def _spread(
    cells: Cells, parse: Callable[[str | None], Parsed], sql_type: str
) -> tuple[Cells, Cells]:
    """Parse each distinct cell once; every row gets its cell's value and reason."""
    uniques = pc.unique(cells)
    indices = pc.index_in(cells, value_set=uniques)
    parsed = [parse(cell) for cell in uniques.to_pylist()]
    arrow_type = pa.date32() if sql_type == "DATE" else pa.string()
    values = pa.array([v for v, _ in parsed], arrow_type)
    reasons = pa.array([r for _, r in parsed], pa.string())
    return pc.take(values, indices), pc.take(reasons, indices)


def _parse_cell(raw: str | None, plan: ColumnPlan, parse: Callable[[str], Parsed]) -> Parsed:
    cell = clean_cell(raw)
    if cell is None:
        if plan.default is not None:
            return parse(plan.default)
        return None, (staging.MISSING if plan.required else None)
    return parse(cell)


def _parse_product(pair: str, catalogue: dict[tuple[str, str], str]) -> Parsed:
    service, _, raw = pair.partition(PAIR)
    product = clean_cell(raw)
    if product is None:
        return None, staging.MISSING
    if not service:
        return None, None  # the service is already wrong: one reason per row is enough
    value = catalogue.get((service, token(product)))
    if value:
        return value, None
    return None, (
        f"El producto no está en el catálogo del servicio «{service}»; "
        "cárguelo primero en un archivo de productos."
    )


def _catalogue(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    return {(s, token(p)): p for s, p in ingestion.current_catalogue(con)}


def _parsers(con: duckdb.DuckDBPyConnection, kind: Kind) -> dict[str, Callable[[str], Parsed]]:
    index = TerritoryIndex.from_rows(ingestion.territory_rows(con))
    services: dict[str, str] = {}
    for name, acronym in ingestion.current_services(con):
        services[token(name)] = name
        if acronym:
            services[token(acronym)] = name
    goals = {code: code for code in ingestion.current_goal_codes(con)}
    goals.update({token(code): code for code in list(goals)})
    by_type: dict[ColumnType, Callable[[Column], Callable[[str], Parsed]]] = {
        T.MONTH: lambda c: parse_month,
        T.DATE: lambda c: parse_date,
        T.REGION: lambda c: lambda raw: parse_region(raw, index),
        T.TERRITORY: lambda c: lambda raw: parse_territory(raw, index),
        T.SCOPE: lambda c: lambda raw: parse_scope(raw, index),
        T.CATEGORY: lambda c: lambda raw: parse_category(raw, c.choices),
        T.SERVICE: lambda c: (
            lambda raw: parse_reference(
                raw, services, "El servicio", "cárguelo primero en un archivo de instituciones"
            )
        ),
        T.GOAL: lambda c: (
            lambda raw: parse_reference(
                raw, goals, "El código de meta", "cargue primero la meta en un archivo de metas"
            )
        ),
    }
    return {c.name: by_type[c.type](c) for c in kind.columns if c.type in by_type}
