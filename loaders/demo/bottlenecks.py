"""Bottlenecks of the goals (`restricciones`), as they stood at each of the two loads.

Troubled goals carry more and worse bottlenecks. Some are resolved, some red institutional
ones have been open for more than 30 days (the dashboard must propose escalating them), and
between the two loads a few get resolved and a few new ones appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from loaders.contracts import BOTTLENECK_TYPES, LEVELS, SEVERITIES
from loaders.demo.clock import DemoCalendar, child_rng
from loaders.demo.goals import Goal
from loaders.demo.names import ROLES, person_names
from loaders.geography import CENSUS_2017

DESCRIPTIONS = {
    "financiera": (
        "Recursos del presupuesto no transferidos por la Dirección de Presupuestos.",
        "Reasignación presupuestaria pendiente para financiar la segunda etapa.",
        "Mayor costo de las obras respecto del presupuesto aprobado.",
    ),
    "legal": (
        "Decreto en trámite de toma de razón en Contraloría.",
        "Recurso de protección paraliza la ejecución del contrato.",
        "Proyecto de ley requerido para ampliar la cobertura sigue en el Congreso.",
    ),
    "politica": (
        "Falta de acuerdo con los gobiernos regionales sobre la priorización.",
        "Oposición de organizaciones locales al emplazamiento del proyecto.",
        "Cambio de autoridades retrasa la firma de convenios.",
    ),
    "comunicacional": (
        "Baja postulación de beneficiarios por falta de difusión en regiones.",
        "Cobertura de prensa negativa sobre los plazos comprometidos.",
        "Información contradictoria entre servicios confunde a los usuarios.",
    ),
    "tecnico_administrativa": (
        "Licitación declarada desierta por falta de oferentes.",
        "Sistema informático de registro no interopera con el del servicio.",
        "Dotación insuficiente de profesionales en las direcciones regionales.",
    ),
}
TYPE_LABELS = {"financiera": "Financiera", "legal": "Legal", "politica": "Política",
               "comunicacional": "Comunicacional",
               "tecnico_administrativa": "Técnico-Administrativa"}  # fmt: skip
TROUBLE = {"late": 2, "very_late": 3, "stalled": 3, "wrong_direction": 3, "no_report": 1}
SEVERITY_ODDS = {0: (0.5, 0.4, 0.1), 1: (0.3, 0.5, 0.2), 2: (0.2, 0.45, 0.35), 3: (0.1, 0.4, 0.5)}
REGIONS = sorted(CENSUS_2017)
TOTAL = 56
NEW_IN_SECOND = 5


@dataclass(frozen=True)
class BottleneckBatches:
    first: pd.DataFrame
    second: pd.DataFrame  # newly resolved, escalated in severity, or new
    final: pd.DataFrame


def _pick_goals(goals: list[Goal], rng: np.random.Generator, n: int) -> list[Goal]:
    active = [g for g in goals if g.shape not in ("not_started", "achieved")]
    weight = np.array([1.0 + TROUBLE.get(g.shape, 0) for g in active])
    return [active[i] for i in rng.choice(len(active), size=n, p=weight / weight.sum())]


def _row(code: str, goal: Goal, kind: str, cal: DemoCalendar, rng, people, opened) -> dict:
    trouble = TROUBLE.get(goal.shape, 0)
    severity = str(rng.choice(SEVERITIES, p=SEVERITY_ODDS[trouble]))
    scope = goal.template.scope
    region = scope if scope != "nacional" else (
        str(rng.choice(REGIONS)) if rng.random() < 0.2 else None)  # fmt: skip
    return {
        "codigo_restriccion": code,
        "codigo_meta": goal.code,
        "tipo": TYPE_LABELS[kind],
        "severidad": severity,
        "nivel": LEVELS[1] if rng.random() < 0.3 else LEVELS[0],
        "region": region,
        "descripcion": str(rng.choice(DESCRIPTIONS[kind])),
        "responsable": f"{people[int(rng.integers(len(people)))]} ({rng.choice(ROLES)})",
        "fecha_alerta": pd.Timestamp(opened),
        "fecha_resolucion": pd.NaT,
    }


def bottleneck_batches(goals: list[Goal], cal: DemoCalendar, seed: int) -> BottleneckBatches:
    rng = child_rng(seed, "bottlenecks")
    people = person_names(rng, 30)
    owners = _pick_goals(goals, rng, TOTAL + NEW_IN_SECOND)
    kinds = [BOTTLENECK_TYPES[i % len(BOTTLENECK_TYPES)] for i in range(len(owners))]
    history = (cal.first_cutoff - owners[0].template.start).days
    rows = []
    for i, (goal, kind) in enumerate(zip(owners[:TOTAL], kinds, strict=False), start=1):
        opened = cal.first_cutoff - timedelta(days=int(rng.integers(1, history)))
        row = _row(f"R-{i:03d}", goal, kind, cal, rng, people, opened)
        age = (cal.first_cutoff - opened).days
        if rng.random() < min(0.85, age / 400):
            row["fecha_resolucion"] = pd.Timestamp(opened + timedelta(int(rng.uniform(5, age))))
        rows.append(row)
    first = pd.DataFrame(rows)
    _ensure_escalations(first, cal)
    return _second_batch(first, owners[TOTAL:], kinds[TOTAL:], cal, rng, people)


def _ensure_escalations(frame: pd.DataFrame, cal: DemoCalendar) -> None:
    """Four old open bottlenecks become red and institutional: they must be escalated."""
    old_open = frame.index[
        frame["fecha_resolucion"].isna()
        & (frame["fecha_alerta"].dt.date < cal.first_cutoff - timedelta(45))
    ]
    chosen = old_open[:4]
    frame.loc[chosen, "severidad"] = "rojo"
    frame.loc[chosen, "nivel"] = "institucional"


def _second_batch(first, owners, kinds, cal: DemoCalendar, rng, people) -> BottleneckBatches:
    window = (cal.second_cutoff - cal.first_cutoff).days
    open_rows = first.index[first["fecha_resolucion"].isna()]
    resolved = rng.choice(open_rows[4:], size=4, replace=False)
    changed = first.loc[np.sort(resolved)].copy()
    changed["fecha_resolucion"] = [
        pd.Timestamp(cal.first_cutoff + timedelta(int(rng.integers(1, window + 1))))
        for _ in range(len(changed))
    ]
    worse = first.loc[open_rows.difference(resolved)]
    worse = worse[worse["severidad"] == "amarillo"].head(1).assign(severidad="rojo")
    new = pd.DataFrame([
        _row(f"R-{len(first) + i:03d}", goal, kind, cal, rng, people,
             cal.first_cutoff + timedelta(int(rng.integers(1, window + 1))))
        for i, (goal, kind) in enumerate(zip(owners, kinds, strict=True), start=1)
    ])  # fmt: skip
    # New alerts come from the regions: each names its region (the file spells it out).
    new["region"] = new["region"].fillna(pd.Series(rng.choice(REGIONS, size=len(new))))
    second = pd.concat([changed, worse, new], ignore_index=True)
    final = pd.concat(
        [first.set_index("codigo_restriccion"), second.set_index("codigo_restriccion")]
    )
    final = final[~final.index.duplicated(keep="last")].reset_index()
    return BottleneckBatches(
        first, second, final.sort_values("codigo_restriccion", ignore_index=True)
    )
