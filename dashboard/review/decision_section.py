"""The weekly review's "Decisiones del Grupo de Estrategia": the decisions open at the review
date (every week until closed, overdue ones flagged "vencida"), the escalated bottlenecks
waiting WEEKS_WITHOUT_DECISION weeks or more for a decision, and those closed since the
previous review; and the "Decisión" column of the "para decidir" list.

Read as known at the end of the review date on the viewer's scoped cursor
(warehouse.decisions), so the review of a past date shows the decisions as they were then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
from dash import dcc, html

from dashboard.review.views import sub_block
from dashboard.security import page_access
from dashboard.server import database
from dashboard.server.board import NO_BOTTLENECK
from dashboard.server.review_data import ReviewPage
from dashboard.ui.bottleneck_table import BOTTLENECK, GOAL
from dashboard.ui.components import section
from dashboard.ui.decision_table import (
    CLOSED_COLUMNS,
    OPEN_COLUMNS,
    PAGE_MODULE,
    decision_table,
    decisions_href,
    record_link,
)
from dashboard.ui.goal_tables import Column, day_text, is_missing
from indicators.decisions import WEEKS_WITHOUT_DECISION, waiting_for_decision
from indicators.months import knowledge_instant
from warehouse import decisions as q
from warehouse.db import WarehouseError
from warehouse.scope import PRESIDENCIA

EMPTY_COLUMNS = ("id", "codigo_restriccion", "estado", "cerrada_en")
SECTION_ID = "inicio-decisiones"
OPEN_ID = "inicio-decisiones-abiertas"
WAITING_ID = "inicio-decisiones-sin-decision"
CLOSED_ID = "inicio-decisiones-cerradas"
TITLE = "Decisiones del Grupo de Estrategia"
HELP = (
    "Cada decisión sobre una restricción escalada sigue en la revisión semanal hasta que "
    "Presidencia la cierra con su resultado; «vencida»: abierta después de su fecha de "
    "vencimiento. Se leen como se conocían al final de la fecha de la revisión."
)


def waiting_title(weeks: int) -> str:
    return f"Restricciones escaladas sin decisión hace {weeks} semanas o más"


def waiting_help(weeks: int) -> str:
    return (
        f"Escaladas al Grupo de Estrategia (rojas, institucionales, abiertas más de 30 días) "
        f"que llevan {weeks} semanas o más sin una decisión abierta: desde que se escalaron, o "
        "desde que se cerró su última decisión."
    )


@dataclass(frozen=True)
class ReviewDecisions:
    """The decisions known at the review date, and the escalated bottlenecks' wait for one."""

    known: pd.DataFrame  # warehouse.decisions.decisions at `hasta`
    waiting: pd.DataFrame  # page.escalate with indicators.decisions.WAITING_COLUMNS
    date_from: date
    date_to: date
    reach: str  # board.bottleneck_reach: decisions are read where their bottlenecks are
    may_record: bool  # presidencia: the "Registrar decisión" buttons
    may_open: bool  # the viewer's role opens /decisiones
    weeks: int = WEEKS_WITHOUT_DECISION
    failed: bool = False

    @property
    def open(self) -> pd.DataFrame:
        return self.known[self.known["estado"] != q.CLOSED].reset_index(drop=True)

    @property
    def closed_since(self) -> pd.DataFrame:
        """Closed after the previous review date, up to the end of this one."""
        closed = self.known[self.known["estado"] == q.CLOSED]
        when = pd.to_datetime(closed["cerrada_en"])
        return closed[when > knowledge_instant(self.date_from)].reset_index(drop=True)


def read_decisions(con: duckdb.DuckDBPyConnection, date_to: date) -> pd.DataFrame:
    """Every decision as known at the end of `date_to`, with its state on that day."""
    return q.decisions(con, date_to, knowledge_instant(date_to))


def review_decisions(page: ReviewPage) -> ReviewDecisions:
    """The section's data for the current request's viewer (one read on its scoped cursor)."""
    ch = page.changes
    role = database.viewer().role
    failed = False
    try:
        known = database.run(read_decisions, ch.hasta)
    except WarehouseError:
        known, failed = (
            pd.DataFrame(columns=["id", "codigo_restriccion", "estado", "cerrada_en"]),
            True,
        )
    return ReviewDecisions(
        known=known,
        waiting=waiting_for_decision(page.escalate, known, ch.hasta),
        date_from=ch.desde,
        date_to=ch.hasta,
        reach=page.reach,
        may_record=role == PRESIDENCIA,
        may_open=role in page_access.roles_for(PAGE_MODULE),
        failed=failed,
    )


def decision_column(view: ReviewDecisions) -> Column:
    """The "para decidir" list's column: the open decision on each escalated bottleneck (due
    date, "vencida"), or how long it waits for one and, for presidencia, the button to record
    it (/decisiones?restriccion=…)."""
    waiting = view.waiting.set_index("codigo_restriccion")
    states = view.known.set_index("id")["estado"] if not view.known.empty else pd.Series()

    def render(row: dict) -> object:
        code = row["codigo_restriccion"]
        if code not in waiting.index:
            return ""
        found = waiting.loc[code]
        decision = found["decision_abierta"]
        if decision is not None and not is_missing(decision):
            label = f"Decisión n.º {int(decision)}"
            if states.get(decision) == q.OVERDUE:
                label += " (vencida)"
            return _maybe_link(label, view.may_open, code)
        weeks = found["semanas_sin_decision"]
        text = "Sin decisión" + ("" if is_missing(weeks) else f" · {int(weeks)} sem.")
        parts: list[object] = [html.Div(text, className="small text-muted")]
        if view.may_record:
            parts.append(record_link(code))
        return html.Div(parts)

    return Column("Decisión", render)


def _maybe_link(label: str, may_open: bool, code: str) -> object:
    if not may_open:
        return label
    return dcc.Link(label, href=decisions_href(restriccion=code, estado=q.ALL))


def _weeks(row: dict) -> str:
    weeks = row.get("semanas_sin_decision")
    return "—" if is_missing(weeks) else f"{int(weeks)} semanas"


def decision_section(view: ReviewDecisions) -> html.Section:
    """Open decisions, bottlenecks waiting for one, and those closed since the last review."""
    if view.failed:
        body: object = html.Div("No se pudieron leer las decisiones.", id=OPEN_ID)
        return html.Section(section(TITLE, body, help_text=HELP), id=SECTION_ID)
    reach = view.reach

    def count(frame: pd.DataFrame) -> int | None:
        return None if reach == NO_BOTTLENECK else len(frame)

    opened = view.open
    waiting = view.waiting[view.waiting["sin_decision"]]
    closed = view.closed_since
    waiting_columns = [
        GOAL,
        BOTTLENECK,
        Column("Esperando desde", lambda r: day_text(r["esperando_desde"]), nowrap=True),
        Column("Sin decisión", _weeks, numeric=True, nowrap=True),
    ]
    if view.may_record:
        waiting_columns.append(Column("", lambda r: record_link(r["codigo_restriccion"])))
    blocks = [
        sub_block(
            "Abiertas (se muestran cada semana hasta cerrarse)",
            decision_table(opened, OPEN_COLUMNS, OPEN_ID, "Ninguna decisión abierta.", reach),
            count(opened),
        ),
        sub_block(
            waiting_title(view.weeks),
            decision_table(
                waiting,
                waiting_columns,
                WAITING_ID,
                "Ninguna restricción escalada espera una decisión hace "
                f"{view.weeks} semanas o más.",
                reach,
            ),
            count(waiting),
            help_text=waiting_help(view.weeks),
        ),
        sub_block(
            "Cerradas desde la revisión anterior",
            decision_table(closed, CLOSED_COLUMNS, CLOSED_ID, "Ninguna decisión se cerró.", reach),
            count(closed),
        ),
    ]
    return html.Section(section(TITLE, blocks, help_text=HELP), id=SECTION_ID)
