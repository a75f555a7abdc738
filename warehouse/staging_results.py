"""What staging leaves for the load to write: every problem of the bad rows with its reason
(ERRORS), and the good rows, one per key (FINAL); and clearing it all away afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from warehouse.db import compose, ident, one, scalar
from warehouse.staging import (
    BAD_LINES,
    ERRORS,
    FINAL,
    GOOD,
    LINE,
    SOURCE,
    ColumnPlan,
    checked_rows,
    order_column,
    raw_value,
)


def collect_errors(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[ColumnPlan],
    row_rules: Sequence[tuple[str, str, str]],
    decimal_comma: bool,
) -> None:
    """One row per problem: (line, column, value as sent, reason) — from the bad rows only:
    their cells are copied out of the file and checked again, now keeping every reason."""
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE stg_bad_rows AS SELECT * FROM {src}"
            " WHERE {line} IN (SELECT {line} FROM {bad})",
            src=SOURCE,
            line=ident(LINE),
            bad=BAD_LINES,
        )
    )
    checked = checked_rows("stg_bad_rows", plans, decimal_comma, row_rules, ())
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE stg_bad AS SELECT t.*, {raws} FROM ({checked}) t"
            " JOIN stg_bad_rows s ON s.{line} = t.{line} CROSS JOIN stg_defaults d",
            raws=", ".join(
                compose("{v} AS {raw}", v=raw_value(p), raw=ident("raw_" + p.name)) for p in plans
            ),
            checked=checked,
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


@dataclass(frozen=True)
class Final:
    repeated: int  # exact repeats dropped
    in_order: bool  # FINAL yields its rows in `order_by` order (when insertion order is kept)


def stage_final(
    con: duckdb.DuckDBPyConnection,
    key: Sequence[str],
    columns: Sequence[str],
    *,
    keys_distinct: bool = False,
    order_by: Sequence[str] = (),
    presorted: bool = False,
) -> Final:
    """Rows without errors, one per key, and how many exact repeats were dropped.

    The same key twice with different values cannot be settled by us: both rows go to
    quarantine. The same row twice is harmless: the last one is kept. `keys_distinct` says
    the caller already proved that no key repeats (loaders.row_order.keys_distinct); FINAL
    carries the sort keys of `order_by` (as given to `stage_typed`); `presorted` says GOOD
    holds its rows in that order."""
    keys = ", ".join(ident(k) for k in key)
    values = [ident(c) for c in columns if c not in key]
    staged = {r[0] for r in con.execute("DESCRIBE " + GOOD).fetchall()}
    selected = ", ".join(
        [*(ident(c) for c in columns), ident(LINE) + " AS source_line"]
        + [
            ident(order_column(c))
            if order_column(c) in staged
            else compose("{c} AS {o}", c=ident(c), o=ident(order_column(c)))
            for c in order_by
        ]
    )
    if keys_distinct or not _may_repeat_keys(con, keys):
        con.execute(
            compose(
                "CREATE OR REPLACE TEMP VIEW {final} AS SELECT {sel} FROM {good}",
                final=FINAL,
                sel=selected,
                good=GOOD,
            )
        )
        return Final(0, presorted)
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE stg_repeats AS SELECT {keys},"
            " count(DISTINCT hash({values})) > 1 AS conflicting, count(*) AS n"
            " FROM {good} GROUP BY ALL HAVING count(*) > 1",
            keys=keys,
            values=", ".join(values) or "0",
            good=GOOD,
        )
    )
    on = " AND ".join(compose("t.{k} IS NOT DISTINCT FROM r.{k}", k=ident(k)) for k in key)
    con.execute(
        compose(
            "INSERT INTO {errors} SELECT t.{line}, CAST(? AS VARCHAR), NULL,"
            " 'La misma clave aparece con valores distintos en las líneas '"
            " || string_agg(CAST(t.{line} AS VARCHAR), ', ' ORDER BY t.{line})"
            " OVER (PARTITION BY {tkeys})"
            " || '; deje una sola fila por clave.' FROM {good} t JOIN stg_repeats r ON {on}"
            " WHERE r.conflicting",
            errors=ERRORS,
            line=ident(LINE),
            good=GOOD,
            on=on,
            tkeys=", ".join("t." + ident(k) for k in key),
        ),
        [" + ".join(key)],
    )
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP VIEW {final} AS SELECT {sel} FROM {good} t"
            " WHERE NOT EXISTS (SELECT 1 FROM {errors} e WHERE e.linea = t.{line})"
            " QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {line} DESC) = 1",
            final=FINAL,
            sel=selected,
            good=GOOD,
            errors=ERRORS,
            line=ident(LINE),
            keys=keys,
        )
    )
    dropped = scalar(
        con, "SELECT coalesce(sum(n), 0) - count(*) FROM stg_repeats WHERE NOT conflicting"
    )
    return Final(int(dropped or 0), False)  # type: ignore[call-overload]


def _may_repeat_keys(con: duckdb.DuckDBPyConnection, keys: str) -> bool:
    """False when every good row has a key of its own, which is nearly always.

    One 64-bit hash per key, counted: distinct hashes as many as rows proves that no key repeats
    (equal keys hash equal, NULLs included). A collision only sends the file down the exact path,
    which groups the keys themselves."""
    rows, distinct = one(
        con,
        compose(
            "SELECT count(*), count(DISTINCT hash({keys})) FROM {good}",
            keys=keys,
            good=GOOD,
        ),
    ) or (0, 0)
    return bool(rows != distinct)


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    objects = con.execute(
        "SELECT 'VIEW', view_name FROM duckdb_views() WHERE temporary"
        " AND starts_with(view_name, 'stg_')"
        " UNION ALL SELECT 'TABLE', table_name FROM duckdb_tables() WHERE temporary"
        " AND (starts_with(table_name, 'stg_') OR starts_with(table_name, 'map_'))"
    ).fetchall()
    for kind, name in sorted(objects, reverse=True):  # views first: they depend on tables
        con.execute("DROP " + kind + " IF EXISTS " + ident(name))
