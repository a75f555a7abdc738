"""Milestones of each goal (`metas_intermedias`): done, overdue, and due in the coming weeks.

Milestones are spread over the goal's period; whether a past one was met depends on how the
goal is going. A few goals get a milestone due in the next 30 days, and a few overdue ones are
met between the two loads, so the weekly review has deadlines and news to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from loaders.demo.clock import DemoCalendar, child_rng
from loaders.demo.goals import Goal

STEPS = (
    "Diseño del programa aprobado por el Comité de Ministros",
    "Decreto tramitado y tomado razón por Contraloría",
    "Convenios firmados con municipios y gobiernos regionales",
    "Licitación adjudicada",
    "Inicio de obras y contratos de ejecución",
    "Piloto en tres regiones evaluado",
    "Evaluación de medio término publicada",
    "Despliegue en todas las regiones",
    "Sistema de información en operación",
    "Informe final de resultados entregado a Presidencia",
)  # fmt: skip
DONE_CHANCE = {"on_track": 0.95, "achieved": 1.0, "late": 0.75, "very_late": 0.55,
               "stalled": 0.55, "wrong_direction": 0.6, "no_report": 0.7}  # fmt: skip


@dataclass(frozen=True)
class MilestoneBatches:
    first: pd.DataFrame
    second: pd.DataFrame  # milestones met between the two loads
    final: pd.DataFrame


def _goal_milestones(goal: Goal, cal: DemoCalendar, rng: np.random.Generator, soon: bool):
    t = goal.template
    count = int(rng.integers(2, 7))
    picks = np.sort(rng.choice(len(STEPS), size=count, replace=False))
    span = (t.deadline - t.start).days
    offsets = np.sort(rng.uniform(0.05, 1.0, size=count))
    offsets = offsets / offsets.max() * rng.uniform(0.85, 1.0) * span  # the last near the end
    due = [t.start + timedelta(days=int(o)) for o in offsets]
    if soon:  # one milestone falls due within the next 30 days
        future = [i for i, d in enumerate(due) if d > cal.today] or [count - 1]
        due[future[0]] = cal.today + timedelta(days=int(rng.integers(3, 29)))
    weights = rng.dirichlet(np.full(count, 3.0)).round(2) if rng.random() < 0.7 else [None] * count
    rows = []
    for n, (step, day, weight) in enumerate(zip(picks, due, weights, strict=True), start=1):
        done = None
        if day < cal.first_cutoff and rng.random() < DONE_CHANCE.get(goal.shape, 0.0):
            done = min(day + timedelta(days=int(rng.integers(-15, 40))), cal.first_cutoff)
        rows.append(
            {
                "codigo_meta": goal.code,
                "codigo_hito": f"H{n}",
                "nombre": STEPS[step],
                "fecha_programada": pd.Timestamp(day),
                "fecha_cumplida": pd.Timestamp(done) if done else pd.NaT,
                "peso": weight,
            }
        )
    return rows


def milestone_batches(goals: list[Goal], cal: DemoCalendar, seed: int) -> MilestoneBatches:
    rng = child_rng(seed, "milestones")
    active = [g for g in goals if g.shape != "not_started"]
    soon = set(rng.choice(len(active), size=8, replace=False))
    rows = [r for i, g in enumerate(active) for r in _goal_milestones(g, cal, rng, i in soon)]
    first = pd.DataFrame(rows)
    first["peso"] = first["peso"].astype(float)
    overdue = first.index[
        first["fecha_cumplida"].isna() & (first["fecha_programada"].dt.date < cal.first_cutoff)
    ]
    met = rng.choice(overdue, size=min(4, len(overdue)), replace=False)
    second = first.loc[np.sort(met)].copy()
    window = (cal.second_cutoff - cal.first_cutoff).days
    second["fecha_cumplida"] = [
        pd.Timestamp(cal.first_cutoff + timedelta(days=int(rng.integers(1, window + 1))))
        for _ in range(len(second))
    ]
    final = first.copy()
    final.loc[second.index, "fecha_cumplida"] = second["fecha_cumplida"]
    return MilestoneBatches(first, second.reset_index(drop=True), final)


def overdue_count(frame: pd.DataFrame, today: date) -> int:
    late = frame["fecha_cumplida"].isna() & (frame["fecha_programada"].dt.date < today)
    return int(late.sum())
