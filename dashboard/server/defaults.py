"""What a page shows when its URL does not say: the as-of month and the review dates.

Defaults come from the data, not from the wall clock. The weekly meeting projects the latest
*loaded* data: if the figures were loaded on Monday and the meeting is on Wednesday, "today"
would add two empty days to the review window and, for a demo built months ago, show nothing
at all. So:

* as-of month = the latest month with a reported national progress figure in the warehouse
  (the month the last monthly report covers);
* review "hasta" = the date of the latest load, "desde" = 7 days before it (one review cycle).

The review compares the data *as known at the end of* each date (indicators.months), and the
warehouse stores load times in UTC, so the load date is taken in UTC as well: a file loaded at
23:30 in Santiago (02:30 UTC the next day) is then inside the window, never just after it.

URL parameters are parsed here too, with a safe fallback: a mistyped link opens the default
view instead of an error page. Every page asks for the defaults (two queries), so they are kept
per data version and scope, and per calendar day (the fallback of an empty warehouse).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from dashboard.server.cache import CATALOGS, Memo, data_version
from indicators.months import add_months, month_start
from indicators.review import review_month
from warehouse import catalog, status, vocabulary
from warehouse.vocabulary import format_month, month_label  # also the pages' import

REVIEW_DAYS = 7
MONTH_PARAM = "mes"
FROM_PARAM = "desde"
TO_PARAM = "hasta"
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Defaults:
    """The data-driven defaults of every page, read once per render."""

    as_of: date  # first day of the default as-of month
    review_to: date
    review_from: date
    last_load: datetime | None  # UTC, None on an empty warehouse
    months: tuple[date, ...] = ()  # months with national progress, newest first


DEFAULTS = Memo(CATALOGS, 64)


def read_defaults(con: duckdb.DuckDBPyConnection, today: date | None = None) -> Defaults:
    """Defaults from the warehouse; `today` (the wall clock) only when it holds no data yet."""
    today = today or date.today()
    return DEFAULTS.get((data_version(con), today), lambda: _read(con, today))


def _read(con: duckdb.DuckDBPyConnection, today: date) -> Defaults:
    months = tuple(catalog.progress_months(con))
    loaded = status.last_load(con)
    to = loaded.date() if loaded else today
    as_of = months[0] if months else add_months(month_start(today), -1)
    return Defaults(as_of, to, to - timedelta(days=REVIEW_DAYS), loaded, months)


def bottleneck_day(as_of: date, review_date: date) -> date | None:
    """The day bottlenecks are judged for goals at month `as_of`: the review date when `as_of`
    is the review's own month (the month before it, as the weekly review judges goals), else
    None (the end of the as-of month). Every goal screen uses this rule, so a light on the
    review page, in the goals table and on a ministry page is the same light."""
    return review_date if month_start(as_of) == review_month(review_date) else None


def parse_month(text: object, fallback: date) -> date:
    """'2025-05' -> date(2025, 5, 1); anything else (missing, '2025-13', 'mayo') -> fallback."""
    return vocabulary.parse_month(text) or fallback


def parse_day(text: object, fallback: date) -> date:
    """'2025-06-16' -> date(2025, 6, 16); an invalid or missing date -> fallback."""
    match = _DAY.match(str(text or "").strip())
    if not match:
        return fallback
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return fallback
    return day if day.year >= 1900 else fallback


def review_window(from_text: object, to_text: object, defaults: Defaults) -> tuple[date, date]:
    """The (desde, hasta) of a review from URL text. A missing "desde" is one cycle before
    "hasta"; a "desde" on or after "hasta" is replaced the same way (a review compares an
    earlier date with a later one)."""
    to = parse_day(to_text, defaults.review_to)
    start = parse_day(from_text, to - timedelta(days=REVIEW_DAYS))
    if start >= to:
        start = to - timedelta(days=REVIEW_DAYS)
    return start, to


def format_day(day: date) -> str:
    """The URL form of a day: '2025-06-16'."""
    return day.isoformat()


def day_label(day: date) -> str:
    """'16-06-2025', the Chilean way to write a date."""
    return day.strftime("%d-%m-%Y")


def month_options(defaults: Defaults, selected: date) -> list[dict[str, str]]:
    """Menu options for the as-of month: the months with data, plus the selected one if a link
    asked for a month without data (the menu must show what the page shows)."""
    months = sorted({*defaults.months, selected}, reverse=True)
    return [{"label": month_label(m), "value": format_month(m)} for m in months]
