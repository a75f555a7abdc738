"""Shared fixtures: small test warehouses, Dash apps on them, and headless Chromium for dash_duo.

Browser tests run on Debian's `chromium` + `chromium-driver`, headless and offline: the browser
resolves no host but localhost, so a request to a CDN fails (and shows in the console logs)
even on a CI machine that has internet. Without a browser the tests are skipped locally and
FAIL when CI=true: a missing browser must never pass silently in CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from loaders.reference import ensure_reference
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


def build_small_warehouse(path: Path, reference: Path, *, demo: bool) -> Path:
    """Copy the reference-only database to `path` and add the rows above."""
    shutil.copyfile(reference, path)
    con = connect(path)
    try:
        with transaction(con):
            _insert_rows(con, demo)
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
def app_for() -> Iterator[Callable[[Path], object]]:
    """`app_for(db_path)` -> a Dash app from the real factory; its connection closed after."""
    from dashboard import data
    from dashboard.app import create_app
    from dashboard.settings import Settings

    apps = []

    def build(db_path: Path, **kwargs: object):
        app = create_app(Settings(db_path=db_path, threads=1), **kwargs)
        apps.append(app)
        return app

    yield build
    for app in apps:
        data.database_of(app.server).close()


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
