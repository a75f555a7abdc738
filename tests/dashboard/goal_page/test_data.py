"""The goal page's fast paths give exactly what the straightforward computations give.

The page keeps per data version what does not depend on the month (goal_page_data.GoalBasis), and
its figures read each column once instead of calling pandas per point. These tests compare
every page of the demo warehouse, month by month, with the frame-by-frame computations the
fast paths replaced, and check that no page can alter what the next page is built from.
"""

from __future__ import annotations

import calendar
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from dash._utils import to_json

from dashboard.goal_page import data as goal_page_data
from dashboard.goal_page.data import load_goal_page
from dashboard.server.defaults import bottleneck_day, read_defaults
from dashboard.ui.goal_charts import milestone_status
from dashboard.ui.goal_format import format_date, is_missing, month_label, value_digits
from dashboard.ui.goal_trajectory import plan_points, timeline_figure
from indicators.bottlenecks import bottleneck_status
from indicators.goals import Goal, interpolated_plan, plan_line
from indicators.months import month_end, month_ends
from indicators.progress import headline_rows
from indicators.scorecard import evaluate_goals
from warehouse import goals as goal_queries
from warehouse.db import connect


@pytest.fixture(scope="module")
def demo(demo_db: Path):
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


def same(x: Any, y: Any) -> bool:
    """Equal values of the same types (NaN equals NaN)."""
    if type(x) is not type(y):
        return False
    if isinstance(x, dict):
        return list(x) == list(y) and all(same(x[k], y[k]) for k in x)
    if isinstance(x, list | tuple):
        return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y, strict=True))
    if isinstance(x, float) and math.isnan(x):
        return math.isnan(y)
    return bool(x == y)


def reference(
    reads: goal_page_data.GoalReads, month: date, validated_only: bool, day: date | None = None
) -> dict[str, Any]:
    """The page's month-dependent parts computed from the frames, as the page once did, with
    bottlenecks and milestones judged on `day` (the end of the month when None)."""
    goals, progress, bottlenecks = reads.goals, reads.progress, reads.bottlenecks
    cut = day or month_end(month)
    raised = bottlenecks[pd.to_datetime(bottlenecks["fecha_alerta"]) <= pd.Timestamp(cut)]
    series = headline_rows(progress, goals)
    score = evaluate_goals(
        goals, progress, bottlenecks, month, validated_only=validated_only, bottlenecks_at=day
    )
    return {
        "score": score.iloc[0].to_dict(),
        "series": series,
        "milestones": milestone_status(reads.milestones, cut),
        "bottlenecks": bottleneck_status(raised, cut).reset_index(drop=True),
        "record": goals.iloc[0].to_dict(),
        "digits": value_digits(
            [float(goals["linea_base"].iloc[0]), float(goals["valor_meta"].iloc[0]),
             *series["valor_real"], *series["valor_programado"]]
        ),
    }  # fmt: skip


def test_every_page_of_the_demo_equals_the_frame_by_frame_computation(demo) -> None:
    goal_page_data.READS.clear()
    codes = sorted(goal_queries.goals(demo)["codigo_meta"])
    defaults = read_defaults(demo)
    every, review_to = list(defaults.months), defaults.review_to  # months newest first
    months = [every[0], every[len(every) // 2], every[-1]]  # the latest, one between, the first
    assert codes and months
    compared = 0
    for codigo in codes:
        for month in months:
            for validated_only in (True, False):
                page = load_goal_page(demo, codigo, month.strftime("%Y-%m"), validated_only)
                reads = goal_page_data.goal_reads(demo, codigo)
                assert page is not None and reads is not None
                day = bottleneck_day(month, review_to)  # the rule of every goal screen
                expected = reference(reads, month, validated_only, day)
                assert same(page.score, expected["score"]), (codigo, month)
                assert same(page.record, expected["record"]), codigo
                assert page.digits == expected["digits"]
                for name in ("series", "milestones", "bottlenecks"):
                    pd.testing.assert_frame_equal(
                        getattr(page, name), expected[name], check_exact=True, obj=name
                    )
                compared += 1
    assert compared == len(codes) * len(months) * 2


def test_a_page_cannot_alter_what_the_next_page_is_built_from(demo) -> None:
    goal_page_data.READS.clear()
    codigo, month = "SAL-01", date(2025, 5, 1)
    first = load_goal_page(demo, codigo, "2025-05", True)
    assert first is not None and not first.milestones.empty
    first.series["valor_real"] = -1.0
    first.milestones.loc[0, "estado_hito"] = "alterado"
    first.milestones["nombre"] = "alterado"
    first.bottlenecks["abierta"] = False
    first.record["nombre"] = "alterado"
    first.region_names.clear()
    again = load_goal_page(demo, codigo, "2025-05", True)
    reads = goal_page_data.goal_reads(demo, codigo)
    assert again is not None and reads is not None
    expected = reference(reads, month, True, again.judged_at)
    for name in ("series", "milestones", "bottlenecks"):
        pd.testing.assert_frame_equal(getattr(again, name), expected[name], obj=name)
    assert same(again.record, expected["record"]) and again.region_names


GOAL = Goal("M-1", "ascendente", 3.3, 107.7, date(2024, 1, 15), date(2026, 12, 31))
DOWN = Goal("M-2", "descendente", 500.0, 300.0, date(2025, 3, 10), date(2025, 3, 10))


@pytest.mark.parametrize("goal", [GOAL, DOWN], ids=["ascendente", "plazo_igual_inicio"])
def test_the_drawn_plan_is_the_indicators_plan_to_the_last_bit(goal: Goal) -> None:
    months = [date(y, m, 1) for y in range(2023, 2028) for m in range(1, 13)]
    drawn = plan_line(goal, months).tolist()
    assert drawn == [interpolated_plan(goal, m) for m in months]
    assert plan_line(goal, []).tolist() == []


def series_frame(months: list[object], real: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mes": months,
            "valor_programado": [10.0, None, 30.0],
            "valor_real": real,
            "estado": ["validado", "reportado", None],
        }
    )


def test_timeline_is_the_same_whatever_type_the_months_come_in() -> None:
    days = [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    draw = {"validated_only": False, "fit": ([], []), "projected": None}
    figures = [
        to_json(timeline_figure(GOAL, series_frame(months, [5.0, 7.5, 9.0]), date(2024, 3, 1),
                                **draw))
        for months in (days, pd.to_datetime(days), [d.isoformat() for d in days])
    ]  # fmt: skip
    assert figures[0] == figures[1] == figures[2]


def test_timeline_draws_the_values_as_the_column_holds_them() -> None:
    """Whole numbers in an integer column are drawn as integers, as list(column) gives them."""
    frame = series_frame(list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])),
                         [5, 7, 9])  # fmt: skip
    figure = timeline_figure(
        GOAL, frame, date(2024, 3, 1), validated_only=False, fit=([], []), projected=None
    )
    real = next(t for t in figure["data"] if t["name"] == "Real")
    assert real["y"] == [5, 7, 9] and all(type(v) is int for v in real["y"])
    given, interpolated = plan_points(GOAL, frame)
    assert list(given.index) == [0, 2] and interpolated["mes"].iloc[0] == date(2024, 3, 1)


def test_month_helpers_answer_alike_for_every_type_of_date() -> None:
    for day in (date(2024, 2, 10), date(2023, 2, 1), date(1969, 12, 31), date(2025, 12, 1)):
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        moment = datetime(day.year, day.month, day.day, 13, 30)
        for value in (day, moment, pd.Timestamp(moment), np.datetime64(moment)):
            assert month_end(value) == last and type(month_end(value)) is date
            assert month_label(value) == month_label(day) and format_date(value) == format_date(day)
    values = pd.to_datetime(["2024-02-10", None, "1969-12-31 23:00"], format="mixed").to_numpy()
    assert month_ends(values).tolist() == [date(2024, 2, 29), None, date(1969, 12, 31)]
    assert month_label(date(2025, 9, 1)) == "septiembre 2025"
    assert month_label(date(2025, 9, 1), short=True) == "sep 2025"
    missing = [None, float("nan"), np.float64("nan"), pd.NaT, pd.NA, np.datetime64("NaT")]
    present = [0.0, np.float64(1.5), 3, "texto", "", date(2025, 1, 1), pd.Timestamp(0), True]
    assert all(is_missing(v) for v in missing) and not any(is_missing(v) for v in present)
