"""Small conversions between frames and the per-key values the scalar formulas take."""

from __future__ import annotations

from typing import Any

import pandas as pd


def none_if_nan(value: Any) -> Any:
    """JSON-friendly scalar: NaN, NaT and NA → None, numpy scalars → Python."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # a list or an array: not a missing scalar
        return value
    return value.item() if hasattr(value, "item") else value
