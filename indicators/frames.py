"""Small conversions between frames and the per-key values the scalar formulas take."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from indicators.months import as_date


def by_key(frame: pd.DataFrame, key: str | list[str]) -> dict[Any, dict[str, Any]]:
    """{key value (a tuple for several keys): {column: value}} for a frame unique on key."""
    keys = [key] if isinstance(key, str) else key
    index = frame.set_index(keys)
    values = index.to_numpy(dtype=object)
    return {
        k: dict(zip(index.columns, v, strict=True))
        for k, v in zip(index.index, values, strict=True)
    }


def points_by_key(
    frame: pd.DataFrame, key: str | list[str]
) -> dict[Any, tuple[list[date], list[float]]]:
    """{key: ([months], [values])} from (key…, mes, valor_real) rows sorted by month."""
    keys = [key] if isinstance(key, str) else key
    grouper = keys[0] if len(keys) == 1 else keys
    result: dict[Any, tuple[list[date], list[float]]] = {}
    for k, group in frame.groupby(grouper, sort=False):
        result[k] = ([as_date(m) for m in group["mes"]], [float(v) for v in group["valor_real"]])
    return result


def date_or_none(value: Any) -> date | None:
    return None if value is None or pd.isna(value) else as_date(value)


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
