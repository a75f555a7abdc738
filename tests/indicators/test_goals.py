"""Goal lights on hand-worked goals of both directions (indicators.md, Goals)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators.goals import (
    Goal,
    interpolated_plan,
    progress_share,
    trajectory_compliance,
    trajectory_light,
)
from indicators.lights import (
    AMARILLO,
    CUMPLIDA,
    NO_INICIADA,
    ROJO,
    SIN_INFORMACION,
    VERDE,
    overall,
    worst,
)
from indicators.scorecard import evaluate_goals
from tests.support.tiny_warehouse import frame

JUNE = date(2025, 6, 1)
# Ascending: from 100 to 200 during 2025; the plan for June says 160.
UP = Goal("UP", "ascendente", 100.0, 200.0, date(2025, 1, 1), date(2025, 12, 31))
# Descending (a waiting list): from 200 down to 100; the plan for June says 140.
DOWN = Goal("DOWN", "descendente", 200.0, 100.0, date(2025, 1, 1), date(2025, 12, 31))
# 100 days from 2025-01-01 to 2025-04-11: the end of January (30 days) is 30 % of the way.
SHORT_UP = Goal("SU", "ascendente", 100.0, 200.0, date(2025, 1, 1), date(2025, 4, 11))
SHORT_DOWN = Goal("SD", "descendente", 50.0, 30.0, date(2025, 1, 1), date(2025, 4, 11))


def light(goal: Goal, actual: float, planned: float, last: date = JUNE, month: date = JUNE) -> str:
    avance = progress_share(actual, goal)
    return trajectory_light(goal, month, avance, trajectory_compliance(actual, planned, goal), last)


def test_avance_and_esperado_both_directions() -> None:
    # UP: (154 − 100) / (200 − 100) = 0.54 ; esperado (160 − 100) / 100 = 0.6
    assert progress_share(154, UP) == pytest.approx(0.54)
    assert progress_share(160, UP) == pytest.approx(0.60)
    # DOWN: (146 − 200) / (100 − 200) = 0.54 ; esperado (140 − 200) / (−100) = 0.6
    assert progress_share(146, DOWN) == pytest.approx(0.54)
    assert progress_share(140, DOWN) == pytest.approx(0.60)
    # The true value is kept outside [0, 1]: worse than baseline, and beyond target.
    assert progress_share(90, UP) == pytest.approx(-0.10)
    assert progress_share(80, DOWN) == pytest.approx(1.20)


@pytest.mark.parametrize(
    ("goal", "actual", "planned", "expected_r", "expected_light"),
    [
        (UP, 154.0, 160.0, 0.9, VERDE),  # 54 / 60 = 0.90 exactly: verde
        (UP, 153.99, 160.0, 0.8998333, AMARILLO),  # just below 0.90
        (UP, 142.0, 160.0, 0.7, AMARILLO),  # 42 / 60 = 0.70 exactly: amarillo
        (UP, 141.99, 160.0, 0.6998333, ROJO),
        (DOWN, 146.0, 140.0, 0.9, VERDE),  # (146 − 200) / (140 − 200) = 0.90
        (DOWN, 146.01, 140.0, 0.8998333, AMARILLO),
        (DOWN, 158.0, 140.0, 0.7, AMARILLO),  # (158 − 200) / (140 − 200) = 0.70
        (DOWN, 158.01, 140.0, 0.6998333, ROJO),
    ],
)
def test_thresholds_are_inclusive_on_the_exact_boundaries(
    goal: Goal, actual: float, planned: float, expected_r: float, expected_light: str
) -> None:
    assert trajectory_compliance(actual, planned, goal) == pytest.approx(expected_r, abs=1e-7)
    assert light(goal, actual, planned) == expected_light


def test_per_goal_thresholds() -> None:
    strict = Goal("S", "ascendente", 100.0, 200.0, date(2025, 1, 1), date(2025, 12, 31), 0.95, 0.8)
    assert light(strict, 154.0, 160.0) == AMARILLO  # r = 0.90 < 0.95
    assert light(strict, 147.0, 160.0) == ROJO  # r = 47 / 60 = 0.783 < 0.80


def test_nothing_programmed_yet_gives_one_or_zero() -> None:
    # P = b: r = 1 unless the indicator moved the wrong way (then 0).
    assert trajectory_compliance(100.0, 100.0, UP) == 1.0
    assert trajectory_compliance(105.0, 100.0, UP) == 1.0
    assert trajectory_compliance(99.0, 100.0, UP) == 0.0
    assert trajectory_compliance(195.0, 200.0, DOWN) == 1.0
    assert trajectory_compliance(201.0, 200.0, DOWN) == 0.0


def test_interpolated_plan_in_days_at_month_end() -> None:
    # End of January: 30 of 100 days → P = 100 + 0.3 · 100 = 130 (UP) and 50 − 0.3 · 20 = 44.
    assert interpolated_plan(SHORT_UP, date(2025, 1, 1)) == pytest.approx(130.0)
    assert interpolated_plan(SHORT_DOWN, date(2025, 1, 1)) == pytest.approx(44.0)
    # End of February: 58 days → 158; past the deadline the plan stays at the target.
    assert interpolated_plan(SHORT_UP, date(2025, 2, 1)) == pytest.approx(158.0)
    assert interpolated_plan(SHORT_UP, date(2025, 9, 1)) == 200.0
    # Before the start the plan is the baseline.
    assert interpolated_plan(SHORT_UP, date(2024, 11, 1)) == 100.0


def test_lights_in_check_order() -> None:
    # no_iniciada before fecha_inicio, whatever the figures say.
    assert light(UP, 300.0, 160.0, month=date(2024, 12, 1), last=date(2024, 12, 1)) == NO_INICIADA
    # cumplida when avance ≥ 1, even with a stale figure (cumplida is checked first).
    assert light(UP, 200.0, 160.0, last=date(2025, 1, 1)) == CUMPLIDA
    assert light(DOWN, 95.0, 140.0) == CUMPLIDA
    # sin_informacion: the latest figure is from m − 2; a figure for m − 1 is enough.
    assert light(UP, 154.0, 160.0, last=date(2025, 4, 1)) == SIN_INFORMACION
    assert light(UP, 154.0, 160.0, last=date(2025, 5, 1)) == VERDE
    # Nothing reported at all.
    assert trajectory_light(UP, JUNE, None, None, None) == SIN_INFORMACION


@pytest.mark.parametrize(
    ("trajectory", "management", "expected"),
    [
        (VERDE, ROJO, ROJO),
        (ROJO, VERDE, ROJO),
        (CUMPLIDA, ROJO, ROJO),
        (NO_INICIADA, AMARILLO, AMARILLO),
        (AMARILLO, VERDE, AMARILLO),
        (SIN_INFORMACION, VERDE, SIN_INFORMACION),
        (NO_INICIADA, VERDE, NO_INICIADA),
        (CUMPLIDA, VERDE, CUMPLIDA),
        (VERDE, VERDE, VERDE),
    ],
)
def test_overall_light(trajectory: str, management: str, expected: str) -> None:
    assert overall(trajectory, management) == expected


def test_worst_severity() -> None:
    assert worst([]) == VERDE
    assert worst([VERDE, AMARILLO]) == AMARILLO
    assert worst([AMARILLO, ROJO, VERDE]) == ROJO


# --------------------------------------------------------------------------- whole scorecard

GOALS = frame(
    [
        {"codigo_meta": "UP", "linea_base": 100.0, "valor_meta": 200.0,
         "fecha_inicio": "2025-01-01", "fecha_meta": "2025-12-31"},
        {"codigo_meta": "DOWN", "sentido": "descendente", "linea_base": 200.0,
         "valor_meta": 100.0, "fecha_inicio": "2025-01-01", "fecha_meta": "2025-12-31"},
        {"codigo_meta": "REG", "linea_base": 0.0, "valor_meta": 10.0, "ambito": "05",
         "fecha_inicio": "2025-01-01", "fecha_meta": "2025-12-31"},
        {"codigo_meta": "LATE", "linea_base": 0.0, "valor_meta": 10.0,
         "fecha_inicio": "2025-09-01", "fecha_meta": "2026-12-31"},
    ],
    "metas",
)  # fmt: skip
PROGRESS = frame(
    [
        # UP: validated 148 in May; June reported 154 but not validated; plan for June 160.
        {"codigo_meta": "UP", "mes": "2025-05-01", "valor_programado": 150.0, "valor_real": 148.0},
        {"codigo_meta": "UP", "mes": "2025-06-01", "valor_programado": 160.0,
         "valor_real": 154.0, "estado": "reportado"},
        # A regional row of a national goal never stands in for the national figure.
        {"codigo_meta": "UP", "mes": "2025-06-01", "region": "13", "valor_real": 199.0},
        # DOWN: no plan given → interpolated; last validated figure in April (stale in June).
        {"codigo_meta": "DOWN", "mes": "2025-04-01", "valor_real": 170.0},
        # REG has ambito 05: its rows for region 05 are its headline series.
        {"codigo_meta": "REG", "mes": "2025-06-01", "region": "05", "valor_real": 5.0,
         "valor_programado": 5.0},
    ],
    "avance_mensual",
)  # fmt: skip
EMPTY_BOTTLENECKS = frame(
    [{"codigo_restriccion": "X", "codigo_meta": "-", "fecha_alerta": "2000-01-01",
      "fecha_resolucion": "2000-01-02"}],
    "restricciones",
)  # fmt: skip


def scorecard(validated_only: bool = True, bottlenecks: pd.DataFrame = EMPTY_BOTTLENECKS):
    result = evaluate_goals(GOALS, PROGRESS, bottlenecks, JUNE, validated_only=validated_only)
    return result.set_index("codigo_meta")


def test_scorecard_validated_only() -> None:
    card = scorecard()
    assert list(card.index) == ["DOWN", "LATE", "REG", "UP"]  # sorted by code
    up = card.loc["UP"]
    # A = 148 (May, validated), P = 160 given for June: r = 48 / 60 = 0.8 → amarillo.
    assert up["valor_actual"] == 148.0 and up["mes_reportado"] == date(2025, 5, 1)
    assert up["valor_programado"] == 160.0 and not up["plan_interpolado"]
    assert up["cumplimiento"] == pytest.approx(0.8)
    assert up["semaforo_trayectoria"] == AMARILLO and up["estado"] == AMARILLO
    # DOWN: April is m − 2 → sin_informacion, though its avance is known: 30 / 100 = 0.3.
    down = card.loc["DOWN"]
    assert down["avance"] == pytest.approx(0.3)
    assert down["plan_interpolado"]
    assert down["semaforo_trayectoria"] == SIN_INFORMACION
    # REG: regional headline (ambito 05): A = P = 5 → r = 1, verde; avance 0.5.
    assert card.loc["REG", "avance"] == pytest.approx(0.5)
    assert card.loc["REG", "semaforo_trayectoria"] == VERDE
    # LATE starts in September.
    assert card.loc["LATE", "estado"] == NO_INICIADA
    assert (card["semaforo_gestion"] == VERDE).all()
    assert (card["restricciones_abiertas"] == 0).all()


def test_scorecard_with_all_reported_figures() -> None:
    up = scorecard(validated_only=False).loc["UP"]
    # A = 154 (June, reported): r = 54 / 60 = 0.9 → verde.
    assert up["valor_actual"] == 154.0
    assert up["semaforo_trayectoria"] == VERDE


def test_as_of_month_ignores_later_rows() -> None:
    card = evaluate_goals(GOALS, PROGRESS, EMPTY_BOTTLENECKS, date(2025, 4, 1))
    # In April the UP goal had no figure yet; DOWN's April figure is fresh.
    assert card.set_index("codigo_meta").loc["UP", "semaforo_trayectoria"] == SIN_INFORMACION
    down = card.set_index("codigo_meta").loc["DOWN"]
    # P interpolated at 30 April: 119 of 364 days → 200 − 100 · 119/364; r = 30 / (100·119/364).
    assert down["valor_programado"] == pytest.approx(200 - 100 * 119 / 364)
    assert down["cumplimiento"] == pytest.approx(30 / (100 * 119 / 364))
    assert down["semaforo_trayectoria"] == VERDE  # r ≈ 0.918
