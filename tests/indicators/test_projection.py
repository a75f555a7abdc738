"""Projection to the target: OLS through the last reported points (indicators.md, proyección)."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.goals import Goal
from indicators.projection import project
from indicators.scorecard import evaluate_goals
from tests.support.tiny_warehouse import frame

APR, MAY, JUN = date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)


def goal(direction: str = "ascendente", deadline: date = date(2025, 12, 31)) -> Goal:
    base, target = (100.0, 200.0) if direction == "ascendente" else (200.0, 100.0)
    return Goal("P", direction, base, target, date(2025, 1, 1), deadline)


def test_reaches_after_the_deadline_is_at_risk() -> None:
    # 110, 120, 130 in Apr–Jun: +10 a month; 200 is 7 months after June → January 2026.
    result = project(goal(), [APR, MAY, JUN], [110.0, 120.0, 130.0])
    assert result.pendiente == pytest.approx(10.0)
    assert result.mes == date(2026, 1, 1)
    assert result.en_riesgo is True


def test_reaching_in_the_deadline_month_is_on_time() -> None:
    result = project(goal(deadline=date(2026, 1, 15)), [APR, MAY, JUN], [110.0, 120.0, 130.0])
    assert result.mes == date(2026, 1, 1)
    assert result.en_riesgo is False


def test_descending_goal() -> None:
    # 190, 180, 170: −10 a month towards 100: (100 − 170) / −10 = 7 months → January 2026.
    result = project(goal("descendente", date(2026, 3, 31)), [APR, MAY, JUN], [190.0, 180.0, 170.0])
    assert result.mes == date(2026, 1, 1)
    assert result.en_riesgo is False


def test_fractional_crossing_rounds_up_to_the_first_month_reaching_the_target() -> None:
    # +30 a month from 130 in June: 200 is 2.33 months away → the line reaches it in September.
    result = project(goal(), [APR, MAY, JUN], [70.0, 100.0, 130.0])
    assert result.mes == date(2025, 9, 1)


@pytest.mark.parametrize("values", [[130.0, 120.0, 110.0], [120.0, 120.0, 120.0]])
def test_slope_away_from_target_or_flat_never_reaches(values: list[float]) -> None:
    result = project(goal(), [APR, MAY, JUN], values)
    assert result.mes is None
    assert result.en_riesgo is True


def test_crossing_before_the_fitted_window_is_dated_at_its_start() -> None:
    # 500, 501, 502 with a target of 200: the line "reached" 200 centuries ago; dated April.
    result = project(goal(), [APR, MAY, JUN], [500.0, 501.0, 502.0])
    assert result.mes == APR
    assert result.en_riesgo is False
    # Halfway inside the window: 150, 250, 350 reach 200 in May.
    assert project(goal(), [APR, MAY, JUN], [150.0, 250.0, 350.0]).mes == MAY


def test_fewer_than_three_points_gives_no_projection() -> None:
    result = project(goal(), [MAY, JUN], [120.0, 130.0])
    assert (result.mes, result.en_riesgo, result.pendiente) == (None, None, None)


def test_only_the_last_six_points_count() -> None:
    # Two early points far off the line would bend it; only the last six (+10 a month) count.
    months = [date(2025, m, 1) for m in range(1, 9)]
    values = [500.0, -500.0, 110.0, 120.0, 130.0, 140.0, 150.0, 160.0]
    result = project(goal(deadline=date(2026, 6, 30)), months, values)
    assert result.pendiente == pytest.approx(10.0)
    assert result.mes == date(2025, 12, 1)  # 160 in August + 4 months of +10


def test_gaps_between_reported_months_are_respected() -> None:
    # Points in January, April and July (+30 every 3 months = +10 a month).
    months = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)]
    result = project(goal(), months, [110.0, 140.0, 170.0])
    assert result.pendiente == pytest.approx(10.0)
    assert result.mes == date(2025, 10, 1)


def test_cumplida_goal_is_not_at_risk_in_the_scorecard() -> None:
    goals = frame(
        [{"codigo_meta": "C", "linea_base": 0.0, "valor_meta": 10.0,
          "fecha_inicio": "2025-01-01", "fecha_meta": "2025-03-31"}],
        "metas",
    )  # fmt: skip
    # Reached 10 in April, then slipped: the slope points away, but the goal is cumplida.
    progress = frame(
        [{"codigo_meta": "C", "mes": f"2025-0{m}-01", "valor_real": v}
         for m, v in ((4, 12.0), (5, 11.0), (6, 10.0))],
        "avance_mensual",
    )  # fmt: skip
    empty = frame(
        [{"codigo_restriccion": "-", "codigo_meta": "-", "fecha_alerta": "2099-01-01"}],
        "restricciones",
    )
    row = evaluate_goals(goals, progress, empty, JUN).iloc[0]
    assert row["semaforo_trayectoria"] == "cumplida"
    assert row["en_riesgo"] is not None and not row["en_riesgo"]
    assert row["proyeccion"] is None
