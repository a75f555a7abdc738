"""Typing and checking a file's rows inside DuckDB, before anything touches the warehouse tables.

A file arrives as text cells (loaders.readers). Here, in temporary objects of the loading
connection, every cell becomes its typed value or an error with a Spanish reason; rows with any
error are set aside for quarantine. Numbers arrive already read where Arrow could read every
cell of their column (f_<column>) and are parsed here otherwise, with the Chilean forms;
months, dates, codes and categories arrive already resolved next to the cells (parsed in Python
on their distinct values), and defaults arrive as a one-row table: no value is ever written into
SQL text.

No wide table is materialised: typing is cheap next to copying ten million rows, so the typed
rows are a view over the file's cells, computed as they are read. One pass keeps the lines of
the bad rows (`stg_bad_lines`, usually none); the good rows are typed again, without the
checks, as they are written. The raw text of a row is looked up again only when it is bad
(warehouse.staging_results, which also keeps one row per key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.db import compose, ident, scalar

SOURCE = "src_file"  # the file's cells, registered by the loader (Arrow)
SORTED = "src_sorted"  # what stage_typed reads: the columns it checks, in the stored order
BAD_LINES = "stg_bad_lines"  # the lines of the rows with any problem (a table)
GOOD = "stg_good"  # the rows without problems, typed (a view over the other rows' cells)
ERRORS = "stg_errors"
FINAL = "stg_final"
LINE = "__line"
ORDER_PREFIX = "o_"  # a sort key per column the rows are stored sorted by
NUMBER_PREFIX = "f_"  # a numeric column's cells already read as numbers (ColumnPlan.preparsed)

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
NUL_CHARACTER = "El valor contiene un carácter nulo (byte 0), que no es texto; corrija la celda."


def too_long(limit: int) -> str:
    """The reason for a text longer than its column's limit (loaders.contracts)."""
    chars = f"{limit:,}".replace(",", ".")
    return f"El texto pasa de {chars} caracteres, el máximo de esta columna; acórtelo."


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
    # Numeric: the source carries f_<name>, every non-empty cell already read as the number
    # the fast SQL cast gives it (NULL for an empty cell); see loaders.arrow_numbers.read_numbers.
    preparsed: bool = False
    max_length: int | None = None  # text: longer values, and values with a NUL, are errors


def order_column(name: str) -> str:
    """The column FINAL sorts by in place of `name`: its rank when the loader gives one
    (loaders.resolve_cells), else a copy of the value. FINAL has one for each `order_by` column."""
    return ORDER_PREFIX + name


def _quote_text(text: str) -> str:
    """A reason as an SQL string literal: reasons are fixed Spanish sentences of this module."""
    return "'" + text.replace("'", "''") + "'"


def _register_defaults(con: duckdb.DuckDBPyConnection, plans: Sequence[ColumnPlan]) -> None:
    """Defaults as a one-row table, so that no value is written into SQL text."""
    defaults = pd.DataFrame({p.name: [p.default] for p in plans if p.default is not None})
    con.register("stg_defaults_df", defaults if len(defaults.columns) else pd.DataFrame({"_": [1]}))
    con.execute("CREATE OR REPLACE TEMP TABLE stg_defaults AS SELECT * FROM stg_defaults_df")
    con.unregister("stg_defaults_df")


def _cell(plan: ColumnPlan, cell: str, default: str) -> str:
    """A cell as the contract reads it: no-break spaces as spaces, trimmed, empty as NULL,
    the default when empty. `cell` and `default` are column references."""
    if plan.source is None:
        text = "CAST(NULL AS VARCHAR)"
    else:
        text = compose("NULLIF(trim(replace({cell}, chr(160), ' ')), '')", cell=cell)
    if plan.default is not None:
        text = compose("coalesce({text}, {d})", text=text, d=default)
    return text


def _names(plan: ColumnPlan) -> tuple[str, str]:
    """The pass-through columns of a cell as sent and of its default."""
    return ident("c_" + plan.name), ident("d_" + plan.name)


def _fast_number(cell: str, decimal_comma: bool) -> str:
    """The common case, decided without building any text: a cell DuckDB casts as it stands.

    Whatever casts here casts to the same number through the full parser (which only removes
    no-break spaces, '$' and spaces before the same cast). With decimal commas a point may be a
    thousands separator ("84.257"), so this path takes cells without points or commas, and
    bare thousands-grouped integers ("84.257.229"), which the full parser reads the same way.
    Empty cells skip the cast: a failed TRY_CAST costs several times a successful one."""
    fast = compose("TRY_CAST(NULLIF({c}, '') AS DOUBLE)", c=cell)
    if decimal_comma:
        fast = compose(
            "CASE WHEN NOT contains({c}, '.') AND NOT contains({c}, ',') THEN {fast}"
            " WHEN regexp_full_match({c}, '-?[0-9]{{1,3}}([.][0-9]{{3}})+')"
            " THEN TRY_CAST(replace({c}, '.', '') AS DOUBLE) END",
            c=cell,
            fast=fast,
        )
    return fast


@dataclass
class _Select:
    sent: list[str]  # layer 1, over the file: cells as sent, defaults, mapped values, fast casts
    parsed: list[str]  # layer 2: numbers (the full parser only where the fast cast failed)
    typed: list[str]  # layer 3: typed values
    errors: list[str]  # layer 3: one reason column per contract column


def _column_sql(plan: ColumnPlan, number: str, decimal_comma: bool, out: _Select) -> None:
    """Add one column's expressions to each layer.

    The text clean-up (trim, no-break spaces, '$') costs more than everything else together on
    millions of cells, so it sits inside CASE branches: DuckDB evaluates a branch only for the
    rows that take it, here the empty or unusual cells."""
    col, (sent, default) = ident(plan.name), _names(plan)
    missing = _quote_text(MISSING) if plan.required else "NULL"
    if plan.mapped_type:
        value, why = ident("v_" + plan.name), ident("why_" + plan.name)
        out.sent.append(compose("s.{v} AS {v}, s.{w} AS {w}", v=value, w=why))
        out.parsed.append(compose("{v}, {w}", v=value, w=why))
        out.typed.append(compose("{v} AS {c}", v=value, c=col))
        out.errors.append(compose("{w} AS {e}", w=why, e=ident("e_" + plan.name)))
        return
    source = "s." + ident(plan.source) if plan.source else "CAST(NULL AS VARCHAR)"
    if plan.preparsed:  # a NULL number is an empty cell: no text to read
        source = "CAST(NULL AS VARCHAR)"
    out.sent.append(compose("{s} AS {c}", s=source, c=sent))
    if plan.default is not None:
        out.sent.append(compose("d.{n} AS {d}", n=col, d=default))
    cell = _cell(plan, sent, default)
    if not plan.numeric:
        out.parsed.append(compose("{cell} AS {c}", cell=cell, c=col))
        out.typed.append(col)
        text_checks = ""
        if plan.max_length is not None:  # one rule for text: too long, or not text at all
            text_checks = compose(
                " WHEN length({c}) > {n} THEN {long} WHEN contains({c}, chr(0)) THEN {nul}",
                c=col,
                n=str(int(plan.max_length)),
                long=_quote_text(too_long(plan.max_length)),
                nul=_quote_text(NUL_CHARACTER),
            )
        out.errors.append(
            compose(
                "CASE WHEN {c} IS NULL THEN {missing}{checks} END AS {e}",
                c=col,
                missing=missing,
                checks=text_checks,
                e=ident("e_" + plan.name),
            )
        )
        return
    rule, fast = NUMERIC_RULES[plan.numeric], ident(NUMBER_PREFIX + plan.name)
    n = ident("n_" + plan.name)
    read = "s." + fast if plan.preparsed else _fast_number(source, decimal_comma)
    out.sent.append(compose("{f} AS {fast}", f=read, fast=fast))
    out.parsed.append(
        compose(
            "{sent}, CASE WHEN {fast} IS NOT NULL THEN {fast} ELSE {parse} END AS {n}",
            sent=sent + (", " + default if plan.default is not None else ""),
            fast=fast,
            parse=number.format(x=cell),
            n=n,
        )
    )
    out.typed.append(compose("TRY_CAST({n} AS {t}) AS {c}", n=n, t=rule.sql_type, c=col))
    checks = "".join(
        compose(" WHEN {cond} THEN {why}", cond=cond.format(n=n), why=_quote_text(reason))
        for cond, reason in rule.checks
    )
    out.errors.append(
        compose(
            "CASE WHEN {n} IS NULL THEN CASE WHEN {cell} IS NULL THEN {missing} ELSE {help} END"
            " WHEN NOT isfinite({n}) THEN {help}{checks} END AS {e}",
            n=n,
            cell=cell,
            missing=missing,
            help=_quote_text(NUMBER_HELP),
            checks=checks,
            e=ident("e_" + plan.name),
        )
    )


def stage_typed(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[ColumnPlan],
    decimal_comma: bool,
    row_rules: Sequence[tuple[str, str, str]] = (),
    order_by: Sequence[str] = (),
    *,
    source: str = SOURCE,
) -> None:
    """BAD_LINES, the lines of the rows where any cell or row rule is wrong, and GOOD over the
    other rows of `source` (SOURCE, or SORTED: the rows keep the order they are read in), with
    typed values and the sort keys of `order_by` (`order_column`: the rank the source table
    carries for a mapped column, else the typed value).

    Why a view: materialising the typed rows cost ~1 s per 10 M rows, as much again as writing
    them; finding the bad lines costs ~0.2 s, and typing the good rows again as they are
    written costs next to nothing (every check is left out of that pass).

    Mapped columns arrive already resolved (v_<column>, why_<column>) next to their cells.
    `row_rules` are (column, condition over typed columns that is TRUE when wrong, reason).
    The reasons themselves are not kept: `collect_errors` works them out again for the bad rows
    only, which spares a column per contract column that is empty on almost every row."""
    _register_defaults(con, plans)
    ranked = _ranked(con, source, plans, order_by)
    kept = [ident(LINE), *(ident(p.name) for p in plans)]
    kept += [ident(order_column(c)) for c in ranked]

    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE {bad} AS SELECT {line} FROM ({checked}) WHERE bad",
            bad=BAD_LINES,
            line=ident(LINE),
            checked=checked_rows(source, plans, decimal_comma, row_rules, ranked),
        )
    )
    good = source
    if scalar(con, "SELECT count(*) FROM " + BAD_LINES):
        # Filter the cells, not the typed rows (see `checked_rows`).
        good = compose(
            "(SELECT * FROM {src} WHERE {line} NOT IN (SELECT {line} FROM {bad}))",
            src=source,
            line=ident(LINE),
            bad=BAD_LINES,
        )
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP VIEW {name} AS SELECT {kept} FROM ({checked})",
            name=GOOD,
            kept=", ".join(kept),
            checked=checked_rows(good, plans, decimal_comma, row_rules, ranked),
        )
    )


def checked_rows(
    source: str,
    plans: Sequence[ColumnPlan],
    decimal_comma: bool,
    row_rules: Sequence[tuple[str, str, str]],
    ranked: Sequence[str],
) -> str:
    """SELECT over `source`: line, typed values, the ranks of `ranked` (`_ranked`),
    e_<column> and rule_<i> reasons, and `bad`. Nothing may filter these layers from outside:
    a filter pushed into them would inline (and repeat) every parse expression; filter the
    source instead."""
    out = _Select([ident(LINE)], [ident(LINE)], [ident(LINE)], [])
    for plan in plans:
        _column_sql(plan, NUMBER_CHILE if decimal_comma else NUMBER_PLAIN, decimal_comma, out)
    _order_sql(ranked, out)
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
    return compose(
        "SELECT *, {bad} AS bad FROM (SELECT *{rules} FROM (SELECT {typed_cols} FROM"
        " (SELECT {parsed} FROM (SELECT {sent} FROM {src} s CROSS JOIN stg_defaults d))))",
        bad=" OR ".join(f + " IS NOT NULL" for f in flags),
        rules="".join(", " + r for r in rules),
        typed_cols=", ".join(out.typed + out.errors),
        parsed=", ".join(out.parsed),
        sent=", ".join(out.sent),
        src=source,
    )


def _ranked(
    con: duckdb.DuckDBPyConnection,
    source: str,
    plans: Sequence[ColumnPlan],
    order_by: Sequence[str],
) -> list[str]:
    """The `order_by` columns whose rank the source carries (mapped columns, see
    loaders.resolve_cells); the others are sorted by their typed value (`stage_final`)."""
    if not order_by:
        return []
    columns = {r[0] for r in con.execute("DESCRIBE " + source).fetchall()}
    mapped = {p.name for p in plans if p.mapped_type}
    return [c for c in order_by if c in mapped and order_column(c) in columns]


def _order_sql(ranked: Sequence[str], out: _Select) -> None:
    for name in ranked:
        key = ident(order_column(name))
        out.sent.append(compose("s.{k} AS {k}", k=key))
        out.parsed.append(key)
        out.typed.append(key)


def raw_value(plan: ColumnPlan) -> str:
    """The value shown in quarantine: the cell as sent (trimmed), or what was read in its place."""
    if plan.mapped_type:
        cell = "s." + ident(plan.source) if plan.source else "CAST(NULL AS VARCHAR)"
    else:
        sent = "s." + ident(plan.source) if plan.source else ""
        cell = _cell(plan, sent, "d." + ident(plan.name))
    return compose("NULLIF(trim({cell}), '')", cell=cell)
