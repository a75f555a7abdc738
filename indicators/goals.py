"""SIGOB goal formulas for one goal at one month: avance, esperado, cumplimiento, trajectory light.

Notation (indicators.md): baseline b, target T, direction d (+1 ascendente, −1 descendente),
actual A, planned P. The formulas hold for both directions as written, because numerator and
denominator change sign together; only the "wrong direction" test needs d explicitly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from indicators.lights import AMARILLO, CUMPLIDA, NO_INICIADA, ROJO, SIN_INFORMACION, VERDE
from indicators.months import as_date, month_end, month_index, month_start

# A ratio that is exactly on a threshold in decimal (0.9 = 90/100) may land a hair below it in
# binary floating point; comparisons allow this much so the boundary belongs to the better light.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Goal:
    """The parts of a `metas` row that the formulas need."""

    codigo_meta: str
    sentido: str
    linea_base: float
    valor_meta: float
    fecha_inicio: date
    fecha_meta: date
    umbral_verde: float = 0.90
    umbral_amarillo: float = 0.70

    @property
    def direction(self) -> int:
        return -1 if self.sentido == "descendente" else 1

    @classmethod
    def from_record(cls, record: Any) -> Goal:
        """Build from a row of the `metas` frame (a namedtuple or a mapping)."""
        get = record.get if hasattr(record, "get") else lambda k: getattr(record, k)
        return cls(
            codigo_meta=str(get("codigo_meta")),
            sentido=str(get("sentido")),
            linea_base=float(get("linea_base")),
            valor_meta=float(get("valor_meta")),
            fecha_inicio=as_date(get("fecha_inicio")),
            fecha_meta=as_date(get("fecha_meta")),
            umbral_verde=float(get("umbral_verde")),
            umbral_amarillo=float(get("umbral_amarillo")),
        )


def progress_share(value: float, goal: Goal) -> float:
    """(value − b) / (T − b): avance for A, esperado for P. The true value, never clipped.
    NaN for a goal whose target equals its baseline (the contract rejects those)."""
    span = goal.valor_meta - goal.linea_base
    return (value - goal.linea_base) / span if span else math.nan


def trajectory_compliance(actual: float, planned: float, goal: Goal) -> float:
    """Cumplimiento de trayectoria r = (A − b) / (P − b).

    When nothing is programmed yet (P = b exactly) r is 1, or 0 when the indicator moved in the
    wrong direction (d · (A − b) < 0). Exact equality is deliberate: an interpolated P a day
    after the start differs from b, and a large r then honestly means "ahead of plan".
    """
    if planned == goal.linea_base:
        return 0.0 if goal.direction * (actual - goal.linea_base) < 0 else 1.0
    return (actual - goal.linea_base) / (planned - goal.linea_base)


def interpolated_plan(goal: Goal, month: date) -> float:
    """P for a month without a programmed value: linear in *days* from (fecha_inicio, b) to
    (fecha_meta, T), evaluated at the month's last day, clipped to [b, T] outside the period.

    Days rather than months because the two dates can fall mid-month; the month's last day
    because programmed values are levels to reach by the end of the month.
    """
    total = (goal.fecha_meta - goal.fecha_inicio).days
    elapsed = (month_end(month) - goal.fecha_inicio).days
    fraction = min(max(elapsed / total, 0.0), 1.0) if total > 0 else 1.0
    return goal.linea_base + fraction * (goal.valor_meta - goal.linea_base)


def has_started(goal: Goal, month: date) -> bool:
    """A goal counts as started in the month that contains fecha_inicio (evaluated at month end)."""
    return month_start(month) >= month_start(goal.fecha_inicio)


def is_stale(last_reported: date | None, month: date) -> bool:
    """Stale when there is no figure for m or m − 1 (nothing reported at all is stale too)."""
    if last_reported is None:
        return True
    return month_index(last_reported) < month_index(month) - 1


def trajectory_light(
    goal: Goal,
    month: date,
    avance: float | None,
    compliance: float | None,
    last_reported: date | None,
) -> str:
    """Semáforo de trayectoria, checks in the order of indicators.md: no_iniciada, cumplida,
    sin_informacion, then the goal's own thresholds (verde ≥ umbral_verde, amarillo ≥
    umbral_amarillo, else rojo)."""
    if not has_started(goal, month):
        return NO_INICIADA
    if _known(avance) and avance >= 1.0 - TOLERANCE:  # type: ignore[operator]
        return CUMPLIDA
    if is_stale(last_reported, month) or not _known(compliance):
        return SIN_INFORMACION
    if compliance >= goal.umbral_verde - TOLERANCE:  # type: ignore[operator]
        return VERDE
    if compliance >= goal.umbral_amarillo - TOLERANCE:  # type: ignore[operator]
        return AMARILLO
    return ROJO


def _known(value: float | None) -> bool:
    return value is not None and not math.isnan(value)
