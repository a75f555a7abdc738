"""Uploading through HTTP: who may send, the CSRF token, the size checked before the body is
read, the queue (two uploads land once each, one at a time), a job left by a dead process,
and the fix-and-resend CSV of a load's quarantine."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from dashboard.uploads.routes import UPLOAD_PATH, uploads_of
from dashboard.uploads.runner import Runner
from loaders.cli import main
from tests.support.loader_files import FILES, snapshot, write
from tests.support.sessions import anonymous, signed_in
from warehouse import audit
from warehouse.db import connect
from warehouse.upload_jobs import DONE, FAILED, QUEUED, RESTARTED, JobStore

MESSY = FILES / "avance_mensual_con_errores.csv"
OWN_COMMITMENT = (
    "codigo_compromiso,region,servicio,comision,descripcion,fecha_acuerdo,fecha_compromiso\n"
    "GRA-05-001,Valparaíso,FONASA,social,Operativo rural,10/03/2025,30/06/2025\n"
)
OTHER_REGION = OWN_COMMITMENT + "GRA-13-001,RM,SERVIU,social,Catastro,10/03/2025,30/09/2025\n"


class Unread(io.RawIOBase):
    """A request body of `size` bytes that fails the test if anything reads it."""

    def __init__(self, size: int) -> None:
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self.size if whence == io.SEEK_END else offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, _buffer) -> int:
        raise AssertionError("the body was read")


def tables(db: Path) -> dict[str, list[tuple]]:
    con = connect(db, read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


def upload(client, path: Path, *, csrf: bool = True):
    headers = {"X-CSRFToken": client.csrf_token or ""} if csrf else {}
    with open(path, "rb") as handle:
        return client.http.post(
            UPLOAD_PATH,
            data={"archivo": (handle, path.name)},
            headers=headers,
            content_type="multipart/form-data",
        )


def wait_done(store: JobStore, job_id: int, seconds: float = 120.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job.is_finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {store.get(job_id).state}")


def job_panel(client, job_id: int) -> str:
    response = client.callback(
        "carga-estado.children",
        {"carga-intervalo.n_intervals": 1, "carga-trabajo.data": {"trabajo": job_id}},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


@pytest.fixture
def db(make_warehouse) -> Path:
    return make_warehouse(demo=False)


def test_an_unauthenticated_upload_is_refused_and_nothing_is_queued(app_for, db):
    app = app_for(db)
    before = tables(db)
    response = upload(anonymous(app), MESSY)
    assert response.status_code == 401
    assert "Ingrese con su cuenta" in response.get_json()["error"]
    assert uploads_of(app.server).store.latest_for("") is None
    assert tables(db) == before


def test_a_post_without_the_csrf_token_is_refused(app_for, db):
    app = app_for(db)
    before = tables(db)
    response = upload(signed_in(app, "admin"), MESSY, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert uploads_of(app.server).store.latest_for("admin") is None
    assert tables(db) == before


def test_a_role_without_upload_rights_is_refused(app_for, db):
    response = upload(signed_in(app_for(db), "analista"), MESSY)
    assert response.status_code == 403
    assert response.get_json()["error"] == "Su cuenta no puede cargar archivos."


def test_an_oversize_upload_is_refused_with_413_before_its_body_is_read(app_for, db):
    app = app_for(db, upload_mb=1)
    client = signed_in(app, "admin")
    response = client.http.post(
        UPLOAD_PATH,
        input_stream=Unread(2 * 1024**2),
        content_type="multipart/form-data; boundary=x",
        headers={"X-CSRFToken": client.csrf_token},
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == (
        "El archivo supera el máximo de 1 MB; no se cargó nada."
    )
    assert uploads_of(app.server).store.latest_for("admin") is None


def test_a_region_uploading_another_regions_commitments_changes_nothing(app_for, db, tmp_path):
    app = app_for(db)
    before = tables(db)
    client = signed_in(app, "region")
    response = upload(client, write(tmp_path / "compromisos.csv", OTHER_REGION))
    assert response.status_code == 202
    job = wait_done(uploads_of(app.server).store, response.get_json()["trabajo"])
    assert job.result["status"] == "rejected"
    assert "Línea 3: el compromiso GRA-13-001" in job.result["message"]
    assert "Archivo rechazado" in job_panel(client, job.id)
    assert tables(db) == before


def test_two_uploads_queue_and_each_lands_exactly_once(app_for, db, tmp_path, monkeypatch):
    app = app_for(db)
    store = uploads_of(app.server).store
    client = signed_in(app, "admin")
    monkeypatch.setattr(Runner, "kick", lambda self: None)  # both arrive before either loads
    first = upload(client, MESSY).get_json()["trabajo"]
    second = upload(client, write(tmp_path / "compromisos.csv", OWN_COMMITMENT))
    second = second.get_json()["trabajo"]
    assert (store.get(first).state, store.get(second).state) == (QUEUED, QUEUED)
    assert "En cola (1 antes)" in job_panel(client, second)
    monkeypatch.undo()
    uploads_of(app.server).runner.kick()
    done = [wait_done(store, first), wait_done(store, second)]
    assert [job.state for job in done] == [DONE, DONE]
    assert done[0].finished <= done[1].started  # one at a time, in the order they came
    assert [job.result["status"] for job in done] == ["partial", "loaded"]
    con = connect(db, read_only=True)
    try:
        loads = con.execute(
            "SELECT archivo, usuario, canal FROM ingestas WHERE id > 5 ORDER BY id"
        ).fetchall()
        trail = audit.trail(con)
    finally:
        con.close()
    assert loads == [
        ("avance_mensual_con_errores.csv", "admin", "archivo"),
        ("compromisos.csv", "admin", "archivo"),
    ]
    assert list(trail["tabla"]) == ["avance_mensual", "compromisos"]
    assert [json.loads(k)["ingesta"] for k in trail["clave"]] == [
        done[0].ingestion_id,
        done[1].ingestion_id,
    ]
    assert not any(Path(job.path).exists() for job in done)  # uploads are not kept


def test_the_quarantine_csv_is_the_command_lines_and_only_for_those_who_may_read_it(
    app_for, db, tmp_path
):
    app = app_for(db)
    store = uploads_of(app.server).store
    admin = signed_in(app, "admin")
    job = wait_done(store, upload(admin, MESSY).get_json()["trabajo"])
    panel = job_panel(admin, job.id)
    assert "Cargado con filas en cuarentena" in panel and "No es un número válido" in panel
    address = f"{UPLOAD_PATH}/cuarentena/{job.ingestion_id}.csv"
    assert address in panel
    downloaded = admin.get(address)
    assert downloaded.status_code == 200
    assert "corregir_avance_mensual_con_errores.csv" in downloaded.headers["Content-Disposition"]
    exported = tmp_path / "corregir.csv"
    args = ["quarantine", "--db", str(db), "--file", MESSY.name, "--csv", str(exported)]
    assert main(args) == 0
    assert downloaded.get_data() == exported.read_bytes()
    assert b"linea_original" in downloaded.get_data()
    for role in ("region", "analista"):
        assert signed_in(app, role).get(address).status_code == 403
    assert signed_in(app, "presidencia").get(address).status_code == 200
    assert admin.get(f"{UPLOAD_PATH}/cuarentena/999.csv").status_code == 404


def _claim_and_die(db_path: Path) -> None:
    JobStore(db_path).claim()
    os._exit(0)


def test_a_job_left_loading_by_a_dead_process_is_shown_failed(app_for, db, monkeypatch):
    app = app_for(db)
    store = uploads_of(app.server).store
    client = signed_in(app, "admin")
    monkeypatch.setattr(Runner, "kick", lambda self: None)
    job_id = upload(client, MESSY).get_json()["trabajo"]
    child = multiprocessing.get_context("fork").Process(target=_claim_and_die, args=(db,))
    child.start()
    child.join(60)
    assert "El servidor se reinició durante la carga" in job_panel(client, job_id)
    assert (store.get(job_id).state, store.get(job_id).message) == (FAILED, RESTARTED)
    # The page opened later shows the account's latest job: the same failure.
    latest = client.callback(
        "carga-estado.children", {"carga-intervalo.n_intervals": 0, "carga-trabajo.data": None}
    )
    assert RESTARTED in json.dumps(latest.get_json(), ensure_ascii=False)
