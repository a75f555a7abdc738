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

import pandas as pd

from indicators.lights import ROJO, SEVERITIES, VERDE

ESCALATION_DAYS = 30
_RANK = {light: rank for rank, light in enumerate(SEVERITIES)}
MANAGEMENT_COLUMNS = [
    "semaforo_gestion",
    "restricciones_abiertas",
    "escalar",
    "restricciones_escalar",
]


def bottleneck_status(bottlenecks: pd.DataFrame, at: date) -> pd.DataFrame:
    """Each bottleneck with `abierta`, `dias_abierta` (NaN unless open), `escalar` on day `at`."""
    day = pd.Timestamp(at)
    alert = pd.to_datetime(bottlenecks["fecha_alerta"])
    resolved = pd.to_datetime(bottlenecks["fecha_resolucion"])
    is_open = (alert <= day) & ~(resolved <= day)
    days_open = (day - alert).dt.days.where(is_open)
    escalate = (
        is_open
        & (bottlenecks["nivel"] == "institucional")
        & (bottlenecks["severidad"] == ROJO)
        & (days_open > ESCALATION_DAYS)
    )
    return bottlenecks.assign(abierta=is_open, dias_abierta=days_open, escalar=escalate)


def management(bottlenecks: pd.DataFrame, at: date, keys: list[str] | None = None) -> pd.DataFrame:
    """Per key (default codigo_meta): semaforo_gestion (worst open severity), the number of open
    bottlenecks, whether any must be escalated and how many. Keys without open bottlenecks are
    absent; callers fill them with `no_bottlenecks()`."""
    keys = keys or ["codigo_meta"]
    status = bottleneck_status(bottlenecks, at)
    open_rows = status[status["abierta"]].assign(_rank=lambda f: f["severidad"].map(_RANK))
    grouped = open_rows.groupby(keys, sort=True)
    result = pd.DataFrame(
        {
            "_rank": grouped["_rank"].max(),
            "restricciones_abiertas": grouped.size(),
            "restricciones_escalar": grouped["escalar"].sum(),
        }
    )
    result["semaforo_gestion"] = result["_rank"].map(dict(enumerate(SEVERITIES)))
    result["escalar"] = result["restricciones_escalar"] > 0
    return result.drop(columns="_rank").reset_index()[[*keys, *MANAGEMENT_COLUMNS]]


def fill_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """After a left merge with `management`: goals with no open bottleneck are verde, 0, False."""
    return frame.assign(
        semaforo_gestion=frame["semaforo_gestion"].fillna(VERDE),
        restricciones_abiertas=frame["restricciones_abiertas"].fillna(0).astype(int),
        restricciones_escalar=frame["restricciones_escalar"].fillna(0).astype(int),
        escalar=frame["escalar"].fillna(False).astype(bool),
    )
