"""warehouse.forecasts on the demo warehouse: `legible` is exactly the scope's masking, and a
forecast over an unvalidated figure is presidencia's and its manager's, "sin acceso" for an
analyst; reads as known at a date."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from indicators.forecasts import goal_forecast, ministry_accuracy
from loaders.demo.accounts import DEMO_GOALS, DEMO_MINISTRY, DEMO_REGION
from warehouse.db import connect
from warehouse.figure_access import ALL, FIGURE_ACCESS, FORECASTS, HIDDEN
from warehouse.forecasts import forecast_rows
from warehouse.scope import (
    ADMIN,
    ANALISTA,
    GERENTE,
    MINISTERIO,
    PRESIDENCIA,
    PUBLICO,
    REGION,
    Scope,
    apply_scope,
)

VIEWERS = {
    PRESIDENCIA: Scope.everything("presidencia"),
    MINISTERIO: Scope(MINISTERIO, ministries=(DEMO_MINISTRY,), user="ministerio"),
    REGION: Scope(REGION, region=DEMO_REGION, user="region"),
    ANALISTA: Scope(ANALISTA, user="analista"),
    ADMIN: Scope(ADMIN, user="admin"),
    GERENTE: Scope(GERENTE, user="gerente", goals=DEMO_GOALS),
    PUBLICO: Scope.public(),
}
GOAL = DEMO_GOALS[0]  # SAL-01: its last month is still `reportado` in the demo
KEY = ["codigo_meta", "mes", "region"]


@pytest.fixture(scope="module")
def con(demo_db: Path):
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


def scoped(con: duckdb.DuckDBPyConnection, role: str) -> duckdb.DuckDBPyConnection:
    cur = con.cursor()
    apply_scope(cur, VIEWERS[role])
    return cur


@pytest.mark.parametrize("role", list(VIEWERS))
def test_legible_is_exactly_what_the_scope_leaves_unmasked(con, role):
    truth = forecast_rows(con).set_index(KEY)
    seen = forecast_rows(scoped(con, role)).set_index(KEY)
    assert seen.index.equals(truth.index)
    hidden = ~seen["legible"]
    decision = FIGURE_ACCESS[FORECASTS][role]
    if decision == HIDDEN:  # the public: no page shows forecasts to citizens
        assert hidden.all()
        return
    # "cifras que lee": hidden exactly where the scope blanked the figures.
    assert seen.loc[hidden, ["valor_real", "pronostico"]].isna().all().all()
    for column in ("valor_real", "pronostico"):
        pd.testing.assert_series_equal(seen.loc[~hidden, column], truth.loc[~hidden, column])
    # Every row whose figure differs from presidencia's is marked hidden: nothing blank passes
    # for "not reported".
    blanked = truth["valor_real"].notna() & seen["valor_real"].isna()
    assert hidden[blanked].all()
    if decision == ALL:
        assert not hidden.any()
    elif role in (ANALISTA, ADMIN):
        assert (hidden == (truth["estado"] != "validado")).all()


def test_an_unvalidated_forecast_is_presidencias_and_its_managers_never_the_analysts(con):
    truth = forecast_rows(con, GOAL)
    last = truth[truth["region"].isna() & truth["valor_real"].notna()].iloc[-1]
    assert last["estado"] == "reportado", "the demo's SAL-01 has its last month unvalidated"
    cards = {
        role: goal_forecast(forecast_rows(scoped(con, role), GOAL))
        for role in (PRESIDENCIA, GERENTE, MINISTERIO, ANALISTA)
    }
    assert cards[PRESIDENCIA].state == "ok"
    assert cards[PRESIDENCIA].actual == last["valor_real"]
    assert not np.isnan(cards[PRESIDENCIA].accuracy.error)
    assert cards[GERENTE] == cards[PRESIDENCIA]
    assert cards[MINISTERIO] == cards[PRESIDENCIA]
    analyst = cards[ANALISTA]
    assert analyst.state == "sin_acceso" and analyst.month == cards[PRESIDENCIA].month
    assert np.isnan(analyst.forecast) and np.isnan(analyst.actual)
    assert analyst.accuracy.hidden


def test_a_goal_with_every_figure_validated_reads_the_same_for_the_analyst(con):
    truth = forecast_rows(con)
    national = truth[truth["region"].isna()]
    done = national.groupby("codigo_meta")["estado"].apply(lambda s: (s == "validado").all())
    validated = [code for code in done[done].index if national.loc[
        national["codigo_meta"] == code, "pronostico"].notna().any()]  # fmt: skip
    assert validated, "the demo has a goal with forecasts and every figure validated"
    code = validated[0]
    analyst = goal_forecast(forecast_rows(scoped(con, ANALISTA), code))
    assert analyst == goal_forecast(forecast_rows(con, code))
    assert analyst.state in ("ok", "sin_pronostico") and not analyst.accuracy.hidden


def test_a_coordinator_reads_its_ministrys_accuracy_and_no_access_where_it_cannot_read(con):
    everything = ministry_accuracy(forecast_rows(con)).set_index("ministerio")
    mine = ministry_accuracy(forecast_rows(scoped(con, MINISTERIO))).set_index("ministerio")
    assert mine.index.equals(everything.index)
    assert mine.loc[DEMO_MINISTRY].equals(everything.loc[DEMO_MINISTRY])
    assert not everything["sin_acceso"].any()
    others = mine.drop(index=DEMO_MINISTRY)
    assert others["sin_acceso"].any(), "some ministry has unvalidated figures in the demo"
    for ministry, row in others.iterrows():
        if row["sin_acceso"]:
            assert np.isnan(row["error_relativo"]) and row["lectura"] == "sin acceso"
        else:  # every figure of its goals validated: presidencia's figure, not a part of it
            assert row.equals(everything.loc[ministry])


def test_rows_as_known_at_a_date_and_up_to_a_month(con):
    # The demo's first load (9 June) brought progress up to April; the second (16 June), May.
    before = forecast_rows(con, GOAL, known_at=datetime(2025, 6, 12))
    assert before["mes"].max() == pd.Timestamp(2025, 4, 1)
    card = goal_forecast(before)
    assert card.month == date(2025, 4, 1)
    until = forecast_rows(con, GOAL, until=date(2025, 3, 1))
    assert until["mes"].max() == pd.Timestamp(2025, 3, 1)
    assert set(forecast_rows(con)["codigo_meta"]) >= set(DEMO_GOALS)
