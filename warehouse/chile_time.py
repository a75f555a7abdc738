"""The calendar in Chile: what "today" and "this month" mean for rules and caches alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHILE = ZoneInfo("America/Santiago")


def chile_today(now: datetime | None = None) -> date:
    """The calendar day in Chile (at `now`, an aware time; the clock's when None)."""
    return (now or datetime.now(UTC)).astimezone(CHILE).date()
