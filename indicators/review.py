"""What changed between two review meetings: the first screen of the weekly review.

Each side is a `Snapshot`: the goal data *as it was known* at the end of a review date (the
versioned rows), so the changes for any past meeting can be replayed exactly.

Choices:
* At a review date D the goals are judged at the as-of month **before** D (the last closed
  month: on 2025-06-10 it is May 2025) — `review_month` — while bottlenecks, escalation,
  milestones and commitments are judged on D itself, so what was raised this week shows now.
* Lights changed: every goal whose overall light (estado) differs, including goals that exist
  on only one side (the missing side is None).
* Bottlenecks opened = open on D1 but not open on D0 (each with the data known then); resolved =
  the reverse; newly to escalate = escalar on D1 and not on D0.
* Milestones: due in the next `horizon_days` = fecha_programada in [D1, D1 + horizon] and not
  fulfilled by D1; overdue = fecha_programada before D1 and not fulfilled by D1, with `nuevo`
  when it was not overdue on D0.
* Commitments that became overdue = atrasado on D1 and not on D0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from indicators.bottlenecks import bottleneck_status
from indicators.commitments import commitment_status
from indicators.frames import none_if_nan
from indicators.months import add_months, moments, month_start
from indicators.scorecard import evaluate_goals


@dataclass(frozen=True)
class Snapshot:
    """Goal-side data as known at the end of review date `fecha`."""

    fecha: date
    goals: pd.DataFrame
    progress: pd.DataFrame
    bottlenecks: pd.DataFrame
    milestones: pd.DataFrame
    commitments: pd.DataFrame


@dataclass(frozen=True)
class ReviewChanges:
    desde: date
    hasta: date
    mes_desde: date
    mes_hasta: date
    semaforos: pd.DataFrame  # codigo_meta, nombre, estado_anterior, estado_actual
    restricciones_nuevas: pd.DataFrame
    restricciones_resueltas: pd.DataFrame
    escalar_nuevas: pd.DataFrame
    hitos_proximos: pd.DataFrame
    hitos_atrasados: pd.DataFrame
    compromisos_atrasados: pd.DataFrame
    lights: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)


def review_month(review_date: date) -> date:
    """The as-of month of a review held on `review_date`: the month before it."""
    return add_months(month_start(review_date), -1)


def review_changes(
    before: Snapshot, after: Snapshot, *, validated_only: bool = True, horizon_days: int = 30
) -> ReviewChanges:
    old = _lights(before, validated_only)
    new = _lights(after, validated_only)
    bn_old = bottleneck_status(before.bottlenecks, before.fecha)
    bn_new = bottleneck_status(after.bottlenecks, after.fecha)
    return ReviewChanges(
        desde=before.fecha,
        hasta=after.fecha,
        mes_desde=review_month(before.fecha),
        mes_hasta=review_month(after.fecha),
        semaforos=changed_lights(old, new),
        restricciones_nuevas=_only_in(bn_new, bn_old, "abierta", "codigo_restriccion"),
        restricciones_resueltas=_only_in(bn_old, bn_new, "abierta", "codigo_restriccion"),
        escalar_nuevas=_only_in(bn_new, bn_old, "escalar", "codigo_restriccion"),
        hitos_proximos=due_milestones(after.milestones, after.fecha, horizon_days),
        hitos_atrasados=overdue_milestones(after.milestones, after.fecha, before),
        compromisos_atrasados=_only_in(
            commitment_status(after.commitments, after.fecha),
            commitment_status(before.commitments, before.fecha),
            "atrasado",
            "codigo_compromiso",
        ),
        lights={"desde": old, "hasta": new},
    )


def _lights(snapshot: Snapshot, validated_only: bool) -> pd.DataFrame:
    return evaluate_goals(
        snapshot.goals,
        snapshot.progress,
        snapshot.bottlenecks,
        review_month(snapshot.fecha),
        validated_only=validated_only,
        bottlenecks_at=snapshot.fecha,
    )


def changed_lights(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Goals whose overall light differs between two scorecards (outer join on codigo_meta),
    with None for the side a goal is missing from."""
    before, after = _lights_by_code(old), _lights_by_code(new)
    rows = []
    for code in sorted(before.keys() | after.keys()):
        name_before, light_before = before.get(code, (None, None))
        name_after, light_after = after.get(code, (None, None))
        if light_before != light_after:
            name = name_before if name_after is None else name_after
            rows.append((code, name, light_before, light_after))
    columns = ["codigo_meta", "nombre", "estado_anterior", "estado_actual"]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _lights_by_code(card: pd.DataFrame) -> dict[str, tuple[object, object]]:
    """{codigo_meta: (nombre, estado)}, missing values as None."""
    values = (card[c].to_numpy(dtype=object) for c in ("codigo_meta", "nombre", "estado"))
    return {
        code: (none_if_nan(name), none_if_nan(light))
        for code, name, light in zip(*values, strict=True)
    }


def _only_in(side: pd.DataFrame, other: pd.DataFrame, flag: str, key: str) -> pd.DataFrame:
    """Rows of `side` flagged there and not flagged (or absent) in `other`, sorted by key."""
    flagged_other = other[key].to_numpy(dtype=object)[other[flag].to_numpy(dtype=bool)]
    keys = side[key].to_numpy(dtype=object)
    chosen = np.flatnonzero(side[flag].to_numpy(dtype=bool) & ~np.isin(keys, flagged_other))
    return _rows(side, chosen[np.argsort(keys[chosen], kind="stable")])


def _rows(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rows at `positions`, numbered from 0."""
    rows = frame.take(positions)
    rows.index = pd.RangeIndex(len(rows))
    return rows


def _calendar_order(milestones: pd.DataFrame, chosen: np.ndarray) -> np.ndarray:
    """`chosen` rows by fecha_programada, codigo_meta, codigo_hito."""
    keys = [milestones[c].to_numpy()[chosen] for c in ("codigo_hito", "codigo_meta")]
    return chosen[np.lexsort([*keys, moments(milestones["fecha_programada"])[chosen]])]


def _fulfilled_by(milestones: pd.DataFrame, day: date) -> np.ndarray:
    return moments(milestones["fecha_cumplida"]) <= np.datetime64(day)


def due_milestones(milestones: pd.DataFrame, day: date, horizon_days: int = 30) -> pd.DataFrame:
    due = moments(milestones["fecha_programada"])
    start, end = np.datetime64(day), np.datetime64(day + timedelta(days=horizon_days))
    mask = (due >= start) & (due <= end) & ~_fulfilled_by(milestones, day)
    return _rows(milestones, _calendar_order(milestones, np.flatnonzero(mask)))


def overdue_milestones(
    milestones: pd.DataFrame, day: date, before: Snapshot | None = None
) -> pd.DataFrame:
    """Milestones past their date and not fulfilled on `day`; `nuevo` marks those that were not
    overdue at the previous review (with the data known then)."""
    late = _rows(milestones, _calendar_order(milestones, _overdue(milestones, day)))
    if before is None:
        return late.assign(nuevo=False)
    old_keys = set(_keys(before.milestones, _overdue(before.milestones, before.fecha)))
    is_new = [key not in old_keys for key in _keys(late, np.arange(len(late)))]
    return late.assign(nuevo=is_new)


def _keys(milestones: pd.DataFrame, positions: np.ndarray) -> list[tuple[object, object]]:
    codes = [
        milestones[c].to_numpy(dtype=object)[positions] for c in ("codigo_meta", "codigo_hito")
    ]
    return list(zip(*codes, strict=True))


def _overdue(milestones: pd.DataFrame, day: date) -> np.ndarray:
    due = moments(milestones["fecha_programada"])
    return np.flatnonzero((due < np.datetime64(day)) & ~_fulfilled_by(milestones, day))
