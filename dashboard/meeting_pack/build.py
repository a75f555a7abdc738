"""One pack as (file name, PDF) for a scope: what the download route serves and the weekly
briefing mails, built the same way for both."""

from __future__ import annotations

from datetime import date

import duckdb

from dashboard.meeting_pack.data import load_pack
from dashboard.meeting_pack.document import pack_html, pack_pdf
from dashboard.server.database import Database
from indicators.months import knowledge_instant
from warehouse import decisions as decision_queries
from warehouse.scope import Scope


def open_decisions(con: duckdb.DuckDBPyConnection, day: date) -> list[dict[str, object]]:
    """The decisions open and overdue on the review date as known then, as the cursor's viewer
    reads them (sections.decisions_section's rows)."""
    frame = decision_queries.decisions(con, day, knowledge_instant(day))
    rows = frame[frame["estado"].isin(("abierta", "vencida"))].to_dict("records")
    return [
        {"codigo_meta": r["codigo_meta"], "texto": r["texto"], "responsable": r["responsable"],
         "fecha_compromiso": r["vence"], "vencida": r["estado"] == "vencida"}
        for r in rows
    ]  # fmt: skip


def build_pack(db: Database, scope: Scope, args: dict[str, str]) -> tuple[str, bytes]:
    """(file name, PDF) of the pack for the review's arguments, read on `scope`'s cursor."""
    pack = db.run(scope, load_pack, args)
    day = pack.review.changes.hasta
    decisions = db.run(scope, open_decisions, day)
    pdf = pack_pdf(pack_html(pack, scope, decisions=decisions))
    return f"informe_revision_{day:%Y-%m-%d}.pdf", pdf
