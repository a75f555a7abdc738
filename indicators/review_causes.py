"""What changed between two reviews, decomposed into its causes, so that a revised figure never
reads as progress.

Inputs are the row versions that changed between the two review instants, each flagged with the
side it was known on (`antes`, `despues`: warehouse.review_causes). Each change is one row:

* REPORT — a month's figure that was not known before (a new monthly report);
* REVISION — a figure already known before whose value changed (or was withdrawn);
* VALIDATION — the same value, now validated (it starts to count for the lights);
* PLAN — the programmed value of a month changed;
* TARGET — the goal's target, deadline or baseline changed; NEW_GOAL — a goal not known before.

Only each goal's headline figures count: the national one, or a regional goal's own region.
`light_causes` then says, for each goal whose light changed, which of these moved it; a light
that changed with none of them changed through its bottlenecks or the as-of month (OTHER).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

REPORT, REVISION, VALIDATION, PLAN = "reporte", "revision", "validacion", "programado"
TARGET, NEW_GOAL, OTHER = "meta", "meta_nueva", "otro"
CAUSE_ORDER = (REPORT, REVISION, VALIDATION, PLAN, TARGET, NEW_GOAL, OTHER)
COLUMNS = ["codigo_meta", "causa", "mes", "campo", "antes", "despues"]
GOAL_FIELDS = ("valor_meta", "fecha_meta", "linea_base")
BEFORE, AFTER = "antes", "despues"


def decompose(progress: pd.DataFrame, goals: pd.DataFrame, scopes: dict[str, str]) -> pd.DataFrame:
    """One row per change (COLUMNS), by goal, cause and month. `scopes` maps each goal to its
    `ambito` ('nacional' or a region code), to pick its headline figures."""
    rows = [*_figure_changes(progress, scopes), *_goal_changes(goals)]
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    order = {cause: i for i, cause in enumerate(CAUSE_ORDER)}
    keys = frame.assign(_o=frame["causa"].map(order), _m=frame["mes"].astype(str))
    return keys.sort_values(["codigo_meta", "_o", "_m", "campo"], ignore_index=True)[COLUMNS]


def _figure_changes(progress: pd.DataFrame, scopes: dict[str, str]) -> Iterable[tuple]:
    if progress.empty:
        return
    for (code, month, region), versions in _headline(progress, scopes).groupby(
        ["codigo_meta", "mes", "_region"], sort=True
    ):
        del region
        old = _side(versions, BEFORE)
        new = _side(versions, AFTER)
        yield from _month_changes(code, month, old, new)


def _headline(progress: pd.DataFrame, scopes: dict[str, str]) -> pd.DataFrame:
    region = progress["region"].astype(object).where(progress["region"].notna(), "")
    scope = pd.Series(
        [scopes.get(code, "nacional") for code in progress["codigo_meta"]],
        index=progress.index,
        dtype=object,
    )
    own = (region == "") | (region == scope)
    return progress[own].assign(_region=region[own])


def _side(versions: pd.DataFrame, side: str) -> dict | None:
    known = versions[versions[side].astype(bool)]
    return None if known.empty else known.iloc[-1].to_dict()


def _month_changes(code: str, month: object, old: dict | None, new: dict | None) -> list[tuple]:
    changes = []
    was, now = _value(old, "valor_real"), _value(new, "valor_real")
    if was is None and now is not None:
        changes.append((code, REPORT, month, "valor_real", None, now))
    elif was is not None and was != now:
        changes.append((code, REVISION, month, "valor_real", was, now))
    elif was is not None and _value(old, "estado") != _value(new, "estado"):
        changes.append((code, VALIDATION, month, "estado", old["estado"], new and new["estado"]))
    plan_was, plan_now = _value(old, "valor_programado"), _value(new, "valor_programado")
    if old is not None and plan_was != plan_now:
        changes.append((code, PLAN, month, "valor_programado", plan_was, plan_now))
    return changes


def _goal_changes(goals: pd.DataFrame) -> Iterable[tuple]:
    if goals.empty:
        return
    for code, versions in goals.groupby("codigo_meta", sort=True):
        old, new = _side(versions, BEFORE), _side(versions, AFTER)
        if new is None:
            continue
        if old is None:
            yield (code, NEW_GOAL, None, "codigo_meta", None, code)
            continue
        for name in GOAL_FIELDS:
            if _value(old, name) != _value(new, name):
                yield (code, TARGET, None, name, _value(old, name), _value(new, name))


def _value(row: dict | None, name: str) -> object:
    """The cell, with every kind of missing value as None."""
    if row is None:
        return None
    value = row.get(name)
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def light_causes(lights: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """`lights` (codigo_meta, estado_anterior, estado_actual, …) with `causas`: the causes of
    each goal's changes in CAUSE_ORDER, or [OTHER] when none of its figures or targets moved."""
    found: dict[str, list[str]] = {}
    for code, cause in zip(changes["codigo_meta"], changes["causa"], strict=True):
        found.setdefault(code, [])
        if cause not in found[code]:
            found[code].append(cause)
    causes = [
        sorted(found.get(code, []), key=CAUSE_ORDER.index) or [OTHER]
        for code in lights["codigo_meta"]
    ]
    return lights.assign(causas=pd.Series(causes, index=lights.index, dtype=object))


def is_progress(cause: str) -> bool:
    """Only a new report is progress; a revision corrects what was already counted."""
    return cause == REPORT
