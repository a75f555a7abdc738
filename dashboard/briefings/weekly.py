"""The weekly briefing: each subscribed account gets the meeting pack of the review date, built
on its own scoped cursor (what it may read, as on its screen), once per review date.

Packs are built here, in the command's process, never in a web worker: one takes seconds of
layout. An account already mailed this review date's pack is skipped, so a rerun after a
failure (cron retrying) mails only those still missing.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dashboard.briefings import smtp
from dashboard.meeting_pack.build import build_pack
from dashboard.security.console_db import reading, write
from dashboard.security.page_access import roles_for
from dashboard.server.database import Database
from dashboard.server.defaults import TO_PARAM, read_defaults, review_window
from warehouse import mailing
from warehouse.mailing import Recipient

REVIEW_PAGE = "dashboard.pages.weekly_review"


@dataclass
class Outcome:
    """What a run did, for the console and the tests."""

    sent: list[str] = field(default_factory=list)  # "usuario <correo>"
    skipped: list[str] = field(default_factory=list)  # with the reason
    failed: list[str] = field(default_factory=list)  # with the server's answer

    @property
    def ok(self) -> bool:
        return not self.failed


def review_date(db: Path, fecha: date | None) -> date:
    """The review's date: the one asked for, or the review page's default (the last load)."""
    with reading(db) as con:
        defaults = read_defaults(con)
    return review_window(None, fecha.isoformat() if fecha else None, defaults)[1]


def send_briefings(
    db: Path,
    fecha: date | None,
    settings: smtp.SmtpSettings | None,
    *,
    say: Callable[[str], None] = print,
) -> Outcome:
    """Mail the pack of `fecha` (default: the latest review) to each subscribed account;
    `settings` None is a dry run: what would be sent is printed and nothing is recorded."""
    day = review_date(db, fecha)
    with reading(db) as con:
        subscribed = [r for r in mailing.recipients(con) if r.briefing]
        done = mailing.briefings_sent(con, day)
    outcome = Outcome()
    database = Database(db)
    try:
        for recipient in subscribed:
            who = f"{recipient.account.username} <{recipient.email}>"
            if recipient.account.role not in roles_for(REVIEW_PAGE):
                outcome.skipped.append(f"{who}: su rol no abre la revisión semanal")
            elif recipient.account.username in done:
                outcome.skipped.append(f"{who}: ya recibió el informe del {day:%d-%m-%Y}")
            else:
                _one(database, db, recipient, day, settings, outcome, say)
    finally:
        database.close()
    return outcome


def _one(
    database: Database,
    db: Path,
    recipient: Recipient,
    day: date,
    settings: smtp.SmtpSettings | None,
    outcome: Outcome,
    say: Callable[[str], None],
) -> None:
    who = f"{recipient.account.username} <{recipient.email}>"
    name, pdf = build_pack(database, recipient.account.scope, {TO_PARAM: day.isoformat()})
    subject = f"Informe de la revisión semanal del {day:%d-%m-%Y}"
    if settings is None:
        say(f"[simulación] {who}: «{subject}», {name} ({len(pdf) // 1024} KB)")
        outcome.sent.append(who)
        return
    body = (
        f"Estimada/o {recipient.account.name}:\n\n"
        f"Adjunto va el informe de la revisión semanal del {day:%d-%m-%Y}, con las cifras"
        " que su cuenta puede leer en el tablero, tal como se conocían ese día.\n\n"
        "Este correo se envía porque su cuenta está suscrita al informe semanal; para dejar de"
        " recibirlo, pida a la administración: python -m dashboard.accounts set"
        f" {recipient.account.username} --informe-semanal no\n"
    )
    mail = smtp.message(settings, recipient.email, subject, body, (name, pdf))
    try:
        with smtp.connection(settings) as server:
            server.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        outcome.failed.append(f"{who}: {exc}")
        return
    write(db, lambda con: mailing.record_briefing(con, recipient, day, len(pdf)))
    outcome.sent.append(who)
    say(f"Enviado a {who}: {name}")
