"""Weekly review changes on a small history loaded in two steps (and a third, later one).

Meetings on Tuesday 3 June and Tuesday 10 June 2025; both judge goals at May 2025.
Step 1 is loaded on 2 June, step 2 on 9 June, step 3 (a later revision) on 20 June.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicators import serialize
from indicators.goal_report import review, snapshot
from indicators.review import review_month
from tests.support.review_history import D0, D1, STEP2, may, step1, step2, step3
from tests.support.tiny_warehouse import load, open_copy


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
