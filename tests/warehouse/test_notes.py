"""Notes on a goal (warehouse.notes): written with an audit line by whoever reads the goal in
full, addressed to an account or a role that reads it too, read like the goal (never by the
public), listed as pending for the addressee (overdue "revisar el" first) until it marks them
seen. Plus the scope of commitment follow-ups."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from loaders.ingest import ingest_file
from tests.support.demo_copies import writable_demo
from tests.support.table_state import tables_digest
from warehouse.audit import trail
from warehouse.db import transaction
from warehouse.notes import add_note, close_note, pending, thread
from warehouse.scope import Scope, apply_scope

PRESIDENCIA = Scope("presidencia", user="presidencia")
HEALTH = Scope("ministerio", ("Ministerio de Salud",), user="ministerio")
EDUCATION = Scope("ministerio", ("Ministerio de Educación",), user="coord.educacion")
MANAGER = Scope("gerente", user="gerente", goals=("SAL-01", "SAL-02"))
VALPARAISO = Scope("region", region="05", user="region")
ANALYST = Scope("analista", user="analista")
AT = datetime(2025, 6, 18, 12, 0)
TODAY = date(2025, 6, 18)
TABLES = ("notas", "auditoria")


@pytest.fixture
def con(demo_db, tmp_path):
    with writable_demo(demo_db, tmp_path) as connection:
        yield connection


def write(con, scope: Scope, **fields):
    with transaction(con):
        return add_note(con, scope, at=AT, **fields)


def scoped(con, scope: Scope):
    cur = con.cursor()
    apply_scope(cur, scope)
    return cur


def test_a_note_is_written_with_its_audit_line_and_read_like_the_goal(con):
    result = write(
        con, PRESIDENCIA, codigo_meta="SAL-02", texto="¿Cuándo llega el informe?",
        para="ministerio", codigo_restriccion="R-045", revisar_el=date(2025, 6, 25),
    )  # fmt: skip

    assert result.saved, result
    line = trail(con, "notas").iloc[-1]
    assert (line.usuario, line.canal, line.accion) == ("presidencia", "formulario", "escribir nota")
    assert '"para": "ministerio"' in line.despues
    for reader in (PRESIDENCIA, HEALTH, MANAGER):  # after the demo's own notes, if any
        assert list(thread(scoped(con, reader), "SAL-02")["texto"])[-1:] == [
            "¿Cuándo llega el informe?"
        ]
    for outsider in (EDUCATION, VALPARAISO, ANALYST, Scope.public()):
        assert thread(scoped(con, outsider), "SAL-02").empty, outsider.role


@pytest.mark.parametrize(
    ("scope", "fields", "reason"),
    [
        (MANAGER, {"codigo_meta": "EDU-01", "para": "presidencia"}, "no lee la meta EDU-01"),
        (ANALYST, {"codigo_meta": "SAL-02", "para": "presidencia"}, "no lee la meta SAL-02"),
        (HEALTH, {"codigo_meta": "SAL-02", "para": "nadie"}, "no existe"),
        (HEALTH, {"codigo_meta": "SAL-02", "para": "analista"}, "no vería la nota"),
        (HEALTH, {"codigo_meta": "SAL-02", "para": "region"}, None),  # a role: accepted
        (
            HEALTH,
            {"codigo_meta": "SAL-02", "para": "gerente", "codigo_restriccion": "R-001"},
            "no es de la meta",
        ),
        (HEALTH, {"codigo_meta": "SAL-02", "para": "gerente", "texto": "  "}, "Escriba"),
    ],
)
def test_a_refused_note_changes_nothing(con, scope, fields, reason):
    before = tables_digest(con, TABLES)
    result = write(con, scope, **{"texto": "Revisar", **fields})

    if reason is None:
        assert result.saved
        return
    assert not result.saved and reason in result.message
    assert tables_digest(con, TABLES) == before


def test_pending_lists_overdue_first_until_the_addressee_marks_it_seen(con):
    demo = set(pending(scoped(con, MANAGER), "gerente", "gerente", TODAY)["id"])

    def listed_ids() -> list[int]:  # the notes this test wrote (the demo has its own)
        listed = pending(scoped(con, MANAGER), "gerente", "gerente", TODAY)
        return [i for i in listed["id"] if i not in demo]

    later = write(con, PRESIDENCIA, codigo_meta="SAL-01", texto="Sin fecha", para="gerente")
    soon = write(
        con, PRESIDENCIA, codigo_meta="SAL-02", texto="Para mañana", para="gerente",
        revisar_el=date(2025, 6, 19),
    )  # fmt: skip
    overdue = write(
        con, HEALTH, codigo_meta="SAL-02", texto="Vencida", para="gerente",
        revisar_el=date(2025, 6, 10),
    )  # fmt: skip
    write(con, PRESIDENCIA, codigo_meta="SAL-02", texto="Para otro", para="ministerio")

    assert listed_ids() == [overdue.note_id, soon.note_id, later.note_id]

    before = tables_digest(con, TABLES)
    with transaction(con):
        refused = close_note(con, HEALTH, soon.note_id, AT)
    assert not refused.saved and tables_digest(con, TABLES) == before

    with transaction(con):
        assert close_note(con, MANAGER, soon.note_id, AT).saved
    assert listed_ids() == [overdue.note_id, later.note_id]
    kept = thread(scoped(con, MANAGER), "SAL-02").set_index("id")
    assert kept.loc[soon.note_id, "cerrada_por"] == "gerente"
    assert trail(con, "notas").iloc[-1].accion == "marcar nota vista"


def test_follow_ups_are_read_with_their_commitments(con, tmp_path):
    csv = tmp_path / "seguimientos.csv"
    csv.write_text(
        "codigo_compromiso,fecha,estado\nGRA-05-002,2025-06-01,en_curso\n"
        "GRA-13-003,2025-06-01,en_curso\n",
        encoding="utf-8",
    )
    ingest_file(con, csv, loaded_at=AT)

    def codes(scope: Scope) -> list[str]:
        rows = (
            scoped(con, scope)
            .execute("SELECT codigo_compromiso FROM seguimientos ORDER BY 1")
            .fetchall()
        )
        return [r[0] for r in rows]

    # With the demo's own follow-ups: the region reads those of its commitments only.
    assert codes(PRESIDENCIA) == codes(HEALTH)
    assert {"GRA-05-002", "GRA-13-003"} <= set(codes(PRESIDENCIA))
    assert "GRA-05-002" in codes(VALPARAISO)
    assert {code[:7] for code in codes(VALPARAISO)} == {"GRA-05-"}
    assert codes(Scope.public()) == []
