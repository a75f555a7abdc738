"""GET /api/v1/publico/<archivo> through real HTTP (Flask's test client) on the demo.

What must hold: anyone gets the files without logging in and without a cookie, the same bytes
whoever is signed in, with headers a proxy can cache by; the ETag answers 304 and changes when
a validation changes the data, and only then.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest

from dashboard.public.open_data import open_data_files
from dashboard.public.open_data_routes import PREFIX
from dashboard.server import database
from tests.support.apps import app_on
from tests.support.demo_copies import demo_copy
from tests.support.sessions import signed_in
from warehouse.scope import Scope
from warehouse.validation import FigureKey, apply_validation, pending_figures

TYPES = {
    "metas.json": "application/json",
    "metas.csv": "text/csv; charset=utf-8",
    "avance.json": "application/json",
    "avance.csv": "text/csv; charset=utf-8",
    "diccionario.json": "application/json",
}


@pytest.fixture(scope="module")
def app(demo_db):
    with app_on(demo_db) as built:
        yield built


def etags(client) -> dict[str, str]:
    return {name: client.get(PREFIX + name).headers["ETag"] for name in TYPES}


def test_anyone_gets_every_file_with_cache_headers(app):
    client = app.server.test_client()
    expected = database.database_of(app.server).run(Scope.public(), open_data_files)
    for name, content_type in TYPES.items():
        response = client.get(PREFIX + name)
        assert response.status_code == 200, (name, response.get_data(as_text=True)[:300])
        assert response.headers["Content-Type"] == content_type
        assert response.headers["Cache-Control"] == "public, max-age=300"
        digest = hashlib.sha256(response.data).hexdigest()[:40]
        assert response.headers["ETag"] == f'"{digest}"'  # strong: no W/
        assert "Set-Cookie" not in response.headers  # a shared cache keeps no one's cookie
        assert response.data == expected[name]
        disposition = response.headers.get("Content-Disposition")
        if name.endswith(".csv"):
            assert disposition == f'inline; filename="{name}"'
        else:
            assert disposition is None
            json.loads(response.data)


def test_a_signed_in_account_gets_the_same_public_bytes(app):
    anonymous = app.server.test_client()
    staff = signed_in(app, "presidencia")
    for name in TYPES:
        assert staff.get(PREFIX + name).data == anonymous.get(PREFIX + name).data, name


def test_an_unknown_file_is_a_404_that_is_not_kept(app):
    response = app.server.test_client().get(PREFIX + "restricciones.csv")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_a_known_etag_answers_304_without_a_body(app):
    client = app.server.test_client()
    for name, etag in etags(client).items():
        again = client.get(PREFIX + name, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", name
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "public, max-age=300"
        other = client.get(PREFIX + name, headers={"If-None-Match": '"otra-version"'})
        assert other.status_code == 200 and other.data


def test_the_etag_changes_after_a_validation_and_only_then(demo_db, tmp_path):
    path = demo_copy(demo_db, tmp_path)
    with app_on(path) as app:
        client = app.server.test_client()
        before = etags(client)
        assert etags(client) == before  # nothing changed: the same version
        first = json.loads(client.get(PREFIX + "avance.json").data)
        db = database.database_of(app.server)
        pending = db.run(Scope.everything(), pending_figures)
        cut = datetime.fromisoformat(first["mes_de_corte"])
        regional = pending[pending["region"].notna() & (pending["mes"] <= cut)]
        figure = regional.iloc[0]
        key = FigureKey.from_row(figure.to_dict())
        coordinator = Scope("ministerio", (figure["ministerio"],), user="coordinacion")
        done = db.write(
            apply_validation, coordinator, [key], "validar", None, datetime(2025, 6, 18, 15)
        )
        assert done.accepted == 1
        after = etags(client)
        assert after["avance.json"] != before["avance.json"]
        assert after["avance.csv"] != before["avance.csv"]
        # The stamp (last load, as-of month) is the same: the dictionary's bytes are too.
        assert after["diccionario.json"] == before["diccionario.json"]
        stale = client.get(PREFIX + "avance.json", headers={"If-None-Match": before["avance.json"]})
        assert stale.status_code == 200
        month = f"{key.mes:%Y-%m-%d}"
        rows = json.loads(stale.data)["filas"]
        shown = next(
            r for r in rows
            if (r["codigo_meta"], r["mes"], r["region"]) == (key.codigo_meta, month, key.region)
        )  # fmt: skip
        assert shown["valor_real"] == figure["valor_real"]
        unchanged = next(
            r for r in first["filas"]
            if (r["codigo_meta"], r["mes"], r["region"]) == (key.codigo_meta, month, key.region)
        )  # fmt: skip
        assert unchanged["valor_real"] is None
