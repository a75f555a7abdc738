"""Management light and escalation from bottlenecks open at month ends; regional breakdown."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.bottlenecks import bottleneck_status, management
from indicators.goal_regions import evaluate_goal_regions
from indicators.lights import AMARILLO, ROJO, VERDE
from indicators.scorecard import evaluate_goals
from tests.support.tiny_warehouse import frame

END_OF_JUNE = date(2025, 6, 30)
BOTTLENECKS = frame(
    [
        # Raised on the last day of June: open at the end of June (0 days).
        {"codigo_restriccion": "B1", "codigo_meta": "G", "severidad": "amarillo",
         "fecha_alerta": "2025-06-30"},
        # Resolved on the last day of June: closed at the end of June.
        {"codigo_restriccion": "B2", "codigo_meta": "G", "severidad": "rojo",
         "fecha_alerta": "2025-05-01", "fecha_resolucion": "2025-06-30"},
        # Raised in July: not open yet at the end of June.
        {"codigo_restriccion": "B3", "codigo_meta": "G", "severidad": "rojo",
         "fecha_alerta": "2025-07-01"},
        # Resolved on 1 July: still open at the end of June.
        {"codigo_restriccion": "B4", "codigo_meta": "H", "severidad": "amarillo",
         "fecha_alerta": "2025-06-01", "fecha_resolucion": "2025-07-01"},
        # Institutional, red, raised 31 May: 30 days open on 30 June (not > 30), 61 on 31 July.
        {"codigo_restriccion": "B5", "codigo_meta": "K", "severidad": "rojo",
         "fecha_alerta": "2025-05-31"},
        # Raised 30 May: 31 days at the end of June → escalate.
        {"codigo_restriccion": "B6", "codigo_meta": "L", "severidad": "rojo",
         "fecha_alerta": "2025-05-30"},
        # Already at the strategy level: never flagged for escalation again.
        {"codigo_restriccion": "B7", "codigo_meta": "L", "severidad": "rojo",
         "nivel": "estrategia", "fecha_alerta": "2025-01-01"},
        # Institutional but amarillo: not escalated however long it stays open.
        {"codigo_restriccion": "B8", "codigo_meta": "H", "severidad": "amarillo",
         "fecha_alerta": "2025-01-01"},
    ],
    "restricciones",
)  # fmt: skip


def test_open_at_month_end() -> None:
    status = bottleneck_status(BOTTLENECKS, END_OF_JUNE).set_index("codigo_restriccion")
    assert status["abierta"].to_dict() == {
        "B1": True, "B2": False, "B3": False, "B4": True,
        "B5": True, "B6": True, "B7": True, "B8": True,
    }  # fmt: skip
    assert status.loc["B1", "dias_abierta"] == 0
    assert status.loc["B5", "dias_abierta"] == 30


def test_escalation_after_more_than_30_days() -> None:
    june = bottleneck_status(BOTTLENECKS, END_OF_JUNE).set_index("codigo_restriccion")
    assert list(june.index[june["escalar"]]) == ["B6"]
    july = bottleneck_status(BOTTLENECKS, date(2025, 7, 31)).set_index("codigo_restriccion")
    # On 31 July B5 has 61 days; B3 (raised 1 July) only 30, so it waits.
    assert sorted(july.index[july["escalar"]]) == ["B5", "B6"]


def test_escalation_boundary_exactly() -> None:
    july = bottleneck_status(BOTTLENECKS, date(2025, 7, 31)).set_index("codigo_restriccion")
    assert july.loc["B3", "dias_abierta"] == 30 and not july.loc["B3", "escalar"]
    assert july.loc["B5", "dias_abierta"] == 61 and july.loc["B5", "escalar"]


def test_management_light_is_the_worst_open_severity() -> None:
    lights = management(BOTTLENECKS, END_OF_JUNE).set_index("codigo_meta")
    # G: only B1 (amarillo) is open; B2 was resolved, B3 not yet raised.
    assert lights.loc["G", "semaforo_gestion"] == AMARILLO
    assert lights.loc["G", "restricciones_abiertas"] == 1
    assert lights.loc["H", "semaforo_gestion"] == AMARILLO
    assert lights.loc["L", "semaforo_gestion"] == ROJO
    assert bool(lights.loc["L", "escalar"]) and lights.loc["L", "restricciones_escalar"] == 1
    assert not bool(lights.loc["K", "escalar"])
    # In July, B3 (rojo) opened for G.
    assert (
        management(BOTTLENECKS, date(2025, 7, 31))
        .set_index("codigo_meta")
        .loc["G", "semaforo_gestion"]
        == ROJO
    )


GOALS = frame(
    [
        {"codigo_meta": code, "linea_base": 0.0, "valor_meta": 100.0,
         "fecha_inicio": "2025-01-01", "fecha_meta": "2025-12-31"}
        for code in ("G", "H", "K", "L", "N")
    ],
    "metas",
)  # fmt: skip
PROGRESS = frame(
    [
        {"codigo_meta": code, "mes": "2025-06-01", "valor_programado": 50.0, "valor_real": 50.0}
        for code in ("G", "H", "K", "L", "N")
    ],
    "avance_mensual",
)  # fmt: skip


def test_overall_light_combines_trajectory_and_management() -> None:
    card = evaluate_goals(GOALS, PROGRESS, BOTTLENECKS, date(2025, 6, 1)).set_index("codigo_meta")
    # Every goal is on plan (r = 1, verde); the bottlenecks decide.
    assert (card["semaforo_trayectoria"] == VERDE).all()
    assert card["estado"].to_dict() == {
        "G": AMARILLO, "H": AMARILLO, "K": ROJO, "L": ROJO, "N": VERDE,
    }  # fmt: skip
    assert card["escalar"].to_dict() == {"G": False, "H": False, "K": False, "L": True, "N": False}
    assert card.loc["N", "restricciones_abiertas"] == 0


def test_bottlenecks_judged_on_a_given_day() -> None:
    # The weekly review judges bottlenecks on the review date itself (here 2 July: B3 open).
    card = evaluate_goals(
        GOALS, PROGRESS, BOTTLENECKS, date(2025, 6, 1), bottlenecks_at=date(2025, 7, 2)
    ).set_index("codigo_meta")
    assert card.loc["G", "semaforo_gestion"] == ROJO


def test_regional_breakdown() -> None:
    goals = GOALS[GOALS["codigo_meta"] == "G"]
    progress = frame(
        [
            {"codigo_meta": "G", "mes": "2025-06-01", "valor_programado": 50.0, "valor_real": 45.0},
            # Region 05 gives its own plan: r = 30 / 40 = 0.75 → amarillo.
            {"codigo_meta": "G", "mes": "2025-06-01", "region": "05", "valor_programado": 40.0,
             "valor_real": 30.0},
            # Region 13 has no plan: the national plan (50) applies: r = 48 / 50 = 0.96.
            {"codigo_meta": "G", "mes": "2025-06-01", "region": "13", "valor_real": 48.0},
            # Region 08 reported only in April: stale in June.
            {"codigo_meta": "G", "mes": "2025-04-01", "region": "08", "valor_real": 48.0},
        ],
        "avance_mensual",
    )  # fmt: skip
    bottlenecks = frame(
        [{"codigo_restriccion": "R13", "codigo_meta": "G", "region": "13",
          "severidad": "rojo", "fecha_alerta": "2025-06-15"}],
        "restricciones",
    )  # fmt: skip
    regions = evaluate_goal_regions(goals, progress, bottlenecks, date(2025, 6, 1))
    regions = regions.set_index("region")
    assert list(regions.index) == ["05", "08", "13"]
    assert regions.loc["05", "cumplimiento"] == pytest.approx(0.75)
    assert regions.loc["05", "estado"] == AMARILLO
    assert regions.loc["13", "valor_programado"] == 50.0
    assert regions.loc["13", "semaforo_trayectoria"] == VERDE
    assert regions.loc["13", "estado"] == ROJO  # its own red bottleneck
    assert regions.loc["08", "semaforo_trayectoria"] == "sin_informacion"
    assert regions.loc["05", "semaforo_gestion"] == VERDE


def test_regional_scale_is_implied_by_the_plans() -> None:
    # A waiting list from 1000 down to 500; in June the nation plans 800 and region 05, a
    # quarter of the list, plans 200: k = 800 / 200 = 4, so 05 is judged from 250 to 125.
    goals = frame(
        [{"codigo_meta": "W", "sentido": "descendente", "linea_base": 1000.0,
          "valor_meta": 500.0, "fecha_inicio": "2025-01-01", "fecha_meta": "2025-12-31"}],
        "metas",
    )  # fmt: skip
    progress = frame(
        [
            {"codigo_meta": "W", "mes": "2025-06-01", "valor_programado": 800.0, "valor_real": 820.0},
            {"codigo_meta": "W", "mes": "2025-06-01", "region": "05", "valor_programado": 200.0,
             "valor_real": 210.0},
            # 08 gave a plan in May only: its scale comes from May (900 / 300 = 3); in June it
            # is judged against the national June plan on its scale (800 / 3).
            {"codigo_meta": "W", "mes": "2025-05-01", "valor_programado": 900.0},
            {"codigo_meta": "W", "mes": "2025-05-01", "region": "08", "valor_programado": 300.0},
            {"codigo_meta": "W", "mes": "2025-06-01", "region": "08", "valor_real": 270.0},
        ],
        "avance_mensual",
    )  # fmt: skip
    regions = evaluate_goal_regions(goals, progress, EMPTY, date(2025, 6, 1)).set_index("region")
    w05 = regions.loc["05"]
    assert w05["escala"] == 4.0
    assert (w05["linea_base_regional"], w05["meta_regional"]) == (250.0, 125.0)
    # r = (210 − 250) / (200 − 250) = 0.8 → amarillo; avance (210 − 250) / (125 − 250) = 0.32.
    assert w05["cumplimiento"] == pytest.approx(0.8)
    assert w05["avance"] == pytest.approx(0.32)
    assert w05["semaforo_trayectoria"] == AMARILLO
    assert (w05["valor_actual"], w05["valor_programado"]) == (210.0, 200.0)  # own units
    w08 = regions.loc["08"]
    # k = 3: b_r = 1000/3, P_r = 800/3; r = (270 − 1000/3) / (800/3 − 1000/3) = 0.95 → verde.
    assert w08["escala"] == 3.0
    assert w08["valor_programado"] == pytest.approx(800 / 3)
    assert w08["cumplimiento"] == pytest.approx(0.95)
    assert w08["semaforo_trayectoria"] == VERDE


EMPTY = frame(
    [{"codigo_restriccion": "-", "codigo_meta": "-", "fecha_alerta": "2099-01-01"}],
    "restricciones",
)
