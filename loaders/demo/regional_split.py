"""Regional breakdown of a goal's national figure, coherent with it by construction.

For counts (`sum`) the regions add up exactly to the national value (largest remainder, row by
row of a matrix); for rates (`mean`) their population-weighted mean is the national value, up to
rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.demo.clock import child_rng
from loaders.demo.goals import Goal
from loaders.geography import CENSUS_2017, REGION_SHORT_NAMES

REGIONS = sorted(CENSUS_2017)


def regional_rows(goal: Goal, national: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One row per region for each national row of `goal` (same month, state and plan)."""
    rng = child_rng(seed, "regional-" + goal.code)
    weights = np.array([CENSUS_2017[r] for r in REGIONS], dtype=float)
    weights = weights / weights.sum()
    if goal.template.breakdown == "sum":
        shares = weights * np.exp(rng.normal(0.0, 0.25, len(REGIONS)))
        split = lambda values: split_sum(values, shares / shares.sum())  # noqa: E731
    else:
        deviation = rng.normal(0.0, 0.035, len(REGIONS))
        deviation -= (weights * deviation).sum()
        decimals = goal.template.decimals
        split = lambda values: np.round(values[:, None] * (1 + deviation), decimals)  # noqa: E731
    n, k = len(national), len(REGIONS)
    return pd.DataFrame(
        {
            "codigo_meta": np.repeat(national["codigo_meta"].to_numpy(), k),
            "mes": np.repeat(national["mes"].to_numpy(), k),
            "region": np.tile(REGIONS, n),
            "valor_programado": split(national["valor_programado"].to_numpy(float)).ravel(),
            "valor_real": split(national["valor_real"].to_numpy(float)).ravel(),
            "estado": np.repeat(national["estado"].to_numpy(), k),
            "reportado_por": np.tile([f"Seremi {REGION_SHORT_NAMES[r]}" for r in REGIONS], n),
            "comentario": None,
        }
    )


def split_sum(values: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Rows of integers proportional to `shares` adding up exactly to each value (NaN stays)."""
    missing = np.isnan(values)
    totals = np.rint(np.where(missing, 0.0, values)).astype(np.int64)
    quotas = totals[:, None] * shares[None, :]
    base = np.floor(quotas).astype(np.int64)
    short = totals - base.sum(axis=1)
    rank = np.argsort(np.argsort(-(quotas - base), axis=1, kind="stable"), axis=1)
    base += rank < short[:, None]
    return np.where(missing[:, None], np.nan, base.astype(float))
