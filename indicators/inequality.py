"""Inequality and convergence of coverage across territories (indicators.md, Territory).

Inputs are arrays aligned by territory: beneficiaries b (or coverage c) and population n.
Territories with unknown or zero population are dropped first (`_valid`): their coverage is
undefined, and counting them as zero would invent inequality. All functions are vectorised
(numpy), so a series of years over 345 comunas costs microseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.projection import ols_line


@dataclass(frozen=True)
class TheilDecomposition:
    total: float
    between: float
    within: float


@dataclass(frozen=True)
class BetaConvergence:
    beta: float
    error_estandar: float
    r2: float
    n: int
    alfa: float
    anio_inicial: int
    anio_final: int


def _valid(*arrays: np.ndarray, population: np.ndarray) -> list[np.ndarray]:
    keep = np.isfinite(population) & (population > 0)
    for array in arrays:
        keep &= np.isfinite(array)
    return [np.asarray(a, dtype=float)[keep] for a in (*arrays, population)]


def theil(beneficiaries: np.ndarray, population: np.ndarray) -> float:
    """T = Σ s_i ln(s_i / q_i), with 0 · ln 0 = 0. NaN when nobody benefits."""
    b, n = _valid(np.asarray(beneficiaries, float), population=np.asarray(population, float))
    return _theil(b, n)


def _theil(b: np.ndarray, n: np.ndarray) -> float:
    total_b, total_n = b.sum(), n.sum()
    if total_b <= 0 or total_n <= 0:
        return math.nan
    s, q = b / total_b, n / total_n
    positive = s > 0
    return float(np.sum(s[positive] * np.log(s[positive] / q[positive])))


def theil_decomposition(
    beneficiaries: np.ndarray, population: np.ndarray, groups: np.ndarray
) -> TheilDecomposition:
    """T = T_between + Σ_g S_g T_g, T_between on the group aggregates (B_g, N_g)."""
    b = np.asarray(beneficiaries, float)
    n = np.asarray(population, float)
    keep = np.isfinite(b) & np.isfinite(n) & (n > 0)
    fb, fn = b[keep], n[keep]
    total = _theil(fb, fn)
    # Groups in sorted order; a row without a group (-1) counts in T but in no group.
    group, _ = pd.factorize(np.asarray(groups, dtype=object)[keep], sort=True)
    grouped = group >= 0
    sum_b = np.bincount(group[grouped], weights=fb[grouped])
    sum_n = np.bincount(group[grouped], weights=fn[grouped])
    between = _theil(sum_b, sum_n)
    if math.isnan(total):
        return TheilDecomposition(math.nan, math.nan, math.nan)
    # Σ_g S_g T_g = Σ_i (b_i / B) ln((b_i / B_g) / (n_i / N_g)), over b_i > 0.
    group_b = np.where(grouped, sum_b[np.maximum(group, 0)] if sum_b.size else np.nan, np.nan)
    group_n = np.where(grouped, sum_n[np.maximum(group, 0)] if sum_n.size else np.nan, np.nan)
    positive = fb > 0
    terms = (
        fb[positive]
        / fb.sum()
        * np.log((fb[positive] / group_b[positive]) / (fn[positive] / group_n[positive]))
    )
    return TheilDecomposition(total, between, float(terms.sum()))


def gini(coverage: np.ndarray, population: np.ndarray) -> float:
    """Population-weighted Gini of coverage: Σ_i Σ_j q_i q_j |c_i − c_j| / (2 c̄).

    Computed in O(n log n) on the sorted values; equals PySAL's Gini with equal populations.
    """
    c, n = _valid(np.asarray(coverage, float), population=np.asarray(population, float))
    if c.size == 0:
        return math.nan
    order = np.argsort(c, kind="stable")
    c, q = c[order], n[order] / n.sum()
    mean = float(np.sum(q * c))
    if mean <= 0:
        return math.nan
    below_q = np.cumsum(q) - q  # weight of the values below each one
    below_qc = np.cumsum(q * c) - q * c
    # Σ_{i} Σ_{j<i} q_i q_j (c_i − c_j), doubled for the symmetric half.
    pairs = float(np.sum(q * (c * below_q - below_qc)))
    return 2.0 * pairs / (2.0 * mean)


def coefficient_of_variation(coverage: np.ndarray, population: np.ndarray) -> float:
    """CV = sqrt(Σ q_i (c_i − c̄)²) / c̄ with c̄ = Σ q_i c_i (population-weighted)."""
    c, n = _valid(np.asarray(coverage, float), population=np.asarray(population, float))
    if c.size == 0:
        return math.nan
    q = n / n.sum()
    mean = float(np.sum(q * c))
    if mean <= 0:
        return math.nan
    return math.sqrt(float(np.sum(q * (c - mean) ** 2))) / mean


def sigma_series(panel: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """CV per year from a panel (anio, cobertura, poblacion), and the OLS slope of CV on the year
    (negative = σ-convergence; NaN with fewer than two years)."""
    years = panel["anio"].to_numpy()
    coverage = panel["cobertura"].to_numpy(dtype="float64", na_value=np.nan)
    people = panel["poblacion"].to_numpy(dtype="float64", na_value=np.nan)
    rows = [
        (int(year), coefficient_of_variation(coverage[years == year], people[years == year]))
        for year in np.unique(years)
    ]
    series = pd.DataFrame(rows, columns=["anio", "cv"]).dropna()
    if len(series) < 2:
        return series.reset_index(drop=True), math.nan
    _, slope = ols_line(series["anio"].to_numpy(float), series["cv"].to_numpy(float))
    return series.reset_index(drop=True), slope


def beta_convergence(
    start: np.ndarray, end: np.ndarray, first_year: int, last_year: int
) -> BetaConvergence | None:
    """OLS of g_i = ln(c_i,t1 / c_i,t0) / (t1 − t0) on ln c_i,t0, over territories with coverage
    > 0 in both years. None when t1 ≤ t0 or fewer than 3 territories (no standard error)."""
    c0, c1 = np.asarray(start, float), np.asarray(end, float)
    keep = np.isfinite(c0) & np.isfinite(c1) & (c0 > 0) & (c1 > 0)
    c0, c1 = c0[keep], c1[keep]
    if last_year <= first_year or c0.size < 3:
        return None
    x = np.log(c0)
    y = np.log(c1 / c0) / (last_year - first_year)
    alpha, beta = ols_line(x, y)
    residuals = y - alpha - beta * x
    sxx = float(np.sum((x - x.mean()) ** 2))
    rss = float(np.sum(residuals**2))
    tss = float(np.sum((y - y.mean()) ** 2))
    se = math.sqrt(rss / (c0.size - 2) / sxx) if sxx > 0 else math.nan
    r2 = 1.0 - rss / tss if tss > 0 else math.nan
    return BetaConvergence(beta, se, r2, int(c0.size), alpha, first_year, last_year)
