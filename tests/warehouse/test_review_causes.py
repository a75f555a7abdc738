"""The changed row versions between two review instants, read as the weekly pack reads them."""

from __future__ import annotations

from indicators import goal_report
from indicators.months import knowledge_instant
from indicators.review_causes import REPORT, REVISION
from tests.support import review_history as h
from tests.support.tiny_warehouse import load, open_copy
from warehouse.review_causes import changed_progress


def test_only_versions_that_changed_between_the_reviews_are_read(reference_db, tmp_path):
    con = open_copy(reference_db, tmp_path)
    h.step1(con)
    h.step2(con)
    h.step3(con)
    rows = changed_progress(con, knowledge_instant(h.D0), knowledge_instant(h.D1))
    # G2's May figure: 25 known on 3 June, 38 on 10 June; step 3 (20 June) is after both.
    assert rows[["codigo_meta", "valor_real", "antes", "despues"]].values.tolist() == [
        ["G2", 25.0, True, False],
        ["G2", 38.0, False, True],
    ]


def test_the_revision_of_may_is_a_revision_and_a_new_month_a_report(reference_db, tmp_path):
    con = open_copy(reference_db, tmp_path)
    h.step1(con)
    h.step2(con)
    load(con, "avance_mensual", [h.may("G3", 40) | {"mes": h.date(2025, 6, 1)}], h.STEP2)
    found = goal_report.review_causes(con, h.D0, h.D1)
    assert found[["codigo_meta", "causa", "antes", "despues"]].values.tolist() == [
        ["G2", REVISION, 25.0, 38.0],
        ["G3", REPORT, None, 40.0],
    ]
