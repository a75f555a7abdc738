"""How the goal page writes months, dates, indicator values and directions, in Chilean Spanish.

Kept apart from dashboard.ui.formatting (shared by every page) because these are the goal
vocabulary: a month is 'mayo 2025', a level keeps only the decimals the goal's own figures use.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from dashboard.server import cache
from dashboard.ui.formatting import NO_DATA
from indicators.months import as_date
from warehouse import vocabulary

DIRECTION_WORDS = {
    "ascendente": "Ascendente: más es mejor",
    "descendente": "Descendente: menos es mejor",
}
MAX_DIGITS = 2


def month_label(value: object | None, *, short: bool = False) -> str:
    """'mayo 2025' ('may 2025' when short)."""
    if type(value) is date:  # the common case, once per point drawn
        return vocabulary.month_label(value, short=short)
    if is_missing(value):
        return NO_DATA
    return vocabulary.month_label(as_date(value), short=short)


def format_date(value: object | None) -> str:
    """'31-12-2026', as dates are written in Chile."""
    if type(value) is date:
        return _format_day(value)
    return NO_DATA if is_missing(value) else _format_day(as_date(value))


@cache.pure(maxsize=4096)
def _format_day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def is_missing(value: object) -> bool:
    """None, NaN or NaT (frames turn a missing date or number into either)."""
    if value is None:
        return True
    # Figures and tables ask once per value shown: plain floats and text answer without pandas.
    kind = type(value)
    if kind is float:
        return value != value  # NaN is the only float unequal to itself
    if kind is str or kind is date:
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_value(value: float | None, digits: int = 0) -> str:
    """1980000.0 -> '1.980.000'; 84.5 with digits=1 -> '84,5' (thousands dot, decimal comma)."""
    if is_missing(value):
        return NO_DATA
    text = f"{float(value):,.{digits}f}"  # type: ignore[arg-type]
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def value_digits(values: Iterable[float | None]) -> int:
    """The decimals a goal's figures need (0 to MAX_DIGITS): whole counts stay whole, a rate
    like 84,5 keeps its decimal."""
    needed = 0
    for value in values:
        if is_missing(value):
            continue
        for digits in range(MAX_DIGITS + 1):
            if abs(round(float(value), digits) - float(value)) < 1e-9:  # type: ignore[arg-type]
                needed = max(needed, digits)
                break
        else:
            needed = MAX_DIGITS
    return needed
