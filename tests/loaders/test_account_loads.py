"""Loading a file on an account's behalf: scope of kinds and rows, lineage, audit, size limit,
and the same JSON answer as `python -m loaders ingest --json`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from loaders.account_loads import load_for_account, result_json, upload_kinds
from loaders.cli import main
from loaders.contracts import LOAD_ORDER
from tests.support.loader_files import FILES, snapshot, write
from warehouse import audit
from warehouse.db import connect
from warehouse.scope import ADMIN, ANALISTA, GERENTE, MINISTERIO, REGION, Scope

MESSY = FILES / "avance_mensual_con_errores.csv"
COMMITMENTS = (
    "codigo_compromiso,region,servicio,comision,descripcion,fecha_acuerdo,fecha_compromiso\n"
    "GRA-05-001,Valparaíso,FONASA,social,Operativo rural,10/03/2025,30/06/2025\n"
    "GRA-13-001,RM,SERVIU,social,Catastro de campamentos,10/03/2025,30/09/2025\n"
    "GRA-13-002,RM,SERVIU,social,Mesa de vivienda,10/03/2025,30/09/2025\n"
)
VALPARAISO = Scope(REGION, region="05", user="region")
SALUD = Scope(MINISTERIO, ("Ministerio de Salud",), user="minsal")
VIVIENDA = Scope(MINISTERIO, ("Ministerio de Vivienda y Urbanismo",), user="minvu")
ADMINISTRATOR = Scope(ADMIN, user="admin")


def tables(db: Path) -> dict[str, list[tuple]]:
    con = connect(db, read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


def rows(db: Path, sql: str) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_who_may_send_which_kinds():
    assert upload_kinds(ADMINISTRATOR) == LOAD_ORDER
    assert set(upload_kinds(SALUD)) == {
        "avance_mensual", "restricciones", "metas_intermedias", "entregas", "etapas_pmg",
    }  # fmt: skip
    assert upload_kinds(VALPARAISO) == ("compromisos", "seguimientos")
    for role in (ANALISTA, GERENTE, "presidencia"):
        assert upload_kinds(Scope(role, user="x")) == ()


def test_a_region_uploading_another_regions_commitments_is_refused_and_nothing_changes(
    make_warehouse, tmp_path
):
    db = make_warehouse(demo=False)
    before = tables(db)
    result = load_for_account(db, write(tmp_path / "compromisos.csv", COMMITMENTS), VALPARAISO)
    assert result.status == "rejected"
    assert "2 filas fuera del alcance" in result.message
    assert "Línea 3: el compromiso GRA-13-001" in result.message
    assert "Línea 4: el compromiso GRA-13-002" in result.message
    assert tables(db) == before  # no ingestion row, no quarantine, no commitment, no audit


def test_a_region_loads_its_own_commitments(make_warehouse, tmp_path):
    db = make_warehouse(demo=False)
    own = write(tmp_path / "compromisos_05.csv", "".join(COMMITMENTS.splitlines(True)[:2]))
    result = load_for_account(db, own, VALPARAISO)
    assert result.status == "loaded", result.message
    assert rows(db, "SELECT codigo_compromiso, region FROM compromisos") == [("GRA-05-001", "05")]


FOLLOW_UPS = (
    "codigo_compromiso,fecha,estado,nota\n"
    "GRA-05-001,2025-04-01,en_curso,Operativo programado\n"
    "GRA-05-001,2025-05-15,cumplido,Operativo realizado\n"
)


def with_commitments(make_warehouse, tmp_path) -> Path:
    """A warehouse holding the commitments of Valparaíso and Santiago (loaded by the admin)."""
    db = make_warehouse(demo=False)
    loaded = load_for_account(db, write(tmp_path / "compromisos.csv", COMMITMENTS), ADMINISTRATOR)
    assert loaded.status == "loaded", loaded.message
    return db


def test_a_region_loads_the_follow_ups_of_its_own_commitments(make_warehouse, tmp_path):
    db = with_commitments(make_warehouse, tmp_path)
    own = write(tmp_path / "seguimientos_05.csv", FOLLOW_UPS)
    result = load_for_account(db, own, VALPARAISO)
    assert result.status == "loaded", result.message
    assert rows(
        db,
        "SELECT codigo_compromiso, estado FROM seguimientos WHERE valid_to IS NULL ORDER BY fecha",
    ) == [("GRA-05-001", "en_curso"), ("GRA-05-001", "cumplido")]


def test_a_follow_up_of_another_regions_commitment_refuses_the_whole_file(make_warehouse, tmp_path):
    db = with_commitments(make_warehouse, tmp_path)
    before = tables(db)
    crafted = FOLLOW_UPS + "GRA-13-002,2025-05-20,cumplido,Mesa cerrada\n"
    result = load_for_account(db, write(tmp_path / "seguimientos.csv", crafted), VALPARAISO)
    assert result.status == "rejected"
    assert "fuera del alcance de su cuenta; no se cargó nada" in result.message
    assert "Línea 4: el seguimiento es del compromiso GRA-13-002 (región 13)" in result.message
    assert tables(db) == before  # not even the two rows of its own region


def test_a_ministry_uploading_another_ministrys_goal_progress_is_refused(make_warehouse):
    db = make_warehouse(demo=False)
    before = tables(db)
    result = load_for_account(db, MESSY, VIVIENDA)
    assert result.status == "rejected"
    assert "Línea 2: la meta M-01 no es de su ministerio." in result.message
    assert tables(db) == before


def test_a_kind_outside_the_role_is_refused_before_reading(make_warehouse, tmp_path):
    db = make_warehouse(demo=False)
    before = tables(db)
    services = write(tmp_path / "instituciones.csv", (FILES / "instituciones.csv").read_text())
    refused = load_for_account(db, services, SALUD)
    assert refused.status == "rejected"
    assert "no puede cargar archivos de" in refused.message
    assert load_for_account(db, MESSY, Scope(ANALISTA, user="analista")).status == "rejected"
    assert tables(db) == before


def test_the_size_limit_is_checked_before_reading(make_warehouse):
    db = make_warehouse(demo=False)
    before = tables(db)
    result = load_for_account(db, MESSY, ADMINISTRATOR, max_bytes=100)
    assert result.status == "rejected"
    assert "el máximo es" in result.message
    assert tables(db) == before


def test_admin_loads_with_lineage_and_one_audit_line(make_warehouse):
    db = make_warehouse(demo=False)
    told: list[int] = []
    phases: list[str] = []
    result = load_for_account(
        db, MESSY, SALUD, progress=phases.append, on_ingestion=told.append
    )  # the ministry of the small warehouse's goals: every row is in its scope
    assert result.status == "partial", result.message
    assert (result.rows_new, result.rows_quarantined) == (2, 3)
    assert phases[0] == "leyendo" and "guardando" in phases and phases[-1] == "publicando"
    [(ingestion_id, channel, user)] = rows(
        db,
        "SELECT id, canal, usuario FROM ingestas WHERE archivo = 'avance_mensual_con_errores.csv'",
    )
    assert told == [ingestion_id]
    assert (channel, user) == ("archivo", "minsal")
    con = connect(db, read_only=True)
    try:
        trail = audit.trail(con)
    finally:
        con.close()
    assert len(trail) == 1
    line = trail.iloc[0]
    assert (line["usuario"], line["canal"], line["accion"], line["tabla"]) == (
        "minsal", "archivo", "carga", "avance_mensual",
    )  # fmt: skip
    assert json.loads(line["clave"]) == {
        "archivo": "avance_mensual_con_errores.csv", "ingesta": ingestion_id,
    }  # fmt: skip
    after = json.loads(line["despues"])
    assert (after["filas_nuevas"], after["filas_en_cuarentena"]) == (2, 3)
    assert load_for_account(db, MESSY, ADMINISTRATOR).status == "already_loaded"


def test_the_json_answer_equals_the_command_lines(make_warehouse, tmp_path, capsys):
    db = make_warehouse(demo=False)
    copy = tmp_path / "copia.duckdb"
    shutil.copyfile(db, copy)
    capsys.readouterr()
    assert main(["ingest", "--db", str(copy), "--json", str(MESSY)]) == 3
    printed = json.loads(capsys.readouterr().out)
    answered = result_json(load_for_account(db, MESSY, ADMINISTRATOR))
    assert answered == printed
    assert answered["status"] == "partial" and len(answered["errors"]) == 3


@pytest.mark.parametrize("scope", [SALUD, ADMINISTRATOR])
def test_a_file_that_does_not_exist_is_rejected(make_warehouse, tmp_path, scope):
    db = make_warehouse(demo=False)
    assert load_for_account(db, tmp_path / "nada.csv", scope).status == "rejected"
