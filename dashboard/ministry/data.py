"""The data of the ministries pages: the list, and one ministry's goals, bottlenecks and
services with their PMG stages, read in one call per render.

Bottlenecks are those open on the same day the goals' management light uses
(dashboard.server.defaults.bottleneck_day: the latest load date when the as-of month is the
default one), so the list of open bottlenecks explains the lights shown above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from dashboard.server.board import GoalBoard, cached_board, with_goal_names
from dashboard.server.defaults import Defaults, bottleneck_day
from indicators.bottlenecks import bottleneck_status
from indicators.commitments import services_with_stage
from indicators.months import month_end
from warehouse import catalog
from warehouse import commitments as commitment_queries
from warehouse import goals as goal_queries


@dataclass(frozen=True)
class MinistryPage:
    board: GoalBoard
    ministerio: str | None  # None: the slug matched no ministry
    goals: pd.DataFrame  # the ministry's rows of board.goals
    bottlenecks: pd.DataFrame  # open bottlenecks of its goals, oldest first
    services: pd.DataFrame  # services_with_stage: servicio, sigla, anio, etapas, estado_etapa
    bottlenecks_at: date


def load_list(con: duckdb.DuckDBPyConnection, defaults: Defaults, as_of: date) -> GoalBoard:
    return cached_board(con, as_of, bottlenecks_at=bottleneck_day(as_of, defaults.review_to))


def load_ministry(
    con: duckdb.DuckDBPyConnection, defaults: Defaults, as_of: date, slug: str
) -> MinistryPage:
    at = bottleneck_day(as_of, defaults.review_to)
    board = cached_board(con, as_of, bottlenecks_at=at)
    name = board.ministry_by_slug.get(slug)
    goals = board.goals[board.goals["ministerio"] == name].reset_index(drop=True)
    day = at or month_end(as_of)
    status = bottleneck_status(goal_queries.bottlenecks(con), day)
    open_rows = status[status["abierta"] & status["codigo_meta"].isin(goals["codigo_meta"])]
    open_rows = open_rows.sort_values(
        ["dias_abierta", "codigo_restriccion"], ascending=[False, True], ignore_index=True
    )
    services = catalog.ministry_services(con, name) if name else pd.DataFrame(columns=["servicio"])
    stages = services_with_stage(services, commitment_queries.pmg_stages(con))
    return MinistryPage(board, name, goals, with_goal_names(open_rows, board), stages, day)


def ministry_summary(board: GoalBoard) -> pd.DataFrame:
    """Per ministry: goals, goals per light (rojo, amarillo, verde, others), open bottlenecks,
    services; alphabetical, every ministry of the catalogue (a ministry without goals = 0)."""
    goals = board.goals
    lights = pd.crosstab(goals["ministerio"], goals["estado"])
    frame = board.ministries.set_index("ministerio")
    for light in ("rojo", "amarillo", "verde", "sin_acceso"):
        frame[light] = lights.get(light, 0)
    # A sum over goals some of whose bottlenecks the viewer cannot read is no total: NaN.
    opened = goals.groupby("ministerio")["restricciones_abiertas"]
    frame["abiertas"] = opened.sum(min_count=1).where(opened.count() == opened.size())
    numbers = ["rojo", "amarillo", "verde", "sin_acceso"]
    frame[numbers] = frame[numbers].fillna(0).astype(int)
    frame["abiertas"] = frame["abiertas"].where(frame["metas"] > 0, 0.0)
    counted = frame[["rojo", "amarillo", "verde", "sin_acceso"]].sum(axis=1)
    frame["otras"] = frame["metas"] - counted
    return frame.reset_index()
