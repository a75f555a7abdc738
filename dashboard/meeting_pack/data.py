"""Everything the pack prints, read in one call on the viewer's cursor: `load_pack(cursor, args)`.

The pack is the weekly review printed: the same URL arguments, parsed by the same functions
(dashboard.server.defaults, as the review page does), and the same `load_review`, so every goal
and light equals the screen's. What the screen does not show — the changes by cause, the overdue
commitments by region, each red goal's trajectory — is read as known at the review date too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from dashboard.server.defaults import (
    FROM_PARAM,
    MONTH_PARAM,
    TO_PARAM,
    Defaults,
    bottleneck_day,
    parse_month,
    read_defaults,
    review_window,
)
from dashboard.server.review_data import ReviewPage, load_review
from indicators import goal_report
from indicators import progress as pg
from indicators.bottlenecks import bottleneck_status
from indicators.commitments import commitment_status
from indicators.goals import Goal, month_dates
from indicators.months import knowledge_instant, month_end
from indicators.review_causes import light_causes
from indicators.scorecard import GoalInputs
from warehouse import commitments as commitment_queries
from warehouse import goals as goal_queries

PARAMS = (MONTH_PARAM, FROM_PARAM, TO_PARAM)


@dataclass(frozen=True)
class RedGoal:
    """One goal in rojo, as known at the review date: what its page of the pack draws."""

    record: dict[str, object]  # the scorecard row (board.goals)
    goal: Goal
    series: pd.DataFrame  # headline rows, one per month: mes, valor_programado, valor_real, estado
    fit: tuple[list[date], list[float]]  # the points the projection used
    bottlenecks: pd.DataFrame  # open on the judging day


@dataclass(frozen=True)
class Pack:
    defaults: Defaults
    review: ReviewPage
    causes: pd.DataFrame  # indicators.review_causes.COLUMNS
    light_changes: pd.DataFrame  # changes.semaforos with `causas`
    commitments_late: pd.DataFrame  # every commitment overdue on the review date, by region
    red_goals: list[RedGoal]
    bottlenecks_day: date  # the day bottlenecks are judged for the goals' lights

    @property
    def as_of(self) -> date:
        return self.review.board.as_of


def pack_args(args: dict[str, object]) -> dict[str, str]:
    """Only the review's own arguments, as text (anything else in the URL is ignored)."""
    return {k: str(v) for k, v in args.items() if k in PARAMS and v not in (None, "")}


def load_pack(con: duckdb.DuckDBPyConnection, args: dict[str, object]) -> Pack:
    defaults = read_defaults(con)
    as_of = parse_month(args.get(MONTH_PARAM), defaults.as_of)
    start, end = review_window(args.get(FROM_PARAM), args.get(TO_PARAM), defaults)
    review = load_review(con, as_of, start, end)
    known_at = knowledge_instant(end)
    day = bottleneck_day(as_of, end) or month_end(as_of)
    causes = goal_report.review_causes(con, start, end)
    return Pack(
        defaults=defaults,
        review=review,
        causes=causes,
        light_changes=light_causes(review.changes.semaforos, causes),
        commitments_late=_late_commitments(con, known_at, end),
        red_goals=_red_goals(con, review, known_at, day),
        bottlenecks_day=day,
    )


def _late_commitments(con: duckdb.DuckDBPyConnection, known_at: datetime, day: date):
    (known,) = goal_queries.known_at_each(con, commitment_queries.COMMITMENTS, [known_at])
    status = commitment_status(known, day)
    late = status[status["atrasado"].to_numpy(dtype=bool)]
    return late.sort_values(["region", "fecha_compromiso", "codigo_compromiso"], ignore_index=True)


def _red_goals(
    con: duckdb.DuckDBPyConnection, review: ReviewPage, known_at: datetime, day: date
) -> list[RedGoal]:
    board = review.board
    red = board.goals[board.goals["estado"] == "rojo"].sort_values("codigo_meta")
    if red.empty:
        return []
    codes = set(red["codigo_meta"])
    goals = goal_queries.goals(con, known_at)
    progress = goal_queries.progress(con, None, known_at)
    bottlenecks = bottleneck_status(goal_queries.bottlenecks(con, known_at), day)
    found = []
    for record in red.to_dict("records"):
        code = record["codigo_meta"]
        one = goals[goals["codigo_meta"] == code]
        if one.empty or code not in codes:
            continue
        rows = progress[progress["codigo_meta"] == code].reset_index(drop=True)
        own = bottlenecks[bottlenecks["codigo_meta"] == code].reset_index(drop=True)
        inputs = GoalInputs.of(one, rows, own)
        points = pg.recent_values(
            inputs.series, inputs.rows, inputs.rows.reported(True), board.as_of
        )
        found.append(
            RedGoal(
                record=record,
                goal=Goal.from_record(one.iloc[0].to_dict()),
                series=pg.select_headline_rows(rows, inputs.rows, inputs.series),
                fit=(month_dates(points.month), points.value.tolist()),
                bottlenecks=own[own["abierta"].to_numpy(dtype=bool)],
            )
        )
    return found
