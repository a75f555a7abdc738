"""Every table of the warehouse is either read in full by everyone on purpose, or shadowed for
the public: a migration that adds a table must decide, or this fails."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.db import ident
from warehouse.scope import PUBLICO, RULES, UNRESTRICTED, Scope, apply_scope


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def test_every_table_is_declared_public_or_has_a_public_rule(reference_db: Path) -> None:
    con = duckdb.connect(str(reference_db), read_only=True)
    try:
        undecided = tables(con) - UNRESTRICTED - set(RULES[PUBLICO])
    finally:
        con.close()
    assert undecided == set(), f"tables with no scope decision: {sorted(undecided)}"


def test_every_rule_names_a_real_table(reference_db: Path) -> None:
    con = duckdb.connect(str(reference_db), read_only=True)
    try:
        existing = tables(con)
    finally:
        con.close()
    for role, rules in RULES.items():
        assert set(rules) <= existing, role
    assert existing >= UNRESTRICTED


def test_public_cursor_reads_nothing_restricted(make_warehouse) -> None:
    con = duckdb.connect(str(make_warehouse()), read_only=True)
    try:
        cur = con.cursor()
        apply_scope(cur, Scope.public())
        for table in ("restricciones", "entregas", "compromisos", "cuentas", "cuarentena"):
            assert cur.execute("SELECT count(*) FROM " + ident(table)).fetchall() == [(0,)], table
        unvalidated = cur.execute(
            "SELECT count(*) FROM avance_mensual WHERE estado <> 'validado' AND valor_real IS NOT NULL"
        ).fetchall()
        assert unvalidated == [(0,)]
    finally:
        con.close()


def test_the_public_reads_the_load_log_without_who_sent_each_entry(make_warehouse) -> None:
    path = make_warehouse()
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE ingestas SET canal = 'formulario', usuario = 'gerente' WHERE id = 5")
        public, staff = con.cursor(), con.cursor()
        apply_scope(public, Scope.public())
        apply_scope(staff, Scope("analista", user="analista"))
        query = "SELECT count(*), count(usuario), max(cargado_en) FROM ingestas"
        rows, senders, last = public.execute(query).fetchone()
        assert rows > 0 and senders == 0 and last is not None
        assert staff.execute(query).fetchone()[1] == 1
    finally:
        con.close()
