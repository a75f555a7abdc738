"""indicators.frames.row_dicts: the rows a table or grid shows, missing values as None."""

from __future__ import annotations

import math

import pandas as pd

from indicators.frames import row_dicts


def test_rows_are_to_dict_records_with_every_kind_of_missing_value_as_none():
    frame = pd.DataFrame(
        {
            "real": [1.5, math.nan, 2.0],
            "entero": pd.array([1, None, 3], dtype="Int64"),
            "texto": pd.array(["a", None, "c"], dtype="str"),
            "mes": pd.to_datetime(["2025-01-01", None, "2025-03-01"]),
            "linea": [2, 3, 4],
            "abierta": [True, False, True],
        }
    )
    expected = [
        {k: None if not isinstance(v, bool) and pd.isna(v) else v for k, v in row.items()}
        for row in frame.to_dict("records")
    ]
    assert row_dicts(frame) == expected
    assert row_dicts(frame)[1] == dict.fromkeys(["real", "entero", "texto", "mes"]) | {
        "linea": 3,
        "abierta": False,
    }
    assert isinstance(row_dicts(frame)[0]["mes"], pd.Timestamp)  # as to_dict gives it


def test_no_rows_no_dicts():
    assert row_dicts(pd.DataFrame({"a": pd.Series([], dtype=float)})) == []
