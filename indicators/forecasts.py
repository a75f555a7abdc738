"""Forecast accountability: each month's forecast of the next month against what happened.

A goal manager reporting month *t* may forecast month *t*+1 (`pronostico` on row *t*). A **pair**
is (actual A_t, forecast F_t, actual A_t+1) for two consecutive months with all three known;
error e = F_t − A_t+1, change c = A_t+1 − A_t.

- **error relativo** = Σ|e| / Σ|c| over the pairs: a ratio of sums (mean absolute error as a
  share of the mean absolute monthly change), not a mean of per-pair ratios, because one month
  without change would make a per-pair ratio infinite. Σ|c| = 0: 0 when every error is 0 too,
  else undefined (NaN, read "sin cambio mensual que medir").
- **sesgo** = Σ d·e / Σ|c|, d = +1 (`ascendente`) or −1 (`descendente`): positive means the
  forecasts promised more progress than came (optimistic), whatever the goal's direction.
- **dirección acertada**: sign(F_t − A_t) = sign(c) (a forecast of no change is right only when
  nothing changed).

Series: a goal's national rows (region NULL); a goal with no national row but rows of exactly
one region (a regional goal reported only for its region) uses that region's. Rows may carry
`legible` (False: the viewer's scope blanked the figures): a figure computed from such a row
is "sin acceso", never computed on the rows that happen to be readable (docs/access.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicators.months import as_date

MIN_PAIRS = 3  # fewer pairs than this: the reading is "sin pronósticos suficientes"
RELIABLE_ERROR = 0.5  # error ≤ half the typical monthly change reads "fiable"
BIAS_LIMIT = 0.25  # |sesgo| ≥ a quarter of the typical change reads optimista / pesimista

RELIABLE = "fiable"
OPTIMISTIC = "optimista: sus pronósticos quedan sobre lo ocurrido"
PESSIMISTIC = "pesimista: sus pronósticos quedan bajo lo ocurrido"
IMPRECISE = "imprecisa: sus pronósticos yerran en ambos sentidos"
TOO_FEW = "sin pronósticos suficientes"
NO_CHANGE = "sin cambio mensual que medir"
NO_ACCESS = "sin acceso"

PAIR_COLUMNS = ["codigo_meta", "mes", "mes_pronosticado", "valor_real", "pronostico",
                "real_siguiente", "error", "cambio", "direccion_acertada", "signo"]  # fmt: skip
MINISTRY_COLUMNS = ["ministerio", "pronosticos", "error_relativo", "sesgo", "lectura",
                    "sin_acceso"]  # fmt: skip


@dataclass(frozen=True)
class Accuracy:
    """Accuracy over a set of pairs (a goal's or a ministry's), or "sin acceso"."""

    pairs: int
    error: float  # error relativo (NaN: no pair, or no change)
    bias: float  # sesgo, positive = optimistic
    reading: str
    hidden: bool = False


@dataclass(frozen=True)
class LastForecast:
    """The forecast for the goal's last reported month against what happened."""

    month: date | None  # the last reported month (None: nothing reported)
    state: str  # "ok", "sin_pronostico" or "sin_acceso"
    forecast: float = np.nan
    actual: float = np.nan
    error: float = np.nan  # forecast − actual
    direction_right: bool | None = None  # None: the month before has no actual
    accuracy: Accuracy | None = None


def headline_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Each goal's series (module docstring): national rows, else its only region's rows."""
    if rows.empty:
        return rows.assign(legible=pd.Series(dtype=bool))
    rows = rows if "legible" in rows else rows.assign(legible=True)
    national = rows["region"].isna()
    has_national = national.groupby(rows["codigo_meta"]).transform("any")
    regions = rows["region"].groupby(rows["codigo_meta"]).transform("nunique")
    keep = national | (~has_national & (regions == 1))
    out = rows[keep.to_numpy()].copy()
    out["mes"] = pd.to_datetime(out["mes"]).dt.to_period("M").dt.to_timestamp()
    return out.sort_values(["codigo_meta", "mes"], ignore_index=True)


def forecast_pairs(rows: pd.DataFrame) -> pd.DataFrame:
    """Every complete pair of the rows' series (PAIR_COLUMNS); `signo` is d (+1/−1), from
    `sentido` when the rows carry it (else +1)."""
    series = headline_rows(rows)
    if series.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    nxt = series.groupby("codigo_meta", sort=False).shift(-1)
    following = series["mes"] + pd.DateOffset(months=1)
    pairs = series.assign(
        mes_pronosticado=nxt["mes"], real_siguiente=nxt["valor_real"].astype(float)
    )
    complete = (
        (nxt["mes"] == following)
        & series["valor_real"].notna()
        & series["pronostico"].notna()
        & nxt["valor_real"].notna()
    )
    pairs = pairs[complete.to_numpy()].copy()
    direction = pairs["sentido"] if "sentido" in pairs else pd.Series("", index=pairs.index)
    pairs["signo"] = np.where(direction.str.lower() == "descendente", -1.0, 1.0)
    pairs["pronostico"] = pairs["pronostico"].astype(float)
    pairs["valor_real"] = pairs["valor_real"].astype(float)
    pairs["error"] = pairs["pronostico"] - pairs["real_siguiente"]
    pairs["cambio"] = pairs["real_siguiente"] - pairs["valor_real"]
    predicted = np.sign(pairs["pronostico"] - pairs["valor_real"])
    pairs["direccion_acertada"] = predicted == np.sign(pairs["cambio"])
    return pairs[PAIR_COLUMNS].reset_index(drop=True)


def accuracy(pairs: pd.DataFrame) -> Accuracy:
    """Error relativo, sesgo and their reading over `pairs` (forecast_pairs' rows)."""
    n = len(pairs)
    if n == 0:
        return Accuracy(0, np.nan, np.nan, TOO_FEW)
    errors = pairs["error"].to_numpy(dtype=float)
    change = float(np.abs(pairs["cambio"].to_numpy(dtype=float)).sum())
    wrong = float(np.abs(errors).sum())
    signed = float((pairs["signo"].to_numpy(dtype=float) * errors).sum())
    if change == 0:
        if wrong == 0:
            return Accuracy(n, 0.0, 0.0, _reading(n, 0.0, 0.0))
        return Accuracy(n, np.nan, np.nan, TOO_FEW if n < MIN_PAIRS else NO_CHANGE)
    error, bias = wrong / change, signed / change
    return Accuracy(n, error, bias, _reading(n, error, bias))


def _reading(n: int, error: float, bias: float) -> str:
    if n < MIN_PAIRS:
        return TOO_FEW
    if bias >= BIAS_LIMIT:
        return OPTIMISTIC
    if bias <= -BIAS_LIMIT:
        return PESSIMISTIC
    return RELIABLE if error <= RELIABLE_ERROR else IMPRECISE


def hidden_accuracy() -> Accuracy:
    return Accuracy(0, np.nan, np.nan, NO_ACCESS, hidden=True)


def _readable(series: pd.DataFrame) -> bool:
    return bool(series["legible"].all()) if len(series) else True


def goal_forecast(rows: pd.DataFrame, as_of: date | None = None) -> LastForecast:
    """One goal's card: the forecast for its last reported month (up to `as_of`), what
    happened, and the goal's accuracy over every pair up to then. A month whose row the viewer
    may not read counts as reported: the card then reads "sin acceso", not an older month."""
    series = headline_rows(_until(rows, as_of))
    everything = _readable(series)
    summary = accuracy(forecast_pairs(series)) if everything else hidden_accuracy()
    reported = series[series["valor_real"].notna() | ~series["legible"].astype(bool)]
    if reported.empty:
        return LastForecast(None, "sin_pronostico", accuracy=summary)
    last = reported.iloc[-1]
    month = as_date(last["mes"])
    before = series[series["mes"] == last["mes"] - pd.DateOffset(months=1)]
    if not bool(last["legible"]) or (len(before) and not bool(before["legible"].iloc[0])):
        return LastForecast(month, "sin_acceso", accuracy=summary)
    if before.empty or pd.isna(before["pronostico"].iloc[0]):
        return LastForecast(month, "sin_pronostico", actual=float(last["valor_real"]),
                            accuracy=summary)  # fmt: skip
    forecast, actual = float(before["pronostico"].iloc[0]), float(last["valor_real"])
    previous = before["valor_real"].iloc[0]
    right = (
        None
        if pd.isna(previous)
        else bool(np.sign(forecast - previous) == np.sign(actual - float(previous)))
    )
    return LastForecast(month, "ok", forecast, actual, forecast - actual, right, summary)


def ministry_accuracy(rows: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """Per ministry (rows carry `ministerio`): pairs evaluated, error relativo, sesgo and the
    reading over every pair of its goals up to `as_of`; "sin acceso" (sin_acceso True, no
    number) when any row of its goals' series is unreadable for the viewer."""
    series = headline_rows(_until(rows, as_of))
    out = []
    for ministry, part in series.groupby("ministerio", sort=True):
        found = accuracy(forecast_pairs(part)) if _readable(part) else hidden_accuracy()
        out.append((ministry, found.pairs, found.error, found.bias, found.reading, found.hidden))
    return pd.DataFrame(out, columns=MINISTRY_COLUMNS)


def _until(rows: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    if as_of is None or rows.empty:
        return rows
    return rows[pd.to_datetime(rows["mes"]) <= pd.Timestamp(as_of)]
