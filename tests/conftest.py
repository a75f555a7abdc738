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
from pathlib import Path

import pytest

from loaders.reference import ensure_reference
from tests.support.apps import build_app, close_app
from tests.support.small_warehouse import DEMO_TODAY, build_small_warehouse
from warehouse.db import connect

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
