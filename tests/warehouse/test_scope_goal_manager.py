"""The goal manager's scope (warehouse.scope, role `gerente`) on the demo warehouse: its goals in
full — unvalidated figures and forecasts, every bottleneck, every validation step — and the rest
as an analyst reads it; the system's own tables not at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from loaders.demo.accounts import DEMO_GOALS
from warehouse import goals as goal_queries
from warehouse.db import connect, ident
from warehouse.figure_access import BOTTLENECKS_SEEN, may_write_goal
from warehouse.scope import ANALISTA, GERENTE, MINISTERIO, Scope, apply_scope, cursor_scope_key

MANAGER = Scope(GERENTE, user="gerente", goals=DEMO_GOALS)
UNVALIDATED = (
    "SELECT codigo_meta, mes, region, valor_real FROM avance_mensual"
    " WHERE valid_to IS NULL AND estado <> 'validado' AND valor_real IS NOT NULL"
    " ORDER BY ALL"
)


@pytest.fixture(scope="module")
def con(demo_db: Path):
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def written(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the demo with forecasts on every current figure and three validation steps
    (the demo itself has none yet)."""
    path = tmp_path_factory.mktemp("gerente") / "demo.duckdb"
    shutil.copy(demo_db, path)
    connection = connect(path)
    connection.execute("UPDATE avance_mensual SET pronostico = 1.5 WHERE valid_to IS NULL")
    for code, action, after in (
        ("SAL-01", "devolver", "devuelto"),
        ("EDU-01", "devolver", "devuelto"),
        ("EDU-01", "validar", "validado"),
    ):
        connection.execute(
            "INSERT INTO validaciones (en, usuario, accion, codigo_meta, mes, region,"
            " valor_real, estado_antes, estado_despues) VALUES (now(), 'ministerio', ?, ?,"
            " DATE '2025-04-01', NULL, 1, 'reportado', ?)",
            [action, code, after],
        )
    yield connection
    connection.close()


def scoped(con: duckdb.DuckDBPyConnection, scope: Scope) -> duckdb.DuckDBPyConnection:
    cur = con.cursor()
    apply_scope(cur, scope)
    return cur


def test_the_manager_reads_its_goals_unvalidated_figures_and_no_one_elses(con) -> None:
    truth = con.execute(UNVALIDATED).fetchall()
    mine = [row for row in truth if row[0] in DEMO_GOALS]
    assert mine, "the demo has unvalidated figures of the demo manager's goals"
    assert len(mine) < len(truth), "and of other goals"
    assert scoped(con, MANAGER).execute(UNVALIDATED).fetchall() == mine
    assert scoped(con, Scope(ANALISTA, user="analista")).execute(UNVALIDATED).fetchall() == []
    # Every row stays (the plan is public); only the figures of other goals are blanked.
    count = "SELECT count(*) FROM avance_mensual"
    assert scoped(con, MANAGER).execute(count).fetchall() == con.execute(count).fetchall()


def test_the_manager_reads_every_bottleneck_of_its_goals_and_none_of_others(con) -> None:
    query = "SELECT codigo_restriccion, codigo_meta FROM restricciones ORDER BY ALL"
    truth = con.execute(query).fetchall()
    mine = [row for row in truth if row[1] in DEMO_GOALS]
    assert mine and len(mine) < len(truth)
    assert scoped(con, MANAGER).execute(query).fetchall() == mine


def test_the_manager_reads_its_goals_validation_steps_and_others_validations_only(
    written,
) -> None:
    query = "SELECT codigo_meta, accion FROM validaciones ORDER BY id"
    assert written.execute(query).fetchall() == [
        ("SAL-01", "devolver"),
        ("EDU-01", "devolver"),
        ("EDU-01", "validar"),
    ]
    assert scoped(written, MANAGER).execute(query).fetchall() == [
        ("SAL-01", "devolver"),
        ("EDU-01", "validar"),  # who validated an official figure is its provenance
    ]


@pytest.mark.parametrize(
    "table",
    ["cuentas", "auditoria_cuentas", "tokens_api", "auditoria", "cuarentena"],
)
def test_the_system_tables_are_not_the_managers(con, table) -> None:
    count = "SELECT count(*) FROM " + ident(table)
    assert scoped(con, MANAGER).execute(count).fetchall() == [(0,)]


@pytest.mark.parametrize(
    "scope",
    [
        Scope.everything("presidencia"),
        Scope(MINISTERIO, ("Ministerio de Salud",), user="ministerio"),
        Scope("region", region="05", user="region"),
        Scope(ANALISTA, user="analista"),
        Scope("admin", user="admin"),
        MANAGER,
        Scope.public(),
    ],
)
def test_token_hashes_and_the_write_audit_are_read_by_no_role(con, scope) -> None:
    for table in ("tokens_api", "auditoria"):
        cur = scoped(con, scope)
        view = cur.execute(
            "SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = ?", [table]
        ).fetchall()
        assert view == [(1,)], (scope.role, table)  # shadowed, whatever the table holds


def test_the_scope_key_carries_the_goals(con) -> None:
    cur = scoped(con, Scope(GERENTE, user="g", goals=("SAL-02", "SAL-01")))
    assert cursor_scope_key(cur) == MANAGER.key == (GERENTE, (), None, ("SAL-01", "SAL-02"))
    assert Scope(GERENTE, goals=("SAL-03",)).key != MANAGER.key  # caches never mix managers


def test_the_goals_frame_marks_the_managers_goals_as_seen_in_full(con) -> None:
    frame = goal_queries.goals(scoped(con, MANAGER))
    seen = frame.set_index("codigo_meta")[BOTTLENECKS_SEEN]
    assert seen[seen].index.tolist() == sorted(DEMO_GOALS)
    analyst = goal_queries.goals(scoped(con, Scope(ANALISTA, user="analista")))
    assert not np.any(analyst[BOTTLENECKS_SEEN])


def test_forecasts_follow_the_figures(written) -> None:
    """The forecast is part of the reported figure: blanked wherever the figure is."""
    query = (
        "SELECT codigo_meta, count(pronostico) FROM avance_mensual"
        " WHERE valid_to IS NULL AND estado <> 'validado' GROUP BY ALL ORDER BY ALL"
    )
    truth = dict(written.execute(query).fetchall())
    seen = dict(scoped(written, MANAGER).execute(query).fetchall())
    mine = {code: n for code, n in truth.items() if code in DEMO_GOALS}
    assert mine and set(truth) - set(mine), "unvalidated figures of its goals and of others"
    assert {code: n for code, n in seen.items() if n} == mine


def test_only_a_manager_writes_and_only_its_own_goals() -> None:
    assert may_write_goal(MANAGER, "SAL-01") and may_write_goal(MANAGER, "SAL-02")
    assert not may_write_goal(MANAGER, "SAL-03")
    assert not may_write_goal(MANAGER, "sal-01")
    for scope in (
        Scope.everything("presidencia"),
        Scope(MINISTERIO, ("Ministerio de Salud",), user="ministerio"),
        Scope(ANALISTA, user="analista"),
        Scope.public(),
        Scope.system(),
    ):
        assert not may_write_goal(scope, "SAL-01"), scope.role
