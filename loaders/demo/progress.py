"""Monthly progress of the goals (`avance_mensual`), as first reported and as later validated.

Values are cumulative levels of each goal's indicator. Older months are validated; the latest
are still `reportado`. The two loads of the demo differ the way real weeks do: the second one
brings the new month, validates most of the previous one and corrects a few figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.demo.clock import DemoCalendar, add_months, child_rng
from loaders.demo.forecasts import forecasts
from loaders.demo.goals import Goal, actual_fraction, planned_fraction
from loaders.demo.regional_split import regional_rows

COLUMNS = ["codigo_meta", "mes", "region", "valor_programado", "valor_real", "estado",
           "reportado_por", "comentario", "pronostico"]  # fmt: skip
COMMENTS = {
    "late": "Retraso en la ejecución por licitaciones desiertas.",
    "very_late": "Ejecución muy por debajo de lo programado; se solicitó plan de recuperación.",
    "stalled": "Sin avance: proceso detenido a la espera de recursos.",
    "wrong_direction": "El indicador empeoró respecto del mes anterior.",
}
CORRECTION = "Cifra corregida por la Coordinación Institucional."


@dataclass(frozen=True)
class ProgressBatches:
    first: pd.DataFrame  # as known at the first load
    second: pd.DataFrame  # rows new or changed at the second load
    final: pd.DataFrame  # the state after both loads


def _national_rows(goal: Goal, cal: DemoCalendar, rng: np.random.Generator) -> pd.DataFrame:
    t = goal.template
    months = [m for m in cal.months if m >= t.start.replace(day=1)]
    if not months:
        return pd.DataFrame(columns=COLUMNS)
    span = t.target - t.baseline
    planned = np.round(t.baseline + planned_fraction(goal, months) * span, t.decimals)
    actual = np.round(t.baseline + actual_fraction(goal, months, rng) * span, t.decimals)
    gaps = rng.random(len(months)) < 0.04
    gaps[0] = False
    gaps[-2:] = False
    if goal.shape == "no_report":
        gaps[-int(rng.integers(3, 6)) :] = True
    comment = COMMENTS.get(goal.shape)
    return pd.DataFrame(
        {
            "codigo_meta": goal.code,
            "mes": pd.to_datetime(pd.Series(months)),
            "region": None,
            "valor_programado": planned if goal.planned else np.nan,
            "valor_real": np.where(gaps, np.nan, actual),
            "reportado_por": goal.manager,
            "comentario": [comment if comment and rng.random() < 0.3 else None for _ in months],
        }
    )


def _first_states(frame: pd.DataFrame, cal: DemoCalendar, rng) -> pd.Series:
    """At the first load most figures are validated; the newest month partly still reportado."""
    month = frame["mes"].dt.date
    draw = rng.random(len(frame))
    validated = (month < add_months(cal.previous_month, -1)) & (draw > 0.02)
    validated |= (month == add_months(cal.previous_month, -1)) & (draw > 0.03)
    validated |= (month == cal.previous_month) & (draw > 0.15)
    return pd.Series(np.where(validated, "validado", "reportado"), index=frame.index)


def progress_batches(goals: list[Goal], cal: DemoCalendar, seed: int) -> ProgressBatches:
    """Progress as first loaded, what the second load changes, and the final state."""
    rng = child_rng(seed, "progress")
    frames = [_national_rows(g, cal, rng) for g in goals]
    national = pd.concat([f for f in frames if len(f)], ignore_index=True)
    is_last = national["mes"].dt.date == cal.last_month
    first = national[~is_last].copy()
    first["estado"] = _first_states(first, cal, rng)
    final = first.copy()
    draw = rng.random(len(final))
    recent = final["mes"].dt.date >= add_months(cal.previous_month, -1)
    final.loc[recent & (draw > 0.3), "estado"] = "validado"  # the coordinators catch up
    fixes = rng.choice(np.flatnonzero(recent.to_numpy() & final["valor_real"].notna()), 4, False)
    for i in fixes:
        factor = 1 + rng.choice([-1, 1]) * rng.uniform(0.01, 0.04)
        final.loc[final.index[i], "valor_real"] = _round_like(final.iloc[i], goals, factor)
        final.loc[final.index[i], "comentario"] = CORRECTION
    last = national[is_last].copy()
    last["estado"] = np.where(rng.random(len(last)) < 0.15, "validado", "reportado")
    final = pd.concat([final, last], ignore_index=True)
    # The forecast given with a month is the same in both loads (final starts with first's rows).
    final["pronostico"] = forecasts(final, goals, seed)
    first["pronostico"] = final["pronostico"].iloc[: len(first)].to_numpy()
    first_all = _with_regions(first, goals, seed)
    final_all = _with_regions(final, goals, seed)
    return ProgressBatches(first_all, _changed(first_all, final_all), final_all)


def _round_like(row: pd.Series, goals: list[Goal], factor: float) -> float:
    goal = next(g for g in goals if g.code == row["codigo_meta"])
    return round(float(row["valor_real"]) * factor, goal.template.decimals)


def _with_regions(national: pd.DataFrame, goals: list[Goal], seed: int) -> pd.DataFrame:
    parts = [national]
    for goal in goals:
        if goal.template.breakdown:
            rows = national[national["codigo_meta"] == goal.code]
            parts.append(regional_rows(goal, rows, seed))
    out = pd.concat(parts, ignore_index=True)[COLUMNS]
    return out.sort_values(["codigo_meta", "mes", "region"], na_position="first", ignore_index=True)


def _changed(first: pd.DataFrame, final: pd.DataFrame) -> pd.DataFrame:
    """Rows of `final` that are new or differ from `first`: what the second load brings."""
    key = ["codigo_meta", "mes", "region"]
    merged = final.merge(first, on=key, how="left", suffixes=("", "_old"), indicator=True)
    differs = merged["_merge"] == "left_only"
    for column in ("valor_real", "estado", "comentario"):
        new, old = merged[column], merged[f"{column}_old"]
        differs |= ~((new == old) | (new.isna() & old.isna()))
    return final[differs.to_numpy()].reset_index(drop=True)
