"""Month arithmetic: months are the DATE of their first day, as the warehouse stores them.

A month *m* is evaluated at its last day (`month_end`): figures in the files are levels reached
by the end of the month, and a bottleneck open on that day counts for the month. Months as text
('AAAA-MM', 'mayo 2025') are warehouse.vocabulary's: this module stays free of the warehouse.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd


def moments(column: pd.Series) -> np.ndarray:
    """A date column as datetime64 (NaT where missing), read by pandas when not one already."""
    values = column.to_numpy()
    return (
        values if np.issubdtype(values.dtype, np.datetime64) else pd.to_datetime(column).to_numpy()
    )


def as_date(value: object) -> date:
    """A date from a date, datetime, pandas Timestamp or numpy datetime64 (dates come back from
    DuckDB as datetime64)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def month_start(value: object) -> date:
    day = as_date(value)
    return day.replace(day=1)


def month_end(value: object) -> date:
    # Figures call this once per point drawn (a goal page draws hundreds): for a plain date the
    # answer is kept per day, since calendar.monthrange is the slow part.
    if type(value) is date:
        return _month_end(value)
    day = as_date(value)
    return _month_end(day) if type(day) is date else _last_day(day)


@lru_cache(maxsize=4096)
def _month_end(day: date) -> date:
    return _last_day(day)


def _last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_ends(values: np.ndarray) -> np.ndarray:
    """month_end of datetime64 values (NaT stays NaT), as datetime64[D]: one array operation
    where a frame's column of months is drawn at month ends."""
    return (np.asarray(values).astype("datetime64[M]") + 1).astype("datetime64[D]") - 1


def add_months(value: object, count: int) -> date:
    return from_month_index(month_index(value) + count)


def month_index(value: object) -> int:
    """Months since year 0, so that consecutive months differ by exactly 1 (OLS abscissa)."""
    day = as_date(value)
    return day.year * 12 + day.month - 1


def from_month_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def end_of_day(day: date) -> datetime:
    """The last instant of a (UTC) day: data loaded at any time that day was known 'on' it."""
    return datetime.combine(day, time.max)


def knowledge_instant(value: date | datetime) -> datetime:
    """A review date means 'as known at the end of that day'; a datetime is taken as given."""
    if isinstance(value, datetime):
        return value
    return end_of_day(value)


def days_between(start: object, end: object) -> int:
    return (as_date(end) - as_date(start)) // timedelta(days=1)
