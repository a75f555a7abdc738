"""Every goal's figures at an as-of month: the one table behind the goals screen, the exports
and `python -m indicators goals`.

Frames in (the `metas`, `avance_mensual` and `restricciones` rows as known at some instant),
one frame out, one row per goal (or per goal and region). The frames are turned into arrays
once and every goal is scored at once (indicators.goals, indicators.projection): a request
scores hundreds of goals and goal regions, and one Python call per goal cost more than the
queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from indicators import bottlenecks as bn
from indicators import progress as pg
from indicators.goals import (
    GoalArrays,
    interpolated_plans,
    month_dates,
    progress_shares,
    trajectory_compliances,
    trajectory_lights,
)
from indicators.lights import CUMPLIDA, overall_lights
from indicators.months import month_end, month_start
from indicators.projection import Points, project_many

GOAL_COLUMNS = [
    "codigo_meta", "nombre", "sentido", "unidad", "linea_base", "valor_meta", "fecha_meta",
    "valor_actual", "mes_reportado", "valor_programado", "plan_interpolado",
    "avance", "esperado", "cumplimiento", "semaforo_trayectoria", "semaforo_gestion", "estado",
    "proyeccion", "en_riesgo", "pendiente", "restricciones_abiertas", "restricciones_escalar",
    "escalar",
]  # fmt: skip


def score(
    goals: GoalArrays,
    as_of: date,
    actual: np.ndarray,
    last_reported: np.ndarray,
    planned: np.ndarray,
    points: Points,
) -> dict[str, Any]:
    """The trajectory figures of each goal (or goal region) at month `as_of`, one column each.

    `actual` and `last_reported` (a month index) are NaN where nothing was reported; `planned`
    is the programmed value given for the month, NaN to interpolate it.
    """
    interpolated = np.isnan(planned)
    plan = np.where(interpolated, interpolated_plans(goals, as_of), planned)
    known = ~np.isnan(actual)
    avance = np.where(known, progress_shares(actual, goals), np.nan)
    compliance = np.where(known, trajectory_compliances(actual, plan, goals), np.nan)
    light = trajectory_lights(goals, as_of, avance, compliance, last_reported).tolist()
    projection = project_many(goals, points)
    at_risk = [
        False if trajectory == CUMPLIDA else risk
        for trajectory, risk in zip(light, projection.en_riesgo, strict=True)
    ]
    return {
        "valor_actual": actual,
        "mes_reportado": month_dates(last_reported),
        "valor_programado": plan,
        "plan_interpolado": interpolated,
        "avance": avance,
        "esperado": progress_shares(plan, goals),
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
    inputs = GoalInputs.of(goals, progress, bottlenecks)
    return frame(inputs.columns(as_of, validated_only, bottlenecks_at), GOAL_COLUMNS)


@dataclass(frozen=True)
class GoalInputs:
    """The frames of evaluate_goals as the arrays the rules read. They do not depend on the
    month or the toggle, so a page that scores the same goals at several months (the goal
    page, stepping through a meeting) builds them once and calls `columns` per month."""

    arrays: GoalArrays  # in codigo_meta order
    fields: dict[str, Any]  # the goals' own attributes, one column each
    rows: pg.MonthlyRows
    series: pg.SeriesRows  # the headline rule
    bottlenecks: bn.BottleneckArrays
    positions: np.ndarray  # each bottleneck's goal (−1: none of these goals)
    seen: np.ndarray  # per goal: the viewer reads every bottleneck of it

    @classmethod
    def of(
        cls, goals: pd.DataFrame, progress: pd.DataFrame, bottlenecks: pd.DataFrame
    ) -> GoalInputs:
        order = sorted_goals(goals)
        arrays = GoalArrays.from_frame(goals).take(order)
        rows = pg.MonthlyRows.from_frame(progress)
        fields = {
            "codigo_meta": arrays.codigo_meta.tolist(),
            "nombre": column(goals, "nombre", order).tolist(),
            "sentido": column(goals, "sentido", order).tolist(),
            "unidad": column(goals, "unidad", order).tolist(),
            "linea_base": arrays.linea_base,
            "valor_meta": arrays.valor_meta,
            "fecha_meta": arrays.fecha_meta.tolist(),
        }
        return cls(
            arrays=arrays,
            fields=fields,
            rows=rows,
            series=pg.headline_series(rows, arrays.codigo_meta, column(goals, "ambito", order)),
            bottlenecks=bn.BottleneckArrays.of(bottlenecks),
            positions=pg.Labels.of(bottlenecks["codigo_meta"]).positions(arrays.codigo_meta),
            seen=bottlenecks_seen(goals, order),
        )

    def columns(
        self, as_of: date, validated_only: bool = True, bottlenecks_at: date | None = None
    ) -> dict[str, Any]:
        """GOAL_COLUMNS but the overall light (see `frame`), one entry per goal, at `as_of`."""
        as_of = month_start(as_of)
        arrays, rows, series = self.arrays, self.rows, self.series
        done = rows.reported(validated_only)
        size = len(arrays)
        actual, last = pg.latest_values(series, rows, done, as_of, size)
        planned = pg.planned_values(series, rows, as_of, size)
        figures = score(
            arrays, as_of, actual, last, planned, pg.recent_values(series, rows, done, as_of)
        )
        at = bottlenecks_at or month_end(as_of)
        management = bn.management_arrays(self.bottlenecks, at, self.positions, size)
        return self.fields | figures | bn.without_unseen(management, self.seen)


def sorted_goals(goals: pd.DataFrame) -> np.ndarray:
    """Row positions of the goals in codigo_meta order."""
    return np.argsort(goals["codigo_meta"].to_numpy(dtype=object), kind="stable")


def bottlenecks_seen(goals: pd.DataFrame, order: np.ndarray) -> np.ndarray:
    """Per goal in `order`: whether its bottlenecks are all in the frames (the column that
    warehouse.goals attaches for the reading viewer; all of them when the frame lacks it)."""
    if bn.SEEN not in goals:
        return np.ones(len(order), dtype=bool)
    return goals[bn.SEEN].to_numpy(dtype=bool)[order]


def column(goals: pd.DataFrame, name: str, order: np.ndarray) -> np.ndarray:
    """A goal attribute in `order` (all None when the frame lacks the column)."""
    if name not in goals:
        return np.full(len(order), None, dtype=object)
    return goals[name].to_numpy(dtype=object)[order]


def frame(columns: dict[str, Any], names: list[str]) -> pd.DataFrame:
    """The result frame, with the overall light from the two others. Text columns arrive as
    lists so pandas infers the same dtypes as for records."""
    if not len(columns["codigo_meta"]):
        return _empty(names)
    with_light(columns)
    return pd.DataFrame({name: columns[name] for name in names})


def with_light(columns: dict[str, Any]) -> dict[str, Any]:
    """`columns` with the overall light (estado) from the two others, lights as lists."""
    columns["estado"] = overall_lights(
        np.asarray(columns["semaforo_trayectoria"], dtype=object), columns["semaforo_gestion"]
    ).tolist()
    columns["semaforo_gestion"] = columns["semaforo_gestion"].tolist()
    return columns


def first_row(columns: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """`frame(columns, names).iloc[0].to_dict()`, without the frame when there is one goal
    (a goal page needs one goal's row; building a frame of one row cost it a millisecond).
    A one-row frame keeps each value as given and `to_dict` makes numpy scalars Python ones;
    with more rows pandas may change a column's values (None to NaN), so the frame decides."""
    if len(columns["codigo_meta"]) != 1:
        return frame(columns, names).iloc[0].to_dict()
    with_light(columns)
    return {name: _native(columns[name][0]) for name in names}


def _native(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _empty(names: list[str]) -> pd.DataFrame:
    """No goals: the columns keep the dtypes an empty scorecard has always had."""
    empty = pd.DataFrame({name: pd.Series(dtype=object) for name in names})
    return empty.astype({
        "semaforo_gestion": "str", "estado": float, "restricciones_abiertas": np.int64,
        "restricciones_escalar": np.int64, "escalar": bool,
    })  # fmt: skip
