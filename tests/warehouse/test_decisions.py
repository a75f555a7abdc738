"""Decisions of the Grupo de Estrategia (warehouse.decisions): only presidencia records and
closes them, on an open bottleneck, with an audit line in the same transaction; a decision is
read as known at an instant (open then, closed later); each role reads them where it reads
their bottleneck (warehouse.scope)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from tests.support.table_state import tables_digest
from tests.support.tiny_warehouse import load, open_copy
from warehouse import audit
from warehouse import decisions as q
from warehouse.db import transaction
from warehouse.scope import (
    ADMIN,
    ANALISTA,
    GERENTE,
    MINISTERIO,
    REGION,
    Scope,
    apply_scope,
)

LOADED = datetime(2025, 6, 2, 10)
T1, T2 = datetime(2025, 6, 10, 15), datetime(2025, 6, 20, 15)  # UTC: 11:00 in Chile
PRESIDENT = Scope.everything("presidencia")
TABLES = ("decisiones", "auditoria")


@pytest.fixture
def con(reference_db, tmp_path):
    connection = open_copy(reference_db, tmp_path)
    load(connection, "metas", [
        {"codigo_meta": "SAL-01", "ministerio": "Ministerio de Salud", "linea_base": 0.0,
         "valor_meta": 1.0, "fecha_inicio": date(2025, 1, 1), "fecha_meta": date(2026, 1, 1)},
        {"codigo_meta": "VIV-01", "ministerio": "Ministerio de Vivienda", "linea_base": 0.0,
         "valor_meta": 1.0, "fecha_inicio": date(2025, 1, 1), "fecha_meta": date(2026, 1, 1),
         "ambito": "05"},
    ], LOADED)  # fmt: skip
    load(connection, "restricciones", [
        {"codigo_restriccion": "R-1", "codigo_meta": "SAL-01", "fecha_alerta": date(2025, 4, 1)},
        {"codigo_restriccion": "R-2", "codigo_meta": "VIV-01", "fecha_alerta": date(2025, 4, 1)},
        {"codigo_restriccion": "R-3", "codigo_meta": "SAL-01", "fecha_alerta": date(2025, 4, 1),
         "region": "05"},
        {"codigo_restriccion": "R-9", "codigo_meta": "SAL-01", "fecha_alerta": date(2025, 4, 1),
         "fecha_resolucion": date(2025, 5, 1)},
    ], LOADED)  # fmt: skip
    connection.execute(
        "INSERT INTO cuentas (usuario, nombre, rol, hash_clave, creada_en, actualizada_en)"
        " VALUES ('presidencia', 'P', 'presidencia', 'x', now(), now())"
    )
    yield connection
    connection.close()


def record(con, code="R-1", owner="Ministerio de Salud", due=date(2025, 6, 17), at=T1, scope=None):
    with transaction(con):
        return q.record_decision(con, scope or PRESIDENT, code, "Destrabar", owner, due, at)


def test_presidencia_records_a_decision_with_its_audit_line(con):
    new_id = record(con, owner="presidencia")
    row = q.decisions(con, date(2025, 6, 10)).iloc[0]
    assert (row["id"], row["codigo_meta"], row["estado"]) == (new_id, "SAL-01", q.OPEN)
    assert (row["responsable"], row["tipo_responsable"]) == ("presidencia", q.ACCOUNT)
    assert row["creada_por"] == "presidencia" and pd.isna(row["cerrada_en"])
    trail = audit.trail(con, "decisiones")
    assert list(trail["accion"]) == [q.RECORD] and list(trail["canal"]) == [audit.FORM]
    assert '"texto": "Destrabar"' in trail.iloc[0]["despues"]


@pytest.mark.parametrize(
    ("scope", "code", "owner", "due", "title"),
    [
        (Scope(MINISTERIO, ministries=("Ministerio de Salud",), user="m"), "R-1",
         "Ministerio de Salud", date(2025, 6, 17), "Su cuenta no registra decisiones"),
        (Scope("presidencia"), "R-1", "Ministerio de Salud", date(2025, 6, 17), "Sesión sin usuario"),
        (PRESIDENT, "R-404", "Ministerio de Salud", date(2025, 6, 17), "La restricción no existe"),
        (PRESIDENT, "R-9", "Ministerio de Salud", date(2025, 6, 17), "no está abierta"),
        (PRESIDENT, "R-1", "Nadie", date(2025, 6, 17), "Responsable desconocido"),
        (PRESIDENT, "R-1", "  ", date(2025, 6, 17), "Falta el responsable"),
        (PRESIDENT, "R-1", "Ministerio de Salud", date(2025, 6, 9), "ya pasó"),
    ],
)  # fmt: skip
def test_a_refused_decision_writes_nothing(con, scope, code, owner, due, title):
    before = tables_digest(con, TABLES)
    with pytest.raises(q.DecisionRequestError, match=title):
        record(con, code, owner, due, scope=scope)
    assert tables_digest(con, TABLES) == before


def test_closing_keeps_the_decision_and_the_past_reads_it_open(con):
    new_id = record(con)
    with transaction(con):
        q.close_decision(con, PRESIDENT, new_id, "Transferencia hecha", T2)

    now = q.decisions(con, date(2025, 6, 21)).iloc[0]
    assert (now["estado"], now["cerrada_por"], now["resultado"]) == (
        q.CLOSED, "presidencia", "Transferencia hecha")  # fmt: skip
    # The review of 18 June (known at its end): open, and overdue since the 17th.
    then = q.decisions(con, date(2025, 6, 18), datetime(2025, 6, 18, 23, 59)).iloc[0]
    assert (then["estado"], then["dias_vencida"], then["resultado"]) == (q.OVERDUE, 1, None)
    assert q.decisions(con, date(2025, 6, 9), datetime(2025, 6, 9, 23, 59)).empty
    pending = q.DecisionFilter(q.PENDING)
    assert q.decisions(con, date(2025, 6, 21), where=pending).empty
    closed = q.decisions(con, date(2025, 6, 21), where=q.DecisionFilter("cerradas"))
    assert list(closed["id"]) == [new_id]
    assert list(audit.trail(con, "decisiones")["accion"]) == [q.RECORD, q.CLOSE]


def test_closing_twice_or_by_another_role_is_refused_and_changes_nothing(con):
    new_id = record(con)
    with transaction(con):
        q.close_decision(con, PRESIDENT, new_id, "Hecho", T2)
    before = tables_digest(con, TABLES)
    with pytest.raises(q.DecisionRequestError, match="ya estaba cerrada"):
        q.close_decision(con, PRESIDENT, new_id, "Otra vez", T2)
    with pytest.raises(q.DecisionRequestError, match="no registra decisiones"):
        q.close_decision(con, Scope(ANALISTA, user="a"), new_id, "Hecho", T2)
    with pytest.raises(q.DecisionRequestError, match="Decisión desconocida"):
        q.close_decision(con, PRESIDENT, 999, "Hecho", T2)
    with pytest.raises(q.DecisionRequestError, match="Falta el resultado"):
        q.close_decision(con, PRESIDENT, record(con, "R-2"), " ", T2)
    assert tables_digest(con, ("decisiones",)) != before  # the R-2 decision only
    assert len(q.decisions(con, date(2025, 6, 21), where=q.DecisionFilter(q.PENDING))) == 1


def test_filters_by_ministry_goal_and_bottleneck(con):
    record(con, "R-1")
    record(con, "R-2", owner="presidencia", due=date(2025, 7, 1))
    day = date(2025, 6, 18)
    health = q.decisions(con, day, where=q.DecisionFilter(q.ALL, ministry="Ministerio de Salud"))
    assert list(health["codigo_restriccion"]) == ["R-1"]
    assert list(q.decisions(con, day, where=q.DecisionFilter(q.ALL, goal="VIV-01"))["id"]) == [2]
    overdue = q.decisions(con, day, where=q.DecisionFilter("vencidas"))
    assert list(overdue["codigo_restriccion"]) == ["R-1"]
    assert list(q.decisions(con, day, where=q.DecisionFilter(bottleneck="R-2"))["id"]) == [2]


@pytest.mark.parametrize(
    ("scope", "seen"),
    [
        (Scope(MINISTERIO, ministries=("Ministerio de Salud",)), {"R-1", "R-3"}),
        (Scope(REGION, region="05"), {"R-2", "R-3"}),  # raised in 05, or a goal of ámbito 05
        (Scope(GERENTE, goals=("VIV-01",)), {"R-2"}),
        (Scope(ANALISTA), set()),
        (Scope(ADMIN), set()),
        (Scope.public(), set()),
    ],
)
def test_each_role_reads_the_decisions_where_it_reads_the_bottleneck(con, scope, seen):
    for code in ("R-1", "R-2", "R-3"):
        record(con, code, owner="presidencia")
    cur = con.cursor()
    apply_scope(cur, scope)
    assert set(q.decisions(cur, date(2025, 6, 18))["codigo_restriccion"]) == seen
    bottlenecks = {
        r[0] for r in cur.execute("SELECT codigo_restriccion FROM restricciones").fetchall()
    }
    assert seen <= bottlenecks
