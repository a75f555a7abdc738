"""Weekly review changes on a small history loaded in two steps (and a third, later one).

Meetings on Tuesday 3 June and Tuesday 10 June 2025; both judge goals at May 2025.
Step 1 is loaded on 2 June, step 2 on 9 June, step 3 (a later revision) on 20 June.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from indicators import serialize
from indicators.goal_report import review, snapshot
from indicators.review import review_month
from tests.test_queries_helpers import load, open_copy

D0, D1 = date(2025, 6, 3), date(2025, 6, 10)
STEP1, STEP2, STEP3 = datetime(2025, 6, 2, 10), datetime(2025, 6, 9, 15), datetime(2025, 6, 20, 8)


def goal(code: str) -> dict:
    return {"codigo_meta": code, "nombre": f"Meta {code}", "linea_base": 0.0,
            "valor_meta": 100.0, "fecha_inicio": date(2025, 1, 1),
            "fecha_meta": date(2025, 12, 31)}  # fmt: skip


def may(code: str, real: float, plan: float = 40.0) -> dict:
    return {"codigo_meta": code, "mes": date(2025, 5, 1), "valor_programado": plan,
            "valor_real": real}  # fmt: skip


def step1(con) -> None:
    load(con, "metas", [goal(c) for c in ("G1", "G2", "G3", "G4")], STEP1)
    # May, plan 40: G1 40 (r = 1, verde), G2 25 (r = .625, rojo), G3 and G4 40 (verde).
    load(con, "avance_mensual", [may("G1", 40), may("G2", 25), may("G3", 40), may("G4", 40)], STEP1)
    load(con, "restricciones", [
        # G3: amarillo since 20 May → G3 amarillo on 3 June.
        {"codigo_restriccion": "R1", "codigo_meta": "G3", "severidad": "amarillo",
         "fecha_alerta": date(2025, 5, 20)},
        # G4: institutional red since 6 May: 28 days on 3 June, 35 on 10 June → escalate.
        {"codigo_restriccion": "R5", "codigo_meta": "G4", "severidad": "rojo",
         "fecha_alerta": date(2025, 5, 6)},
    ], STEP1)  # fmt: skip
    load(con, "metas_intermedias", [
        {"codigo_meta": "G1", "codigo_hito": "H1", "fecha_programada": date(2025, 6, 20)},
        {"codigo_meta": "G2", "codigo_hito": "H2", "fecha_programada": date(2025, 6, 5)},
        {"codigo_meta": "G3", "codigo_hito": "H3", "fecha_programada": date(2025, 5, 15)},
        {"codigo_meta": "G3", "codigo_hito": "H4", "fecha_programada": date(2025, 5, 30),
         "fecha_cumplida": date(2025, 6, 1)},
        {"codigo_meta": "G4", "codigo_hito": "H5", "fecha_programada": date(2025, 7, 15)},
    ], STEP1)  # fmt: skip
    load(con, "compromisos", [
        {"codigo_compromiso": "K1", "region": "05", "fecha_compromiso": date(2025, 6, 5)},
        {"codigo_compromiso": "K2", "region": "05", "fecha_compromiso": date(2025, 5, 1)},
        {"codigo_compromiso": "K3", "region": "13", "fecha_compromiso": date(2025, 6, 6)},
    ], STEP1)  # fmt: skip


def step2(con) -> None:
    # G2's May figure is revised to 38 (r = .95): rojo → verde.
    load(con, "avance_mensual", [may("G2", 38)], STEP2)
    load(con, "restricciones", [
        # R1 resolved on 8 June: G3 amarillo → verde.
        {"codigo_restriccion": "R1", "codigo_meta": "G3", "severidad": "amarillo",
         "fecha_alerta": date(2025, 5, 20), "fecha_resolucion": date(2025, 6, 8)},
        # New amarillo bottleneck on G1 since 6 June: G1 verde → amarillo.
        {"codigo_restriccion": "R3", "codigo_meta": "G1", "severidad": "amarillo",
         "fecha_alerta": date(2025, 6, 6)},
    ], STEP2)  # fmt: skip
    load(con, "compromisos", [
        # K3 fulfilled in time; K4 is registered late, already past its date.
        {"codigo_compromiso": "K3", "region": "13", "fecha_compromiso": date(2025, 6, 6),
         "estado": "cumplido", "fecha_cumplimiento": date(2025, 6, 6)},
        {"codigo_compromiso": "K4", "region": "13", "fecha_compromiso": date(2025, 6, 4)},
    ], STEP2)  # fmt: skip


def step3(con) -> None:
    load(con, "avance_mensual", [may("G1", 5), may("G2", 1)], STEP3)
    load(con, "restricciones", [{"codigo_restriccion": "R9", "codigo_meta": "G3",
                                 "fecha_alerta": date(2025, 6, 1)}], STEP3)  # fmt: skip


@pytest.fixture
def con(reference_db: Path, tmp_path: Path):
    connection = open_copy(reference_db, tmp_path)
    step1(connection)
    step2(connection)
    yield connection
    connection.close()


def test_review_month_is_the_month_before() -> None:
    assert review_month(date(2025, 6, 10)) == date(2025, 5, 1)
    assert review_month(date(2025, 1, 1)) == date(2024, 12, 1)


def test_snapshot_sees_only_what_was_loaded_by_the_end_of_the_day(con) -> None:
    before = snapshot(con, D0)
    assert before.progress.loc[before.progress["codigo_meta"] == "G2", "valor_real"].tolist() == [
        25.0
    ]
    assert "R3" not in set(before.bottlenecks["codigo_restriccion"])
    assert "K4" not in set(before.commitments["codigo_compromiso"])
    # A load during the day of the review counts for that review.
    assert "R3" in set(snapshot(con, date(2025, 6, 9)).bottlenecks["codigo_restriccion"])


def test_changes_between_two_meetings(con) -> None:
    changes = review(con, D0, D1)
    assert (changes.mes_desde, changes.mes_hasta) == (date(2025, 5, 1), date(2025, 5, 1))
    lights = changes.semaforos.set_index("codigo_meta")
    assert lights[["estado_anterior", "estado_actual"]].to_dict("index") == {
        "G1": {"estado_anterior": "verde", "estado_actual": "amarillo"},
        "G2": {"estado_anterior": "rojo", "estado_actual": "verde"},
        "G3": {"estado_anterior": "amarillo", "estado_actual": "verde"},
    }  # G4 stays rojo: not listed
    assert changes.restricciones_nuevas["codigo_restriccion"].tolist() == ["R3"]
    assert changes.restricciones_resueltas["codigo_restriccion"].tolist() == ["R1"]
    assert changes.escalar_nuevas["codigo_restriccion"].tolist() == ["R5"]
    # Due within 30 days of 10 June: H1 (20 June); H5 (15 July) is beyond.
    assert changes.hitos_proximos["codigo_hito"].tolist() == ["H1"]
    # Overdue on 10 June: H3 (since 15 May, already overdue on 3 June) and H2 (5 June: new).
    overdue = changes.hitos_atrasados.set_index("codigo_hito")["nuevo"].to_dict()
    assert overdue == {"H3": False, "H2": True}
    # K1 (due 5 June) and K4 (registered late) became overdue; K2 already was; K3 fulfilled.
    assert changes.compromisos_atrasados["codigo_compromiso"].tolist() == ["K1", "K4"]


def test_past_meeting_is_reproducible_after_later_loads(con) -> None:
    first = serialize.to_json(serialize.changes_dict(review(con, D0, D1)))
    step3(con)
    again = serialize.to_json(serialize.changes_dict(review(con, D0, D1)))
    assert again == first
    # …while a review up to a later date sees the revision.
    later = review(con, D1, date(2025, 6, 24)).semaforos.set_index("codigo_meta")
    assert later.loc["G2", "estado_actual"] == "rojo"


def test_default_dates_are_today_and_a_week_before(con) -> None:
    changes = review(con, today=D1)
    assert (changes.desde, changes.hasta) == (D0, D1)


def test_all_reported_setting_reaches_the_review(con) -> None:
    load(con, "avance_mensual", [may("G4", 10) | {"estado": "reportado"}], STEP2)
    validated = review(con, D0, D1).lights["hasta"].set_index("codigo_meta")
    everything = review(con, D0, D1, validated_only=False).lights["hasta"].set_index("codigo_meta")
    # The unvalidated 10 replaced the validated 40 (same key): only the all-figures view has
    # it; with validated figures only, G4 has no figure left for May.
    assert everything.loc["G4", "valor_actual"] == 10.0
    assert pd.isna(validated.loc["G4", "valor_actual"])
    assert validated.loc["G4", "semaforo_trayectoria"] == "sin_informacion"
