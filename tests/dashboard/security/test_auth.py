"""Who sees what, checked through the real HTTP endpoints: login, CSRF, rate limits, headers,
and the scope of every role on pages, callbacks and exports — including crafted requests."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb
import pytest

from tests.support.sessions import DashClient, anonymous, signed_in
from warehouse import accounts, snapshots
from warehouse.db import transaction

UNVALIDATED_WORD = "Reportado, sin validar"  # dashboard.goal_page.tables.UNVALIDATED
DEMO_MINISTRY = "Ministerio de Salud"
DEMO_REGION = "05"


# --------------------------------------------------------------------------- login and session


def test_pages_need_a_session_but_public_results_do_not(app_for, make_warehouse):
    client = DashClient(app_for(make_warehouse()))
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].startswith("/login")
    goals = client.get("/metas?mes=2025-05")
    assert goals.headers["Location"] == "/login?next=%2Fmetas%3Fmes%3D2025-05"
    assert client.get("/publico").status_code == 200
    assert client.get("/login").status_code == 200


def test_login_sets_a_protected_session_cookie(app_for, make_warehouse):
    client = DashClient(app_for(make_warehouse()))
    response = client.login("presidencia", "demo-presidencia")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if "tablero_sesion=" in h)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_without_saying_which_part(app_for, make_warehouse):
    client = DashClient(app_for(make_warehouse()))
    wrong = client.login("presidencia", "no-es-la-clave")
    unknown = client.login("nadie", "no-es-la-clave")
    assert wrong.status_code == unknown.status_code == 401
    assert "Usuario o clave incorrectos" in wrong.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not signed in


def test_login_never_redirects_to_another_site(app_for, make_warehouse):
    client = DashClient(app_for(make_warehouse()))
    form = client.get("/login?next=//malo.example/x").get_data(as_text=True)
    assert 'name="next" value="/"' in form
    token = client.csrf_token or ""
    response = client.http.post(
        "/login",
        data={
            "usuario": "presidencia",
            "clave": "demo-presidencia",
            "next": "https://malo.example/",
            "csrf_token": _form_token(form) or token,
        },
    )
    assert response.headers["Location"] == "/"


def test_wrong_passwords_are_rate_limited(app_for, make_warehouse):
    client = DashClient(app_for(make_warehouse()))
    codes = [client.login("analista", f"intento-malo-{i}").status_code for i in range(5)]
    assert codes == [401] * 5
    blocked = client.login("analista", "demo-analista")  # even the right one, for a while
    assert blocked.status_code == 429
    assert "Demasiados intentos" in blocked.get_data(as_text=True)
    # Another user name from the same address is not blocked by those failures.
    assert client.login("presidencia", "demo-presidencia").status_code == 302


def test_posts_without_the_csrf_token_are_refused(app_for, make_warehouse):
    app = app_for(make_warehouse())
    client = signed_in(app)
    payload = {"home-month.value": "2025-05", "home-from.value": None, "home-to.value": None}
    assert client.callback("home-url.search", payload, csrf=False).status_code == 400
    assert client.callback("home-url.search", payload).status_code == 200
    assert client.http.post("/logout").status_code == 400  # logging out is a POST with a token
    assert client.http.post("/login", data={"usuario": "x", "clave": "y"}).status_code == 400


def test_logout_ends_the_session(app_for, make_warehouse):
    client = signed_in(app_for(make_warehouse()))
    form = client.get("/").get_data(as_text=True)
    assert "tablero_sesion" not in form  # the cookie is HttpOnly, never in the page
    response = client.http.post("/logout", data={"csrf_token": client.csrf_token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_disabled_account_loses_its_open_session(app_for, make_warehouse):
    db = make_warehouse()
    client = signed_in(app_for(db), "analista")
    assert client.get("/metas").status_code == 200
    with snapshots.writer(db) as con, transaction(con):
        accounts.disable_account(con, "analista", actor="admin")
    assert client.get("/metas").status_code == 302  # the next click asks to log in again
    assert client.login("analista", "demo-analista").status_code == 401


def test_security_headers(app_for, make_warehouse):
    response = DashClient(app_for(make_warehouse())).get("/publico")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "script-src 'self' 'sha256-" in csp and "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _form_token(form: str) -> str | None:
    from tests.support.sessions import CSRF_FIELD

    match = CSRF_FIELD.search(form)
    return match[1] if match else None


# --------------------------------------------------------------------------- pages offered


def page_json(client: DashClient, path: str, search: str = "") -> str:
    response = client.callback(
        "_pages_content.children",
        {"_pages_location.pathname": path, "_pages_location.search": search},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_pages_outside_a_role_are_refused_in_the_content_itself(app_for, make_warehouse):
    app = app_for(make_warehouse())
    assert "acceso-denegado" in page_json(signed_in(app, "analista"), "/datos")
    assert "acceso-denegado" not in page_json(signed_in(app, "presidencia"), "/datos")
    public = page_json(anonymous(app), "/metas")
    assert "acceso-denegado" in public and "Ingrese con su cuenta" in public


def test_navbar_offers_only_the_pages_of_the_role(app_for, make_warehouse):
    app = app_for(make_warehouse())

    def links(client: DashClient) -> set[str]:
        layout = client.get("/_dash-layout").get_data(as_text=True)
        return set(re.findall(r'"href": ?"([^"]*)"', json.dumps(json.loads(layout))))

    analyst = links(signed_in(app, "analista"))
    assert "/metas" in analyst and "/datos" not in analyst and "/validacion" not in analyst
    assert "/datos" in links(signed_in(app))
    public = links(anonymous(app))
    assert "/metas" not in public and "/publico" in public and "/login" in public


# --------------------------------------------------------------------------- data in scope


def explore(client: DashClient, dataset: str, **filters: str) -> list[dict]:
    """The explorer grid's rows for `dataset`, as its callback returns them over HTTP."""
    keys = list(filters) or ["region"]
    controls = [{"dataset": dataset, "key": key, "type": "explorar-filtro"} for key in keys]
    pattern = '{"dataset":["ALL"],"key":["ALL"],"type":"explorar-filtro"}'
    response = client.callback(
        "explorar-grilla.rowData",
        {
            f"{pattern}.value": [
                {"id": c, "property": "value", "value": filters.get(c["key"])} for c in controls
            ],
            "explorar-grilla.filterModel": {},
        },
        {f"{pattern}.id": [{"id": c, "property": "id", "value": c} for c in controls]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.loads(response.get_data(as_text=True))["response"]["explorar-grilla"]["rowData"]


def export_csv(client: DashClient, dataset: str) -> list[dict]:
    control = {"dataset": dataset, "key": "region", "type": "explorar-filtro"}
    pattern = '{"dataset":["ALL"],"key":["ALL"],"type":"explorar-filtro"}'
    response = client.callback(
        "explorar-descarga.data",
        {"explorar-csv.n_clicks": 1, "explorar-xlsx.n_clicks": None},
        {
            f"{pattern}.value": [{"id": control, "property": "value", "value": None}],
            f"{pattern}.id": [{"id": control, "property": "id", "value": control}],
            "explorar-grilla.filterModel": {},
        },
    )
    assert response.status_code == 200
    body = json.loads(response.get_data(as_text=True))["response"]["explorar-descarga"]["data"]
    import base64

    text = base64.b64decode(body["content"]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=_delimiter(text)))


def _delimiter(text: str) -> str:
    header = text.splitlines()[0]
    return ";" if header.count(";") > header.count(",") else ","


@pytest.fixture(scope="module")
def facts(demo_db_module):
    """What the demo holds, read directly: the ground truth each role is compared with."""
    con = duckdb.connect(str(demo_db_module), read_only=True)
    try:
        goals = dict(
            con.execute(
                "SELECT codigo_meta, ministerio FROM metas WHERE valid_to IS NULL"
            ).fetchall()
        )
        unvalidated = con.execute(
            "SELECT codigo_meta, region FROM avance_mensual"
            " WHERE valid_to IS NULL AND estado <> 'validado' AND valor_real IS NOT NULL"
        ).fetchall()
        bottlenecks = con.execute(
            "SELECT codigo_meta, region FROM restricciones WHERE valid_to IS NULL"
        ).fetchall()
    finally:
        con.close()
    return {"goals": goals, "unvalidated": unvalidated, "bottlenecks": bottlenecks}


@pytest.fixture(scope="module")
def demo_db_module(demo_db):
    return demo_db


@pytest.fixture
def demo_app(app_for, demo_db):
    return app_for(demo_db)


def _unvalidated(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["estado"] != "Validado" and r.get("valor_real") is not None]


def test_unvalidated_figures_follow_the_role(demo_app, facts):
    goals = facts["goals"]
    assert facts["unvalidated"], "the demo has figures waiting for validation"
    everything = _unvalidated(explore(signed_in(demo_app), "avance_mensual"))
    assert len(everything) == len(facts["unvalidated"])

    ministry = _unvalidated(explore(signed_in(demo_app, "ministerio"), "avance_mensual"))
    assert ministry and {goals[r["codigo_meta"]] for r in ministry} == {DEMO_MINISTRY}

    region = _unvalidated(explore(signed_in(demo_app, "region"), "avance_mensual"))
    assert region and {r["region"] for r in region} == {"Valparaíso"}

    for role in ("analista", "admin"):
        assert _unvalidated(explore(signed_in(demo_app, role), "avance_mensual")) == []
    assert explore(anonymous(demo_app), "avance_mensual") == [] or not _unvalidated(
        explore(anonymous(demo_app), "avance_mensual")
    )


def test_bottlenecks_follow_the_role(demo_app, facts):
    goals = facts["goals"]
    assert len(explore(signed_in(demo_app), "restricciones")) == len(facts["bottlenecks"])
    ministry = explore(signed_in(demo_app, "ministerio"), "restricciones")
    assert ministry and {goals[r["codigo_meta"]] for r in ministry} == {DEMO_MINISTRY}
    in_region = sum(1 for _, region in facts["bottlenecks"] if region == DEMO_REGION)
    assert len(explore(signed_in(demo_app, "region"), "restricciones")) == in_region
    assert explore(signed_in(demo_app, "analista"), "restricciones") == []
    assert explore(anonymous(demo_app), "restricciones") == []


def test_a_region_reads_only_its_territory_even_when_asking_for_another(demo_app):
    client = signed_in(demo_app, "region")
    # A crafted request for Región Metropolitana's (13) comunas or loaded rows returns nothing
    # from it; its totals per region are every staff role's (warehouse.figure_access.FIGURE_ACCESS).
    assert explore(client, "entregas", region="13", nivel="comuna") == []
    assert explore(client, "entregas", region="13", desglose="filas") == []
    totals = explore(client, "entregas", region="13")
    assert totals and totals == explore(signed_in(demo_app), "entregas", region="13")
    rows = explore(client, "compromisos")
    assert rows and {r["region"] for r in rows} == {"Valparaíso"}
    exported = export_csv(client, "compromisos")
    assert exported and {r[next(k for k in r if k.startswith("Regi"))] for r in exported} == {
        "Valparaíso"
    }
    # The whole country is there for presidencia: the filter above is the scope, not the data.
    assert explore(signed_in(demo_app), "entregas", region="13")


def test_goal_page_hides_unvalidated_figures_from_analysts(demo_app, facts):
    goal = next(code for code, region in facts["unvalidated"] if region is None)
    search = "?validadas=0"
    assert UNVALIDATED_WORD in page_json(signed_in(demo_app), f"/meta/{goal}", search)
    assert UNVALIDATED_WORD not in page_json(
        signed_in(demo_app, "analista"), f"/meta/{goal}", search
    )
    public = page_json(anonymous(demo_app), f"/meta/{goal}", search)
    assert UNVALIDATED_WORD not in public and "acceso-denegado" in public


def test_public_visitors_read_no_territory_and_no_bottlenecks(demo_app):
    client = anonymous(demo_app)
    for dataset in ("entregas", "compromisos", "restricciones"):
        assert explore(client, dataset) == []


def test_workers_starting_together_share_one_whole_signing_key(tmp_path):
    """Every worker reads the key the first one wrote, whole (an empty key turned a worker's
    sessions off); the file is private and nothing temporary is left beside it."""
    import stat
    from concurrent.futures import ProcessPoolExecutor

    from dashboard.security import auth

    database = tmp_path / "tablero.duckdb"
    with ProcessPoolExecutor(8) as pool:
        keys = list(pool.map(auth._stored_secret, [database] * 32))
    assert len(set(keys)) == 1 and len(keys[0]) >= 48
    (written,) = tmp_path.iterdir()
    assert written.name == "tablero.duckdb" + auth.SECRET_FILE_SUFFIX
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert auth._stored_secret(database) == keys[0]
