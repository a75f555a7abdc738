"""SIGOB goal formulas at one month: avance, esperado, cumplimiento, trajectory light.

Notation (indicators.md): baseline b, target T, direction d (+1 ascendente, −1 descendente),
actual A, planned P. The formulas hold for both directions as written, because numerator and
denominator change sign together; only the "wrong direction" test needs d explicitly.

Each formula is written once, on arrays (`GoalArrays`, one element per goal or per goal and
region): the screens score every goal and region per request, and a Python call per goal cost
more than the queries. The one-goal functions (`progress_share`, …) are the same formulas on
arrays of one, so the hand-worked tests of the formulas test what the screens run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from indicators.lights import AMARILLO, CUMPLIDA, NO_INICIADA, ROJO, SIN_INFORMACION, VERDE
from indicators.months import as_date, moments, month_end, month_ends, month_index

# A ratio that is exactly on a threshold in decimal (0.9 = 90/100) may land a hair below it in
# binary floating point; comparisons allow this much so the boundary belongs to the better light.
TOLERANCE = 1e-9
# month_index of 1970-01, the month numpy's datetime64[M] counts from.
_EPOCH_MONTH = 1970 * 12


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


@dataclass(frozen=True)
class GoalArrays:
    """Several goals as arrays, one element per goal (or per goal and region)."""

    codigo_meta: np.ndarray  # object
    direction: np.ndarray  # +1 / −1
    linea_base: np.ndarray
    valor_meta: np.ndarray
    fecha_inicio: np.ndarray  # datetime64[D]
    fecha_meta: np.ndarray  # datetime64[D]
    umbral_verde: np.ndarray
    umbral_amarillo: np.ndarray

    @classmethod
    def from_frame(cls, goals: pd.DataFrame) -> GoalArrays:
        """From `metas` rows, in the frame's order."""
        return cls(
            codigo_meta=goals["codigo_meta"].to_numpy(dtype=object),
            direction=np.where(goals["sentido"].to_numpy(dtype=object) == "descendente", -1, 1),
            linea_base=goals["linea_base"].to_numpy(dtype=float),
            valor_meta=goals["valor_meta"].to_numpy(dtype=float),
            fecha_inicio=days(goals["fecha_inicio"]),
            fecha_meta=days(goals["fecha_meta"]),
            umbral_verde=goals["umbral_verde"].to_numpy(dtype=float),
            umbral_amarillo=goals["umbral_amarillo"].to_numpy(dtype=float),
        )

    @classmethod
    def of(cls, goal: Goal) -> GoalArrays:
        return cls(
            codigo_meta=np.array([goal.codigo_meta], dtype=object),
            direction=np.array([goal.direction]),
            linea_base=np.array([goal.linea_base], dtype=float),
            valor_meta=np.array([goal.valor_meta], dtype=float),
            fecha_inicio=np.array([goal.fecha_inicio], dtype="datetime64[D]"),
            fecha_meta=np.array([goal.fecha_meta], dtype="datetime64[D]"),
            umbral_verde=np.array([goal.umbral_verde], dtype=float),
            umbral_amarillo=np.array([goal.umbral_amarillo], dtype=float),
        )

    def __len__(self) -> int:
        return len(self.codigo_meta)

    def take(self, positions: np.ndarray) -> GoalArrays:
        """The goals at `positions`, each as often as it is named (one per goal region)."""
        return GoalArrays(**{f.name: getattr(self, f.name)[positions] for f in fields(self)})

    @property
    def start_month(self) -> np.ndarray:
        return month_indices(self.fecha_inicio)

    @property
    def deadline_month(self) -> np.ndarray:
        return month_indices(self.fecha_meta)


def days(column: pd.Series) -> np.ndarray:
    """A column of dates (datetime64, or anything pandas reads as dates) as datetime64[D]."""
    return moments(column).astype("datetime64[D]")


def month_indices(days: np.ndarray) -> np.ndarray:
    """indicators.months.month_index of datetime64 values."""
    return days.astype("datetime64[M]").astype(np.int64) + _EPOCH_MONTH


def month_dates(indices: np.ndarray) -> list[date | None]:
    """indicators.months.from_month_index of month indices; None where one is NaN."""
    values = np.asarray(indices, dtype=float)
    missing = np.isnan(values)
    months = np.where(missing, _EPOCH_MONTH, values).astype(np.int64) - _EPOCH_MONTH
    days = months.astype("datetime64[M]").astype("datetime64[D]").tolist()
    return [None if gone else day for day, gone in zip(days, missing.tolist(), strict=True)]


def progress_shares(values: np.ndarray, goals: GoalArrays) -> np.ndarray:
    """(value − b) / (T − b): avance for A, esperado for P. The true value, never clipped.
    NaN for a goal whose target equals its baseline (the contract rejects those)."""
    span = goals.valor_meta - goals.linea_base
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(span != 0, (values - goals.linea_base) / span, np.nan)


def trajectory_compliances(
    actual: np.ndarray, planned: np.ndarray, goals: GoalArrays
) -> np.ndarray:
    """Cumplimiento de trayectoria r = (A − b) / (P − b).

    When nothing is programmed yet (P = b exactly) r is 1, or 0 when the indicator moved in the
    wrong direction (d · (A − b) < 0). Exact equality is deliberate: an interpolated P a day
    after the start differs from b, and a large r then honestly means "ahead of plan".
    """
    base = goals.linea_base
    wrong_way = goals.direction * (actual - base) < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (actual - base) / (planned - base)
    return np.where(planned == base, np.where(wrong_way, 0.0, 1.0), ratio)


def interpolated_plans(goals: GoalArrays, month: date) -> np.ndarray:
    """P for a month without a programmed value: linear in *days* from (fecha_inicio, b) to
    (fecha_meta, T), evaluated at the month's last day, clipped to [b, T] outside the period.

    Days rather than months because the two dates can fall mid-month; the month's last day
    because programmed values are levels to reach by the end of the month.
    """
    return _plans_at(goals, np.datetime64(month_end(month), "D"))


def plan_line(goal: Goal, months: Sequence[date]) -> np.ndarray:
    """interpolated_plan of one goal at each of `months`, in one array operation: the goal
    page draws the plan up to the deadline, a point a month (the same formula, so the same
    values to the last bit)."""
    days = np.array(months, dtype="datetime64[D]").reshape(-1)
    return _plans_at(GoalArrays.of(goal), month_ends(days))


def _plans_at(goals: GoalArrays, ends: np.ndarray) -> np.ndarray:
    """The interpolated P at the day(s) `ends` (datetime64[D]), elementwise with the goals."""
    total = (goals.fecha_meta - goals.fecha_inicio).astype(np.int64)
    elapsed = (ends - goals.fecha_inicio).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(total > 0, np.clip(elapsed / total, 0.0, 1.0), 1.0)
    return goals.linea_base + fraction * (goals.valor_meta - goals.linea_base)


def trajectory_lights(
    goals: GoalArrays,
    month: date,
    avance: np.ndarray,
    compliance: np.ndarray,
    last_reported: np.ndarray,
) -> np.ndarray:
    """Semáforo de trayectoria, checks in the order of indicators.md: no_iniciada, cumplida,
    sin_informacion, then the goal's own thresholds (verde ≥ umbral_verde, amarillo ≥
    umbral_amarillo, else rojo). NaN avance / compliance = unknown; `last_reported` holds the
    month index of the latest figure (NaN: nothing reported).

    A goal counts as started in the month that contains fecha_inicio (evaluated at month end).
    Stale when there is no figure for m or m − 1 (nothing reported at all is stale too).
    """
    current = month_index(month)
    checks = [
        current < goals.start_month,
        ~np.isnan(avance) & (avance >= 1.0 - TOLERANCE),
        np.isnan(last_reported) | (last_reported < current - 1) | np.isnan(compliance),
        compliance >= goals.umbral_verde - TOLERANCE,
        compliance >= goals.umbral_amarillo - TOLERANCE,
    ]
    lights = [NO_INICIADA, CUMPLIDA, SIN_INFORMACION, VERDE, AMARILLO]
    return np.select(checks, lights, ROJO).astype(object)


def progress_share(value: float, goal: Goal) -> float:
    """progress_shares for one goal."""
    return float(progress_shares(_one(value), GoalArrays.of(goal))[0])


def trajectory_compliance(actual: float, planned: float, goal: Goal) -> float:
    """trajectory_compliances for one goal."""
    return float(trajectory_compliances(_one(actual), _one(planned), GoalArrays.of(goal))[0])


def interpolated_plan(goal: Goal, month: date) -> float:
    """interpolated_plans for one goal."""
    return float(interpolated_plans(GoalArrays.of(goal), month)[0])


def trajectory_light(
    goal: Goal,
    month: date,
    avance: float | None,
    compliance: float | None,
    last_reported: date | None,
) -> str:
    """trajectory_lights for one goal (None: unknown / nothing reported)."""
    last = None if last_reported is None else month_index(last_reported)
    lights = trajectory_lights(
        GoalArrays.of(goal), month, _one(avance), _one(compliance), _one(last)
    )
    return str(lights[0])


def _one(value: float | None) -> np.ndarray:
    return np.array([math.nan if value is None else value], dtype=float)
