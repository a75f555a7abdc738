"""Typing and checking a file's rows inside DuckDB, before anything touches the warehouse tables.

A file arrives as text cells (loaders.readers). Here, in temporary tables of the loading
connection, every cell becomes its typed value or an error with a Spanish reason; rows with any
error are set aside for quarantine. Numbers are parsed in SQL (there are millions of them);
months, dates, codes and categories arrive as small mapping tables parsed in Python on their
distinct values. SQL text is built only from constant fragments and `ident()`-quoted names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.db import ident, one

RAW = "stg_raw"
TYPED = "stg_typed"
ERRORS = "stg_errors"
FINAL = "stg_final"
LINE = "__line"

# Cell parsers in SQL, by numeric kind. X is replaced by the quoted column.
_NUMBER_PLAIN = "TRY_CAST(replace(replace(X, '$', ''), ' ', '') AS DOUBLE)"
_NUMBER_CHILE = (
    "CASE WHEN regexp_full_match(replace(replace(X, '$', ''), ' ', ''),"
    " '-?[0-9]{1,3}([.][0-9]{3})+(,[0-9]+)?')"
    " THEN TRY_CAST(replace(replace(replace(replace(X, '$', ''), ' ', ''), '.', ''), ',', '.')"
    " AS DOUBLE)"
    " ELSE TRY_CAST(replace(replace(replace(X, '$', ''), ' ', ''), ',', '.') AS DOUBLE) END"
)
NUMBER_HELP = "No es un número válido (ejemplos: 1234, 1234,5 o 1.234.567,5)."


@dataclass(frozen=True)
class NumericRule:
    """How a numeric column is checked, as constant SQL on the parsed value N."""

    sql_type: str
    checks: tuple[tuple[str, str], ...] = ()  # (condition that is TRUE when wrong, reason)


NUMERIC_RULES = {
    "number": NumericRule("DOUBLE"),
    "amount": NumericRule("DOUBLE", (("N < 0", "Un monto no puede ser negativo."),)),
    "count": NumericRule(
        "BIGINT",
        (
            ("N < 0", "Una cantidad no puede ser negativa."),
            ("N <> round(N)", "Una cantidad debe ser un número entero."),
        ),
    ),
    "ratio": NumericRule(
        "DOUBLE", (("N < 0 OR N > 1", "Debe estar entre 0 y 1 (por ejemplo 0,90)."),)
    ),
    "year": NumericRule(
        "INTEGER",
        (("N <> round(N) OR N < 1990 OR N > 2100", "Año no válido; use cuatro dígitos."),),
    ),
    "stage_1_4": NumericRule(
        "INTEGER", (("N <> round(N) OR N < 1 OR N > 4", "La etapa debe ser 1, 2, 3 o 4."),)
    ),
    "stage_0_4": NumericRule(
        "INTEGER", (("N <> round(N) OR N < 0 OR N > 4", "La etapa debe ser de 0 a 4."),)
    ),
}


@dataclass(frozen=True)
class ColumnPlan:
    """One contract column: where it comes from in the file and how it becomes typed."""

    name: str
    source: str | None  # header in the file; None when the file lacks this optional column
    required: bool
    default: str | None
    numeric: str | None = None  # key of NUMERIC_RULES
    mapped_type: str | None = None  # 'VARCHAR' or 'DATE' when parsed through a mapping table
    context: str | None = None  # a mapped column whose resolved value is part of the mapping key


def stage_raw(
    con: duckdb.DuckDBPyConnection, source_relation: str, plans: Sequence[ColumnPlan]
) -> None:
    """Copy the file's columns under their contract names, trimmed, empty cells as NULL."""
    selects = [ident(LINE)]
    for plan in plans:
        if plan.source is None:
            expr = "CAST(NULL AS VARCHAR)"
        else:
            expr = "NULLIF(trim(replace(" + ident(plan.source) + ", chr(160), ' ')), '')"
        if plan.default is not None:
            expr = "coalesce(" + expr + ", CAST(? AS VARCHAR))"
        selects.append(expr + " AS " + ident(plan.name))
    defaults = [p.default for p in plans if p.default is not None]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE "
        + RAW
        + " AS SELECT "
        + ", ".join(selects)
        + " FROM "
        + ident(source_relation),
        defaults,
    )


def distinct_values(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    rows = con.execute(
        "SELECT DISTINCT "
        + ident(column)
        + " FROM "
        + RAW
        + " WHERE "
        + ident(column)
        + " IS NOT NULL"
    ).fetchall()
    return [r[0] for r in rows]


def register_mapping(con: duckdb.DuckDBPyConnection, column: str, mapping: pd.DataFrame) -> str:
    """A (raw, value, reason) table for one column; returns its name."""
    name = "map_" + column
    context = ", CAST(context AS VARCHAR) AS context" if "context" in mapping.columns else ""
    con.register(name + "_df", mapping)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE "
        + ident(name)
        + " AS SELECT CAST(raw AS VARCHAR) AS raw, CAST(value AS VARCHAR) AS value,"
        " CAST(reason AS VARCHAR) AS reason" + context + " FROM " + ident(name + "_df")
    )
    con.unregister(name + "_df")
    return name


def stage_typed(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[ColumnPlan],
    decimal_comma: bool,
    row_rules: Sequence[tuple[str, str, str]] = (),
) -> None:
    """Typed values and one error column per contract column (NULL when the cell is right).

    `row_rules` are (column, condition over typed columns that is TRUE when wrong, reason)."""
    number = _NUMBER_CHILE if decimal_comma else _NUMBER_PLAIN
    parsed, typed, errors, joins = [ident(LINE)], [ident(LINE)], [], []
    for plan in plans:
        col, err, raw = ident(plan.name), ident("e_" + plan.name), ident("raw_" + plan.name)
        missing = "'Falta el valor obligatorio.'" if plan.required else "NULL"
        if plan.numeric:
            rule = NUMERIC_RULES[plan.numeric]
            n = ident("n_" + plan.name)
            parsed.append(number.replace("X", "r." + col) + " AS " + n)
            checks = "".join(
                " WHEN " + cond.replace("N", n) + " THEN '" + reason + "'"
                for cond, reason in rule.checks
            )
            typed.append("TRY_CAST(" + n + " AS " + rule.sql_type + ") AS " + col)
            errors.append(
                "CASE WHEN "
                + raw
                + " IS NULL THEN "
                + missing
                + " WHEN "
                + n
                + " IS NULL OR NOT isfinite("
                + n
                + ") THEN '"
                + NUMBER_HELP
                + "'"
                + checks
                + " END AS "
                + err
            )
        elif plan.mapped_type:
            m = ident("m_" + plan.name)
            on = m + ".raw = r." + col
            if plan.context:
                on += (
                    " AND "
                    + m
                    + ".context IS NOT DISTINCT FROM "
                    + ident("m_" + plan.context)
                    + ".value"
                )
            joins.append(" LEFT JOIN " + ident("map_" + plan.name) + " " + m + " ON " + on)
            parsed.append(m + ".value AS " + ident("v_" + plan.name))
            parsed.append(m + ".reason AS " + ident("why_" + plan.name))
            typed.append(
                "CAST(" + ident("v_" + plan.name) + " AS " + plan.mapped_type + ") AS " + col
            )
            errors.append(
                "CASE WHEN "
                + raw
                + " IS NULL THEN "
                + missing
                + " ELSE "
                + ident("why_" + plan.name)
                + " END AS "
                + err
            )
        else:
            parsed.append("r." + col)
            typed.append(col)
            errors.append("CASE WHEN " + col + " IS NULL THEN " + missing + " END AS " + err)
        parsed.append("r." + col + " AS " + ident("raw_" + plan.name))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stg_parsed AS SELECT "
        + ", ".join(parsed)
        + " FROM "
        + RAW
        + " r"
        + "".join(joins)
    )
    raw_cols = [ident("raw_" + p.name) for p in plans]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stg_cells AS SELECT "
        + ", ".join(typed + raw_cols)
        + ", "
        + ", ".join(errors)
        + " FROM stg_parsed"
    )
    rules = [
        "CASE WHEN "
        + ident("e_" + column)
        + " IS NULL AND ("
        + cond
        + ") THEN '"
        + reason
        + "' END AS "
        + ident("rule_" + str(i))
        for i, (column, cond, reason) in enumerate(row_rules)
    ]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE "
        + TYPED
        + " AS SELECT *"
        + "".join(", " + r for r in rules)
        + " FROM stg_cells"
    )


def collect_errors(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[ColumnPlan],
    row_rules: Sequence[tuple[str, str, str]],
) -> None:
    """One row per problem: (line, column, value as sent, reason)."""
    parts, params = [], []
    for plan in plans:
        parts.append(
            "SELECT "
            + ident(LINE)
            + " AS linea, ? AS columna, "
            + ident("raw_" + plan.name)
            + " AS valor, "
            + ident("e_" + plan.name)
            + " AS motivo FROM "
            + TYPED
            + " WHERE "
            + ident("e_" + plan.name)
            + " IS NOT NULL"
        )
        params.append(plan.name)
    for i, (column, _cond, _reason) in enumerate(row_rules):
        parts.append(
            "SELECT "
            + ident(LINE)
            + ", ?, "
            + ident("raw_" + column)
            + ", "
            + ident("rule_" + str(i))
            + " FROM "
            + TYPED
            + " WHERE "
            + ident("rule_" + str(i))
            + " IS NOT NULL"
        )
        params.append(column)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE " + ERRORS + " AS " + " UNION ALL ".join(parts), params
    )


def stage_final(con: duckdb.DuckDBPyConnection, key: Sequence[str], columns: Sequence[str]) -> int:
    """Rows without errors, one per key. Returns how many exact repeats were dropped.

    The same key twice with different values cannot be settled by us: both rows go to
    quarantine. The same row twice is harmless: the last one is kept."""
    keys = ", ".join(ident(k) for k in key)
    values = [c for c in columns if c not in key]
    value_hash = "hash(" + ", ".join(ident(c) for c in values) + ")" if values else "0"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stg_clean AS SELECT * FROM " + TYPED + " t"
        " WHERE NOT EXISTS (SELECT 1 FROM " + ERRORS + " e WHERE e.linea = t." + ident(LINE) + ")"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stg_repeats AS SELECT " + keys + ","
        " list(" + ident(LINE) + " ORDER BY " + ident(LINE) + ") AS lines,"
        " count(DISTINCT " + value_hash + ") > 1 AS conflicting"
        " FROM stg_clean GROUP BY ALL HAVING count(*) > 1"
    )
    con.execute(
        "INSERT INTO " + ERRORS + " SELECT unnest(lines), ?, NULL,"
        " 'La misma clave aparece con valores distintos en las líneas '"
        " || array_to_string(lines, ', ') || '; deje una sola fila por clave.'"
        " FROM stg_repeats WHERE conflicting",
        [" + ".join(key)],
    )
    selected = ", ".join(ident(c) for c in columns) + ", " + ident(LINE) + " AS source_line"
    repeats = one(con, "SELECT count(*) FROM stg_repeats")
    if repeats and repeats[0]:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE "
            + FINAL
            + " AS SELECT "
            + selected
            + " FROM stg_clean t WHERE NOT EXISTS (SELECT 1 FROM "
            + ERRORS
            + " e"
            " WHERE e.linea = t." + ident(LINE) + ")"
            " QUALIFY row_number() OVER (PARTITION BY "
            + keys
            + " ORDER BY "
            + ident(LINE)
            + " DESC) = 1"
        )
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE " + FINAL + " AS SELECT " + selected + " FROM stg_clean"
        )
    clean = one(con, "SELECT count(*) FROM stg_clean")
    final = one(con, "SELECT count(*) FROM " + FINAL)
    conflicted = one(con, "SELECT coalesce(sum(len(lines)), 0) FROM stg_repeats WHERE conflicting")
    return int(clean[0]) - int(final[0]) - int(conflicted[0])  # type: ignore[index]


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary"
        " AND (starts_with(table_name, 'stg_') OR starts_with(table_name, 'map_'))"
    ).fetchall()
    for (table,) in tables:
        con.execute("DROP TABLE IF EXISTS " + ident(table))
