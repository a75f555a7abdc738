"""Turning a file's text cells into checked, typed rows (in the loading connection's temp tables).

The kind's contract decides how each column is parsed; cross-column rules of a kind (a target
date after the start date, a target in the goal's direction) are listed here next to their reasons.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from loaders.contracts import Column, ColumnType, Kind
from loaders.headers import HeaderMatch
from loaders.normalize import token
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


def stage_file(
    con: duckdb.DuckDBPyConnection, source_relation: str, match: HeaderMatch, decimal_comma: bool
) -> list[ColumnPlan]:
    """Fill the staging tables; rows to load end in staging.FINAL, problems in staging.ERRORS."""
    plans = column_plans(match)
    staging.stage_raw(con, source_relation, plans)
    parsers = _parsers(con, match.kind)
    for plan in plans:
        if plan.mapped_type and plan.context is None:
            parse = parsers[plan.name]
            values = staging.distinct_values(con, plan.name)
            staging.register_mapping(con, plan.name, _mapping(values, parse))
    for plan in plans:
        if plan.context:
            staging.register_mapping(con, plan.name, _catalogue_mapping(con))
    rules = ROW_RULES.get(match.kind.name, ())
    staging.stage_typed(con, plans, decimal_comma, rules)
    staging.collect_errors(con, plans, rules)
    return plans


def _mapping(values: list[str], parse: Callable[[str], Parsed]) -> pd.DataFrame:
    parsed = [parse(v) for v in values]
    return pd.DataFrame(
        {
            "raw": values,
            "value": [None if v is None else str(v) for v, _ in parsed],
            "reason": [r for _, r in parsed],
        },
        dtype=object,
    )


def _catalogue_mapping(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    catalogue = {(s, token(p)): p for s, p in ingestion.current_catalogue(con)}
    rows = []
    for service, product in ingestion.staged_service_products(con):
        value = catalogue.get((service, token(product)))
        reason = (
            None
            if value
            else (
                f"El producto no está en el catálogo del servicio «{service}»; "
                "cárguelo primero en un archivo de productos."
            )
        )
        rows.append((product, service, value, reason))
    return pd.DataFrame(rows, columns=["raw", "context", "value", "reason"], dtype=object)


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
