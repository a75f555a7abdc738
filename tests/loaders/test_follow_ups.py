"""Commitment follow-ups (`seguimientos`): a file and the region page's form are the same rows,
judged by the same rules; only the regional account of the commitment's region writes one
through the form, and a crafted one on another region's commitment changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from loaders.entries import ANY_VERSION, FORBIDDEN, REFUSED, SAVED, Entry, write_entry
from loaders.ingest import ingest_file
from tests.support.demo_copies import writable_demo
from tests.support.table_state import WRITTEN_BY_ENTRIES, tables_digest
from warehouse.audit import FORM, trail
from warehouse.chile_time import chile_today
from warehouse.commitments import commitments
from warehouse.scope import Scope

VALPARAISO = Scope("region", region="05", user="region")
AT = datetime(2025, 7, 2, 15, 0)
TABLES = (*WRITTEN_BY_ENTRIES, "seguimientos")


@pytest.fixture
def con(demo_db, tmp_path):
    with writable_demo(demo_db, tmp_path) as connection:
        yield connection


def follow_up(code: str, day: date, state: str, note: str | None = None) -> Entry:
    return Entry(
        "seguimientos", {"codigo_compromiso": code, "fecha": day}, {"estado": state, "nota": note},
        FORM, "region", "registrar seguimiento", read_version=ANY_VERSION,
    )  # fmt: skip


def state_of(con, code: str) -> tuple[str, str | None]:
    row = commitments(con).set_index("codigo_compromiso").loc[code]
    return row["estado"], row["ultimo_seguimiento"]


def test_a_follow_up_file_loads_and_its_latest_state_is_the_commitments(con, tmp_path):
    csv = tmp_path / "seguimientos.csv"
    csv.write_text(
        "codigo_compromiso,fecha,estado,nota\n"
        "GRA-05-002,2025-06-01,en_curso,Inicio de obras\n"
        "GRA-05-002,2025-06-20,cumplido,Obras entregadas\n"
        "GRA-99-999,2025-06-20,cumplido,\n",
        encoding="utf-8",
    )
    assert state_of(con, "GRA-05-002")[0] == "pendiente"

    result = ingest_file(con, csv, loaded_at=AT)

    assert result.kind == "seguimientos" and result.rows_new == 2
    assert [(e["line"], e["column"]) for e in result.errors] == [(4, "codigo_compromiso")]
    assert "no está registrado" in result.errors[0]["reason"]
    assert state_of(con, "GRA-05-002") == ("cumplido", "Obras entregadas")
    row = commitments(con).set_index("codigo_compromiso").loc["GRA-05-002"]
    assert row["fecha_cumplimiento"].date() == date(2025, 6, 20)
    # As known before the file, the commitment is what its own file said.
    before = commitments(con, datetime(2025, 7, 1)).set_index("codigo_compromiso")
    assert before.loc["GRA-05-002", "estado"] == "pendiente"


def test_the_form_and_a_file_get_the_same_reason_for_a_date_after_today(con, tmp_path):
    tomorrow = chile_today() + timedelta(days=1)
    entered = write_entry(con, VALPARAISO, follow_up("GRA-05-002", tomorrow, "en_curso"), AT)
    csv = tmp_path / "seguimientos.csv"
    csv.write_text(
        f"codigo_compromiso,fecha,estado\nGRA-05-002,{tomorrow.isoformat()},en_curso\n",
        encoding="utf-8",
    )
    loaded = ingest_file(con, csv, loaded_at=AT)

    assert entered.status == REFUSED
    assert entered.errors["fecha"] == "La fecha del seguimiento no puede ser posterior a hoy."
    assert [(e["column"], e["reason"]) for e in loaded.errors] == [
        ("fecha", entered.errors["fecha"])
    ]


def test_the_region_records_a_follow_up_of_its_commitment_as_a_one_row_file(con):
    result = write_entry(
        con, VALPARAISO, follow_up("GRA-05-002", date(2025, 6, 30), "en_curso", "Licitación"), AT
    )

    assert result.status == SAVED, result
    row = con.execute(
        "SELECT s.estado, s.nota, i.archivo, i.canal, i.usuario FROM seguimientos s"
        " JOIN ingestas i ON i.id = s.ingestion_id WHERE s.valid_to IS NULL"
        " AND s.codigo_compromiso = 'GRA-05-002'"
    ).fetchall()
    assert row == [("en_curso", "Licitación", "formulario web", "formulario", "region")]
    line = trail(con, "seguimientos").iloc[-1]
    assert (line.usuario, line.canal, line.accion) == ("region", FORM, "registrar seguimiento")
    assert state_of(con, "GRA-05-002") == ("en_curso", "Licitación")


def test_a_crafted_follow_up_on_another_regions_commitment_changes_nothing(con):
    before = tables_digest(con, TABLES)
    result = write_entry(
        con, VALPARAISO, follow_up("GRA-13-003", date(2025, 6, 30), "cumplido"), AT
    )

    assert result.status == FORBIDDEN
    assert "GRA-13-003" in result.message
    assert tables_digest(con, TABLES) == before


@pytest.mark.parametrize(
    "scope",
    [
        Scope("presidencia", user="presidencia"),
        Scope("gerente", user="gerente", goals=("SAL-01", "SAL-02")),
        Scope("ministerio", ("Ministerio de Salud",), user="ministerio"),
        Scope("region", region="13", user="otra"),
    ],
)
def test_only_the_commitments_region_writes_its_follow_ups(con, scope):
    entry = follow_up("GRA-05-002", date(2025, 6, 30), "cumplido")
    assert write_entry(con, scope, entry, AT).status == FORBIDDEN


def test_goal_kinds_stay_closed_to_the_region(con):
    entry = Entry(
        "avance_mensual", {"codigo_meta": "SAL-02", "mes": date(2025, 6, 1), "region": "05"},
        {"valor_real": 1}, FORM, "region", "informar mes",
    )  # fmt: skip
    assert write_entry(con, VALPARAISO, entry, AT).status == FORBIDDEN
