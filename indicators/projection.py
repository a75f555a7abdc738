"""Projection of a goal to its target: OLS line through the last reported points.

Choices:
* Abscissa: month index (consecutive months differ by 1), ordinate: the reported level. Points
  are the last 6 reported months at or before the as-of month (headline series, same
  validated/all setting as the lights); fewer than 3 points → no projection, en_riesgo unknown.
* The projected month is the first whole month whose fitted value reaches T in the goal's
  direction: ceil((T − α) / β). If the line reached T before the last point it is a past month,
  and never earlier than the first point of the fit (the line says nothing about before it).
* en_riesgo when that month is after the month of fecha_meta, or when the slope is zero or
  points away from T (the line never reaches it: no projected month).
* A line that reaches T only after `HORIZON_YEARS` gives no month (en_riesgo True): such a date
  would be noise, and it keeps dates inside the calendar.
* The caller sets en_riesgo False for a goal that is already cumplida.

`project_many` fits every goal (or goal region) at once: goals with the same number of points
are fitted together, one row each (`ols_rows`); numpy sums each row as it sums a lone array,
so a goal's fit is the one `ols_line` gives for it alone, to the last bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from indicators.goals import Goal, GoalArrays, month_dates
from indicators.months import month_index

MIN_POINTS = 3
MAX_POINTS = 6
HORIZON_YEARS = 100


@dataclass(frozen=True)
class Projection:
    mes: date | None  # first month the line reaches the target
    en_riesgo: bool | None  # None: not enough points to tell
    pendiente: float | None  # slope, units of the indicator per month


NO_PROJECTION = Projection(None, None, None)


@dataclass(frozen=True)
class Points:
    """Reported (month index, value) points of several series, sorted by series then month;
    `series` is the position of the goal (or goal region) each point belongs to."""

    series: np.ndarray
    month: np.ndarray
    value: np.ndarray


@dataclass(frozen=True)
class Projections:
    """One element per goal: Projection's fields as lists of plain Python values."""

    mes: list[date | None]
    en_riesgo: list[bool | None]
    pendiente: list[float | None]


def ols_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line; slope 0 when all x are equal."""
    intercept, slope = ols_rows(
        np.asarray(x, dtype=float)[None, :], np.asarray(y, dtype=float)[None, :]
    )
    return float(intercept[0]), float(slope[0])


def ols_rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ols_line of each row of two (series × points) arrays: (intercepts, slopes)."""
    x_mean, y_mean = x.mean(axis=1), y.mean(axis=1)
    dx = x - x_mean[:, None]
    sxx = (dx**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(sxx == 0, 0.0, (dx * (y - y_mean[:, None])).sum(axis=1) / sxx)
    return np.where(sxx == 0, y_mean, y_mean - slope * x_mean), slope


def project_many(goals: GoalArrays, points: Points) -> Projections:
    """The projection of each goal from its points (the last MAX_POINTS of each series)."""
    size = len(goals)
    counts = np.bincount(points.series, minlength=size)
    ends = np.cumsum(counts)
    # Position of each point counted from the end of its series: keep the last MAX_POINTS.
    from_end = ends[points.series] - np.arange(len(points.series)) - 1
    kept = from_end < MAX_POINTS
    months, values = points.month[kept], points.value[kept]
    counts = np.minimum(counts, MAX_POINTS)
    starts = np.cumsum(counts) - counts
    slope = np.full(size, np.nan)
    first = np.full(size, np.nan)  # the projected month index
    origin = np.full(size, np.nan)
    for n in range(MIN_POINTS, MAX_POINTS + 1):
        fitted = np.flatnonzero(counts == n)
        if not len(fitted):
            continue
        at = starts[fitted][:, None] + np.arange(n)
        x = months[at].astype(float)
        last = x[:, -1]
        # Centre x on the last point so the fit stays exact for large month indices.
        intercept, slope[fitted] = ols_rows(x - last[:, None], values[at])
        with np.errstate(divide="ignore", invalid="ignore"):
            reach = (goals.valor_meta[fitted] - intercept) / slope[fitted]
        # The line only describes the fitted window: a crossing before it is dated at its start.
        first[fitted] = np.maximum(np.ceil(reach - 1e-9) + last, x[:, 0])
        origin[fitted] = last
    fits = counts >= MIN_POINTS
    away = fits & (goals.direction * slope <= 0)
    beyond = fits & ~away & (first > origin + HORIZON_YEARS * 12)
    dated = fits & ~away & ~beyond
    late = first > goals.deadline_month
    risk = [
        None if not fit else bool(a or b or lt)
        for fit, a, b, lt in zip(
            fits.tolist(), away.tolist(), beyond.tolist(), late.tolist(), strict=True
        )
    ]
    return Projections(
        mes=month_dates(np.where(dated, first, np.nan)),
        en_riesgo=risk,
        pendiente=[
            s if fit else None for s, fit in zip(slope.tolist(), fits.tolist(), strict=True)
        ],
    )


def project(goal: Goal, months: list[date], values: list[float]) -> Projection:
    """Projection from reported (month, value) points, oldest first; the last 6 are used."""
    points = Points(
        series=np.zeros(len(months), dtype=np.int64),
        month=np.array([month_index(m) for m in months], dtype=np.int64),
        value=np.asarray(values, dtype=float),
    )
    result = project_many(GoalArrays.of(goal), points)
    return Projection(result.mes[0], result.en_riesgo[0], result.pendiente[0])
