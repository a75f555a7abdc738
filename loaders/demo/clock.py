"""The demo's clock: which months have data, and when each of the two batches was loaded.

Everything in the demo is dated relative to `today`, so the weekly review always has a last
week to compare with, whatever day the demo is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

FIRST_MONTH = date(2024, 1, 1)
YEARS = (2024, 2025, 2026)
FIRST_BATCH_DAYS_AGO = 9
SECOND_BATCH_DAYS_AGO = 2


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class DemoCalendar:
    today: date

    @classmethod
    def for_today(cls, today: date | None = None) -> DemoCalendar:
        today = today or date.today()
        if today < date(2024, 4, 1):
            raise ValueError("La demo necesita al menos tres meses de datos desde enero de 2024.")
        return cls(today)

    @property
    def last_month(self) -> date:
        """The month before today's: the latest month anyone can have reported."""
        return add_months(self.today.replace(day=1), -1)

    @property
    def previous_month(self) -> date:
        """The latest month known to the first batch (second-to-last month)."""
        return add_months(self.last_month, -1)

    @property
    def months(self) -> list[date]:
        count = (self.last_month.year - 2024) * 12 + self.last_month.month
        return [add_months(FIRST_MONTH, i) for i in range(count)]

    def month_index(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex([pd.Timestamp(m) for m in self.months])

    @property
    def first_load(self) -> datetime:
        """Load time of the first batch: naive UTC, nine days ago at noon."""
        return datetime.combine(self.today - timedelta(days=FIRST_BATCH_DAYS_AGO), time(12))

    @property
    def second_load(self) -> datetime:
        return datetime.combine(self.today - timedelta(days=SECOND_BATCH_DAYS_AGO), time(12))

    @property
    def first_cutoff(self) -> date:
        """Nothing known to the first batch happened after this day."""
        return self.first_load.date()

    @property
    def second_cutoff(self) -> date:
        return self.second_load.date()


def child_rng(seed: int, stream: str) -> np.random.Generator:
    """One independent generator per part of the demo: changing one part keeps the others."""
    return np.random.default_rng([seed, *stream.encode()])
