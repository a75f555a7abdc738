"""Shared fixtures: small test warehouses, Dash apps on them, and headless Chromium for dash_duo.

Browser tests run on Debian's `chromium` + `chromium-driver`, headless and offline: the browser
resolves no host but localhost, so a request to a CDN fails (and shows in the console logs)
even on a CI machine that has internet. Without a browser the tests are skipped locally and
FAIL when CI=true: a missing browser must never pass silently in CI.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from loaders.reference import ensure_reference
from tests.support.apps import build_app, close_app, served  # noqa: F401 (served: re-exported)
from warehouse.aggregates import refresh_aggregates
from warehouse.db import connect, set_metadata, transaction

BROWSER_FIXTURES = frozenset({"dash_duo", "dash_br", "dash_duo_mp"})
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROME_ARGS = (
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
    # Offline by construction: every host but the local test server fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)


# --------------------------------------------------------------------------- browser set-up


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_binary() -> str | None:
    """DASH_TEST_CHROMEPATH if set (dash.testing's own variable), else Chromium on PATH."""
    configured = os.environ.get("DASH_TEST_CHROMEPATH")
    if configured:
        return configured if Path(configured).exists() else None
    return next(filter(None, (shutil.which(name) for name in CHROMIUM_NAMES)), None)


def missing_browser_parts() -> list[str]:
    missing = [] if chromium_binary() else ["chromium"]
    if not shutil.which("chromedriver"):
        missing.append("chromedriver")
    return missing


def pytest_setup_options():
    """dash.testing hook: the ChromeOptions used by dash_duo. Headless unless
    TABLERO_TEST_HEADED=1 (to watch a test run on a desktop)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    if os.environ.get("TABLERO_TEST_HEADED") != "1":
        options.add_argument("--headless")
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    binary = chromium_binary()
    if binary:
        options.binary_location = binary
    return options


def pytest_configure(config: pytest.Config) -> None:
    # selenium 4.2 (pinned by dash[testing]) calls urllib3 APIs that urllib3 1.26 deprecates.
    config.addinivalue_line("filterwarnings", "ignore:HTTPResponse.getheader:DeprecationWarning")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses a Dash browser fixture gets the `browser` marker (-m 'not browser')."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    missing = missing_browser_parts()
    if not missing:
        return
    message = "Falta " + " y ".join(missing) + " (apt-get install chromium chromium-driver)"
    if in_ci():
        pytest.fail("CI=true: " + message, pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------------- test warehouses

# UTC load times; 2025-04-02 14:00 UTC is 11:00 in Chile (UTC-3 until 6 April 2025).
LAST_LOAD_UTC = datetime(2025, 4, 2, 14, 0)
LAST_LOAD_CHILE = "02-04-2025 11:00"

INGESTIONS = (
    # id, archivo, tipo, cargado_en, estado, leidas, cargadas, nuevas, reemplazadas, cuarentena
    (1, "instituciones.csv", "instituciones", datetime(2025, 3, 3, 12, 0), "loaded", 3, 3, 3, 0, 0),
    (2, "productos.csv", "productos", datetime(2025, 3, 3, 12, 2), "loaded", 2, 2, 2, 0, 0),
    (3, "metas_marzo.xlsx", "metas", datetime(2025, 3, 3, 12, 5), "loaded", 3, 3, 3, 0, 0),
    (4, "entregas_marzo.csv", "entregas", datetime(2025, 4, 1, 13, 30), "partial", 5, 4, 4, 0, 1),
    (5, "metas_abril.xlsx", "metas", LAST_LOAD_UTC, "loaded", 1, 1, 0, 1, 0),
)
INSTITUTIONS = (
    ("Ministerio de Salud", "Fondo Nacional de Salud", "FONASA"),
    ("Ministerio de Vivienda y Urbanismo", "Servicio de Vivienda y Urbanización", "SERVIU"),
    ("Ministerio del Interior", "Subsecretaría de Desarrollo Regional", "SUBDERE"),
)
PRODUCTS = (
    ("FONASA", "Atenciones de salud", "social", "atenciones"),
    ("SERVIU", "Subsidios habitacionales", "infraestructura", "subsidios"),
)
GOAL = (
    "Ministerio de Salud", "FONASA", "social", "Ana Pérez", "personas", "descendente",
    250000.0, 150000.0, date(2025, 1, 1), date(2026, 3, 1), "nacional", 0.9, 0.7,
)  # fmt: skip
DELIVERIES = (  # territorio: comunas of Valparaíso (05) and Santiago (13), and region Biobío (08)
    ("FONASA", "Atenciones de salud", "05101", 1200),
    ("FONASA", "Atenciones de salud", "13101", 5400),
    ("SERVIU", "Subsidios habitacionales", "13110", 80),
    ("SERVIU", "Subsidios habitacionales", "08", 310),
)
CURRENT_ROWS = {"instituciones": 3, "productos": 2, "metas": 3, "entregas": 4}
REGIONS_WITH_DATA = 3


def _insert_rows(con: duckdb.DuckDBPyConnection, demo: bool) -> None:
    """A handful of versioned rows, as the loaders would leave them (no loader involved)."""
    for ing in INGESTIONS:
        con.execute(
            "INSERT INTO ingestas (id, archivo, tipo, cargado_en, estado, filas_leidas,"
            " filas_cargadas, filas_nuevas, filas_reemplazadas, filas_en_cuarentena,"
            " hash_contenido, formato, filas_sin_cambio, es_demo)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'csv', 0, ?)",
            [*ing, f"hash-{ing[0]}", demo],
        )
    when = {ing[0]: ing[3] for ing in INGESTIONS}
    for line, row in enumerate(INSTITUTIONS, start=2):
        con.execute(
            "INSERT INTO instituciones VALUES (?, ?, ?, ?, NULL, 1, ?)", [*row, when[1], line]
        )
    for line, row in enumerate(PRODUCTS, start=2):
        con.execute(
            "INSERT INTO productos VALUES (?, ?, ?, ?, ?, NULL, 2, ?)", [*row, when[2], line]
        )
    goals = [  # (codigo, nombre, valid_from, valid_to, ingestion): M-01 was replaced in April
        ("M-01", "Reducir lista de espera", when[3], when[5], 3),
        ("M-01", "Reducir lista de espera GES", when[5], None, 5),
        ("M-02", "Viviendas entregadas", when[3], None, 3),
        ("M-03", "Consultorios acreditados", when[3], None, 3),
    ]
    for line, (code, name, valid_from, valid_to, ing) in enumerate(goals, start=2):
        con.execute(
            "INSERT INTO metas VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [code, name, *GOAL, valid_from, valid_to, ing, line],
        )
    for line, (service, product, territory, people) in enumerate(DELIVERIES, start=2):
        con.execute(
            "INSERT INTO entregas VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, NULL, 4, ?)",
            [service, product, territory, date(2025, 3, 1), people, when[4], line],
        )


# Accounts of the small warehouse (the demo has its own, loaders/demo/accounts.py): username →
# (role, region, password). Hashes are computed once per session: argon2 is slow on purpose.
TEST_ACCOUNTS = {
    "presidencia": ("presidencia", None, "demo-presidencia"),
    "analista": ("analista", None, "demo-analista"),
    "region": ("region", "05", "demo-region"),
    "admin": ("admin", None, "demo-admin"),
}


@functools.cache
def _password_hash(password: str) -> str:
    from warehouse.accounts import hash_password

    return hash_password(password)


def _insert_accounts(con: duckdb.DuckDBPyConnection) -> None:
    for username, (role, region, password) in TEST_ACCOUNTS.items():
        con.execute(
            "INSERT INTO cuentas (usuario, nombre, rol, region, hash_clave, creada_en,"
            " actualizada_en) VALUES (?, ?, ?, ?, ?, now(), now())",
            [username, username.title(), role, region, _password_hash(password)],
        )


def build_small_warehouse(path: Path, reference: Path, *, demo: bool) -> Path:
    """Copy the reference-only database to `path` and add the rows and accounts above."""
    shutil.copyfile(reference, path)
    con = connect(path)
    try:
        with transaction(con):
            _insert_rows(con, demo)
            _insert_accounts(con)
            refresh_aggregates(con, "all")  # as the loaders do after each delivery file
            if demo:
                set_metadata(con, "dataset", "demo")
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Schema + territory + census, built once per session (reading the DPA takes ~1 s)."""
    path = tmp_path_factory.mktemp("reference") / "reference.duckdb"
    con = connect(path)
    try:
        ensure_reference(con)
    finally:
        con.close()
    return path


@pytest.fixture
def make_warehouse(reference_db: Path, tmp_path: Path) -> Callable[..., Path]:
    """`make_warehouse(demo=True)` -> path of a fresh small warehouse for this test."""

    def make(name: str = "tablero.duckdb", *, demo: bool = True) -> Path:
        return build_small_warehouse(tmp_path / name, reference_db, demo=demo)

    return make


@pytest.fixture
def app_for() -> Iterator[Callable[..., object]]:
    """`app_for(db_path, **settings)` -> a Dash app from the real factory; closed after."""
    apps = []

    def build(db_path: Path, **settings: object):
        app = build_app(db_path, **settings)
        apps.append(app)
        return app

    yield build
    for app in apps:
        close_app(app)


# The demo as of a fixed day, so page tests see the same data every time. 2025-06-18 keeps the
# build fast (17 months of deliveries) and gives a review week with real changes.
DEMO_TODAY = date(2025, 6, 18)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real demo warehouse built through the loaders, once per test session (read-only use).

    Page tests must not write to it; copy it (`shutil.copy`) for a test that loads files."""
    from loaders.demo import build_demo
    from loaders.web_geometry import ensure_web_geometry

    ensure_web_geometry()
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, today=DEMO_TODAY)
    return path


# --------------------------------------------------------------------------- signing in
# Every POST needs the session's CSRF token: Dash's renderer sends it as the X-CSRFToken header
# from the `_csrf_token` cookie, and these helpers do the same.

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class DashClient:
    """A Flask test client that keeps the session's CSRF token and calls Dash callbacks."""

    def __init__(self, app) -> None:
        self.app = app
        self.http = app.server.test_client()

    @property
    def csrf_token(self) -> str | None:
        cookie = self.http.get_cookie("_csrf_token")
        return cookie.value if cookie else None

    def get(self, path: str, **kwargs):
        return self.http.get(path, **kwargs)

    def login(self, username: str, password: str):
        form = self.http.get("/login").get_data(as_text=True)
        match = CSRF_FIELD.search(form)
        assert match, "the login form carries a CSRF token"
        return self.http.post(
            "/login", data={"usuario": username, "clave": password, "csrf_token": match[1]}
        )

    def callback(
        self,
        output: str,
        inputs: dict[str, object] | None = None,
        state: dict[str, object] | None = None,
        *,
        csrf: bool = True,
    ):
        """POST /_dash-update-component for the callback whose output key contains `output`
        (e.g. "meta-table.children"), with values for its inputs/state by "id.prop"."""
        return self.http.post(
            "/_dash-update-component",
            json=callback_payload(self.app, output, inputs or {}, state or {}),
            headers={"X-CSRFToken": self.csrf_token or ""} if csrf else {},
        )


def callback_payload(app, output: str, inputs: dict, state: dict) -> dict:
    from dash._utils import split_callback_id

    keys = [key for key in app.callback_map if output in key]
    assert len(keys) == 1, f"one callback outputs {output!r}, found {keys}"
    key = keys[0]
    spec = app.callback_map[key]

    def values(items: list[dict], given: dict) -> list:
        # A pattern-matching input (id '{"key":["ALL"],…}') takes the caller's list of
        # {"id": {...}, "property": …, "value": …} entries as it is.
        return [
            given[f"{item['id']}.{item['property']}"]
            if item["id"].startswith("{")
            else {**item, "value": given.get(f"{item['id']}.{item['property']}")}
            for item in items
        ]

    return {
        "output": key,
        "outputs": split_callback_id(key),
        "inputs": values(spec["inputs"], inputs),
        "state": values(spec.get("state", []), state),
        "changedPropIds": list(inputs),
    }


def signed_in(app, username: str = "presidencia", password: str | None = None) -> DashClient:
    """A client signed in as one of the test or demo accounts."""
    client = DashClient(app)
    response = client.login(username, password or f"demo-{username}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.get("/")  # receives the CSRF cookie of the new session
    return client


def anonymous(app) -> DashClient:
    client = DashClient(app)
    client.get("/publico")
    return client


def browser_login(dash_duo, username: str = "presidencia", password: str | None = None) -> None:
    """Sign in through the real login form in headless Chromium, landing on the home page."""
    driver = dash_duo.driver
    driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#usuario").send_keys(username)
    driver.find_element("css selector", "#clave").send_keys(password or f"demo-{username}")
    driver.find_element("css selector", "#login-submit").click()
    dash_duo.wait_for_element("#account-name", timeout=10)


def start_signed_in(dash_duo, app, username: str = "presidencia", path: str = "/") -> None:
    """`dash_duo.start_server(app)`, signed in: the home page needs a session, so the server
    starts without navigating, the login form is filled, and then `path` opens."""
    dash_duo.start_server(app, navigate=False)
    browser_login(dash_duo, username)
    dash_duo.server_url = dash_duo.server.url  # Dash's own wait for the app to render
    if path != "/":
        dash_duo.driver.get(dash_duo.server_url + path)


def requests_login(base_url: str, username: str, password: str | None = None):
    """A `requests.Session` signed in on a live server, sending the CSRF header on POSTs."""
    import requests

    session = requests.Session()
    form = session.get(base_url + "/login", timeout=10).text
    match = CSRF_FIELD.search(form)
    assert match
    response = session.post(
        base_url + "/login",
        data={"usuario": username, "clave": password or f"demo-{username}", "csrf_token": match[1]},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:300]
    session.get(base_url + "/", timeout=30)
    session.headers["X-CSRFToken"] = session.cookies.get("_csrf_token", "")
    return session


@contextlib.contextmanager
def staff_request(app, path: str = "/", scope=None) -> Iterator[None]:
    """A request context whose viewer is signed in (presidencia unless `scope` says otherwise),
    for tests that call page layouts and callbacks as plain functions."""
    from dashboard import data
    from warehouse.scope import Scope

    with app.server.test_request_context(path):
        data.set_viewer(scope or Scope.everything("presidencia"))
        yield
