"""Web and API entries (loaders.entries), on a copy of the demo warehouse.

What must hold: an entry is written as a one-row file (a new version, lineage "formulario web",
the account in place of the file's line) with its audit line; the loader's own rules judge it
(the same reason as the same row in a file); a manager writes only its goals; a row changed
since it was read is a conflict; a refused, forbidden or conflicting entry changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from loaders.entries import (
    CONFLICT,
    FORBIDDEN,
    REFUSED,
    SAVED,
    UNCHANGED,
    VERSION_MISSING,
    Entry,
    write_entries,
    write_entry,
)
from loaders.ingest import ingest_file
from tests.support.demo_copies import writable_demo
from tests.support.table_state import tables_digest
from warehouse.audit import FORM, trail
from warehouse.current_rows import current_row
from warehouse.scope import Scope
from warehouse.validation import RETURN, FigureKey, apply_validation

MANAGER = Scope("gerente", user="gerente", goals=("SAL-01", "SAL-02"))
COORDINATOR = Scope("ministerio", ("Ministerio de Salud",), user="coordinadora.salud")
JUNE = date(2025, 6, 1)
MAY = date(2025, 5, 1)
AT = datetime(2025, 7, 2, 15, 0)  # after the demo's last load


@pytest.fixture
def con(demo_db, tmp_path):
    with writable_demo(demo_db, tmp_path) as connection:
        yield connection


def report(month: date, value: object, *, version=None, goal="SAL-02", **cells) -> Entry:
    return Entry(
        "avance_mensual",
        {"codigo_meta": goal, "mes": month, "region": None},
        {"valor_real": value, **cells},
        FORM,
        "gerente",
        "informar mes",
        read_version=version,
    )


def test_a_monthly_report_is_a_new_version_with_web_lineage_and_an_audit_line(con):
    result = write_entry(con, MANAGER, report(JUNE, 301_500, pronostico=299_000), AT)

    assert result.status == SAVED, result
    row = con.execute(
        "SELECT a.valor_real, a.pronostico, a.estado, a.reportado_por, a.source_line,"
        " i.archivo, i.canal, i.usuario, CAST(a.valid_from AS VARCHAR)"
        " FROM avance_mensual a JOIN ingestas i ON i.id = a.ingestion_id"
        " WHERE a.valid_to IS NULL AND a.codigo_meta = 'SAL-02' AND a.mes = ?"
        " AND a.region IS NULL",
        [JUNE],
    ).fetchone()
    assert row == (
        301_500, 299_000, "reportado", "gerente", 1, "formulario web", "formulario", "gerente",
        result.version,
    )  # fmt: skip
    line = trail(con, "avance_mensual").iloc[-1]
    assert (line.usuario, line.canal, line.accion) == ("gerente", "formulario", "informar mes")
    assert json.loads(line.clave) == {"codigo_meta": "SAL-02", "mes": "2025-06-01", "region": None}
    assert line.antes is None
    assert json.loads(line.despues)["valor_real"] == 301_500


def test_a_correction_keeps_the_fields_not_entered_and_records_before_and_after(con):
    stored = current_row(
        con, "avance_mensual", {"codigo_meta": "SAL-01", "mes": MAY, "region": "05"}
    )
    entry = report(MAY, 230_000, version=stored.version, goal="SAL-01")
    entry = Entry(entry.kind, {**entry.key, "region": "05"}, entry.cells, FORM, "gerente", "corregir",
                  read_version=stored.version)  # fmt: skip

    assert write_entry(con, MANAGER, entry, AT).status == SAVED

    after = current_row(
        con, "avance_mensual", {"codigo_meta": "SAL-01", "mes": MAY, "region": "05"}
    )
    assert after.values["valor_programado"] == stored.values["valor_programado"]
    assert after.values["valor_real"] == 230_000
    line = trail(con, "avance_mensual").iloc[-1]
    assert json.loads(line.antes)["valor_real"] == stored.values["valor_real"]
    assert json.loads(line.despues)["valor_real"] == 230_000


def test_the_form_and_a_file_get_the_same_reason_from_the_same_rules(con, tmp_path):
    """One rule set: a negative count and a month before the goal starts, by form and by file."""
    negative = write_entry(con, MANAGER, report(JUNE, -5), AT)
    early = write_entry(con, MANAGER, report(date(2023, 12, 1), 300_000), AT)
    csv = tmp_path / "avance.csv"
    csv.write_text(
        "codigo_meta,mes,region,valor_real\nSAL-02,2025-06,,-5\nSAL-02,2023-12,,300000\n",
        encoding="utf-8",
    )
    loaded = ingest_file(con, csv, loaded_at=AT)

    assert negative.status == REFUSED and early.status == REFUSED
    by_line = {e["line"]: (e["column"], e["reason"]) for e in loaded.errors}
    assert by_line[2] == ("valor_real", negative.errors["valor_real"])
    assert by_line[3] == ("mes", early.errors["mes"])
    assert "negativo" in negative.errors["valor_real"]
    assert "anterior al inicio" in early.errors["mes"]


def test_a_figure_for_a_month_still_to_come_is_refused_and_nothing_is_saved(con):
    before = tables_digest(con)
    result = write_entry(con, MANAGER, report(date(2099, 1, 1), 300_000), AT)

    assert result.status == REFUSED
    assert "todavía no llega" in result.errors["valor_real"]
    assert tables_digest(con) == before


def test_a_manager_cannot_write_another_managers_goal(con):
    before = tables_digest(con)
    result = write_entry(con, MANAGER, report(JUNE, 10, goal="EDU-01"), AT)

    assert result.status == FORBIDDEN
    assert "EDU-01" in result.message
    assert tables_digest(con) == before


def test_a_crafted_entry_cannot_move_another_goals_bottleneck_into_its_own(con):
    other = current_row(con, "restricciones", {"codigo_restriccion": "R-002"})  # SAL-03's
    entry = Entry(
        "restricciones", {"codigo_restriccion": "R-002"}, {"codigo_meta": "SAL-01"}, FORM,
        "gerente", "actualizar restricción", read_version=other.version,
    )  # fmt: skip
    before = tables_digest(con)

    assert write_entry(con, MANAGER, entry, AT).status == FORBIDDEN
    assert tables_digest(con) == before


@pytest.mark.parametrize("role", ["ministerio", "presidencia", "admin", "analista"])
def test_only_goal_managers_write_through_forms(con, role):
    scope = Scope(role, ("Ministerio de Salud",), user=role)
    assert write_entry(con, scope, report(JUNE, 300_000), AT).status == FORBIDDEN


def test_a_row_changed_since_it_was_read_is_a_conflict_and_nothing_is_overwritten(con):
    first = write_entry(con, MANAGER, report(JUNE, 300_000), AT)
    before = tables_digest(con)

    stale = write_entry(con, MANAGER, report(JUNE, 310_000), AT)  # read when there was no row
    missing = write_entry(con, MANAGER, report(JUNE, 310_000, version=None), AT)
    wrong = write_entry(con, MANAGER, report(JUNE, 310_000, version="2020-01-01 00:00:00"), AT)

    assert first.status == SAVED
    assert stale.status == CONFLICT and missing.status == CONFLICT and wrong.status == CONFLICT
    assert stale.version == first.version
    assert missing.message == VERSION_MISSING
    assert tables_digest(con) == before


def test_sending_the_same_values_again_changes_nothing_and_logs_no_load(con):
    first = write_entry(con, MANAGER, report(JUNE, 300_000), AT)
    before = tables_digest(con)

    again = write_entry(con, MANAGER, report(JUNE, 300_000, version=first.version), AT)

    assert again.status == UNCHANGED
    assert again.version == first.version
    assert tables_digest(con) == before


def test_a_returned_figure_resent_unchanged_goes_back_to_validation(con):
    """Fill → return → correct: the state 'devuelto' → 'reportado' is a change by itself."""
    stored = current_row(
        con, "avance_mensual", {"codigo_meta": "SAL-02", "mes": MAY, "region": None}
    )
    figure = FigureKey("SAL-02", MAY, None, stored.version)
    returned = apply_validation(con, COORDINATOR, [figure], RETURN, "Revise la cifra", AT)
    assert returned.accepted == 1
    now = current_row(con, "avance_mensual", {"codigo_meta": "SAL-02", "mes": MAY, "region": None})
    assert now.values["estado"] == "devuelto"

    value = stored.values["valor_real"]
    resent = write_entry(
        con, MANAGER, report(MAY, value, version=now.version), datetime(2025, 7, 3, 9, 0)
    )

    assert resent.status == SAVED
    after = current_row(
        con, "avance_mensual", {"codigo_meta": "SAL-02", "mes": MAY, "region": None}
    )
    assert after.values["estado"] == "reportado"
    assert after.values["valor_real"] == value


def test_a_month_with_its_regions_is_written_whole_or_not_at_all(con):
    def row(region, value):
        return Entry(
            "avance_mensual", {"codigo_meta": "SAL-01", "mes": JUNE, "region": region},
            {"valor_real": value}, FORM, "gerente", "informar mes",
        )  # fmt: skip

    before = tables_digest(con)
    refused = write_entries(
        con, MANAGER, [row(None, 1_700_000), row("05", 200_000), row("13", -1)], AT
    )

    assert refused.status == REFUSED
    assert [bool(e) for e in refused.row_errors] == [False, False, True]
    assert "negativo" in refused.row_errors[2]["valor_real"]
    assert tables_digest(con) == before

    saved = write_entries(con, MANAGER, [row(None, 1_700_000), row("05", 200_000)], AT)
    assert saved.status == SAVED and len(saved.versions) == 2
    loads = con.execute("SELECT count(*) FROM ingestas WHERE canal = 'formulario'").fetchone()
    assert loads == (1,)  # one sending, one load, two audit lines
    assert len(trail(con, "avance_mensual")) == 2
