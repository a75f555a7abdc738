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

from datetime import date

import pandas as pd

from indicators.months import month_start

KEY = "codigo_meta"
REGION_KEY = ["codigo_meta", "region"]


def headline_rows(progress: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """The rows that stand for each goal as a whole, one per (goal, month) at most."""
    ambito = goals.set_index(KEY)["ambito"]
    scope = progress[KEY].map(ambito)
    national = progress["region"].isna()
    own_region = progress["region"].notna() & (progress["region"] == scope)
    rows = progress[national | own_region].assign(_priority=(~national).astype(int))
    return rows


def regional_rows(progress: pd.DataFrame) -> pd.DataFrame:
    return progress[progress["region"].notna()]


def reported(rows: pd.DataFrame, validated_only: bool) -> pd.DataFrame:
    mask = rows["valor_real"].notna()
    if validated_only:
        mask &= rows["estado"] == "validado"
    return rows[mask]


def latest_actual(rows: pd.DataFrame, as_of: date, keys: list[str] | str = KEY) -> pd.DataFrame:
    """Per key: valor_actual and mes_reportado, the latest reported figure with mes ≤ as_of.

    `rows` must already be filtered by `reported`. Returns one row per key that has any figure.
    """
    keys = [keys] if isinstance(keys, str) else keys
    upto = until(rows, as_of)
    # Within one month the national row (priority 0) must be the one kept: sort it last.
    order = [*keys, "mes", *_priority(upto)]
    upto = upto.sort_values(
        order, ascending=[True] * (len(keys) + 1) + [False] * len(order[len(keys) + 1 :])
    )
    last = upto.groupby(keys, sort=True).tail(1)
    return last[[*keys, "mes", "valor_real"]].rename(
        columns={"mes": "mes_reportado", "valor_real": "valor_actual"}
    )


def planned_at(rows: pd.DataFrame, as_of: date, keys: list[str] | str = KEY) -> pd.DataFrame:
    """Per key: the valor_programado given for exactly the as-of month (when any row gives it)."""
    keys = [keys] if isinstance(keys, str) else keys
    month = pd.Timestamp(month_start(as_of))
    given = rows[(pd.to_datetime(rows["mes"]) == month) & rows["valor_programado"].notna()]
    if "_priority" in given:
        given = given.sort_values([*keys, "_priority"])
    first = given.groupby(keys, sort=True).head(1)
    return first[[*keys, "valor_programado"]]


def recent_points(
    rows: pd.DataFrame, as_of: date, count: int = 6, keys: list[str] | str = KEY
) -> pd.DataFrame:
    """Per key, the last `count` reported (mes, valor_real) points at or before as_of, one per
    month (the headline rule decides between a national and a regional row of the same month)."""
    keys = [keys] if isinstance(keys, str) else keys
    upto = until(rows, as_of)
    if "_priority" in upto:
        upto = upto.sort_values([*keys, "mes", "_priority"]).drop_duplicates([*keys, "mes"])
    upto = upto.sort_values([*keys, "mes"])
    return upto.groupby(keys, sort=True).tail(count)[[*keys, "mes", "valor_real"]]


def until(rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    return rows[pd.to_datetime(rows["mes"]) <= pd.Timestamp(month_start(as_of))]


def _priority(rows: pd.DataFrame) -> list[str]:
    return ["_priority"] if "_priority" in rows else []
