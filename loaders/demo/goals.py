"""Demo goals (`metas`) and the trajectory each one follows.

Every goal gets a shape — on track, late, very late, achieved, stalled, moving the wrong way,
no longer reporting, not started — so the traffic lights, thermometers and projections of the
dashboard all have cases to show. Shapes are drawn with the seed, but their counts are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from loaders.demo.clock import child_rng
from loaders.demo.goal_catalog import GOALS, GoalTemplate
from loaders.demo.institutions import MINISTRIES, SERVICE_BY_SIGLA
from loaders.demo.names import person_names

# How many goals take each non-default shape; the rest are on track.
SHAPE_COUNTS = {"wrong_direction": 4, "achieved": 5, "stalled": 6, "late": 9, "very_late": 5,
                "no_report": 3}  # fmt: skip


@dataclass(frozen=True)
class Goal:
    code: str
    template: GoalTemplate
    shape: str
    manager: str
    planned: bool  # False: no valor_programado is sent (the dashboard interpolates)
    pace: float  # shape parameter: speed relative to plan, or the turning point


def draw_goals(seed: int) -> list[Goal]:
    rng = child_rng(seed, "goals")
    shapes = _assign_shapes(rng)
    managers = person_names(rng, len(GOALS))
    numbers: dict[str, int] = {}
    goals = []
    for template, shape, manager in zip(GOALS, shapes, managers, strict=True):
        numbers[template.ministry] = numbers.get(template.ministry, 0) + 1
        code = f"{template.ministry}-{numbers[template.ministry]:02d}"
        pace = {"on_track": rng.uniform(0.96, 1.1), "late": rng.uniform(0.74, 0.86),
                "very_late": rng.uniform(0.35, 0.6)}.get(shape, rng.uniform(0.3, 0.6))  # fmt: skip
        goals.append(Goal(code, template, shape, manager, bool(rng.random() > 0.2), pace))
    return goals


def _assign_shapes(rng: np.random.Generator) -> list[str]:
    shapes = [t.shape or "" for t in GOALS]
    free = [i for i, s in enumerate(shapes) if not s]
    stock = [i for i in free if GOALS[i].nature == "stock" and not GOALS[i].breakdown]
    for i in rng.choice(stock, size=SHAPE_COUNTS["wrong_direction"], replace=False):
        shapes[i] = "wrong_direction"
    rest = [i for i in free if not shapes[i]]
    order = rng.permutation(rest)
    position = 0
    for shape, count in SHAPE_COUNTS.items():
        if shape == "wrong_direction":
            continue
        for i in order[position : position + count]:
            shapes[i] = shape
        position += count
    return [s or "on_track" for s in shapes]


def goals_frame(goals: list[Goal]) -> pd.DataFrame:
    """The `metas` file; thresholds left empty (= default) except for the custom ones."""
    rows = []
    for g in goals:
        t = g.template
        rows.append(
            {
                "codigo_meta": g.code,
                "nombre": t.name,
                "ministerio": MINISTRIES[t.ministry],
                "servicio": SERVICE_BY_SIGLA[t.sigla].name if t.sigla else None,
                "area_tematica": t.area,
                "gerente": g.manager,
                "unidad": t.unit,
                "sentido": t.direction.capitalize(),
                "linea_base": t.baseline,
                "valor_meta": t.target,
                "fecha_inicio": pd.Timestamp(t.start),
                "fecha_meta": pd.Timestamp(t.deadline),
                "ambito": "Nacional" if t.scope == "nacional" else t.scope,
                "umbral_verde": t.thresholds[0] if t.thresholds else np.nan,
                "umbral_amarillo": t.thresholds[1] if t.thresholds else np.nan,
            }
        )
    return pd.DataFrame(rows)


def planned_fraction(goal: Goal, months: list[date]) -> np.ndarray:
    """Share of the way from baseline to target the plan expects at the start of each month."""
    t = goal.template
    span = (t.deadline - t.start).days
    x = np.clip(np.array([(m - t.start).days / span for m in months]), 0.0, 1.0)
    if t.nature == "flow":  # construction-like: slow start, then steady
        return 0.5 * (x + x * x * (3 - 2 * x))
    return x


def actual_fraction(goal: Goal, months: list[date], rng: np.random.Generator) -> np.ndarray:
    """Share of the way actually travelled, by the goal's shape (before rounding)."""
    plan = planned_fraction(goal, months)
    n = len(months)
    step = np.arange(n) / max(n - 1, 1)
    shape = goal.shape
    if shape in ("on_track", "late", "very_late", "no_report"):
        f = plan * (goal.pace if shape != "no_report" else 1.0)
    elif shape == "achieved":
        f = np.minimum(1.0 + rng.uniform(0.0, 0.05), step / rng.uniform(0.7, 0.88))
    elif shape == "stalled":
        stop = int(n * rng.uniform(0.35, 0.6))
        f = plan.copy()
        f[stop:] = plan[stop] * rng.uniform(0.97, 1.0)
    else:  # wrong_direction: some progress, then it slides back past the baseline
        turn = rng.uniform(0.3, 0.5)
        peak = float(np.interp(turn, step, plan)) * 0.9
        low = -rng.uniform(0.05, 0.2)
        f = np.where(step <= turn, plan * 0.9, peak + (low - peak) * (step - turn) / (1 - turn))
    noise = rng.normal(0.0, 0.006 if goal.template.nature == "flow" else 0.012, size=n)
    f = f + noise * (step > 0)
    if goal.template.nature == "flow":
        f = np.maximum.accumulate(np.maximum(f, 0.0))
    return f
