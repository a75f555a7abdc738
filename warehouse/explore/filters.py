"""Filters as data (datasette habit): each filter yields a `Clause`, an SQL fragment over a
constant column expression with its values bound, and how to say it.

Two kinds: a dataset's own filters (`FilterSpec`, one URL argument each) over its source rows,
and plain column filters (`ColumnFilter`) over the output columns, which hold exactly the values
the grid holds (codes as words, months as 'AAAA-MM' text, percentages as 0-100 numbers). How a
screen writes a column filter, and says it in words, is the dashboard's (dashboard.explore).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from warehouse.db import compose, ident
from warehouse.explore.words import LABELS
from warehouse.versioned import Params
from warehouse.vocabulary import parse_month


@dataclass(frozen=True)
class Clause:
    """One condition: SQL over constant expressions, bound parameters, and how to say it."""

    sql: str
    params: Params
    label: str
    operator: str
    value: str

    @property
    def description(self) -> str:
        return " ".join(part for part in (self.label, self.operator, self.value) if part)


@dataclass(frozen=True)
class FilterSpec:
    """A dataset filter: URL key, Spanish label, constant SQL expression, how it compares, and
    the option list ('region', 'meta', …) its values and their names come from."""

    key: str
    label: str
    expr: str
    kind: str = "equals"  # equals | month_from | month_to | national | open
    options: str = ""

    def clause(self, value: str, names: Mapping[str, str]) -> Clause | None:
        """The condition for one value; None for a month that is not 'AAAA-MM'."""
        shown = names.get(value) or LABELS.get(value, value)
        param = {self.key: value}
        if self.kind in ("month_from", "month_to"):
            month = parse_month(value)
            if month is None:
                return None
            op = ">=" if self.kind == "month_from" else "<="
            return Clause(self.expr + " " + op + " $" + self.key, {self.key: month},
                          "Mes", "≥" if op == ">=" else "≤", value)  # fmt: skip
        if self.kind == "national" and value == "nacional":
            return Clause(self.expr + " IS NULL", {}, self.label, "=", "Nacional")
        if self.kind == "open":
            null = "IS NULL" if value == "abierta" else "IS NOT NULL"
            return Clause(self.expr + " " + null, {}, self.label, "=", shown)
        return Clause(self.expr + " = $" + self.key, param, self.label, "=", shown)


def where(conditions: Sequence[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


# --------------------------------------------------------------------------- column filters
# Text comparisons are case-insensitive and let blanks pass 'not_equal' and 'not_contains';
# number comparisons exclude blanks except for 'blank', and 'between' includes both ends.

TEXT_OPERATORS = {
    "contains": "contains({value}, {bound})",
    "not_contains": "({col} IS NULL OR NOT contains({value}, {bound}))",
    "equals": "{value} = {bound}",
    "not_equal": "({col} IS NULL OR {value} <> {bound})",
    "starts_with": "starts_with({value}, {bound})",
    "ends_with": "ends_with({value}, {bound})",
}
NUMBER_OPERATORS = {"=": "=", "<>": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
BLANK, NOT_BLANK, BETWEEN = "blank", "not_blank", "between"


@dataclass(frozen=True)
class Condition:
    """One test on a column: an operator of TEXT_OPERATORS (text columns), NUMBER_OPERATORS or
    'between' (numbers; `upper` is the high end), or 'blank' / 'not_blank' (either)."""

    operator: str
    operand: str | float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class ColumnFilter:
    """Conditions on one output column, all required (or any one, with `any_of`)."""

    column: str
    as_text: bool
    conditions: tuple[Condition, ...]
    any_of: bool = False


def _condition_sql(col: str, as_text: bool, cond: Condition, param: str) -> tuple[str, Params]:
    if cond.operator == BLANK:
        blank = "trim(CAST(" + col + " AS VARCHAR)) = ''" if as_text else "FALSE"
        return "(" + col + " IS NULL OR " + blank + ")", {}
    if cond.operator == NOT_BLANK:
        blank = "trim(CAST(" + col + " AS VARCHAR)) <> ''" if as_text else "TRUE"
        return "(" + col + " IS NOT NULL AND " + blank + ")", {}
    if as_text and cond.operator in TEXT_OPERATORS:
        value = "lower(CAST(" + col + " AS VARCHAR))"
        sql = compose(
            TEXT_OPERATORS[cond.operator], col=col, value=value, bound="lower($" + param + ")"
        )
        return sql, {param: str(cond.operand)}
    if not as_text and cond.operator == BETWEEN:
        sql = col + " BETWEEN $" + param + " AND $" + param + "_to"
        return sql, {param: cond.operand, param + "_to": cond.upper}
    if not as_text and cond.operator in NUMBER_OPERATORS:
        return col + " " + NUMBER_OPERATORS[cond.operator] + " $" + param, {param: cond.operand}
    raise ValueError(f"filtro de columna no admitido: {cond.operator!r}")


def column_clauses(
    labels: Mapping[str, str], filters: Sequence[ColumnFilter]
) -> tuple[Clause, ...]:
    """The column filters as clauses over the output columns `t`, whose labels (by name) are
    `labels`; saying the conditions in words is left to the screen that set them."""
    clauses = []
    for index, found in enumerate(filters):
        if found.column not in labels:
            raise ValueError(f"columna desconocida en el filtro: {found.column!r}")
        col, param = "t." + ident(found.column), "g" + str(index)
        built = [
            _condition_sql(col, found.as_text, cond, param + "_" + str(i))
            for i, cond in enumerate(found.conditions)
        ]
        joiner = " OR " if found.any_of else " AND "
        sql = "(" + joiner.join(b[0] for b in built) + ")"
        params = {k: v for b in built for k, v in b[1].items()}
        clauses.append(Clause(sql, params, labels[found.column], "", ""))
    return tuple(clauses)
