"""The work loop of a monthly figure, read from its versions: which months a manager owes,
the steps each figure went through (reported → returned → corrected → validated) with how
long it waited at each, and whether a new value jumps out of the goal's own trajectory.

Pure functions over frames the warehouse returns (warehouse.reporting); no SQL, no screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from indicators.months import add_months

REPORTED = "Reportada"
RETURNED = "Devuelta"
CORRECTED = "Corregida"
VALIDATED = "Validada"
# DHIS2's rule of thumb for outliers, on this goal's own history: a change from the last
# month larger than this many times the largest monthly change of the past year.
JUMP_FACTOR = 3.0
JUMP_WINDOW = 12  # months of history the largest change is taken from


def last_closed_month(today: date) -> date:
    """The latest month a figure can be owed for: the one before today's."""
    return add_months(today.replace(day=1), -1)


def due_months(
    figures: pd.DataFrame,
    start: date,
    deadline: date,
    today: date,
    *,
    window: int = 12,
) -> list[tuple[date, str | None]]:
    """(month, region) pairs owed and not reported: every closed month of the goal's life in
    the last `window` months, nationally and for each region the goal reports by, with no
    `valor_real` yet (a returned figure is owed again, but listed with the returned ones)."""
    last = min(last_closed_month(today), deadline.replace(day=1))
    first = max(start.replace(day=1), add_months(last, -(window - 1)))
    regions: list[str | None] = [None]
    reported: set[tuple[date, str | None]] = set()
    if not figures.empty:
        regions += sorted(set(figures["region"].dropna()))
        done = figures[figures["valor_real"].notna()]
        pairs = zip(done["mes"], done["region"], strict=True)
        reported = {(_month(m), _region(r)) for m, r in pairs}
    owed = []
    month = first
    while month <= last:
        owed += [(month, r) for r in regions if (month, r) not in reported]
        month = add_months(month, 1)
    return owed


@dataclass(frozen=True)
class Step:
    label: str  # REPORTED, RETURNED, CORRECTED or VALIDATED
    at: datetime
    who: str | None
    value: float | None
    comment: str | None
    days_waited: int  # until the next step, or until today for the current one
    current: bool


def figure_steps(versions: pd.DataFrame, now: datetime) -> list[Step]:
    """The steps of one figure (the versions of one month and region, oldest first). A report
    that follows a return is a correction; validation and return name the coordinator."""
    steps: list[Step] = []
    rows = versions.sort_values("valid_from").to_dict("records")
    for i, row in enumerate(rows):
        label = _label(row, steps[-1].label if steps else None)
        ended = rows[i + 1]["valid_from"] if i + 1 < len(rows) else None
        start = pd.Timestamp(row["valid_from"]).to_pydatetime()
        until = pd.Timestamp(ended).to_pydatetime() if ended is not None else now
        by_coordinator = label in (RETURNED, VALIDATED)
        steps.append(
            Step(
                label,
                start,
                _text(row.get("revisado_por") if by_coordinator else row.get("usuario")),
                _number(row.get("valor_real")),
                _text(row.get("motivo") if by_coordinator else row.get("comentario")),
                max(0, (until - start).days),
                ended is None,
            )
        )
    return steps


def _label(row: dict, previous: str | None) -> str:
    state = row.get("estado")
    if state == "validado":
        return VALIDATED
    if state == "devuelto":
        return RETURNED
    return CORRECTED if previous == RETURNED else REPORTED


def unusual_jump(history: pd.Series, value: float) -> str | None:
    """Why `value` stands out from the goal's series (monthly values, oldest first), or None:
    its change from the last value exceeds JUMP_FACTOR times the largest monthly change of
    the last JUMP_WINDOW months. Too short a history says nothing."""
    values = pd.to_numeric(history, errors="coerce").dropna().tail(JUMP_WINDOW + 1)
    if len(values) < 3:
        return None
    largest = values.diff().abs().max()
    change = abs(value - values.iloc[-1])
    if not largest or change <= JUMP_FACTOR * largest:
        return None
    return (
        f"El cambio respecto del mes anterior ({change:,.0f}) es más de {JUMP_FACTOR:.0f} veces "
        f"el mayor cambio mensual del último año ({largest:,.0f})."
    ).replace(",", ".")


def _month(value: object) -> date:
    return pd.Timestamp(value).date().replace(day=1)


def _region(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]
