"""Everything the weekly review page shows, read in one call: `load_review(cursor, …)`.

The whole page is "as known at the end of the review date" (`hasta`): the goal figures, the
bottlenecks to escalate and the changes all use the data that had been loaded by then, so a
link to last week's meeting shows what the meeting saw, even after new files were loaded.

Goals are judged at the as-of month. When that month is the review's own month (the month
before `hasta`, indicators.review.review_month — the default), bottlenecks are judged on the
review date itself, exactly as the "what changed" section judges them, so the cards and the
changes never disagree; for any other month they are judged at the end of that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import duckdb
import pandas as pd

from dashboard.server.board import (
    GoalBoard,
    bottleneck_reach,
    cached_board,
    region_red_share,
    with_goal_names,
)
from dashboard.server.cache import VALUES, Memo, data_version
from dashboard.server.defaults import bottleneck_day, format_day, format_month
from indicators import goal_report
from indicators.bottlenecks import bottleneck_status
from indicators.months import knowledge_instant
from indicators.review import ReviewChanges
from warehouse import goals as goal_queries


@dataclass(frozen=True)
class ReviewPage:
    """The review's frames; those about bottlenecks and milestones carry `nombre_meta`."""

    board: GoalBoard
    changes: ReviewChanges
    escalate: pd.DataFrame  # open bottlenecks flagged escalar on `hasta`, oldest first
    red_share: pd.DataFrame  # region_red_share(board)
    opened: pd.DataFrame  # changes.restricciones_nuevas
    resolved: pd.DataFrame  # changes.restricciones_resueltas
    escalate_new: pd.DataFrame  # changes.escalar_nuevas
    due: pd.DataFrame  # changes.hitos_proximos
    overdue: pd.DataFrame  # changes.hitos_atrasados, newly overdue first

    @property
    def reach(self) -> str:
        """Whether the bottleneck lists hold every bottleneck (board.bottleneck_reach)."""
        return bottleneck_reach(self.board.goals)


# What changed between the two review dates: the same for every as-of month the page is opened
# at (~95 ms), so kept per data version and scope with the two dates. Never changed by readers.
CHANGES = Memo(VALUES, 16)


def cached_changes(con: duckdb.DuckDBPyConnection, date_from: date, date_to: date) -> ReviewChanges:
    key = (data_version(con), date_from, date_to)
    return CHANGES.get(key, lambda: goal_report.review(con, date_from, date_to))


def load_review(
    con: duckdb.DuckDBPyConnection, as_of: date, date_from: date, date_to: date
) -> ReviewPage:
    known_at = knowledge_instant(date_to)
    at = bottleneck_day(as_of, date_to)
    board = cached_board(con, as_of, known_at=known_at, bottlenecks_at=at)
    changes = cached_changes(con, date_from, date_to)
    status = bottleneck_status(goal_queries.bottlenecks(con, known_at), date_to)
    escalate = status[status["escalar"]].sort_values(
        ["dias_abierta", "codigo_restriccion"], ascending=[False, True], ignore_index=True
    )
    # Newly overdue milestones first: they are news to the meeting; the rest was seen before.
    overdue = changes.hitos_atrasados.sort_values(
        ["nuevo", "fecha_programada"], ascending=[False, True], ignore_index=True
    )
    # Links open each goal as this review judged it: its month, bottlenecks on its day.
    query = "?" + urlencode({"mes": format_month(as_of), "al": format_day(at)} if at else
                            {"mes": format_month(as_of)})  # fmt: skip

    def linked(frame: pd.DataFrame) -> pd.DataFrame:
        return with_goal_names(frame, board).assign(consulta=query)

    return ReviewPage(
        board=board,
        changes=changes,
        escalate=linked(escalate),
        red_share=region_red_share(board),
        opened=linked(changes.restricciones_nuevas),
        resolved=linked(changes.restricciones_resueltas),
        escalate_new=linked(changes.escalar_nuevas),
        due=linked(changes.hitos_proximos),
        overdue=linked(overdue),
    )


def at_risk(board: GoalBoard) -> pd.DataFrame:
    """Goals whose projection misses the deadline (or moves away from the target), reddest
    first."""
    goals = board.goals
    risky = goals[goals["en_riesgo"].fillna(False).astype(bool)]
    order = {"rojo": 0, "amarillo": 1, "verde": 2}
    return risky.assign(_o=risky["estado"].map(order).fillna(3)).sort_values(
        ["_o", "codigo_meta"], ignore_index=True
    )
