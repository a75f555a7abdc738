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

from datetime import date

import pandas as pd

from indicators import bottlenecks as bn
from indicators import progress as pg
from indicators.frames import by_key, date_or_none, points_by_key
from indicators.goals import Goal, interpolated_plan
from indicators.lights import overall
from indicators.months import month_end, month_start
from indicators.scorecard import score

REGION_COLUMNS = [
    "codigo_meta", "region", "escala", "linea_base_regional", "meta_regional", "valor_actual",
    "mes_reportado", "valor_programado", "plan_interpolado", "avance", "esperado",
    "cumplimiento", "semaforo_trayectoria", "semaforo_gestion", "estado", "proyeccion",
    "en_riesgo", "pendiente", "restricciones_abiertas", "restricciones_escalar", "escalar",
]  # fmt: skip


def plan_ratios(national: pd.DataFrame, regional: pd.DataFrame) -> pd.DataFrame:
    """Per (codigo_meta, region): escala k = P / P_r in the latest month where both plans are
    given and non-zero. `national` are headline rows, `regional` regional rows, both ≤ m."""
    plans = national.loc[
        national["valor_programado"].notna(),
        ["codigo_meta", "mes", "valor_programado", "_priority"],
    ]
    plans = plans.sort_values(["codigo_meta", "mes", "_priority"]).drop_duplicates(
        ["codigo_meta", "mes"]
    )
    own = regional.loc[
        regional["valor_programado"].notna() & (regional["valor_programado"] != 0),
        ["codigo_meta", "region", "mes", "valor_programado"],
    ]
    both = own.merge(plans, on=["codigo_meta", "mes"], suffixes=("_r", ""))
    both = both[both["valor_programado"] != 0].sort_values(["codigo_meta", "region", "mes"])
    latest = both.groupby(["codigo_meta", "region"]).tail(1)
    return latest.assign(escala=latest["valor_programado"] / latest["valor_programado_r"])[
        ["codigo_meta", "region", "escala"]
    ]


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
    known = progress[progress["codigo_meta"].isin(goals["codigo_meta"])]
    rows = pg.until(pg.regional_rows(known), as_of)
    headline = pg.until(pg.headline_rows(known, goals), as_of)
    done = pg.reported(rows, validated_only)
    actual = by_key(pg.latest_actual(done, as_of, pg.REGION_KEY), pg.REGION_KEY)
    planned = by_key(pg.planned_at(rows, as_of, pg.REGION_KEY), pg.REGION_KEY)
    national = by_key(pg.planned_at(headline, as_of), "codigo_meta")
    scales = by_key(plan_ratios(headline, rows), pg.REGION_KEY)
    points = points_by_key(pg.recent_points(done, as_of, keys=pg.REGION_KEY), pg.REGION_KEY)
    by_code = {g.codigo_meta: g for g in map(Goal.from_record, goals.itertuples(index=False))}
    records = []
    for code, region in (
        rows[pg.REGION_KEY].drop_duplicates().sort_values(pg.REGION_KEY).itertuples(index=False)
    ):
        goal, key = by_code[code], (code, region)
        k = float(scales.get(key, {}).get("escala", 1.0))
        own_plan = planned.get(key, {}).get("valor_programado")
        national_plan = national.get(code, {}).get("valor_programado")
        if own_plan is not None:
            plan = own_plan * k
        elif national_plan is not None:
            plan = national_plan
        else:
            plan = interpolated_plan(goal, as_of)
        last = actual.get(key, {})
        value = last.get("valor_actual")
        months, values = points.get(key, ([], []))
        figures = score(
            goal,
            as_of,
            None if value is None else value * k,
            date_or_none(last.get("mes_reportado")),
            plan,
            (months, [v * k for v in values]),
        )
        figures |= {
            "valor_actual": figures["valor_actual"] / k,
            "valor_programado": plan / k,
            "plan_interpolado": own_plan is None and national_plan is None,
        }
        records.append(
            {"codigo_meta": code, "region": region, "escala": k,
             "linea_base_regional": goal.linea_base / k, "meta_regional": goal.valor_meta / k}
            | figures
        )  # fmt: skip
    return _with_management(records, bottlenecks, bottlenecks_at or month_end(as_of))


def _with_management(records: list[dict], bottlenecks: pd.DataFrame, at: date) -> pd.DataFrame:
    columns = [c for c in REGION_COLUMNS if c not in bn.MANAGEMENT_COLUMNS and c != "estado"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    regional = bottlenecks[bottlenecks["region"].notna()]
    managed = bn.management(regional, at, keys=pg.REGION_KEY)
    frame = bn.fill_missing(frame.merge(managed, on=pg.REGION_KEY, how="left"))
    lights = zip(frame["semaforo_trayectoria"], frame["semaforo_gestion"], strict=True)
    frame["estado"] = [overall(t, m) for t, m in lights]
    return frame[REGION_COLUMNS].reset_index(drop=True)
