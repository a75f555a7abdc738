"""The pack's sections that need no warehouse: the decisions hook and the viewer's scope."""

from __future__ import annotations

from datetime import date

from dashboard.meeting_pack.sections import decisions_section, scope_text
from warehouse.scope import MINISTERIO, REGION, Scope


def test_decisions_are_listed_with_the_overdue_ones_flagged():
    html = decisions_section(
        [
            {"codigo_meta": "SAL-01", "texto": "Reasignar <fondos>", "responsable": "MINSAL",
             "fecha_compromiso": date(2025, 6, 1), "vencida": True},
            {"texto": "Convocar mesa", "responsable": "presidencia",
             "fecha_compromiso": date(2025, 7, 1), "vencida": False},
        ]
    )  # fmt: skip
    assert "Reasignar &lt;fondos&gt;" in html and "01-06-2025" in html
    assert html.count(">vencida<") == 1 and html.count(">abierta<") == 1
    assert '<span class="count">2</span>' in html


def test_no_decision_reads_as_none_in_words():
    assert "No hay decisiones abiertas ni vencidas." in decisions_section([])


def test_the_scope_says_what_the_account_may_read():
    ministry = Scope(MINISTERIO, ("Ministerio de Salud",), user="ministerio")
    assert scope_text(ministry, {}).startswith("ministerio — Coordinación ministerial (Ministerio")
    region = Scope(REGION, region="05", user="region")
    assert "(Valparaíso)" in scope_text(region, {"05": "Valparaíso"})
