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

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicators.lights import ROJO, SEVERITIES, SIN_ACCESO, VERDE
from indicators.months import moments

ESCALATION_DAYS = 30
# Columns of the goals frame that say whether the reading viewer sees every bottleneck of a goal
# (and of which region): warehouse.goals attaches them (warehouse.figure_access.BOTTLENECKS_SEEN*).
SEEN = "restricciones_visibles"
SEEN_REGION = "restricciones_visibles_region"
MANAGEMENT_COLUMNS = [
    "semaforo_gestion",
    "restricciones_abiertas",
    "escalar",
    "restricciones_escalar",
]
STATUS_COLUMNS = ["abierta", "dias_abierta", "escalar"]


@dataclass(frozen=True)
class BottleneckArrays:
    """The columns the rules read, as arrays: a page that judges the same bottlenecks on
    several days (a goal page stepping through months) reads the frame once, not per day."""

    alert: np.ndarray  # fecha_alerta, datetime64
    resolution: np.ndarray  # fecha_resolucion, datetime64 (NaT: unresolved)
    institutional_red: np.ndarray  # nivel = institucional and severidad = rojo
    severity: np.ndarray  # object

    @classmethod
    def of(cls, bottlenecks: pd.DataFrame) -> BottleneckArrays:
        return cls(
            alert=moments(bottlenecks["fecha_alerta"]),
            resolution=moments(bottlenecks["fecha_resolucion"]),
            institutional_red=_equals(bottlenecks["nivel"], "institucional")
            & _equals(bottlenecks["severidad"], ROJO),
            severity=bottlenecks["severidad"].to_numpy(dtype=object),
        )

    def take(self, rows: np.ndarray) -> BottleneckArrays:
        """The arrays of the rows a mask (or positions) picks."""
        return BottleneckArrays(
            self.alert[rows], self.resolution[rows], self.institutional_red[rows],
            self.severity[rows],
        )  # fmt: skip

    def status(self, at: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per bottleneck on day `at`: open, days open (NaN unless open), to escalate."""
        day = np.datetime64(pd.Timestamp(at))
        alert = self.alert
        is_open = (alert <= day) & ~(self.resolution <= day)
        days_open = np.full(len(is_open), np.nan)
        days_open[is_open] = (day - alert[is_open]) // np.timedelta64(1, "D")
        escalate = is_open & self.institutional_red & (days_open > ESCALATION_DAYS)
        return is_open, days_open, escalate


def open_status(bottlenecks: pd.DataFrame, at: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bottleneck on day `at`: open, days open (NaN unless open), to escalate."""
    return BottleneckArrays.of(bottlenecks).status(at)


def _equals(column: pd.Series, value: str) -> np.ndarray:
    # On tens of rows comparing Python strings beats a pandas operation's fixed cost.
    return column.to_numpy(dtype=object) == value


def bottleneck_status(bottlenecks: pd.DataFrame, at: date) -> pd.DataFrame:
    """Each bottleneck with `abierta`, `dias_abierta` (NaN unless open), `escalar` on day `at`."""
    return bottlenecks.assign(**status_columns(BottleneckArrays.of(bottlenecks), at))


def status_columns(arrays: BottleneckArrays, at: date) -> dict[str, np.ndarray]:
    """The columns bottleneck_status adds (STATUS_COLUMNS), from the arrays of its rows."""
    is_open, days_open, escalate = arrays.status(at)
    # Whole days stay integers when every bottleneck is open (no NaN to hold), as pandas does.
    days = days_open.astype(np.int64) if is_open.all() else days_open
    return {"abierta": is_open, "dias_abierta": days, "escalar": escalate}


def management_arrays(
    bottlenecks: pd.DataFrame | BottleneckArrays, at: date, positions: np.ndarray, size: int
) -> dict[str, np.ndarray]:
    """MANAGEMENT_COLUMNS for `size` keys (goals, or goal regions): `positions` says which key
    each bottleneck belongs to (−1: none of them). Keys without open bottlenecks are verde, 0,
    False. The bottlenecks come as their frame or as its BottleneckArrays."""
    arrays = (
        bottlenecks
        if isinstance(bottlenecks, BottleneckArrays)
        else BottleneckArrays.of(bottlenecks)
    )
    is_open, _, escalate = arrays.status(at)
    counted = is_open & (positions >= 0)
    where = positions[counted]
    severity = arrays.severity[counted]
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


def without_unseen(columns: dict[str, np.ndarray], seen: np.ndarray) -> dict[str, np.ndarray]:
    """MANAGEMENT_COLUMNS where the viewer does not read every bottleneck of a key: the light
    reads sin_acceso, the counts NaN and `escalar` None ("not visible"), never verde, 0, False."""
    hidden = ~np.asarray(seen, dtype=bool)
    if not hidden.any():
        return columns
    light = np.asarray(columns["semaforo_gestion"], dtype=object).copy()
    light[hidden] = SIN_ACCESO
    escalate = np.asarray(columns["escalar"], dtype=object).copy()
    escalate[hidden] = None
    counts = {
        name: np.where(hidden, np.nan, np.asarray(columns[name], dtype="float64"))
        for name in ("restricciones_abiertas", "restricciones_escalar")
    }
    return columns | counts | {"semaforo_gestion": light, "escalar": escalate}


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
