"""Bottlenecks (restricciones): which are open on a day, the management light, escalation.

Choices:
* "Open at the end of month m" = fecha_alerta ≤ last day of m and no fecha_resolucion ≤ that
  day. The same test at any other day `at` gives the status on that day (the weekly review uses
  the review date itself, so a bottleneck raised this week shows in this week's meeting).
* Escalation: open, nivel = institucional, severidad = rojo and open for *more than* 30 days,
  i.e. (at − fecha_alerta) > 30 days; exactly 30 days is not yet escalated.
* The headline management light of a goal takes all its bottlenecks, regional ones included
  (they all threaten the goal); the per-region light takes only that region's bottlenecks.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from indicators.lights import ROJO, SEVERITIES, VERDE
from indicators.months import moments

ESCALATION_DAYS = 30
MANAGEMENT_COLUMNS = [
    "semaforo_gestion",
    "restricciones_abiertas",
    "escalar",
    "restricciones_escalar",
]


def open_status(bottlenecks: pd.DataFrame, at: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bottleneck on day `at`: open, days open (NaN unless open), to escalate."""
    day = np.datetime64(pd.Timestamp(at))
    alert = moments(bottlenecks["fecha_alerta"])
    is_open = (alert <= day) & ~(moments(bottlenecks["fecha_resolucion"]) <= day)
    days_open = np.full(len(is_open), np.nan)
    days_open[is_open] = (day - alert[is_open]) // np.timedelta64(1, "D")
    escalate = (
        is_open
        & _equals(bottlenecks["nivel"], "institucional")
        & _equals(bottlenecks["severidad"], ROJO)
        & (days_open > ESCALATION_DAYS)
    )
    return is_open, days_open, escalate


def _equals(column: pd.Series, value: str) -> np.ndarray:
    # On tens of rows comparing Python strings beats a pandas operation's fixed cost.
    return column.to_numpy(dtype=object) == value


def bottleneck_status(bottlenecks: pd.DataFrame, at: date) -> pd.DataFrame:
    """Each bottleneck with `abierta`, `dias_abierta` (NaN unless open), `escalar` on day `at`."""
    is_open, days_open, escalate = open_status(bottlenecks, at)
    # Whole days stay integers when every bottleneck is open (no NaN to hold), as pandas does.
    days = days_open.astype(np.int64) if is_open.all() else days_open
    return bottlenecks.assign(abierta=is_open, dias_abierta=days, escalar=escalate)


def management_arrays(
    bottlenecks: pd.DataFrame, at: date, positions: np.ndarray, size: int
) -> dict[str, np.ndarray]:
    """MANAGEMENT_COLUMNS for `size` keys (goals, or goal regions): `positions` says which key
    each bottleneck belongs to (−1: none of them). Keys without open bottlenecks are verde, 0,
    False."""
    is_open, _, escalate = open_status(bottlenecks, at)
    counted = is_open & (positions >= 0)
    where = positions[counted]
    severity = bottlenecks["severidad"].to_numpy(dtype=object)[counted]
    rank = np.select([severity == light for light in SEVERITIES], list(range(len(SEVERITIES))), -1)
    worst = np.full(size, -1, dtype=np.int64)
    np.maximum.at(worst, where, rank)
    escalating = np.bincount(where, weights=escalate[counted], minlength=size).astype(np.int64)
    return {
        "semaforo_gestion": np.array([*SEVERITIES, VERDE], dtype=object)[worst],  # −1: verde
        "restricciones_abiertas": np.bincount(where, minlength=size).astype(np.int64),
        "escalar": escalating > 0,
        "restricciones_escalar": escalating,
    }


def management(bottlenecks: pd.DataFrame, at: date, keys: list[str] | None = None) -> pd.DataFrame:
    """Per key (default codigo_meta): semaforo_gestion (worst open severity), the number of open
    bottlenecks, whether any must be escalated and how many. Keys without open bottlenecks are
    absent."""
    keys = keys or ["codigo_meta"]
    is_open = open_status(bottlenecks, at)[0]
    found = bottlenecks.loc[is_open, keys].dropna().drop_duplicates().sort_values(keys)
    found = found.reset_index(drop=True)
    positions = pd.MultiIndex.from_frame(found).get_indexer(
        pd.MultiIndex.from_frame(bottlenecks[keys])
    )
    arrays = management_arrays(bottlenecks, at, positions, len(found))
    result = found.assign(**arrays).astype({"semaforo_gestion": "str"})
    return result[[*keys, *MANAGEMENT_COLUMNS]]
