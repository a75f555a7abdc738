"""Writers at the same moment while gunicorn serves: two uploads on /datos, a validation on
/validacion and an API entry, sent together from four threads while a fifth keeps reading
pages. Every request is answered, each write is present exactly once, and the audit trail has
one line per write. Nothing about timing is asserted.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
import requests

from benchmarks.load import serving
from dashboard.uploads.routes import UPLOAD_PATH
from dashboard.validation import ids as validation_ids
from dashboard.validation import pending_grid
from tests.support.apps import app_on
from tests.support.sessions import callback_payload, requests_login
from warehouse import snapshots
from warehouse.db import connect, transaction
from warehouse.tokens import create_token
from warehouse.validation import pending_figures

FILES = {
    "educacion_junio.csv": "codigo_meta,mes,valor_real\nEDU-01,2025-06,86.9\n",
    "vivienda_junio.csv": "codigo_meta,mes,valor_real\nVIV-01,2025-06,133500\n",
}
API_FIGURE = {"codigo_meta": "SAL-01", "mes": "2025-06", "valor_real": 1_640_000}


@pytest.fixture
def db_path(demo_db, tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


def served_state(db_path: Path, sql: str) -> list[tuple]:
    """A query on the published snapshot (the primary is the server's while it serves)."""
    current = snapshots.current(db_path)
    assert current is not None
    con = duckdb.connect(str(current), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_uploads_a_validation_and_an_api_entry_at_once(db_path, tmp_path):
    with snapshots.writer(db_path) as con, transaction(con):
        token = create_token(con, "gerente")
    con = connect(db_path, read_only=True)
    try:
        pending = pending_figures(con)
    finally:
        con.close()
    health = pending[(pending["ministerio"] == "Ministerio de Salud") & pending["region"].isna()]
    row = pending_grid.grid_row(health.iloc[0].to_dict())
    with app_on(db_path) as app:  # only to write the validation request as the renderer does
        validate = callback_payload(
            app,
            validation_ids.RESULT + ".children",
            {f"{validation_ids.VALIDATE}.n_clicks": 1},
            {f"{validation_ids.GRID}.selectedRows": [row], f"{validation_ids.COMMENT}.value": ""},
        )
    files = {name: tmp_path / name for name in FILES}
    for name, text in FILES.items():
        files[name].write_text(text, encoding="utf-8")

    with serving(db_path, tmp_path / "gunicorn.log", env={"TABLERO_WORKERS": "2"}) as server:
        url = server.url
        uploaders = [requests_login(url, "admin"), requests_login(url, "admin")]
        coordinator = requests_login(url, "ministerio")
        reader = requests_login(url, "presidencia")
        reading = threading.Event()
        read_statuses: list[int] = []

        def keep_reading() -> None:
            while not reading.is_set():
                read_statuses.append(reader.get(url + "/_dash-layout", timeout=60).status_code)

        def upload(session: requests.Session, path: Path) -> int:
            with path.open("rb") as handle:
                return session.post(url + UPLOAD_PATH, files={"archivo": (path.name, handle)},
                                    timeout=60).status_code  # fmt: skip

        def validate_one() -> int:
            answer = coordinator.post(url + "/_dash-update-component", json=validate, timeout=60)
            shown = json.dumps(answer.json(), ensure_ascii=False)
            assert "Se validó 1 cifra" in shown, shown[:300]
            return answer.status_code

        def api_entry() -> int:
            return requests.post(url + "/api/v1/avance", json=API_FIGURE, timeout=60,
                                 headers={"Authorization": f"Bearer {token}"}).status_code  # fmt: skip

        background = threading.Thread(target=keep_reading)
        background.start()
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [
                pool.submit(upload, uploaders[0], files["educacion_junio.csv"]),
                pool.submit(upload, uploaders[1], files["vivienda_junio.csv"]),
                pool.submit(validate_one),
                pool.submit(api_entry),
            ]
            statuses = [f.result() for f in futures]
        deadline = time.monotonic() + 120
        uploaded: list[tuple] = []
        while time.monotonic() < deadline and len(uploaded) < 2:
            uploaded = served_state(
                db_path,
                "SELECT archivo FROM ingestas WHERE canal = 'archivo' AND usuario = 'admin'",
            )
            time.sleep(0.5)
        reading.set()
        background.join()

    assert statuses == [202, 202, 200, 201]
    assert read_statuses and set(read_statuses) == {200}
    assert sorted(r[0] for r in uploaded) == sorted(FILES)
    current = served_state(
        db_path,
        "SELECT codigo_meta, valor_real FROM avance_mensual WHERE valid_to IS NULL"
        " AND mes = '2025-06-01' AND region IS NULL AND codigo_meta IN ('EDU-01', 'VIV-01', 'SAL-01')"
        " ORDER BY 1",
    )
    assert current == [("EDU-01", 86.9), ("SAL-01", 1_640_000.0), ("VIV-01", 133_500.0)]
    validations = served_state(db_path, "SELECT usuario, accion FROM validaciones ORDER BY id")
    assert validations[-1] == ("ministerio", "validar"), validations[-3:]
    trail = served_state(  # the demo's own notes have their audit lines too
        db_path,
        "SELECT canal, count(*) FROM auditoria WHERE tabla <> 'notas' GROUP BY 1 ORDER BY 1",
    )
    assert trail == [("api", 1), ("archivo", 2), ("validacion", 1)]
