"""Which `avance_mensual` rows make a goal's series, and the latest figure at or before a month.

Choices (indicators.md leaves them open):
* The **headline** series of a goal is its national rows (region NULL). For a goal whose
  `ambito` is a region, rows for that region also count; when both exist for a month the
  NULL-region row wins. Regional rows of a national goal never stand in for the national figure:
  adding them up would assume the indicator is additive, which rates and waiting times are not.
* The **regional** series (per-region breakdown) are the rows with a region, keyed by
  (codigo_meta, region).
* "Reported" means `valor_real` is not NULL; with `validated_only` also `estado = 'validado'`.
  Planned values (`valor_programado`) are read from any row whatever its estado: a plan is not a
  figure that needs the seal of quality.
* Rows for months after the as-of month are ignored, so any past month can be replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicators.goals import days, month_indices
from indicators.months import month_index, month_start
from indicators.projection import Points

KEY = "codigo_meta"


# The rules run on arrays: the rows are turned into arrays once and every goal (or goal region)
# is served at once. On frames of a few thousand rows each pandas step costs about a
# millisecond whatever it does, and a scorecard took dozens of them per request.


@dataclass(frozen=True)
class Labels:
    """A text column as codes into its distinct values (pandas.factorize, −1: missing):
    comparing and looking up integers is what makes the array path fast."""

    codes: np.ndarray
    distinct: np.ndarray  # the distinct values (object)

    @classmethod
    def of(cls, column: pd.Series) -> Labels:
        codes, distinct = pd.factorize(column)
        return cls(codes, np.asarray(distinct, dtype=object))

    def positions(self, keys: Sequence[object], missing: int = -1) -> np.ndarray:
        """Each row's position in `keys` (`missing` where it is missing or not among them)."""
        where = {key: i for i, key in enumerate(keys)}
        found = [where.get(value, missing) for value in self.distinct]
        return np.array([*found, missing], dtype=np.int64)[self.codes]

    def code_of(self, values: Sequence[object], missing: int = -2) -> np.ndarray:
        """The code of each of `values` (`missing` for a value the column does not hold)."""
        where = {value: i for i, value in enumerate(self.distinct)}
        return np.array([where.get(value, missing) for value in values], dtype=np.int64)


@dataclass(frozen=True)
class MonthlyRows:
    """`avance_mensual` rows as arrays, in the frame's order."""

    goal: Labels  # codigo_meta
    region: Labels  # missing: a national row
    month: np.ndarray  # month index (indicators.months.month_index)
    planned: np.ndarray  # valor_programado, NaN when not given
    actual: np.ndarray  # valor_real, NaN when not reported
    validated: np.ndarray  # bool: estado = 'validado'

    @classmethod
    def from_frame(cls, progress: pd.DataFrame) -> MonthlyRows:
        return cls(
            goal=Labels.of(progress["codigo_meta"]),
            region=Labels.of(progress["region"]),
            month=month_indices(days(progress["mes"])),
            planned=progress["valor_programado"].to_numpy(dtype=float, na_value=np.nan),
            actual=progress["valor_real"].to_numpy(dtype=float, na_value=np.nan),
            validated=(progress["estado"] == "validado").to_numpy(dtype=bool, na_value=False),
        )

    @property
    def national(self) -> np.ndarray:
        return self.region.codes < 0

    def reported(self, validated_only: bool) -> np.ndarray:
        """Which rows are reported (module docstring), as a mask."""
        mask = ~np.isnan(self.actual)
        return mask & self.validated if validated_only else mask


@dataclass(frozen=True)
class SeriesRows:
    """Which series each row belongs to (`key`, a position; −1: none) and its `priority`
    within a month (the lowest wins: the headline rule's national row)."""

    key: np.ndarray
    priority: np.ndarray


def headline_series(rows: MonthlyRows, codes: np.ndarray, ambito: np.ndarray) -> SeriesRows:
    """The headline rule: each row's position in `codes` (the goals, with their `ambito`) when
    it stands for the goal as a whole, national rows first."""
    position = rows.goal.positions(codes)
    national = rows.national
    # The goal's ambito as a region code of these rows (−2: a region no row names).
    scope = np.append(rows.region.code_of(ambito), -2)[position]
    own_region = ~national & (rows.region.codes == scope)
    key = np.where((position >= 0) & (national | own_region), position, -1)
    return SeriesRows(key=key, priority=(~national).astype(np.int64))


def lookup(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The position of each wanted value among sorted, unique `keys` (−1: absent)."""
    if not len(keys):
        return np.full(len(wanted), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, at, -1)


def first_of_each(*columns: np.ndarray) -> np.ndarray:
    """Mask of the rows (sorted by these columns) that start a new combination of values."""
    changed = np.zeros(len(columns[0]), dtype=bool)
    changed[:1] = True
    for column in columns:
        changed[1:] |= column[1:] != column[:-1]
    return changed


def last_of_each(column: np.ndarray) -> np.ndarray:
    """Mask of the rows (sorted by this column) that end a run of equal values."""
    last = np.zeros(len(column), dtype=bool)
    last[-1:] = True
    last[:-1] = column[1:] != column[:-1]
    return last


def _reported_months(
    series: SeriesRows, rows: MonthlyRows, mask: np.ndarray, as_of: date
) -> np.ndarray:
    """Row numbers of the reported figures up to `as_of`, one per (series, month) — the one
    with the lowest priority — sorted by series and month."""
    chosen = np.flatnonzero(mask & (series.key >= 0) & (rows.month <= month_index(as_of)))
    chosen = chosen[np.lexsort((series.priority[chosen], rows.month[chosen], series.key[chosen]))]
    return chosen[first_of_each(series.key[chosen], rows.month[chosen])]


def latest_values(
    series: SeriesRows, rows: MonthlyRows, mask: np.ndarray, as_of: date, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per series: the latest figure at or before as_of (valor_actual) and the index of its
    month (mes_reportado); NaN for a series without any. `mask` says which rows are reported
    (`MonthlyRows.reported`)."""
    chosen = _reported_months(series, rows, mask, as_of)
    last = chosen[last_of_each(series.key[chosen])]
    value, month = np.full(size, np.nan), np.full(size, np.nan)
    value[series.key[last]] = rows.actual[last]
    month[series.key[last]] = rows.month[last]
    return value, month


def planned_values(series: SeriesRows, rows: MonthlyRows, as_of: date, size: int) -> np.ndarray:
    """Per series: the valor_programado given for exactly the as-of month (NaN when no row
    gives one), from any row whatever its estado."""
    chosen = np.flatnonzero(
        (series.key >= 0) & (rows.month == month_index(as_of)) & ~np.isnan(rows.planned)
    )
    chosen = chosen[np.lexsort((series.priority[chosen], series.key[chosen]))]
    chosen = chosen[first_of_each(series.key[chosen])]
    planned = np.full(size, np.nan)
    planned[series.key[chosen]] = rows.planned[chosen]
    return planned


def recent_values(
    series: SeriesRows, rows: MonthlyRows, mask: np.ndarray, as_of: date, count: int = 6
) -> Points:
    """Per series, its last `count` reported months at or before as_of, one point each: the
    points of the projection."""
    chosen = _reported_months(series, rows, mask, as_of)
    ends = np.flatnonzero(last_of_each(series.key[chosen]))
    group_end = np.repeat(ends, np.diff(np.append(-1, ends)))
    chosen = chosen[group_end - np.arange(len(chosen)) < count]
    return Points(series=series.key[chosen], month=rows.month[chosen], value=rows.actual[chosen])


# --------------------------------------------------------------------------- on frames
# For pages that take the points as rows (dashboard.public.data).


def recent_points(
    rows: pd.DataFrame, as_of: date, count: int = 6, keys: list[str] | str = KEY
) -> pd.DataFrame:
    """Per key, the last `count` reported (mes, valor_real) points at or before as_of."""
    keys = [keys] if isinstance(keys, str) else keys
    upto = until(rows, as_of).sort_values([*keys, "mes"])
    return upto.groupby(keys, sort=True).tail(count)[[*keys, "mes", "valor_real"]]


def until(rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    return rows[pd.to_datetime(rows["mes"]) <= pd.Timestamp(month_start(as_of))]


def headline_rows(progress: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """One goal's headline rows (module docstring), one per month, national first; `goals` is
    that goal's `metas` row."""
    rows = MonthlyRows.from_frame(progress)
    codes = goals["codigo_meta"].to_numpy(dtype=object)
    series = headline_series(rows, codes, goals["ambito"].to_numpy(dtype=object))
    return select_headline_rows(progress, rows, series)


def select_headline_rows(
    progress: pd.DataFrame, rows: MonthlyRows, series: SeriesRows
) -> pd.DataFrame:
    """The rows of `progress` in a headline series, the winning one of each month."""
    chosen = np.flatnonzero(series.key >= 0)
    chosen = chosen[np.lexsort((series.priority[chosen], rows.month[chosen]))]
    chosen = chosen[first_of_each(rows.month[chosen])]
    return progress.iloc[chosen].reset_index(drop=True)
