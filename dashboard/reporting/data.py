"""What the manager's pages read about one goal, in one cursor, and what they derive from it.

Nothing here is cached: the pages act, and a manager must see its own entry the moment it is
saved (the write publishes a new snapshot, and the next read is on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from indicators.figure_steps import due_months, last_closed_month
from indicators.months import add_months
from warehouse import goal_detail, reporting

HISTORY_MONTHS = 12  # the figure history and the month choices reach this far back


@dataclass(frozen=True)
class GoalWork:
    """One goal as its manager works on it."""

    record: dict[str, Any]  # the current metas row
    figures: pd.DataFrame  # current monthly rows with `version` (warehouse.reporting)
    versions: pd.DataFrame  # every version of the reported figures of the last months
    bottlenecks: pd.DataFrame  # with `version`
    milestones: pd.DataFrame  # with `version`
    region_names: dict[str, str]
    today: date

    @property
    def code(self) -> str:
        return str(self.record["codigo_meta"])

    @property
    def regions(self) -> list[str | None]:
        """None (the national figure) and every region the goal reports by."""
        found = sorted(set(self.figures["region"].dropna())) if not self.figures.empty else []
        return [None, *found]

    def month_rows(self, month: date) -> dict[str | None, dict[str, Any]]:
        """The month's current rows by region (None: national)."""
        if self.figures.empty:
            return {}
        rows = self.figures[pd.to_datetime(self.figures["mes"]).dt.date == month]
        return {_region(r["region"]): r for r in rows.to_dict("records")}

    def owed(self) -> list[tuple[date, str | None]]:
        return due_months(
            self.figures,
            as_day(self.record["fecha_inicio"]),
            as_day(self.record["fecha_meta"]),
            self.today,
            window=HISTORY_MONTHS,
        )

    def in_state(self, state: str) -> pd.DataFrame:
        """Current figures with a value in one state ('devuelto', 'reportado', 'validado')."""
        if self.figures.empty:
            return self.figures
        rows = self.figures[(self.figures["estado"] == state) & self.figures["valor_real"].notna()]
        return rows

    def month_choices(self) -> list[date]:
        """Months a report can be entered for: the goal's closed months of the last year,
        newest first, and any older month still owed or returned."""
        last = min(last_closed_month(self.today), as_day(self.record["fecha_meta"]).replace(day=1))
        first = as_day(self.record["fecha_inicio"]).replace(day=1)
        months = {add_months(last, -i) for i in range(HISTORY_MONTHS)}
        months |= {m for m, _ in self.owed()}
        returned = self.in_state("devuelto")
        months |= {as_day(m).replace(day=1) for m in returned["mes"]}
        return sorted((m for m in months if first <= m <= last), reverse=True)

    def region_label(self, region: str | None) -> str:
        return "Nacional" if region is None else self.region_names.get(region, region)

    def national_series(self) -> pd.Series:
        """The national reported values, oldest first: the trajectory a new value is judged by."""
        if self.figures.empty:
            return pd.Series(dtype=float)
        national = self.figures[self.figures["region"].isna()].sort_values("mes")
        return national["valor_real"]


def load_goal_work(con: duckdb.DuckDBPyConnection, codigo: str, today: date) -> GoalWork | None:
    """Everything the goal's screen shows, from the viewer's scoped cursor (None: no goal)."""
    goal = goal_detail.goal(con, codigo)
    if goal.empty:
        return None
    since = add_months(last_closed_month(today), -(HISTORY_MONTHS - 1))
    names = goal_detail.region_names(con)
    return GoalWork(
        goal.iloc[0].to_dict(),
        reporting.goal_figures(con, codigo),
        reporting.figure_versions(con, codigo, since),
        reporting.goal_bottlenecks_to_edit(con, codigo),
        reporting.goal_milestones_to_edit(con, codigo),
        dict(zip(names["codigo"], names["nombre_corto"], strict=True)),
        today,
    )


def load_inbox(
    con: duckdb.DuckDBPyConnection, codes: tuple[str, ...], today: date
) -> list[GoalWork]:
    """The goals a manager manages, in code order (unknown codes are left out)."""
    works = (load_goal_work(con, code, today) for code in sorted(codes))
    return [work for work in works if work is not None]


def as_day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def first_day(value: object) -> date:
    """The month of a date, as its first day (months are stored so)."""
    return as_day(value).replace(day=1)


def _region(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
