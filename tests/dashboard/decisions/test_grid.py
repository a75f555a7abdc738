"""The decisions grid's rows (dashboard.decisions.grid): states in words, overdue ones with
their days, dates the Chilean way, who and when for recording and closing."""

from __future__ import annotations

import pandas as pd

from dashboard.decisions.grid import count_text, grid_rows, state_text

FRAME = pd.DataFrame(
    {
        "id": [1, 2],
        "estado": ["vencida", "cerrada"],
        "dias_vencida": [3, None],
        "codigo_restriccion": ["R-011", "R-005"],
        "codigo_meta": ["SAL-01", "DES-01"],
        "nombre_meta": ["Lista de espera", None],
        "ministerio": ["Ministerio de Salud", None],
        "texto": ["Transferir", "Licitar"],
        "responsable": ["Ministerio de Salud", "presidencia"],
        "vence": pd.to_datetime(["2026-12-04", "2026-12-20"]),
        "creada_en": pd.to_datetime(["2026-12-01 15:00", "2026-12-01 15:00"]),
        "creada_por": ["presidencia", "presidencia"],
        "cerrada_en": pd.to_datetime([None, "2026-12-05 15:00"]),
        "cerrada_por": [None, "presidencia"],
        "resultado": [None, "Adjudicada"],
    }
)


def test_rows_say_the_state_dates_and_who():
    overdue, closed = grid_rows(FRAME)
    assert overdue["estado_texto"] == "Vencida (hace 3 días)"
    assert (overdue["vence"], overdue["vence_texto"]) == ("2026-12-04", "04-12-2026")
    assert overdue["registrada_texto"] == "01-12-2026 12:00 · presidencia"  # Chile: UTC−3
    assert overdue["cerrada_texto"] == "—" and overdue["resultado"] == ""
    assert closed["estado_texto"] == "Cerrada" and closed["resultado"] == "Adjudicada"
    assert closed["ministerio"] is None and closed["cerrada_texto"].endswith("· presidencia")


def test_state_and_count_in_words():
    assert state_text("vencida", 1) == "Vencida (hace 1 día)"
    assert state_text("abierta", None) == "Abierta"
    assert count_text(0) == "Ninguna decisión con estos filtros."
    assert (count_text(1), count_text(4)) == ("1 decisión.", "4 decisiones.")
