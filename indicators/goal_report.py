"""Goal figures straight from a warehouse connection: the calls the CLI and the dashboard make.

This module and `territory_report` are the only ones in `indicators/` that touch a
connection, and only through the query functions of `warehouse/`; every figure is computed by
the pure modules, so a screen, an export and the command line cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from indicators.goal_regions import evaluate_goal_regions
from indicators.months import knowledge_instant, month_start
from indicators.review import ReviewChanges, Snapshot, review_changes
from indicators.review_causes import decompose
from indicators.scorecard import evaluate_goals
from warehouse import commitments as commitment_queries
from warehouse import goals as goal_queries
from warehouse import review_causes as cause_queries

REVIEW_INTERVAL_DAYS = 7


def goal_scorecard(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    *,
    validated_only: bool = True,
    known_at: datetime | None = None,
    bottlenecks_at: date | None = None,
) -> pd.DataFrame:
    """One row per goal at month `as_of` (see scorecard.GOAL_COLUMNS)."""
    goals, progress, bottlenecks = _goal_frames(con, as_of, known_at)
    return evaluate_goals(
        goals,
        progress,
        bottlenecks,
        as_of,
        validated_only=validated_only,
        bottlenecks_at=bottlenecks_at,
    )


def goal_region_scorecard(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    *,
    validated_only: bool = True,
    known_at: datetime | None = None,
) -> pd.DataFrame:
    """One row per (goal, region) with regional progress (see goal_regions.REGION_COLUMNS)."""
    goals, progress, bottlenecks = _goal_frames(con, as_of, known_at)
    return evaluate_goal_regions(goals, progress, bottlenecks, as_of, validated_only=validated_only)


def _goal_frames(
    con: duckdb.DuckDBPyConnection, as_of: date, known_at: datetime | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (
        goal_queries.goals(con, known_at),
        goal_queries.progress(con, month_start(as_of), known_at),
        goal_queries.bottlenecks(con, known_at),
    )


def snapshot(con: duckdb.DuckDBPyConnection, review_date: date | datetime) -> Snapshot:
    """The goal data as known at the end of `review_date` (or at that instant if a datetime)."""
    return snapshots(con, [review_date])[0]


def snapshots(
    con: duckdb.DuckDBPyConnection, review_dates: Sequence[date | datetime]
) -> list[Snapshot]:
    """`snapshot` of each review date, reading each table once for all of them."""
    instants = [knowledge_instant(d) for d in review_dates]
    goals, progress, bottlenecks, milestones, commitments = (
        goal_queries.known_at_each(con, table, instants)
        for table in (
            goal_queries.GOALS, goal_queries.PROGRESS, goal_queries.BOTTLENECKS,
            goal_queries.MILESTONES, commitment_queries.COMMITMENTS,
        )
    )  # fmt: skip
    return [
        Snapshot(
            fecha=_day(review_date),
            goals=goals[i],
            progress=progress[i],
            bottlenecks=bottlenecks[i],
            milestones=milestones[i],
            commitments=commitments[i],
        )
        for i, review_date in enumerate(review_dates)
    ]


def _day(review_date: date | datetime) -> date:
    return review_date.date() if isinstance(review_date, datetime) else review_date


def review(
    con: duckdb.DuckDBPyConnection,
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    *,
    validated_only: bool = True,
    today: date | None = None,
    horizon_days: int = 30,
) -> ReviewChanges:
    """Changes between two review dates (default: today and 7 days before), each side with the
    data as it was known at the end of its date."""
    date_to = date_to or today or date.today()
    date_from = date_from or _day(date_to) - timedelta(days=REVIEW_INTERVAL_DAYS)
    before, after = snapshots(con, [date_from, date_to])
    return review_changes(before, after, validated_only=validated_only, horizon_days=horizon_days)


def review_causes(
    con: duckdb.DuckDBPyConnection, date_from: date | datetime, date_to: date | datetime
) -> pd.DataFrame:
    """The changes between two review dates by cause (indicators.review_causes.decompose), each
    side as known at the end of its date."""
    before, after = knowledge_instant(date_from), knowledge_instant(date_to)
    goals = goal_queries.goals(con, after)
    scopes = dict(zip(goals["codigo_meta"], goals["ambito"], strict=True))
    return decompose(
        cause_queries.changed_progress(con, before, after),
        cause_queries.changed_goals(con, before, after),
        scopes,
    )
