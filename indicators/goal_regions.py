"""Per-region breakdown of goals that report regional progress (avance_mensual.region set).

The data contract gives a goal one baseline and one target, for the nation. A region's own
baseline and target are *implied by its plan*: with k = P / P_r, the ratio of the national to
the regional programmed value in the latest month ≤ m where both are given, the region is
judged as if b_r = b / k and T_r = T / k. For counts split by region, 1 / k is the region's
share; for rates it is the region's level relative to the nation; either way the regional
light measures the region against its own plan, with the goal's thresholds. Equivalently the
regional figures are scaled by k to the national level and the national formulas apply.

Other choices:
* Without any month where both plans are given, k = 1 (the goal's own scale: right for rates,
  percentages, waiting times).
* P for a region at m: its own valor_programado when given; else the national P (given or
  interpolated) brought to the region's scale (P / k).
* The regional management light takes only the bottlenecks registered for that region.
* A (goal, region) pair appears when it has any regional row at or before the as-of month.
* Reported values (valor_actual, valor_programado) are in the region's own units; avance,
  esperado, cumplimiento, lights and projection are computed on the scaled figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicators import bottlenecks as bn
from indicators import progress as pg
from indicators.goals import GoalArrays, interpolated_plans
from indicators.months import month_end, month_index, month_start
from indicators.projection import Points
from indicators.scorecard import bottlenecks_seen, column, frame, score, sorted_goals

REGION_COLUMNS = [
    "codigo_meta", "region", "escala", "linea_base_regional", "meta_regional", "valor_actual",
    "mes_reportado", "valor_programado", "plan_interpolado", "avance", "esperado",
    "cumplimiento", "semaforo_trayectoria", "semaforo_gestion", "estado", "proyeccion",
    "en_riesgo", "pendiente", "restricciones_abiertas", "restricciones_escalar", "escalar",
]  # fmt: skip


def evaluate_goal_regions(
    goals: pd.DataFrame,
    progress: pd.DataFrame,
    bottlenecks: pd.DataFrame,
    as_of: date,
    *,
    validated_only: bool = True,
    bottlenecks_at: date | None = None,
) -> pd.DataFrame:
    """One row per (goal, region) with regional progress, sorted by goal and region."""
    as_of = month_start(as_of)
    order = sorted_goals(goals)
    arrays = GoalArrays.from_frame(goals).take(order)
    rows = pg.MonthlyRows.from_frame(progress)
    headline = pg.headline_series(rows, arrays.codigo_meta, column(goals, "ambito", order))
    pairs = RegionPairs.of(rows, arrays.codigo_meta, as_of)
    series, size = pairs.series, len(pairs.goal)
    done = rows.reported(validated_only)
    actual, last = pg.latest_values(series, rows, done, as_of, size)
    own_plan = pg.planned_values(series, rows, as_of, size)
    national_plan = pg.planned_values(headline, rows, as_of, len(arrays))[pairs.goal]
    k = plan_scales(rows, headline, pairs, as_of)
    goals_of = arrays.take(pairs.goal)
    plan = np.where(
        ~np.isnan(own_plan),
        own_plan * k,
        np.where(~np.isnan(national_plan), national_plan, interpolated_plans(goals_of, as_of)),
    )
    points = pg.recent_values(series, rows, done, as_of)
    scaled = Points(points.series, points.month, points.value * k[points.series])
    figures = score(goals_of, as_of, actual * k, last, plan, scaled)
    figures |= {
        "valor_actual": figures["valor_actual"] / k,
        "valor_programado": plan / k,
        "plan_interpolado": np.isnan(own_plan) & np.isnan(national_plan),
    }
    at = bottlenecks_at or month_end(as_of)
    management = bn.management_arrays(bottlenecks, at, pairs.positions(bottlenecks), size)
    seen = bottlenecks_seen(goals, order)[pairs.goal] | (pairs.region == _region_seen(goals))
    management = bn.without_unseen(management, seen)
    fields = {
        "codigo_meta": goals_of.codigo_meta.tolist(),
        "region": pairs.region.tolist(),
        "escala": k,
        "linea_base_regional": goals_of.linea_base / k,
        "meta_regional": goals_of.valor_meta / k,
    }
    return frame(fields | figures | management, REGION_COLUMNS)


def _region_seen(goals: pd.DataFrame) -> str | None:
    """The region whose bottlenecks the reading viewer sees in full (warehouse.goals)."""
    if bn.SEEN_REGION not in goals or goals.empty:
        return None
    return goals[bn.SEEN_REGION].iloc[0]


@dataclass(frozen=True)
class RegionPairs:
    """The (goal, region) pairs with any regional row at or before the as-of month, sorted by
    goal and region, and the regional series: each row's pair (−1: none)."""

    codes: np.ndarray  # the goals' codes, sorted
    regions: np.ndarray  # the regions named, sorted
    code: np.ndarray  # per pair: goal position × len(regions) + region position
    goal: np.ndarray  # per pair: goal position
    region: np.ndarray  # per pair: region code
    series: pg.SeriesRows

    @classmethod
    def of(cls, rows: pg.MonthlyRows, codes: np.ndarray, as_of: date) -> RegionPairs:
        goal = rows.goal.positions(codes)
        regional = ~rows.national & (goal >= 0) & (rows.month <= month_index(as_of))
        # The regions named, in alphabetical order, and each region code's rank among them.
        named = np.unique(rows.region.codes[regional])
        order = np.argsort(rows.region.distinct[named], kind="stable")
        regions = rows.region.distinct[named][order]
        rank = np.full(len(rows.region.distinct) + 1, -1, dtype=np.int64)
        rank[named[order]] = np.arange(len(named))
        width = max(len(regions), 1)
        code, pair = np.unique(goal[regional] * width + rank[rows.region.codes[regional]],
                               return_inverse=True)  # fmt: skip
        key = np.full(len(goal), -1, dtype=np.int64)
        key[regional] = pair
        series = pg.SeriesRows(key=key, priority=np.zeros(len(key), dtype=np.int64))
        return cls(codes, regions, code, code // width, regions[code % width], series)

    def positions(self, frame: pd.DataFrame) -> np.ndarray:
        """The pair of each row of a frame with codigo_meta and region (−1: none)."""
        goal = pg.Labels.of(frame["codigo_meta"]).positions(self.codes)
        region = pg.Labels.of(frame["region"]).positions(self.regions)
        found = pg.lookup(self.code, goal * max(len(self.regions), 1) + region)
        return np.where((goal >= 0) & (region >= 0), found, -1)


def plan_scales(
    rows: pg.MonthlyRows, headline: pg.SeriesRows, pairs: RegionPairs, as_of: date
) -> np.ndarray:
    """Per pair: escala k = P / P_r in the latest month ≤ as_of where both plans are given and
    non-zero (1 where there is none). P follows the headline rule."""
    upto = rows.month <= month_index(as_of)
    given = ~np.isnan(rows.planned)
    national = np.flatnonzero((headline.key >= 0) & upto & given)
    national = national[
        np.lexsort((headline.priority[national], rows.month[national], headline.key[national]))
    ]
    national = national[pg.first_of_each(headline.key[national], rows.month[national])]
    regional = pairs.series.key
    own = np.flatnonzero((regional >= 0) & given & (rows.planned != 0))
    known = _goal_month(headline.key[national], rows.month[national])  # sorted, unique
    wanted = _goal_month(pairs.goal[regional[own]], rows.month[own])
    match = pg.lookup(known, wanted)
    own, match = own[match >= 0], national[match[match >= 0]]
    both = rows.planned[match] != 0
    own, match = own[both], match[both]
    latest = np.lexsort((rows.month[own], regional[own]))
    own, match = own[latest], match[latest]
    last = pg.last_of_each(regional[own])
    scales = np.ones(len(pairs.goal))
    scales[regional[own[last]]] = rows.planned[match[last]] / rows.planned[own[last]]
    return scales


def _goal_month(goal: np.ndarray, month: np.ndarray) -> np.ndarray:
    return goal.astype(np.int64) * 1_000_000 + month
