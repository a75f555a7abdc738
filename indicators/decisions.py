"""Escalated bottlenecks and the decisions of the Grupo de Estrategia on them.

Choices:
* A bottleneck is escalated from the first day it has been open for more than
  ESCALATION_DAYS (fecha_alerta + 31 days), as indicators.bottlenecks judges it.
* It waits for a decision while no decision on it is open: since it was escalated, or since
  its last decision was closed when that is later (a closed decision that did not resolve the
  bottleneck leaves it waiting again).
* The weekly review shows as "sin decisión" those waiting WEEKS_WITHOUT_DECISION weeks or more
  (whole weeks: 14 days is 2 weeks).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from indicators.bottlenecks import ESCALATION_DAYS

WEEKS_WITHOUT_DECISION = 2
CLOSED = "cerrada"  # warehouse.decisions.CLOSED
WAITING_COLUMNS = ["decision_abierta", "esperando_desde", "semanas_sin_decision", "sin_decision"]


def escalated_since(alert: pd.Series) -> pd.Series:
    """The first day each bottleneck counted as escalated (open more than 30 days)."""
    return pd.to_datetime(alert) + timedelta(days=ESCALATION_DAYS + 1)


def waiting_for_decision(
    escalated: pd.DataFrame,
    decisions: pd.DataFrame,
    at: date,
    weeks: int = WEEKS_WITHOUT_DECISION,
) -> pd.DataFrame:
    """The escalated bottlenecks (`codigo_restriccion`, `fecha_alerta`) with WAITING_COLUMNS:
    the id of an open decision on it (None when none), the day it started waiting, whole weeks
    waited on `at` (NaN when it has an open decision), and whether it waited `weeks` or more.

    `decisions` are those known on `at` (warehouse.decisions.decisions: `estado`, `cerrada_en`)."""
    is_open = (decisions["estado"] != CLOSED).to_numpy(dtype=bool)
    open_id = decisions[is_open].groupby("codigo_restriccion")["id"].min().to_dict()
    closed = decisions[~is_open]
    last_closed = (
        (pd.to_datetime(closed["cerrada_en"]).dt.normalize().groupby(closed["codigo_restriccion"]))
        .max()
        .to_dict()
    )
    day = pd.Timestamp(at)
    decision: list[object] = []
    since: list[pd.Timestamp] = []
    waited: list[float] = []
    for code, start in zip(
        escalated["codigo_restriccion"], escalated_since(escalated["fecha_alerta"]), strict=True
    ):
        closing = last_closed.get(code)
        begin = closing if closing is not None and closing > start else start
        found = open_id.get(code)
        decision.append(None if found is None else int(found))
        since.append(begin)
        weeks = (day - begin).days // 7
        waited.append(np.nan if found is not None or weeks < 0 else float(weeks))
    weeks_waited = np.asarray(waited, dtype="float64")
    return escalated.assign(
        decision_abierta=pd.Series(decision, index=escalated.index, dtype=object),
        esperando_desde=pd.Series(since, index=escalated.index, dtype="datetime64[ns]"),
        semanas_sin_decision=weeks_waited,
        sin_decision=np.nan_to_num(weeks_waited, nan=-1.0) >= weeks,
    )
