"""The work loop read from a figure's versions (indicators.figure_steps), by hand."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from indicators.figure_steps import (
    CORRECTED,
    REPORTED,
    RETURNED,
    VALIDATED,
    due_months,
    figure_steps,
    last_closed_month,
    unusual_jump,
)


def figures(rows: list[tuple[str, str | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"mes": pd.Timestamp(m), "region": r, "valor_real": v} for m, r, v in rows]
    )


def test_the_last_closed_month_is_the_one_before_today():
    assert last_closed_month(date(2025, 7, 2)) == date(2025, 6, 1)
    assert last_closed_month(date(2025, 1, 31)) == date(2024, 12, 1)


def test_owed_months_are_closed_months_without_a_value_nationally_and_by_region():
    rows = figures([
        ("2025-04-01", None, 10.0), ("2025-04-01", "05", 4.0),
        ("2025-05-01", None, 11.0), ("2025-05-01", "05", None),
    ])  # fmt: skip
    owed = due_months(rows, date(2025, 4, 1), date(2026, 12, 31), date(2025, 7, 2))
    assert owed == [(date(2025, 5, 1), "05"), (date(2025, 6, 1), None), (date(2025, 6, 1), "05")]


def test_nothing_is_owed_before_the_goal_starts_after_its_deadline_or_beyond_the_window():
    rows = figures([])
    assert due_months(rows, date(2025, 8, 1), date(2026, 1, 1), date(2025, 7, 2)) == []
    late = due_months(rows, date(2020, 1, 1), date(2025, 3, 31), date(2025, 7, 2), window=2)
    assert late == [(date(2025, 2, 1), None), (date(2025, 3, 1), None)]


def versions(*steps: tuple[str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"valid_from": pd.Timestamp(at), "estado": state, "valor_real": 100.0,
             "usuario": "gerente", "revisado_por": "coordinadora", "comentario": "nota",
             "motivo": reason}
            for at, state, reason in steps
        ]
    )  # fmt: skip


def test_steps_name_the_return_and_the_correction_and_count_the_days_waited():
    steps = figure_steps(
        versions(
            ("2025-07-01 10:00", "reportado", None),
            ("2025-07-04 10:00", "devuelto", "Revise"),
            ("2025-07-05 12:00", "reportado", None),
            ("2025-07-15 09:00", "validado", None),
        ),
        datetime(2025, 7, 20, 9, 0),
    )
    assert [s.label for s in steps] == [REPORTED, RETURNED, CORRECTED, VALIDATED]
    assert [s.days_waited for s in steps] == [3, 1, 9, 5]
    assert [s.who for s in steps] == ["gerente", "coordinadora", "gerente", "coordinadora"]
    assert steps[1].comment == "Revise"
    assert [s.current for s in steps] == [False, False, False, True]


def test_a_jump_beyond_three_times_the_largest_monthly_change_stands_out():
    history = pd.Series([100.0, 104.0, 101.0, 105.0])  # largest change 4
    assert unusual_jump(history, 116.0) is None  # 11 <= 12
    assert "más de 3 veces" in (unusual_jump(history, 118.0) or "")
    assert unusual_jump(pd.Series([100.0, 101.0]), 500.0) is None  # too short to say
