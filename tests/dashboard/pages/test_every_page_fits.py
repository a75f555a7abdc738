"""Every page fits the window, on a 1366 px laptop and on a 390 × 844 phone (issue 16, item 5).

One browser session per width walks every page as presidencia, then signed out (the public
pages), then as ministerio (/validacion): no page scrolls sideways; at 1366 px the navbar
shows the account and "Salir" inside the window; on the phone the navbar collapses behind its
toggler and opens on a tap. Screenshots of the navbar go to /tmp (TABLERO_SCREENSHOTS=1) for
a person to look at.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import dash
import pandas as pd
from dash import dcc

from dashboard.public import board_views as public_board
from dashboard.public import goal_views as public_goal
from dashboard.ui import components, goal_trajectory, ids
from dashboard.ui.components import DROPDOWN_LABELS
from dashboard.validation import ids as validation_ids
from indicators.goals import Goal
from tests.support.figures import as_figure
from tests.support.sessions import browser_login, staff_request

GOAL = "SAL-01"
# path → the element that says the page has rendered
STAFF_PAGES = (
    ("/", ids.HOME_TITLE),
    ("/metas", ids.GOALS_TITLE),
    (f"/meta/{GOAL}", ids.META_TITLE),
    ("/mapa", ids.MAP_TITLE),
    ("/region/05", ids.REGION_TITLE),
    ("/ministerio/salud", ids.MINISTRY_TITLE),
    ("/convergencia", ids.CONV_TITLE),
    ("/explorar", ids.EXPLORE_TITLE),
    ("/datos", ids.DATA_TITLE),
    ("/publico", public_board.TITLE),
)
PUBLIC_PAGES = (
    ("/publico", public_board.TITLE),
    (f"/publico/meta/{GOAL}", public_goal.GOAL_TITLE),
)
MINISTRY_PAGES = (("/validacion", validation_ids.TITLE),)

# Wider than the window means a sideways scroll bar: the page no longer fits. clientWidth is
# the window less its vertical scroll bar (innerWidth counts the bar, and would let a page
# 15 px too wide pass).
OVERFLOW_JS = """
const doc = document.documentElement;
const wide = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > doc.clientWidth + 1)
  .filter(e => !e.closest('.table-responsive, .ag-root-wrapper, .js-plotly-plot'))
  .slice(0, 5)
  .map(e => e.tagName + '#' + e.id + '.' + e.className);
return {scroll: doc.scrollWidth, inner: doc.clientWidth, wide: wide};
"""
# Rendered and settled: the page's title is there and Dash is loading nothing.
READY_JS = """
return !!document.getElementById(arguments[0])
  && !document.querySelector('[data-dash-is-loading="true"]');
"""
# The light column's headers in the page's tables: where they are across the window.
LIGHT_HEADERS_JS = """
const heads = [...document.querySelectorAll('#_pages_content table th')]
  .filter(th => th.textContent.trim() === 'Semáforo' && th.getClientRects().length > 0);
if (heads.length) heads[0].scrollIntoView({block: 'center', behavior: 'instant'});
return heads.map(th => th.getBoundingClientRect().right);
"""
INSIDE_JS = """
const r = arguments[0].getBoundingClientRect();
return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth
  && r.top >= 0 && r.bottom <= window.innerHeight;
"""


def until(predicate, timeout: float = 20, message: str = "") -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, message or "timed out"
        time.sleep(0.1)


def screenshot(dash_duo, name: str) -> None:
    if os.environ.get("TABLERO_SCREENSHOTS") == "1":
        dash_duo.driver.save_screenshot(f"/tmp/tablero-{name}.png")


def open_page(dash_duo, path: str, ready_id: str) -> None:
    dash_duo.driver.get(dash_duo.server.url + path)
    until(
        lambda: dash_duo.driver.execute_script(READY_JS, ready_id),
        message=f"{path} did not render",
    )


def assert_fits(dash_duo, pages, width: int) -> None:
    for path, ready_id in pages:
        open_page(dash_duo, path, ready_id)
        seen = dash_duo.driver.execute_script(OVERFLOW_JS)
        # Charts and grids may draw a moment later: the widest the page gets within a second.
        end = time.monotonic() + 1
        while time.monotonic() < end:
            again = dash_duo.driver.execute_script(OVERFLOW_JS)
            seen = again if again["scroll"] > seen["scroll"] else seen
            time.sleep(0.2)
        screenshot(dash_duo, f"{width}{path.replace('/', '_')}")
        assert seen["scroll"] <= seen["inner"], f"{path} at {width} px scrolls sideways: {seen}"


def sign_out(dash_duo) -> None:
    dash_duo.driver.execute_script(f"document.getElementById('{ids.LOGOUT_FORM}').requestSubmit();")
    dash_duo.wait_for_element("#usuario", timeout=10)


def inside(dash_duo, selector: str) -> bool:
    element = dash_duo.find_element(selector)
    return dash_duo.driver.execute_script(INSIDE_JS, element)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_signed_in(dash_duo, app) -> None:
    """conftest.start_signed_in on a free port: dash_duo's fixed port is shared with any
    other browser test running on the machine at the same time."""
    dash_duo.start_server(app, navigate=False, port=free_port())
    browser_login(dash_duo)
    dash_duo.server_url = dash_duo.server.url


def walk_every_page(dash_duo, app_for, demo_db, width: int, height: int) -> None:
    """Presidencia's pages, the public ones signed out, and ministerio's /validacion."""
    start_signed_in(dash_duo, app_for(demo_db))
    dash_duo.driver.set_window_size(width, height)
    assert_fits(dash_duo, STAFF_PAGES, width)
    sign_out(dash_duo)
    assert_fits(dash_duo, PUBLIC_PAGES, width)
    browser_login(dash_duo, "ministerio")
    assert_fits(dash_duo, MINISTRY_PAGES, width)


def test_every_page_fits_a_laptop(dash_duo, app_for, demo_db):
    walk_every_page(dash_duo, app_for, demo_db, 1366, 900)
    # Review dates read dd-mm-aaaa in this English-language browser (a native date input
    # wrote 06/09/2025).
    open_page(dash_duo, "/?desde=2025-06-09&hasta=2025-06-16", ids.HOME_TITLE)
    shown = [
        dash_duo.find_element(f"#{i}").get_attribute("value") for i in (ids.HOME_FROM, ids.HOME_TO)
    ]
    assert shown == ["09-06-2025", "16-06-2025"]
    # Signed in (as ministerio now): the whole navbar on one line, the account inside the window.
    open_page(dash_duo, "/metas", ids.GOALS_TITLE)
    assert not dash_duo.find_element(f"#{ids.NAV_TOGGLER}").is_displayed()
    assert dash_duo.find_element(f"#{ids.NAV_LINKS}").is_displayed()
    assert inside(dash_duo, f"#{ids.ACCOUNT_NAME}")
    assert inside(dash_duo, f"#{ids.LOGOUT_FORM} button")
    assert inside(dash_duo, f"#{ids.DEMO_BADGE}")
    navbar = dash_duo.find_element(f"#{ids.NAVBAR}")
    assert navbar.size["height"] < 80  # one line
    screenshot(dash_duo, "nav-1366")
    # And the widest screens, for a person to look at.
    for width in (1600, 1920):
        dash_duo.driver.set_window_size(width, 1000)
        assert inside(dash_duo, f"#{ids.LOGOUT_FORM} button")
        screenshot(dash_duo, f"nav-{width}")
    assert dash_duo.get_logs() == []


def test_every_page_fits_a_phone_and_the_navbar_collapses(dash_duo, app_for, demo_db):
    walk_every_page(dash_duo, app_for, demo_db, 390, 844)
    open_page(dash_duo, "/metas", ids.GOALS_TITLE)
    toggler = dash_duo.find_element(f"#{ids.NAV_TOGGLER}")
    links = dash_duo.find_element(f"#{ids.NAV_LINKS}")
    assert toggler.is_displayed() and not links.is_displayed()
    # Collapsed, the navbar is one short bar: the page starts on the first screen.
    assert dash_duo.find_element(f"#{ids.NAVBAR}").size["height"] < 90
    screenshot(dash_duo, "nav-390-closed")
    toggler.click()
    until(lambda: links.is_displayed(), timeout=5, message="the toggler opens the menu")
    until(lambda: inside(dash_duo, f"#{ids.LOGOUT_FORM} button"), timeout=5)
    assert dash_duo.find_element(f"#{ids.NAV_COLLAPSE}").is_displayed()
    screenshot(dash_duo, "nav-390-open")
    seen = dash_duo.driver.execute_script(OVERFLOW_JS)
    assert seen["scroll"] <= seen["inner"], seen
    # Public tables scroll inside their box on a phone: their light column comes first, so it
    # is on screen without scrolling the table.
    for path, ready_id in PUBLIC_PAGES:
        open_page(dash_duo, path, ready_id)
        rights = dash_duo.driver.execute_script(LIGHT_HEADERS_JS)
        screenshot(dash_duo, "table-390" + path.replace("/", "_"))
        assert rights and max(rights) <= 390, (path, rights)
    # Following a link closes the menu: the new page fills the screen.
    dash_duo.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'});")
    toggler = dash_duo.find_element(f"#{ids.NAV_TOGGLER}")
    links = dash_duo.find_element(f"#{ids.NAV_LINKS}")
    toggler.click()
    until(lambda: links.is_displayed(), timeout=5, message="the toggler opens the menu")
    dash_duo.find_element(f"#{ids.NAV_LINKS} a[href='/ministerio']").click()
    dash_duo.wait_for_element(f"#{ids.MINISTRY_TITLE}")
    until(lambda: not links.is_displayed(), timeout=5, message="the menu closes on a new page")
    assert dash_duo.get_logs() == []


# --------------------------------------------------------------------------- without a browser


def test_cut_and_deadline_labels_a_month_apart_do_not_overlap():
    """Cut in November, deadline on 31 December: one label at the top of the plot, the other
    at the bottom (both at the top, they printed over each other)."""
    goal = Goal("M-1", "ascendente", 0.0, 100.0, date(2025, 1, 1), date(2026, 12, 31))
    months = pd.date_range("2025-01-01", "2026-11-01", freq="MS")
    series = pd.DataFrame(
        {
            "mes": months,
            "valor_programado": [4.0 * (i + 1) for i in range(len(months))],
            "valor_real": [3.5 * (i + 1) for i in range(len(months))],
            "estado": "validado",
        }
    )
    done = series.tail(6)
    figure = as_figure(
        goal_trajectory.timeline_figure(
            goal,
            series,
            date(2026, 11, 1),
            validated_only=True,
            fit=(list(done["mes"].dt.date), list(done["valor_real"])),
            projected=None,
        )
    )
    labels = {a.name: a for a in figure.layout.annotations if a.name in {"corte", "plazo"}}
    cut, deadline = labels["corte"], labels["plazo"]
    assert cut.text == "Corte nov 2026" and deadline.text == "Plazo 31-12-2026"
    # Opposite edges of the plot: the deadline hangs from the top, the cut stands on the bottom.
    assert (deadline.y, deadline.yanchor) == (1, "top")
    assert (cut.y, cut.yanchor) == (0, "bottom")
    # The plot is far taller than two lines of 13 px text: the labels cannot meet.
    plot_height = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
    assert plot_height > 4 * deadline.font.size + 4 * cut.font.size
    # Past the deadline, the cut's text turns to the left of its line (inside the plot).
    late = as_figure(
        goal_trajectory.timeline_figure(
            replace(goal, fecha_meta=date(2026, 6, 30)),
            series,
            date(2026, 11, 1),
            validated_only=True,
            fit=(list(done["mes"].dt.date), list(done["valor_real"])),
            projected=None,
        )
    )
    late_cut = next(a for a in late.layout.annotations if a.name == "corte")
    assert (late_cut.y, late_cut.xanchor) == (0, "right")


def test_review_dates_are_chilean_whatever_the_browser_language(app_for, demo_db):
    """dd-mm-aaaa, weeks from Monday; the value the URL callback reads stays ISO."""
    app = app_for(demo_db)
    page = dash.page_registry["dashboard.pages.weekly_review"]
    with staff_request(app, "/"):
        tree = page["layout"](desde="2025-06-09", hasta="2025-06-16")
    pickers = {c.id: c for c in components_of(tree) if getattr(c, "id", None) in
               (ids.HOME_FROM, ids.HOME_TO)}  # fmt: skip
    for picker in pickers.values():
        assert isinstance(picker, dcc.DatePickerSingle)
        assert (picker.display_format, picker.first_day_of_week) == ("DD-MM-YYYY", 1)
    assert (pickers[ids.HOME_FROM].date, pickers[ids.HOME_TO].date) == ("2025-06-09", "2025-06-16")


def components_of(tree: Any) -> Iterator[Any]:
    if isinstance(tree, list | tuple):
        for item in tree:
            yield from components_of(item)
    elif hasattr(tree, "to_plotly_json"):
        yield tree
        yield from components_of(getattr(tree, "children", None))


# Pages with a path parameter: the value each one is opened with.
PAGE_ARGS = {
    "dashboard.pages.goal": {"codigo": GOAL},
    "dashboard.pages.public_goal": {"codigo": GOAL},
    "dashboard.pages.region": {"code": "05"},
    "dashboard.pages.ministry": {"slug": "salud"},
}


def test_every_dropdown_speaks_spanish(app_for, demo_db):
    """Dash 4's dropdowns say "Search", "Select All", "No options found" unless told
    otherwise: every dropdown of every page carries the Spanish texts."""
    app = app_for(demo_db)
    found: dict[str, int] = {}
    for module, page in dash.page_registry.items():
        with staff_request(app, page["path"]):
            tree = page["layout"](**PAGE_ARGS.get(module, {}))
        dropdowns = [c for c in components_of(tree) if isinstance(c, dcc.Dropdown)]
        for control in dropdowns:
            assert control.labels == DROPDOWN_LABELS, (module, control.id)
        found[module] = len(dropdowns)
    assert DROPDOWN_LABELS["search"] == "Buscar"
    assert all(found[m] > 0 for m in ("dashboard.pages.weekly_review", "dashboard.pages.goals",
               "dashboard.pages.map", "dashboard.pages.public_results")), found  # fmt: skip
    # And no module builds one without the helper (a callback may return dropdowns too).
    direct = [
        path.name
        for path in Path(components.__file__).parents[1].rglob("*.py")
        if "dcc.Dropdown(" in path.read_text(encoding="utf-8") and path.name != "components.py"
    ]
    assert direct == []
