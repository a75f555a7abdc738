"""Typing and checking a file's rows inside DuckDB, before anything touches the warehouse tables.

A file arrives as text cells (loaders.readers). Here, in temporary objects of the loading
connection, every cell becomes its typed value or an error with a Spanish reason; rows with any
error are set aside for quarantine. Numbers are parsed in SQL (there are millions of them);
months, dates, codes and categories arrive as small mapping tables parsed in Python on their
distinct values, and defaults arrive as a one-row table: no value is ever written into SQL text.

Only one wide table is materialised (`stg_typed`): the stages before it are views, and the raw
text of a row is looked up again only when the row is bad.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.db import compose, ident, scalar

SOURCE = "src_file"  # the file's cells, registered by the loader (Arrow)
RAW = "stg_raw"
TYPED = "stg_typed"
ERRORS = "stg_errors"
FINAL = "stg_final"
LINE = "__line"

# Cell parsers in SQL, by file dialect; {x} is the quoted column.
_CLEAN = "replace(replace({x}, '$', ''), ' ', '')"
NUMBER_PLAIN = "TRY_CAST(" + _CLEAN + " AS DOUBLE)"
NUMBER_CHILE = (
    "CASE WHEN regexp_full_match(" + _CLEAN + ", '-?[0-9]{{1,3}}([.][0-9]{{3}})+(,[0-9]+)?')"
    " THEN TRY_CAST(replace(replace(" + _CLEAN + ", '.', ''), ',', '.') AS DOUBLE)"
    " ELSE TRY_CAST(replace(" + _CLEAN + ", ',', '.') AS DOUBLE) END"
)
NUMBER_HELP = "No es un número válido (ejemplos: 1234, 1234,5 o 1.234.567,5)."
MISSING = "Falta el valor obligatorio."


@dataclass(frozen=True)
class NumericRule:
    """How a numeric column is checked: constant SQL over the parsed value {n}."""

    sql_type: str
    checks: tuple[tuple[str, str], ...] = ()  # (condition that is TRUE when wrong, reason)


NUMERIC_RULES = {
    "number": NumericRule("DOUBLE"),
    "amount": NumericRule("DOUBLE", (("{n} < 0", "Un monto no puede ser negativo."),)),
    "count": NumericRule(
        "BIGINT",
        (
            ("{n} < 0", "Una cantidad no puede ser negativa."),
            ("{n} <> round({n})", "Una cantidad debe ser un número entero."),
        ),
    ),
    "ratio": NumericRule(
        "DOUBLE", (("{n} < 0 OR {n} > 1", "Debe estar entre 0 y 1 (por ejemplo 0,90)."),)
    ),
    "year": NumericRule(
        "INTEGER",
        (("{n} <> round({n}) OR {n} < 1990 OR {n} > 2100", "Año no válido; use cuatro dígitos."),),
    ),
    "stage_1_4": NumericRule(
        "INTEGER", (("{n} <> round({n}) OR {n} < 1 OR {n} > 4", "La etapa debe ser 1, 2, 3 o 4."),)
    ),
    "stage_0_4": NumericRule(
        "INTEGER", (("{n} <> round({n}) OR {n} < 0 OR {n} > 4", "La etapa debe ser de 0 a 4."),)
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


def _quote_text(text: str) -> str:
    """A reason as an SQL string literal: reasons are fixed Spanish sentences of this module."""
    return "'" + text.replace("'", "''") + "'"


def stage_raw(con: duckdb.DuckDBPyConnection, plans: Sequence[ColumnPlan]) -> None:
    """A view of the file under contract column names: trimmed, empty as NULL, defaults applied.

    Mapped columns arrive already resolved (v_<column>, why_<column>) next to their cells."""
    defaults = pd.DataFrame({p.name: [p.default] for p in plans if p.default is not None})
    con.register("stg_defaults_df", defaults if len(defaults.columns) else pd.DataFrame({"_": [1]}))
    con.execute("CREATE OR REPLACE TEMP TABLE stg_defaults AS SELECT * FROM stg_defaults_df")
    con.unregister("stg_defaults_df")
    selects = ["s." + ident(LINE)]
    for plan in plans:
        if plan.mapped_type:
            selects.append(_mapped_select(plan))
            continue
        cell = (
            compose("NULLIF(trim(replace(s.{c}, chr(160), ' ')), '')", c=ident(plan.source))
            if plan.source
            else "CAST(NULL AS VARCHAR)"
        )
        if plan.default is not None:
            cell = compose("coalesce({cell}, d.{c})", cell=cell, c=ident(plan.name))
        selects.append(compose("{cell} AS {c}", cell=cell, c=ident(plan.name)))
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP VIEW {raw} AS SELECT {cols}"
            " FROM {src} s CROSS JOIN stg_defaults d",
            raw=RAW,
            cols=", ".join(selects),
            src=SOURCE,
        )
    )


def _mapped_select(plan: ColumnPlan) -> str:
    cell = "s." + ident(plan.source) if plan.source else "CAST(NULL AS VARCHAR)"
    return compose(
        "{cell} AS {c}, s.{v} AS {v}, s.{w} AS {w}",
        cell=cell,
        c=ident(plan.name),
        v=ident("v_" + plan.name),
        w=ident("why_" + plan.name),
    )


@dataclass
class _Select:
    parsed: list[str]
    typed: list[str]
    errors: list[str]


def _column_sql(plan: ColumnPlan, number: str, out: _Select) -> None:
    """Add one column's parse, typed value and error expressions."""
    col, raw = ident(plan.name), ident("raw_" + plan.name)
    missing = _quote_text(MISSING) if plan.required else "NULL"
    if not plan.mapped_type:
        out.parsed.append(compose("r.{c} AS {raw}", c=col, raw=raw))
    if plan.numeric:
        rule, n = NUMERIC_RULES[plan.numeric], ident("n_" + plan.name)
        out.parsed.append(compose("{parse} AS {n}", parse=number.format(x="r." + col), n=n))
        out.typed.append(compose("TRY_CAST({n} AS {t}) AS {c}", n=n, t=rule.sql_type, c=col))
        checks = "".join(
            compose(" WHEN {cond} THEN {why}", cond=cond.format(n=n), why=_quote_text(reason))
            for cond, reason in rule.checks
        )
        out.errors.append(
            compose(
                "CASE WHEN {raw} IS NULL THEN {missing} WHEN {n} IS NULL OR NOT isfinite({n})"
                " THEN {help}{checks} END AS {e}",
                raw=raw,
                missing=missing,
                n=n,
                help=_quote_text(NUMBER_HELP),
                checks=checks,
                e=ident("e_" + plan.name),
            )
        )
    elif plan.mapped_type:
        value, why = ident("v_" + plan.name), ident("why_" + plan.name)
        out.parsed.append(compose("r.{v}, r.{w}", v=value, w=why))
        out.typed.append(compose("{v} AS {c}", v=value, c=col))
        out.errors.append(compose("{w} AS {e}", w=why, e=ident("e_" + plan.name)))
    else:
        out.typed.append(compose("{raw} AS {c}", raw=raw, c=col))
        out.errors.append(
            compose(
                "CASE WHEN {raw} IS NULL THEN {missing} END AS {e}",
                raw=raw,
                missing=missing,
                e=ident("e_" + plan.name),
            )
        )


def stage_typed(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[ColumnPlan],
    decimal_comma: bool,
    row_rules: Sequence[tuple[str, str, str]] = (),
) -> None:
    """The one materialised table: typed values, an error column per contract column, the
    row rules, and `bad` when anything is wrong.

    `row_rules` are (column, condition over typed columns that is TRUE when wrong, reason)."""
    out = _Select([ident(LINE)], [ident(LINE)], [])
    for plan in plans:
        _column_sql(plan, NUMBER_CHILE if decimal_comma else NUMBER_PLAIN, out)
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP VIEW stg_parsed AS SELECT {cols} FROM {raw} r",
            cols=", ".join(out.parsed),
            raw=RAW,
        )
    )
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP VIEW stg_cells AS SELECT {cols} FROM stg_parsed",
            cols=", ".join(out.typed + out.errors),
        )
    )
    rules = [
        compose(
            "CASE WHEN {e} IS NULL AND ({cond}) THEN {why} END AS {r}",
            e=ident("e_" + column),
            cond=cond,
            why=_quote_text(reason),
            r=ident(f"rule_{i}"),
        )
        for i, (column, cond, reason) in enumerate(row_rules)
    ]
    flags = [ident("e_" + p.name) for p in plans] + [ident(f"rule_{i}") for i in range(len(rules))]
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE {typed} AS SELECT *, {bad} AS bad FROM"
            " (SELECT *{rules} FROM stg_cells)",
            typed=TYPED,
            rules="".join(", " + r for r in rules),
            bad=" OR ".join(f + " IS NOT NULL" for f in flags),
        )
    )


def collect_errors(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[ColumnPlan],
    row_rules: Sequence[tuple[str, str, str]],
) -> None:
    """One row per problem: (line, column, value as sent, reason) — from the bad rows only."""
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE stg_bad AS SELECT t.*, {raws} FROM {typed} t"
            " JOIN {raw} r USING ({line}) WHERE t.bad",
            raws=", ".join(
                compose(
                    "NULLIF(trim(r.{c}), '') AS {raw}", c=ident(p.name), raw=ident("raw_" + p.name)
                )
                for p in plans
            ),
            typed=TYPED,
            raw=RAW,
            line=ident(LINE),
        )
    )
    parts, params = [], []
    checks = [(p.name, "e_" + p.name) for p in plans]
    checks += [(column, f"rule_{i}") for i, (column, _c, _r) in enumerate(row_rules)]
    for column, flag in checks:
        parts.append(
            compose(
                "SELECT {line} AS linea, CAST(? AS VARCHAR) AS columna, {raw} AS valor,"
                " {flag} AS motivo FROM stg_bad WHERE {flag} IS NOT NULL",
                line=ident(LINE),
                raw=ident("raw_" + column),
                flag=ident(flag),
            )
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
    values = [ident(c) for c in columns if c not in key]
    selected = ", ".join(ident(c) for c in columns) + ", " + ident(LINE) + " AS source_line"
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE stg_repeats AS SELECT {keys},"
            " count(DISTINCT hash({values})) > 1 AS conflicting, count(*) AS n"
            " FROM {typed} WHERE NOT bad GROUP BY ALL HAVING count(*) > 1",
            keys=keys,
            values=", ".join(values) or "0",
            typed=TYPED,
        )
    )
    if not scalar(con, "SELECT count(*) FROM stg_repeats"):
        con.execute(
            compose(
                "CREATE OR REPLACE TEMP VIEW {final} AS SELECT {sel} FROM {typed} WHERE NOT bad",
                final=FINAL,
                sel=selected,
                typed=TYPED,
            )
        )
        return 0
    on = " AND ".join(compose("t.{k} IS NOT DISTINCT FROM r.{k}", k=ident(k)) for k in key)
    con.execute(
        compose(
            "INSERT INTO {errors} SELECT t.{line}, CAST(? AS VARCHAR), NULL,"
            " 'La misma clave aparece con valores distintos en las líneas '"
            " || string_agg(CAST(t.{line} AS VARCHAR), ', ' ORDER BY t.{line})"
            " OVER (PARTITION BY {tkeys})"
            " || '; deje una sola fila por clave.' FROM {typed} t JOIN stg_repeats r ON {on}"
            " WHERE NOT t.bad AND r.conflicting",
            errors=ERRORS,
            line=ident(LINE),
            typed=TYPED,
            on=on,
            tkeys=", ".join("t." + ident(k) for k in key),
        ),
        [" + ".join(key)],
    )
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP VIEW {final} AS SELECT {sel} FROM {typed} t WHERE NOT bad"
            " AND NOT EXISTS (SELECT 1 FROM {errors} e WHERE e.linea = t.{line})"
            " QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {line} DESC) = 1",
            final=FINAL,
            sel=selected,
            typed=TYPED,
            errors=ERRORS,
            line=ident(LINE),
            keys=keys,
        )
    )
    dropped = scalar(
        con, "SELECT coalesce(sum(n), 0) - count(*) FROM stg_repeats WHERE NOT conflicting"
    )
    return int(dropped or 0)  # type: ignore[call-overload]


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    objects = con.execute(
        "SELECT 'VIEW', view_name FROM duckdb_views() WHERE temporary"
        " AND starts_with(view_name, 'stg_')"
        " UNION ALL SELECT 'TABLE', table_name FROM duckdb_tables() WHERE temporary"
        " AND (starts_with(table_name, 'stg_') OR starts_with(table_name, 'map_'))"
    ).fetchall()
    for kind, name in sorted(objects, reverse=True):  # views first: they depend on tables
        con.execute("DROP " + kind + " IF EXISTS " + ident(name))
