"""The "Pendientes" panel's builder: each note links to its goal, an overdue "revisar el" is
flagged, the count is in the title, and an empty inbox says so."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.notes import ids
from dashboard.notes.pending import MAX_LISTED, pending_card
from tests.support.components import text_of, walk

TODAY = date(2025, 6, 18)


def notes(count: int, review: str | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": range(1, count + 1),
            "codigo_meta": ["SAL-02"] * count,
            "codigo_restriccion": ["R-045"] + [None] * (count - 1),
            "texto": ["x" * 300] + ["Breve"] * (count - 1),
            "autor": ["presidencia"] * count,
            "para": ["gerente"] * count,
            "revisar_el": pd.to_datetime([review] * count),
        }
    )


def test_an_overdue_note_is_flagged_and_links_to_its_goal():
    card = pending_card(notes(2, "2025-06-10"), TODAY)
    shown = text_of(card)
    assert card.id == ids.PENDING
    assert "Pendientes (2)" in shown
    assert "SAL-02 · restricción R-045" in shown and "Revisar el 10-06-2025 (vencida)" in shown
    assert "x" * 139 + "…" in shown  # long text cut
    assert [c.href for c in walk(card) if type(c).__name__ == "Link"] == ["/meta/SAL-02"] * 2


def test_a_note_due_later_is_not_overdue_and_long_lists_are_cut():
    shown = text_of(pending_card(notes(MAX_LISTED + 3, "2025-06-20"), TODAY))
    assert "(vencida)" not in shown and "Revisar el 20-06-2025" in shown
    assert "y 3 más." in shown


def test_nothing_pending_is_said():
    assert "No tiene notas pendientes." in text_of(pending_card(pd.DataFrame(), TODAY))
