"""Goal managers' forecasts of next month's value (`avance_mensual.pronostico`) for the demo.

Each ministry forecasts in its own way, so the weekly review's accuracy table has cases to
read: Salud is reliable, Obras Públicas promises a recovery that never comes (optimistic),
Vivienda undersells (pessimistic), Educación errs both ways, Relaciones Exteriores never
forecasts; the rest are fair with some noise. A forecast is the month that came, shifted by the
ministry's bias and noise in units of the goal's typical monthly change. Drawn from a stream of
its own (clock.child_rng), so no other figure of the demo changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.demo.clock import child_rng
from loaders.demo.goals import Goal

# sigla -> (bias, noise), both in typical monthly changes; positive bias = more progress than came
STYLES = {
    "SAL": (0.0, 0.12),
    "MOP": (1.2, 0.25),
    "VIV": (-0.8, 0.2),
    "EDU": (0.0, 0.8),
}
DEFAULT_STYLE = (0.0, 0.3)
NEVER = frozenset({"REX"})  # ministries whose managers give no forecast
SKIP_MONTH = 0.1  # share of reported months without a forecast
SKIP_GOAL = 0.12  # share of goals (outside the styled ministries) that never forecast


def forecasts(national: pd.DataFrame, goals: list[Goal], seed: int) -> pd.Series:
    """The forecast given with each national row (index of `national`), NaN where none: not
    reported, the goal does not forecast, or the month was skipped."""
    rng = child_rng(seed, "forecasts")
    out = pd.Series(np.nan, index=national.index, dtype=float)
    for goal in goals:
        t = goal.template
        skip_goal = rng.random() < SKIP_GOAL and t.ministry not in STYLES
        rows = national[national["codigo_meta"] == goal.code].sort_values("mes")
        if rows.empty or t.ministry in NEVER or skip_goal or goal.shape == "no_report":
            continue
        actual = rows["valor_real"].to_numpy(dtype=float)
        step = _typical_change(actual, t.target - t.baseline)
        bias, noise = STYLES.get(t.ministry, DEFAULT_STYLE)
        sign = 1.0 if t.direction == "ascendente" else -1.0
        draws = rng.normal(0.0, 1.0, len(rows))
        skipped = rng.random(len(rows)) < SKIP_MONTH
        after = np.append(actual[1:], np.nan)
        # The last month's forecast is of a month still to come: last value plus a usual step.
        after[-1] = actual[-1] + sign * step
        value = after + sign * bias * step + noise * step * draws
        if min(t.baseline, t.target) >= 0:
            value = np.maximum(value, 0.0)
        value = np.round(value, t.decimals)
        value[skipped | np.isnan(actual)] = np.nan
        out.loc[rows.index] = value
    return out


def _typical_change(actual: np.ndarray, span: float) -> float:
    """Mean absolute monthly change of the series, or a 24th of the way to the target."""
    steps = np.abs(np.diff(actual))
    steps = steps[np.isfinite(steps) & (steps > 0)]
    return float(steps.mean()) if steps.size else abs(span) / 24
