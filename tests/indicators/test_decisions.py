"""Escalated bottlenecks waiting for a decision (indicators.decisions): since they were
escalated (fecha_alerta + 31 days), or since their last decision closed; none while a decision
is open; "sin decisión" from WEEKS_WITHOUT_DECISION whole weeks."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from indicators.decisions import WEEKS_WITHOUT_DECISION, waiting_for_decision

ESCALATED = pd.DataFrame(
    {
        "codigo_restriccion": ["R-1", "R-2", "R-3", "R-4"],
        "fecha_alerta": pd.to_datetime(["2025-04-01", "2025-04-01", "2025-04-01", "2025-05-01"]),
    }
)
DECISIONS = pd.DataFrame(
    {
        "id": [1, 2],
        "codigo_restriccion": ["R-2", "R-3"],
        "estado": ["vencida", "cerrada"],
        "cerrada_en": [pd.NaT, pd.Timestamp(datetime(2025, 6, 5, 15))],
    }
)


def test_weeks_without_an_open_decision():
    found = waiting_for_decision(ESCALATED, DECISIONS, date(2025, 6, 18)).set_index(
        "codigo_restriccion"
    )
    # escalated on 2 May (1 April + 31 days): 47 days → 6 whole weeks.
    assert found.loc["R-1", "esperando_desde"] == pd.Timestamp("2025-05-02")
    assert found.loc["R-1", "semanas_sin_decision"] == 6 and found.loc["R-1", "sin_decision"]
    # an open (even overdue) decision: not waiting.
    assert found.loc["R-2", "decision_abierta"] == 1 and not found.loc["R-2", "sin_decision"]
    assert pd.isna(found.loc["R-2", "semanas_sin_decision"])
    # its decision closed on 5 June: waiting again since then, 1 week: not yet 2.
    assert found.loc["R-3", "esperando_desde"] == pd.Timestamp("2025-06-05")
    assert found.loc["R-3", "semanas_sin_decision"] == 1 and not found.loc["R-3", "sin_decision"]
    # escalated on 1 June: 17 days, 2 whole weeks → shown.
    assert found.loc["R-4", "semanas_sin_decision"] == WEEKS_WITHOUT_DECISION
    assert found.loc["R-4", "sin_decision"]


def test_nothing_escalated_gives_an_empty_frame():
    found = waiting_for_decision(ESCALATED.iloc[:0], DECISIONS.iloc[:0], date(2025, 6, 18))
    assert found.empty and "sin_decision" in found
