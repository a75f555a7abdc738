"""The grid's column filters and settings as the explorer screen says them.

AG Grid hands over its filterModel; this module turns it into plain column filters
(warehouse.explore.filters.ColumnFilter), lets the warehouse build the SQL, and says each filter
and setting in Spanish for the caption and the export's "Filtros" sheet ("Servicio contiene
«Salud»", "Desglose: Sumado en el período").

AG Grid's text filter is case-insensitive and lets blanks pass 'notEqual' and 'notContains';
its number filter excludes blanks except for 'blank'. The grid is set up with an inclusive
'inRange' (dashboard.explore.views), so both sides agree on every operator listed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from warehouse.explore import queries
from warehouse.explore.dataset_parts import Column
from warehouse.explore.datasets import dataset_for
from warehouse.explore.filters import (
    BETWEEN,
    BLANK,
    NOT_BLANK,
    Clause,
    ColumnFilter,
    Condition,
    column_clauses,
)
from warehouse.explore.queries import ExploreQuery
from warehouse.explore.words import LABELS

SETTING_LABELS = {"mes": "Mes de corte", "nivel": "Nivel territorial", "desglose": "Desglose"}
# How a setting's value is said where the query's settings are listed (caption, export).
SETTING_WORDS = {
    **LABELS,
    "region": "Región", "comuna": "Comuna",
    "mes": "Por mes", "periodo": "Sumado en el período", "total": "Total del territorio",
    "filas": "Filas cargadas, con su origen",
}  # fmt: skip

# AG Grid's type -> (plain operator, how it is said)
TEXT_TYPES = {
    "contains": ("contains", "contiene"),
    "notContains": ("not_contains", "no contiene"),
    "equals": ("equals", "="),
    "notEqual": ("not_equal", "≠"),
    "startsWith": ("starts_with", "empieza con"),
    "endsWith": ("ends_with", "termina con"),
}
NUMBER_TYPES = {
    "equals": ("=", "="), "notEqual": ("<>", "≠"), "greaterThan": (">", ">"),
    "greaterThanOrEqual": (">=", "≥"), "lessThan": ("<", "<"), "lessThanOrEqual": ("<=", "≤"),
}  # fmt: skip


def _number_text(value: float) -> str:
    text = str(int(value)) if value.is_integer() else repr(value)
    return text.replace(".", ",")


def _condition(model: Mapping[str, Any]) -> tuple[Condition, str]:
    """(plain condition, 'contiene «x»') for one simple AG Grid filter condition."""
    ftype, kind = model.get("filterType"), model.get("type")
    if kind == "blank":
        return Condition(BLANK), "está vacío"
    if kind == "notBlank":
        return Condition(NOT_BLANK), "no está vacío"
    if ftype == "text" and isinstance(kind, str) and kind in TEXT_TYPES:
        operator, word = TEXT_TYPES[kind]
        text = str(model.get("filter") or "")
        return Condition(operator, text), word + " «" + text + "»"
    if ftype == "number" and kind == "inRange":
        low, high = float(model["filter"]), float(model["filterTo"])
        text = "entre " + _number_text(low) + " y " + _number_text(high)
        return Condition(BETWEEN, low, high), text
    if ftype == "number" and kind in NUMBER_TYPES:
        operator, word = NUMBER_TYPES[kind]
        value = float(model["filter"])
        return Condition(operator, value), word + " " + _number_text(value)
    raise ValueError(f"filtro de columna no admitido: {ftype!r} {kind!r}")


def column_filters(
    columns: Sequence[Column], filter_model: Mapping[str, Any]
) -> list[tuple[ColumnFilter, str]]:
    """AG Grid's filterModel ({field: model}) as plain column filters, each with its words.

    A combined model ({'operator': 'AND'|'OR', 'conditions': [...]}) becomes one filter."""
    known = {c.name for c in columns}
    found = []
    for field, model in sorted(filter_model.items()):
        if field not in known:
            raise ValueError(f"columna desconocida en el filtro: {field!r}")
        parts = model.get("conditions") or [model]
        built = [_condition({**part, "filterType": model.get("filterType")}) for part in parts]
        any_of = model.get("operator") == "OR"
        as_text = model.get("filterType") == "text"
        plain = ColumnFilter(field, as_text, tuple(b[0] for b in built), any_of)
        found.append((plain, (" o " if any_of else " y ").join(b[1] for b in built)))
    return found


def grid_clauses(columns: Sequence[Column], filter_model: Mapping[str, Any]) -> tuple[Clause, ...]:
    """AG Grid's filterModel as clauses over the output columns, said in words."""
    found = column_filters(columns, filter_model)
    labels = {c.name: c.label for c in columns}
    clauses = column_clauses(labels, [plain for plain, _ in found])
    return tuple(replace(c, value=words) for c, (_, words) in zip(clauses, found, strict=True))


def build_query(
    key: str,
    args: Mapping[str, object],
    names: Mapping[str, Mapping[str, str]] | None = None,
    filter_model: Mapping[str, Any] | None = None,
) -> ExploreQuery:
    """The warehouse's query for dataset `key`, its URL arguments and the grid's filterModel,
    with its column filters and settings said as the caption and the export say them."""
    found = column_filters(dataset_for(key, args).columns, filter_model or {})
    query = queries.build_query(key, args, names, [plain for plain, _ in found])
    grid = tuple(replace(c, value=words) for c, (_, words) in zip(query.grid, found, strict=True))
    settings = tuple((SETTING_LABELS[k], SETTING_WORDS.get(v, v)) for k, v in query.settings)
    return replace(query, grid=grid, settings=settings)
