"""Every goal's figures at an as-of month: the one table behind the goals screen, the exports
and `python -m indicators goals`.

Frames in (the `metas`, `avance_mensual` and `restricciones` rows as known at some instant),
one frame out, one row per goal (or per goal and region). The per-goal logic runs in Python
over goals (hundreds), the per-row selection over the progress rows is vectorised in pandas.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from indicators import bottlenecks as bn
from indicators import progress as pg
from indicators.frames import by_key, date_or_none, points_by_key
from indicators.goals import (
    Goal,
    interpolated_plan,
    progress_share,
    trajectory_compliance,
    trajectory_light,
)
from indicators.lights import CUMPLIDA, overall
from indicators.months import as_date, month_end, month_start
from indicators.projection import project

GOAL_COLUMNS = [
    "codigo_meta", "nombre", "sentido", "unidad", "linea_base", "valor_meta", "fecha_meta",
    "valor_actual", "mes_reportado", "valor_programado", "plan_interpolado",
    "avance", "esperado", "cumplimiento", "semaforo_trayectoria", "semaforo_gestion", "estado",
    "proyeccion", "en_riesgo", "pendiente", "restricciones_abiertas", "restricciones_escalar",
    "escalar",
]  # fmt: skip


def score(
    goal: Goal,
    as_of: date,
    actual: float | None,
    last_reported: date | None,
    planned: float | None,
    points: tuple[list[date], list[float]] = ([], []),
) -> dict[str, Any]:
    """The trajectory figures of one goal (or one region of it) at month `as_of`.

    `planned` is the programmed value given for the month, or None to interpolate it.
    """
    interpolated = planned is None
    plan = interpolated_plan(goal, as_of) if interpolated else float(planned)  # type: ignore[arg-type]
    known = actual is not None
    avance = progress_share(actual, goal) if known else np.nan  # type: ignore[arg-type]
    compliance = trajectory_compliance(actual, plan, goal) if known else np.nan  # type: ignore[arg-type]
    light = trajectory_light(goal, as_of, avance, compliance, last_reported)
    projection = project(goal, *points)
    at_risk = False if light == CUMPLIDA else projection.en_riesgo
    return {
        "valor_actual": actual if known else np.nan,
        "mes_reportado": last_reported,
        "valor_programado": plan,
        "plan_interpolado": interpolated,
        "avance": avance,
        "esperado": progress_share(plan, goal),
        "cumplimiento": compliance,
        "semaforo_trayectoria": light,
        "proyeccion": projection.mes,
        "en_riesgo": at_risk,
        "pendiente": projection.pendiente,
    }


def evaluate_goals(
    goals: pd.DataFrame,
    progress: pd.DataFrame,
    bottlenecks: pd.DataFrame,
    as_of: date,
    *,
    validated_only: bool = True,
    bottlenecks_at: date | None = None,
) -> pd.DataFrame:
    """One row per goal at month `as_of` (GOAL_COLUMNS), sorted by codigo_meta.

    Bottlenecks are judged at the end of the as-of month unless `bottlenecks_at` says which day.
    """
    as_of = month_start(as_of)
    rows = pg.headline_rows(progress, goals)
    done = pg.reported(rows, validated_only)
    actual = by_key(pg.latest_actual(done, as_of), "codigo_meta")
    planned = by_key(pg.planned_at(rows, as_of), "codigo_meta")
    points = points_by_key(pg.recent_points(done, as_of), "codigo_meta")
    records = []
    for record in goals.sort_values("codigo_meta").itertuples(index=False):
        goal = Goal.from_record(record)
        last = actual.get(goal.codigo_meta, {})
        figures = score(
            goal,
            as_of,
            last.get("valor_actual"),
            date_or_none(last.get("mes_reportado")),
            planned.get(goal.codigo_meta, {}).get("valor_programado"),
            points.get(goal.codigo_meta, ([], [])),
        )
        records.append(_goal_fields(record) | figures)
    frame = pd.DataFrame.from_records(
        records, columns=[c for c in GOAL_COLUMNS if c not in bn.MANAGEMENT_COLUMNS]
    )
    at = bottlenecks_at or month_end(as_of)
    frame = bn.fill_missing(
        frame.merge(bn.management(bottlenecks, at), on="codigo_meta", how="left")
    )
    frame["estado"] = [
        overall(t, m)
        for t, m in zip(frame["semaforo_trayectoria"], frame["semaforo_gestion"], strict=True)
    ]
    return frame[GOAL_COLUMNS].reset_index(drop=True)


def _goal_fields(record: Any) -> dict[str, Any]:
    return {
        "codigo_meta": record.codigo_meta,
        "nombre": getattr(record, "nombre", None),
        "sentido": record.sentido,
        "unidad": getattr(record, "unidad", None),
        "linea_base": float(record.linea_base),
        "valor_meta": float(record.valor_meta),
        "fecha_meta": as_date(record.fecha_meta),
    }
