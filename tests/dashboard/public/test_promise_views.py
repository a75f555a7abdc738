"""The history of a goal's promise on its public page (dashboard.public.promise_views): shown
only for a revised goal, every promise with its date and what changed, and progress against the
original and the current promise by the thermometer's own formula (indicators.goals)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from dash import html

from dashboard.public import goal_views, promise_views
from dashboard.public.data import PROMISE_FIELDS, PublicGoal, load_goal
from indicators.goals import progress_share
from tests.support.components import browser_text, by_id, kind, text_of, walk
from warehouse.db import connect
from warehouse.scope import Scope, apply_scope

CODE = "SAL-01"  # descending: 1.980.000 → 1.500.000 personas by 31-12-2026 in the demo


@pytest.fixture(scope="module")
def page(demo_db: Path) -> PublicGoal:
    """SAL-01's public page read as the public page reads it: on a public-scope cursor."""
    con = connect(demo_db, read_only=True)
    try:
        cur = con.cursor()
        apply_scope(cur, Scope.public())
        found = load_goal(cur, CODE)
    finally:
        con.close()
    assert found is not None
    return found


def revised(page: PublicGoal) -> PublicGoal:
    """The page as if SAL-01 had first promised 2.000.000 → 1.300.000, then its baseline moved
    to 1.980.000 and later its target to 1.500.000 (today's promise, which the header shows)."""
    promises = pd.DataFrame(
        {
            "desde": pd.to_datetime(["2024-01-10 09:00", "2024-08-05 12:00", "2025-03-20 10:30"]),
            "linea_base": [2_000_000.0, 1_980_000.0, 1_980_000.0],
            "valor_meta": [1_300_000.0, 1_300_000.0, 1_500_000.0],
            "fecha_meta": pd.to_datetime(["2026-12-31"] * 3),
            "original": [True, False, False],
        }
    )
    return dataclasses.replace(page, promises=promises)


def test_the_page_reads_the_goals_promise_with_whitelisted_columns(page):
    assert list(page.promises.columns) == PROMISE_FIELDS
    first = page.promises.iloc[0]
    assert len(page.promises) == 1 and bool(first["original"]) and not page.revised
    record = page.record
    assert (first["linea_base"], first["valor_meta"]) == (
        record["linea_base"],
        record["valor_meta"],
    )
    assert first["fecha_meta"] == pd.Timestamp(record["fecha_meta"])


def test_a_goal_never_revised_has_no_section(page):
    assert promise_views.promises_section(page) is None
    view = goal_views.goal_view(page)
    assert promise_views.TITLE not in text_of(view)
    assert not [c for c in walk(view) if getattr(c, "id", None) == promise_views.GOAL_PROMISES]


def test_progress_against_both_promises_uses_the_thermometers_formula(page):
    both = revised(page)
    actual = page.national.score["valor_actual"]
    assert actual == 1_827_080.0  # the demo's latest validated figure of SAL-01 (April 2025)
    measured = promise_views.promise_progress(both)
    original = dataclasses.replace(
        page.national.goal, linea_base=2_000_000.0, valor_meta=1_300_000.0
    )
    assert measured.original == progress_share(actual, original)
    assert measured.original == pytest.approx((1_827_080 - 2_000_000) / (1_300_000 - 2_000_000))
    # Against the current promise: exactly the thermometer's avance.
    assert (
        measured.current
        == page.national.score["avance"]
        == progress_share(actual, page.national.goal)
    )
    assert measured.current == pytest.approx((1_827_080 - 1_980_000) / (1_500_000 - 1_980_000))
    text = browser_text(
        by_id(promise_views.promises_section(both), promise_views.GOAL_PROMISES_PROGRESS)
    )
    assert text.startswith(
        "Avance respecto de la meta original: 25 %; respecto de la meta vigente: 32 %."
    )
    assert "1.827.080 personas en espera (abril 2025)" in text


def test_a_revised_goal_shows_every_promise_with_its_date_and_what_changed(page):
    section = promise_views.promises_section(revised(page))
    assert section is not None and section.id == promise_views.GOAL_PROMISES
    table = by_id(section, promise_views.GOAL_PROMISES_TABLE)
    rows = [r for r in walk(table) if kind(r) == "Tr"][1:]  # after the header row
    cells = [[browser_text(td) for td in r.children] for r in rows]
    unit = " personas en espera"
    assert cells == [
        ["Promesa original", "10-01-2024", "2.000.000" + unit, "1.300.000" + unit, "31-12-2026", "—"],
        ["Cambio 1", "05-08-2024", "1.980.000" + unit, "1.300.000" + unit, "31-12-2026", "Línea base"],
        ["Cambio 2 vigente", "20-03-2025", "1.980.000" + unit, "1.500.000" + unit, "31-12-2026", "Meta"],
    ]  # fmt: skip
    marked = [browser_text(m) for m in walk(table) if isinstance(m, html.Mark)]
    assert marked == ["1.980.000" + unit, "1.500.000" + unit]  # what changed, and nothing else


def test_the_section_comes_right_after_the_header_and_the_header_keeps_the_current_promise(page):
    view = goal_views.goal_view(revised(page))
    blocks = view.children
    header = next(i for i, b in enumerate(blocks) if getattr(b, "children", None)
                  and any(getattr(c, "id", None) == goal_views.GOAL_TITLE for c in walk(b)))  # fmt: skip
    assert getattr(blocks[header + 1], "id", None) == promise_views.GOAL_PROMISES
    facts = text_of(blocks[header])
    assert "1.980.000 → 1.500.000" in facts and "→ 31-12-2026" in facts
    assert "1.300.000" not in facts


def test_a_changed_deadline_alone_is_highlighted_and_both_progress_figures_agree(page):
    promises = pd.DataFrame(
        {
            "desde": [datetime(2024, 1, 10), datetime(2025, 5, 2)],
            "linea_base": [1_980_000.0, 1_980_000.0],
            "valor_meta": [1_500_000.0, 1_500_000.0],
            "fecha_meta": pd.to_datetime(["2025-12-31", "2026-12-31"]),
            "original": [True, False],
        }
    )
    later = dataclasses.replace(page, promises=promises)
    section = promise_views.promises_section(later)
    marked = [browser_text(m) for m in walk(section) if isinstance(m, html.Mark)]
    assert marked == ["31-12-2026"]
    assert "Plazo" in text_of(section)
    measured = promise_views.promise_progress(later)
    assert measured.original == measured.current == page.national.score["avance"]


def test_without_a_validated_figure_no_progress_is_claimed(page):
    score = {**page.national.score, "valor_actual": None}
    national = dataclasses.replace(page.national, score=score)
    blank = dataclasses.replace(revised(page), national=national)
    assert promise_views.promise_progress(blank) is None
    text = browser_text(
        by_id(promise_views.promises_section(blank), promise_views.GOAL_PROMISES_PROGRESS)
    )
    assert "Aún no hay una cifra validada" in text and "%" not in text
