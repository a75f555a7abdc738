"""The write API (/api/v1) over HTTP on a copy of the demo: each status of POST /avance (201,
200, 401, 403, 409, 422), a revoked token refused, an upload answering the command line's
JSON for the same file, the series as the token's role reads it, and the OpenAPI document."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from loaders.cli import main
from tests.support.loader_files import FILES
from tests.support.table_state import tables_digest
from warehouse import snapshots
from warehouse.db import transaction
from warehouse.tokens import create_token, revoke_tokens

MESSY = FILES / "avance_mensual_con_errores.csv"
JUNE = "2025-06"


@pytest.fixture
def db_path(demo_db, tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


def token_for(db_path: Path, username: str) -> str:
    with snapshots.writer(db_path) as con, transaction(con):
        return create_token(con, username)


@pytest.fixture
def http(app_for, db_path):
    return app_for(db_path).server.test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post(http, token: str | None, body: object):
    headers = bearer(token) if token else {}
    return http.post("/api/v1/avance", json=body, headers=headers)


def test_each_status_of_a_monthly_figure(http, db_path):
    token = token_for(db_path, "gerente")
    figure = {"codigo_meta": "SAL-02", "mes": JUNE, "valor_real": 301_000, "pronostico": 299_500}

    assert post(http, None, figure).status_code == 401
    assert post(http, "no-es-un-token", figure).status_code == 401

    created = post(http, token, figure)
    assert created.status_code == 201, created.get_json()
    version = created.get_json()["version"]
    assert created.get_json()["resultado"] == "guardada"

    again = post(http, token, {**figure, "version": version})
    assert again.status_code == 200 and again.get_json()["resultado"] == "sin_cambios"

    before = tables_digest(db_path)
    blind = post(http, token, {**figure, "valor_real": 302_000})  # no version sent
    stale = post(http, token, {**figure, "valor_real": 302_000, "version": "2020-01-01 00:00:00"})
    other = post(http, token, {**figure, "codigo_meta": "EDU-01"})
    negative = post(http, token, {**figure, "valor_real": -3, "version": version})
    shapeless = post(http, token, {"codigo_meta": "SAL-02", "valor_real": "mucho"})
    assert (blind.status_code, stale.status_code, other.status_code) == (409, 409, 403)
    assert negative.status_code == 422
    assert "negativo" in negative.get_json()["errores"]["valor_real"]
    assert shapeless.status_code == 422
    assert set(shapeless.get_json()["errores"]) == {"mes", "valor_real"}
    assert tables_digest(db_path) == before

    corrected = post(http, token, {**figure, "valor_real": 302_000, "version": version})
    assert corrected.status_code == 201
    series = http.get("/api/v1/metas/SAL-02/avance", headers=bearer(token)).get_json()
    june = [r for r in series["avance"] if r["mes"] == JUNE and r["region"] is None]
    assert june == [
        {"mes": JUNE, "region": None, "valor_programado": None, "valor_real": 302_000.0,
         "estado": "reportado", "pronostico": 299_500.0,
         "version": corrected.get_json()["version"]}
    ]  # fmt: skip


def test_the_series_is_read_as_the_tokens_role_reads_it(http, db_path):
    manager, analyst = token_for(db_path, "gerente"), token_for(db_path, "analista")
    post(http, manager, {"codigo_meta": "SAL-02", "mes": JUNE, "valor_real": 301_000})

    def june(token: str) -> list[dict]:
        rows = http.get("/api/v1/metas/SAL-02/avance", headers=bearer(token)).get_json()["avance"]
        return [r for r in rows if r["mes"] == JUNE and r["valor_real"] is not None]

    assert len(june(manager)) == 1
    assert june(analyst) == []  # not validated: an analyst does not read it
    assert http.get("/api/v1/metas/NO-EXISTE/avance", headers=bearer(manager)).status_code == 404


def test_a_revoked_token_is_refused(http, db_path):
    token = token_for(db_path, "gerente")
    figure = {"codigo_meta": "SAL-02", "mes": JUNE, "valor_real": 301_000}
    with snapshots.writer(db_path) as con, transaction(con):
        revoke_tokens(con, "gerente")
    response = post(http, token, figure)
    assert response.status_code == 401
    assert "token" in response.get_json()["error"]


def test_an_upload_answers_the_command_lines_json(http, db_path, tmp_path, capsys):
    copy = tmp_path / "copia.duckdb"
    shutil.copyfile(db_path, copy)
    capsys.readouterr()
    main(["ingest", "--db", str(copy), "--json", str(MESSY)])
    printed = json.loads(capsys.readouterr().out)

    token = token_for(db_path, "admin")
    answer = http.post(
        "/api/v1/archivos",
        data={"archivo": (io.BytesIO(MESSY.read_bytes()), MESSY.name)},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 207  # loaded, with rows in quarantine
    assert answer.get_json() == printed


def test_a_manager_cannot_upload_files(http, db_path):
    token = token_for(db_path, "gerente")
    before = tables_digest(db_path)
    answer = http.post(
        "/api/v1/archivos",
        data={"archivo": (io.BytesIO(MESSY.read_bytes()), MESSY.name)},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 403
    assert tables_digest(db_path) == before


def test_the_openapi_document_lists_every_route(http):
    document = http.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/avance", "/archivos", "/metas/{codigo}/avance"}
