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


def _missing(cell: object) -> bool:
    if isinstance(cell, float):
        return cell != cell  # NaN
    return cell is None or cell is pd.NA or cell is pd.NaT


def row_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts, missing values (NaN, NaT, NA) as None, built column by column:
    `DataFrame.to_dict("records")` boxes every cell on its own — 4× slower on the explorer's
    5,000 rows, and most of the time of a goal's 30-row provenance table (measured)."""
    if frame.empty:
        return []
    by_name = {str(name): column.tolist() for name, column in frame.items()}
    names, columns = list(by_name), list(by_name.values())
    return [
        {name: None if _missing(cell) else cell for name, cell in zip(names, values, strict=True)}
        for values in zip(*columns, strict=True)
    ]
