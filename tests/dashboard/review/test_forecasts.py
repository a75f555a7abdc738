"""The weekly review's "Precisión de los pronósticos por ministerio"
(dashboard.review.forecasts): the table's text, "sin acceso" rows, and the section on / for
presidencia and for a ministry coordinator on the demo."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.review.forecasts import TABLE_ID, TITLE, accuracy_table, read_accuracy
from indicators.forecasts import MINISTRY_COLUMNS, NO_ACCESS, OPTIMISTIC, RELIABLE, TOO_FEW
from loaders.demo.accounts import DEMO_MINISTRY
from tests.support.apps import app_on
from tests.support.components import by_id, kind, text_of, walk
from warehouse.db import connect
from warehouse.scope import MINISTERIO, Scope, apply_scope


def rows_text(tree) -> list[str]:
    return [text_of(row) for row in walk(tree) if kind(row) == "Tr"]


def test_each_ministry_with_its_pairs_error_bias_and_reading():
    frame = pd.DataFrame(
        [
            ("Ministerio A", 65, 0.083, 0.066, RELIABLE, False),
            ("Ministerio B", 1200, 1.196, 1.196, OPTIMISTIC, False),
            ("Ministerio C", 0, np.nan, np.nan, TOO_FEW, False),
            ("Ministerio D", 0, np.nan, np.nan, NO_ACCESS, True),
        ],
        columns=MINISTRY_COLUMNS,
    )
    rows = rows_text(accuracy_table(frame))
    assert rows[0] == (
        "Ministerio Pronósticos evaluados Error medio (% del cambio mensual) Sesgo Lectura"
    )
    assert rows[1] == "Ministerio A 65 8 % +7 % fiable"
    assert rows[2] == f"Ministerio B 1.200 120 % +120 % {OPTIMISTIC}"
    assert rows[3] == f"Ministerio C 0 — — {TOO_FEW}"
    assert rows[4] == "Ministerio D sin acceso sin acceso sin acceso sin acceso"


def test_no_ministry_says_so():
    tree = accuracy_table(pd.DataFrame(columns=MINISTRY_COLUMNS))
    assert "Ningún ministerio" in text_of(tree)


def test_read_as_known_at_the_review_date(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        now = read_accuracy(con, date(2025, 5, 1), date(2025, 6, 18)).set_index("ministerio")
        before = read_accuracy(con, date(2025, 5, 1), date(2025, 6, 12)).set_index("ministerio")
        cur = con.cursor()
        apply_scope(cur, Scope(MINISTERIO, ministries=(DEMO_MINISTRY,), user="ministerio"))
        mine = read_accuracy(cur, date(2025, 5, 1), date(2025, 6, 18)).set_index("ministerio")
    finally:
        con.close()
    # The second load (16 June) brought May: one more pair per goal with forecasts in April.
    assert now.loc[DEMO_MINISTRY, "pronosticos"] > before.loc[DEMO_MINISTRY, "pronosticos"]
    assert mine.loc[DEMO_MINISTRY].equals(now.loc[DEMO_MINISTRY])
    assert mine["sin_acceso"].any() and not now["sin_acceso"].any()


@pytest.fixture(scope="module")
def app(demo_db):
    with app_on(demo_db) as built:
        yield built


def review_rows(app, scope: Scope) -> list[str]:
    from dashboard.pages import weekly_review
    from dashboard.server import database

    with app.server.test_request_context("/"):
        database.set_viewer(scope)
        tree = weekly_review.layout()
    assert TITLE in text_of(tree)
    return rows_text(by_id(tree, TABLE_ID))


def test_on_the_review_presidencia_reads_every_ministry_and_a_coordinator_its_own(app):
    truth = review_rows(app, Scope.everything("presidencia"))
    assert any("Ministerio de Obras Públicas" in r and OPTIMISTIC in r for r in truth)
    assert not any(NO_ACCESS in r for r in truth)
    coordinator = review_rows(
        app, Scope(MINISTERIO, ministries=(DEMO_MINISTRY,), user="ministerio")
    )
    own = [r for r in coordinator if r.startswith(DEMO_MINISTRY)]
    assert own == [r for r in truth if r.startswith(DEMO_MINISTRY)]
    assert "fiable" in own[0]
    hidden = [r for r in coordinator if NO_ACCESS in r]
    assert hidden and all(r.count(NO_ACCESS) == 4 for r in hidden)
