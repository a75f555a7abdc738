"""Theil, Gini, CV, σ- and β-convergence against hand-worked cases, PySAL and statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from inequality.gini import Gini
from inequality.theil import Theil, TheilD

from indicators.inequality import (
    beta_convergence,
    coefficient_of_variation,
    gini,
    sigma_series,
    theil,
    theil_decomposition,
)

positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
values = st.lists(positive, min_size=2, max_size=40)
CHECKS = settings(max_examples=40, deadline=None)


def test_hand_worked_cases() -> None:
    # Two territories of equal population, b = [1, 3]: s = [.25, .75], q = [.5, .5]
    # T = .25 ln .5 + .75 ln 1.5
    assert theil(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == pytest.approx(
        0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    )
    # Coverage [1, 3], equal weights: mean 2, sd 1 → CV 0.5; Gini = (.25 · 2 · 2) / (2 · 2) = .25
    assert coefficient_of_variation(np.array([1.0, 3.0]), np.array([5.0, 5.0])) == 0.5
    assert gini(np.array([1.0, 3.0]), np.array([5.0, 5.0])) == pytest.approx(0.25)
    # Coverage [0, 10] with populations 3 and 1: mean 2.5;
    # Σ Σ q_i q_j |c_i − c_j| = 2 · .75 · .25 · 10 = 3.75 → Gini = 3.75 / 5 = .75
    assert gini(np.array([0.0, 10.0]), np.array([3.0, 1.0])) == pytest.approx(0.75)


def test_unknown_population_is_left_out_not_counted_as_zero() -> None:
    b = np.array([1.0, 3.0, 50.0])
    n = np.array([1.0, 1.0, np.nan])
    assert theil(b, n) == theil(b[:2], n[:2])
    assert gini(np.array([1.0, 3.0, 9.0]), np.array([2.0, 2.0, 0.0])) == pytest.approx(0.25)


def test_zero_beneficiaries_everywhere_is_undefined() -> None:
    assert math.isnan(theil(np.zeros(3), np.ones(3)))
    assert math.isnan(gini(np.zeros(3), np.ones(3)))


@CHECKS
@given(values)
def test_theil_and_gini_equal_pysal_with_equal_populations(b: list[float]) -> None:
    y = np.array(b)
    ones = np.ones_like(y)
    assert theil(y, ones) == pytest.approx(float(Theil(y).T), rel=1e-9, abs=1e-12)
    assert gini(y, ones) == pytest.approx(float(Gini(y).g), rel=1e-9, abs=1e-12)


@CHECKS
@given(st.lists(st.tuples(positive, st.integers(1, 6)), min_size=2, max_size=15))
def test_weighted_measures_equal_pysal_on_replicated_territories(pairs) -> None:
    # A territory of population k with coverage c counts like k people of coverage c each.
    c = np.array([p[0] for p in pairs])
    n = np.array([p[1] for p in pairs], dtype=float)
    replicated = np.repeat(c, n.astype(int))
    assert theil(c * n, n) == pytest.approx(float(Theil(replicated).T), rel=1e-9, abs=1e-12)
    assert gini(c, n) == pytest.approx(float(Gini(replicated).g), rel=1e-9, abs=1e-12)


@CHECKS
@given(values, st.data())
def test_decomposition_identity(b: list[float], data: st.DataObject) -> None:
    y = np.array(b)
    n = np.array(data.draw(st.lists(positive, min_size=len(b), max_size=len(b))))
    groups = np.array(data.draw(st.lists(st.sampled_from("ABC"), min_size=len(b), max_size=len(b))))
    parts = theil_decomposition(y, n, groups)
    assert parts.between + parts.within == pytest.approx(parts.total, abs=1e-12)
    assert parts.total == pytest.approx(theil(y, n), abs=1e-12)
    assert parts.between >= -1e-12 and parts.within >= -1e-12


@CHECKS
@given(values, st.data())
def test_between_groups_equals_pysal_with_equal_populations(b: list[float], data) -> None:
    y = np.array(b)
    groups = np.array(data.draw(st.lists(st.sampled_from("AB"), min_size=len(b), max_size=len(b))))
    parts = theil_decomposition(y, np.ones_like(y), groups)
    pysal = TheilD(y, groups)
    assert parts.between == pytest.approx(float(np.ravel(pysal.bg)[0]), rel=1e-9, abs=1e-12)


@CHECKS
@given(values, st.data(), st.floats(min_value=1e-3, max_value=1e3))
def test_scale_invariance(b: list[float], data: st.DataObject, k: float) -> None:
    y = np.array(b)
    n = np.array(data.draw(st.lists(positive, min_size=len(b), max_size=len(b))))
    c = y / n
    assert theil(k * y, n) == pytest.approx(theil(y, n), rel=1e-9, abs=1e-12)
    assert gini(k * c, n) == pytest.approx(gini(c, n), rel=1e-9, abs=1e-12)
    assert coefficient_of_variation(k * c, n) == pytest.approx(
        coefficient_of_variation(c, n), rel=1e-9, abs=1e-12
    )


@CHECKS
@given(values, st.floats(min_value=0.01, max_value=100))
def test_theil_is_zero_when_shares_match_population(n: list[float], rate: float) -> None:
    population = np.array(n)
    assert theil(rate * population, population) == pytest.approx(0.0, abs=1e-12)


@CHECKS
@given(values, st.data())
def test_theil_is_non_negative(b: list[float], data: st.DataObject) -> None:
    n = np.array(data.draw(st.lists(positive, min_size=len(b), max_size=len(b))))
    assert theil(np.array(b), n) >= -1e-12


def test_sigma_series_and_slope() -> None:
    # 2020: coverage [1, 3] → CV .5 ; 2021: [2, 3] → mean 2.5, sd .5 → CV .2; slope −.3.
    panel = pd.DataFrame(
        {
            "anio": [2020, 2020, 2021, 2021],
            "cobertura": [1.0, 3.0, 2.0, 3.0],
            "poblacion": [10.0, 10.0, 10.0, 10.0],
        }
    )
    series, slope = sigma_series(panel)
    assert series["anio"].tolist() == [2020, 2021]
    assert series["cv"].tolist() == pytest.approx([0.5, 0.2])
    assert slope == pytest.approx(-0.3)


@CHECKS
@given(st.lists(st.tuples(positive, positive), min_size=3, max_size=30, unique_by=lambda p: p[0]))
def test_beta_agrees_with_statsmodels(pairs) -> None:
    c0 = np.array([p[0] for p in pairs])
    c1 = np.array([p[1] for p in pairs])
    result = beta_convergence(c0, c1, 2018, 2023)
    x, y = np.log(c0), np.log(c1 / c0) / 5
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    assert result is not None and result.n == len(pairs)
    assert result.beta == pytest.approx(fit.params[1], rel=1e-7, abs=1e-9)
    assert result.alfa == pytest.approx(fit.params[0], rel=1e-7, abs=1e-9)
    if np.isfinite(fit.bse[1]):
        assert result.error_estandar == pytest.approx(fit.bse[1], rel=1e-6, abs=1e-9)
    if np.isfinite(fit.rsquared) and np.sum((y - y.mean()) ** 2) > 1e-18:
        assert result.r2 == pytest.approx(fit.rsquared, rel=1e-6, abs=1e-9)


def test_beta_hand_worked_and_edge_cases() -> None:
    # Lagging territories grow faster: c0 = [1, e, e²], c1 = [e², e², e²] over 2 years:
    # g = [1, .5, 0] on ln c0 = [0, 1, 2] → β = −0.5 exactly, perfect fit.
    e = math.e
    result = beta_convergence(np.array([1, e, e * e]), np.array([e * e] * 3), 2020, 2022)
    assert result.beta == pytest.approx(-0.5) and result.r2 == pytest.approx(1.0)
    assert result.error_estandar == pytest.approx(0.0, abs=1e-12)
    # Territories with zero coverage in either year are left out; fewer than 3 → None.
    assert (
        beta_convergence(np.array([1.0, 0.0, 2.0]), np.array([1.0, 1.0, 0.0]), 2020, 2022) is None
    )
    assert (
        beta_convergence(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]), 2022, 2022) is None
    )
