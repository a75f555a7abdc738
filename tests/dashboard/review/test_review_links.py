"""A goal opened from the weekly review shows what the review showed: the bottlenecks raised
after the as-of month's end but by the review date are on the goal page too."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.goal_page.data import judging_day
from dashboard.server import database
from dashboard.ui import ids
from tests.support.apps import app_on
from tests.support.components import by_id, text_of, walk
from warehouse.scope import Scope


@pytest.fixture(scope="module")
def app(demo_db):
    with app_on(demo_db) as built:
        yield built


def _layout(app, module: str, **args: str):
    import importlib

    page = importlib.import_module(f"dashboard.pages.{module}")
    with app.server.test_request_context("/"):
        database.set_viewer(Scope.everything("presidencia"))
        return page.layout(**args)


def test_review_links_carry_the_month_and_the_review_day(app):
    review = _layout(app, "weekly_review")
    links = [c for c in walk(by_id(review, ids.HOME_BOTTLENECKS_OPENED)) if _is_link(c)]
    assert links, "the demo's review week raises bottlenecks"
    for link in links:
        query = parse_qs(urlsplit(link.href).query)
        assert query["mes"] == ["2025-05"]
        # The review judges bottlenecks on its own day, after the as-of month's end.
        assert date.fromisoformat(query["al"][0]) > date(2025, 5, 31)


def _is_link(component) -> bool:
    return type(component).__name__ == "Link"


def test_the_opened_bottleneck_codes_appear_on_their_goal_pages(app):
    review = _layout(app, "weekly_review")
    opened = by_id(review, ids.HOME_BOTTLENECKS_OPENED)
    rows = [c for c in walk(opened) if getattr(c, "tag", type(c).__name__) == "Tr"][1:]
    assert rows
    for row in rows:
        link = next(c for c in walk(row) if _is_link(c))
        url = urlsplit(link.href)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        codes = [text_of(c) for c in walk(row) if getattr(c, "className", None) == "goal-code"]
        bottleneck = codes[-1]
        goal = _layout(app, "goal", codigo=url.path.rsplit("/", 1)[1], **query)
        assert bottleneck in text_of(by_id(goal, ids.META_BOTTLENECKS)), bottleneck


def test_the_judging_day_is_the_urls_when_valid_else_the_review_rule():
    may = date(2025, 5, 1)
    assert judging_day(may, "2025-06-18", date(2025, 6, 18)) == date(2025, 6, 18)
    assert judging_day(may, "2025-04-30", date(2025, 6, 18)) == date(2025, 6, 18)  # before: rule
    assert judging_day(may, "basura", date(2025, 9, 1)) is None  # not the review's month: end
    assert judging_day(may, None, date(2025, 6, 18)) == date(2025, 6, 18)
