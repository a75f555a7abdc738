"""indicators.forecasts on hand-worked series: pairs, the last month's card, accuracy and bias
(perfect, optimistic, pessimistic, no change, no pairs), and "sin acceso" over hidden rows."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from indicators.forecasts import (
    IMPRECISE,
    NO_ACCESS,
    NO_CHANGE,
    OPTIMISTIC,
    PESSIMISTIC,
    RELIABLE,
    TOO_FEW,
    accuracy,
    forecast_pairs,
    goal_forecast,
    ministry_accuracy,
)

NAN = np.nan


def series(
    actual: list[float],
    forecast: list[float],
    *,
    code: str = "G-01",
    ministry: str = "Ministerio A",
    sentido: str = "ascendente",
    region: str | None = None,
    legible: list[bool] | None = None,
    start: str = "2025-01-01",
) -> pd.DataFrame:
    months = pd.date_range(start, periods=len(actual), freq="MS")
    return pd.DataFrame(
        {
            "codigo_meta": code,
            "ministerio": ministry,
            "sentido": sentido,
            "mes": months,
            "region": region,
            "valor_real": actual,
            "pronostico": forecast,
            "legible": legible if legible is not None else [True] * len(actual),
        }
    )


def test_a_pair_is_a_forecast_with_the_month_before_and_the_month_after_known():
    rows = series([10, 12, 15, NAN, 20], [12, 16, 14, 19, 22])
    pairs = forecast_pairs(rows)
    # Jan→Feb: F 12, A 12 (change +2); Feb→Mar: F 16, A 15 (change +3). Mar→Apr: no actual in
    # April; Apr has no actual to start from; May's forecast is of a month not yet reported.
    assert pairs["mes"].dt.month.tolist() == [1, 2]
    assert pairs["error"].tolist() == [0.0, 1.0]
    assert pairs["cambio"].tolist() == [2.0, 3.0]
    assert pairs["direccion_acertada"].tolist() == [True, True]


def test_a_skipped_month_makes_no_pair():
    rows = series([10, 12, 14], [12, 14, 16]).drop(index=1)
    assert forecast_pairs(rows).empty


def test_perfect_forecasts_are_reliable_with_no_error_and_no_bias():
    rows = series([10, 12, 15, 15, 18], [12, 15, 15, 18, 20])
    found = accuracy(forecast_pairs(rows))
    assert (found.pairs, found.error, found.bias, found.reading) == (4, 0.0, 0.0, RELIABLE)


def test_an_optimistic_ministry_forecasts_above_what_came():
    # Changes +2, +2, +2, +2 (Σ|c| = 8); each forecast promised +4: errors +2 each (Σ = 8).
    rows = series([10, 12, 14, 16, 18], [14, 16, 18, 20, NAN])
    found = accuracy(forecast_pairs(rows))
    assert found.pairs == 4
    assert found.error == pytest.approx(8 / 8)
    assert found.bias == pytest.approx(8 / 8)
    assert found.reading == OPTIMISTIC


def test_for_a_descending_goal_optimistic_means_forecasting_below():
    # A waiting list falling by 10 a month; the forecasts promised it would fall by 15.
    rows = series([100, 90, 80, 70], [85, 75, 65, NAN], sentido="Descendente")
    found = accuracy(forecast_pairs(rows))
    assert found.error == pytest.approx(15 / 30)
    assert found.bias == pytest.approx(15 / 30)  # d = −1 times errors of −5
    assert found.reading == OPTIMISTIC


def test_a_pessimistic_and_an_imprecise_reading():
    pessimistic = series([10, 12, 14, 16], [11, 13, 15, NAN])  # errors −1 each, changes 2
    found = accuracy(forecast_pairs(pessimistic))
    assert found.bias == pytest.approx(-3 / 6)
    assert found.reading == PESSIMISTIC
    # Errors +2, −2, +2, −2 on changes of 2: error 100 %, bias 0.
    imprecise = series([10, 12, 14, 16, 18], [14, 12, 18, 16, NAN])
    found = accuracy(forecast_pairs(imprecise))
    assert (found.error, found.bias, found.reading) == (1.0, 0.0, IMPRECISE)


def test_zero_change_reads_perfect_when_no_error_and_unmeasurable_otherwise():
    flat = series([5, 5, 5, 5], [5, 5, 5, NAN])
    assert accuracy(forecast_pairs(flat)).error == 0.0
    wrong = series([5, 5, 5, 5], [6, 5, 5, NAN])
    found = accuracy(forecast_pairs(wrong))
    assert np.isnan(found.error) and found.reading == NO_CHANGE
    # One month without change among others: the ratio of sums stays finite.
    mixed = series([5, 5, 7, 9], [6, 7, 9, NAN])
    assert accuracy(forecast_pairs(mixed)).error == pytest.approx(1 / 4)


def test_no_pairs_and_too_few_pairs():
    found = accuracy(forecast_pairs(series([10, 12, 14], [NAN, NAN, NAN])))
    assert found.pairs == 0 and np.isnan(found.error) and found.reading == TOO_FEW
    two = accuracy(forecast_pairs(series([10, 12, 14], [12, 14, NAN])))
    assert (two.pairs, two.error, two.reading) == (2, 0.0, TOO_FEW)


def test_the_last_months_forecast_against_what_happened():
    rows = series([10, 12, 15, 15, 18], [12, 15, 15, 21, NAN])
    card = goal_forecast(rows)
    assert card.month == date(2025, 5, 1) and card.state == "ok"
    assert (card.forecast, card.actual, card.error) == (21.0, 18.0, 3.0)
    assert card.direction_right is True
    assert card.accuracy is not None and card.accuracy.pairs == 4
    # As of March: the forecast given in February for March.
    march = goal_forecast(rows, date(2025, 3, 1))
    assert (march.month, march.forecast, march.actual, march.error) == (date(2025, 3, 1), 15, 15, 0)


def test_no_forecast_for_the_last_month_and_no_report_at_all():
    card = goal_forecast(series([10, 12, 15], [12, NAN, NAN]))
    assert (card.month, card.state, card.actual) == (date(2025, 3, 1), "sin_pronostico", 15.0)
    nothing = goal_forecast(series([NAN, NAN], [NAN, NAN]))
    assert nothing.month is None and nothing.state == "sin_pronostico"


def test_a_hidden_month_makes_the_card_and_the_accuracy_no_access_never_an_older_month():
    # The viewer's scope blanked May (an unvalidated figure of another ministry's goal).
    rows = series([10, 12, 15, 15, NAN], [12, 15, 15, NAN, NAN], legible=[True] * 4 + [False])
    card = goal_forecast(rows)
    assert (card.month, card.state) == (date(2025, 5, 1), "sin_acceso")
    assert np.isnan(card.forecast) and np.isnan(card.error)
    assert card.accuracy is not None and card.accuracy.hidden
    assert card.accuracy.reading == NO_ACCESS


def test_national_rows_only_unless_the_goal_has_only_one_regions():
    national = series([10, 12, 14], [12, 14, NAN])
    regional = series([1, 9, 1], [5, 5, NAN], region="05")
    assert forecast_pairs(pd.concat([national, regional]))["error"].tolist() == [0.0, 0.0]
    only_region = series([1, 2, 3], [2, 4, NAN], code="G-02", region="05")
    assert forecast_pairs(only_region)["error"].tolist() == [0.0, 1.0]


def test_ministries_pool_their_goals_pairs_and_a_hidden_goal_hides_the_ministry():
    a1 = series([10, 12, 14, 16], [12, 14, 16, NAN], code="A-01")  # perfect: Σ|c| 6
    a2 = series([0, 10, 20, 30], [20, 30, 40, NAN], code="A-02")  # +10 each: Σ|c| 30
    b1 = series([10, 12, 14, 16], [12, 14, 16, NAN], code="B-01", ministry="Ministerio B")
    b2 = series([1, 2, 3, 4], [2, 3, NAN, NAN], code="B-02", ministry="Ministerio B",
                legible=[True, True, True, False])  # fmt: skip
    table = ministry_accuracy(pd.concat([a1, a2, b1, b2])).set_index("ministerio")
    a = table.loc["Ministerio A"]
    assert a["pronosticos"] == 6
    assert a["error_relativo"] == pytest.approx(30 / 36)
    assert a["sesgo"] == pytest.approx(30 / 36)
    assert a["lectura"] == OPTIMISTIC and not a["sin_acceso"]
    b = table.loc["Ministerio B"]
    assert b["sin_acceso"] and b["lectura"] == NO_ACCESS and np.isnan(b["error_relativo"])


def test_no_rows_no_ministries():
    assert ministry_accuracy(series([], [])).empty
