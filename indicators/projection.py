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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from indicators.goals import Goal
from indicators.months import from_month_index, month_index

MIN_POINTS = 3
MAX_POINTS = 6
HORIZON_YEARS = 100


@dataclass(frozen=True)
class Projection:
    mes: date | None  # first month the line reaches the target
    en_riesgo: bool | None  # None: not enough points to tell
    pendiente: float | None  # slope, units of the indicator per month


NO_PROJECTION = Projection(None, None, None)


def ols_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line; slope 0 when all x are equal."""
    x_mean, y_mean = x.mean(), y.mean()
    sxx = float(((x - x_mean) ** 2).sum())
    if sxx == 0:
        return float(y_mean), 0.0
    slope = float(((x - x_mean) * (y - y_mean)).sum()) / sxx
    return float(y_mean) - slope * float(x_mean), slope


def project(goal: Goal, months: list[date], values: list[float]) -> Projection:
    """Projection from reported (month, value) points, oldest first; the last 6 are used."""
    months, values = months[-MAX_POINTS:], values[-MAX_POINTS:]
    if len(months) < MIN_POINTS:
        return NO_PROJECTION
    x = np.array([month_index(m) for m in months], dtype=float)
    # Centre x on the last point so the fit stays exact for large month indices.
    origin = x[-1]
    intercept, slope = ols_line(x - origin, np.asarray(values, dtype=float))
    if goal.direction * slope <= 0:
        return Projection(None, True, slope)
    reach = (goal.valor_meta - intercept) / slope
    # The line only describes the fitted window: a crossing before it is dated at its start.
    first = max(math.ceil(reach - 1e-9) + int(origin), int(x[0]))
    if first > int(origin) + HORIZON_YEARS * 12:
        return Projection(None, True, slope)
    projected = from_month_index(first)
    deadline = month_index(goal.fecha_meta)
    return Projection(projected, first > deadline, slope)
