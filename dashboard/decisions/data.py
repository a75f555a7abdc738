"""What the decisions page reads, in one call per render: the filtered decisions, the choices
of its filters and forms. Read on the viewer's scoped cursor (warehouse.decisions), so a role
lists only the decisions on bottlenecks it reads.

The filters live in the URL (?estado=abiertas|vencidas|cerradas|todas&ministerio=…&meta=…
&restriccion=…); `restriccion` also preselects the bottleneck in the form, so the weekly
review's "Registrar decisión" opens it ready to fill.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from indicators.bottlenecks import bottleneck_status
from warehouse import decisions as q
from warehouse import goals as goal_queries

STATE_CHOICES = {
    q.PENDING: "Abiertas (con las vencidas)",
    "vencidas": "Vencidas",
    "cerradas": "Cerradas",
    q.ALL: "Todas",
}
MAX_CODE = 40


@dataclass(frozen=True)
class DecisionFilters:
    """The list's filters: state, ministry, goal and bottleneck (None: any)."""

    estado: str = q.PENDING
    ministerio: str | None = None
    meta: str | None = None
    restriccion: str | None = None

    @property
    def query(self) -> q.DecisionFilter:
        return q.DecisionFilter(self.estado, self.ministerio, self.meta, self.restriccion)

    def described(self) -> list[str]:
        """The filters in words, for the caption."""
        parts = [f"Estado: {STATE_CHOICES[self.estado].lower()}"]
        parts += [f"{name}: {value}" for name, value in (
            ("Ministerio", self.ministerio), ("Meta", self.meta),
            ("Restricción", self.restriccion)) if value]  # fmt: skip
        return parts


def _text(value: object, limit: int = 200) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return text[:limit] or None


def parse_filters(args: Mapping[str, object]) -> DecisionFilters:
    """From the URL or the controls, leniently: an unknown state falls back to open ones."""
    state = args.get("estado")
    return DecisionFilters(
        estado=state if isinstance(state, str) and state in STATE_CHOICES else q.PENDING,
        ministerio=_text(args.get("ministerio")),
        meta=_text(args.get("meta"), MAX_CODE),
        restriccion=_text(args.get("restriccion"), MAX_CODE),
    )


@dataclass(frozen=True)
class DecisionsView:
    """The list and every choice the page offers."""

    rows: pd.DataFrame  # warehouse.decisions.decisions, filtered
    open_decisions: pd.DataFrame  # every open decision in scope (the close form's choices)
    bottlenecks: pd.DataFrame  # open bottlenecks today with `escalar`, escalated first
    ministries: list[str]
    goals: list[tuple[str, str]]  # (codigo_meta, nombre)


def decision_rows(
    con: duckdb.DuckDBPyConnection, filters: DecisionFilters, today: date
) -> pd.DataFrame:
    """The decisions the filters select, as known now, with their state today."""
    return q.decisions(con, today, None, filters.query)


def open_decisions(con: duckdb.DuckDBPyConnection, today: date) -> pd.DataFrame:
    return q.decisions(con, today, None, q.DecisionFilter(q.PENDING))


def load_view(
    con: duckdb.DuckDBPyConnection, filters: DecisionFilters, today: date
) -> DecisionsView:
    goals = goal_queries.goals(con)
    status = bottleneck_status(goal_queries.bottlenecks(con), today)
    opened = status[status["abierta"]].sort_values(
        ["escalar", "codigo_restriccion"], ascending=[False, True], ignore_index=True
    )
    names = dict(zip(goals["codigo_meta"], goals["nombre"], strict=True))
    return DecisionsView(
        rows=decision_rows(con, filters, today),
        open_decisions=open_decisions(con, today),
        bottlenecks=opened.assign(nombre_meta=opened["codigo_meta"].map(names)),
        ministries=q.ministries(con),
        goals=list(zip(goals["codigo_meta"], goals["nombre"], strict=True)),
    )
