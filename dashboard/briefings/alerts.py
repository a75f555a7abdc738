"""Alerts: each account with an address gets, once per episode, the conditions it answers for
(indicators.alerts), judged on its own scoped cursor — so an alert never tells anyone what
their screen would not.

Who answers for what:
* a goal's manager (gerente) for its goals: red, bottleneck to escalate, milestone overdue,
  month not reported;
* a ministry's coordinators (ministerio) for its goals' red light, bottlenecks and milestones,
  and for a month not reported when no active manager account has the goal;
* a decision's owner: the account named, or the coordinators of the ministry named.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from dashboard.briefings import smtp
from dashboard.security.console_db import reading, write
from dashboard.server.board import cached_board
from dashboard.server.database import Database
from dashboard.server.defaults import bottleneck_day, read_defaults
from indicators import alerts as rules
from indicators.alerts import Alert
from indicators.bottlenecks import bottleneck_status
from warehouse import decisions as decision_queries
from warehouse import goals as goal_queries
from warehouse import mailing, reporting
from warehouse.accounts import Account, now_utc
from warehouse.mailing import AlertEpisode, Recipient
from warehouse.scope import GERENTE, MINISTERIO


@dataclass
class AlertRun:
    """What a run did, for the console and the tests."""

    sent: list[str] = field(default_factory=list)  # "usuario: asunto"
    closed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def send_alerts(
    db: Path,
    today: date,
    settings: smtp.SmtpSettings | None,
    *,
    grace_days: int = rules.GRACE_DAYS,
    say: Callable[[str], None] = print,
) -> AlertRun:
    """Mail each account the new episodes of what it answers for and close those that ended;
    `settings` None is a dry run (printed, nothing sent or recorded)."""
    with reading(db) as con:
        everyone = mailing.recipients(con)
        names = [r.account.username for r in everyone]
        already = {name: mailing.open_alerts(con, name) for name in names}
        managed = set(mailing.managed_goals(con))
    run = AlertRun()
    database = Database(db)
    try:
        for recipient in (r for r in everyone if r.alerts):
            account = recipient.account
            found = database.run(account.scope, collect, account, today, managed, grace_days)
            mine = {alert.subject: alert for alert in found}
            opened = already[account.username]
            new = [alert for subject, alert in mine.items() if subject not in opened]
            ended = sorted(opened - set(mine))
            sent = [a for a in new if _mail(recipient, a, settings, run, say)]
            if settings is not None and (sent or ended):
                _record(db, recipient, sent, ended)
            run.closed += [f"{account.username}: {subject}" for subject in ended]
    finally:
        database.close()
    return run


def collect(
    con: duckdb.DuckDBPyConnection,
    account: Account,
    today: date,
    managed: set[str],
    grace_days: int,
) -> list[Alert]:
    """The alerts `account` answers for on `today`, read on its scoped cursor."""
    defaults = read_defaults(con, today)
    # The goals page's lights: the same month and bottleneck day (pages.goals).
    at = bottleneck_day(defaults.as_of, defaults.review_to)
    goals = cached_board(con, defaults.as_of, bottlenecks_at=at).goals
    found = [
        *rules.red_goals(goals),
        *rules.bottlenecks_to_escalate(
            bottleneck_status(goal_queries.bottlenecks(con), today), goals
        ),
        *rules.late_milestones(goal_queries.milestones(con), goals, today),
        *rules.late_decisions(decision_queries.decisions(con, today)),
    ]
    for goal in goal_queries.goals(con).to_dict("records"):
        code = str(goal["codigo_meta"])
        if answers_for_goal(account, rules.MONTH_UNREPORTED, code, goal["ministerio"], managed):
            figures = reporting.goal_figures(con, code)
            found += rules.unreported_months(goal, figures, today, grace_days)
    return [alert for alert in found if answers_for(account, alert, managed)]


def answers_for(account: Account, alert: Alert, managed: set[str]) -> bool:
    """Whether the alert is `account`'s to act on (see the module docstring)."""
    if alert.kind == rules.DECISION_LATE:
        if alert.owner_kind == "cuenta":
            return alert.owner == account.username
        return account.role == MINISTERIO and alert.owner in account.ministries
    return answers_for_goal(account, alert.kind, alert.goal, alert.ministry, managed)


def answers_for_goal(
    account: Account, kind: str, goal: str | None, ministry: str | None, managed: set[str]
) -> bool:
    if account.role == GERENTE:
        return goal in account.goals
    if account.role == MINISTERIO and ministry in account.ministries:
        return kind != rules.MONTH_UNREPORTED or goal not in managed
    return False


def _mail(
    recipient: Recipient,
    alert: Alert,
    settings: smtp.SmtpSettings | None,
    run: AlertRun,
    say: Callable[[str], None],
) -> bool:
    """Send one alert; False when the server refused it (it is tried again next run)."""
    subject = f"Alerta: {alert.title}"
    line = f"{recipient.account.username} <{recipient.email}>: {subject}"
    if settings is None:
        say(f"[simulación] {line}")
        run.sent.append(f"{recipient.account.username}: {subject}")
        return True
    body = (
        f"Estimada/o {recipient.account.name}:\n\n"
        + "\n".join(alert.lines)
        + "\n\nEste aviso se envía una sola vez; volverá a llegar solo si la situación se"
        " resuelve y se repite.\n"
    )
    try:
        with smtp.connection(settings) as server:
            server.send_message(smtp.message(settings, recipient.email, subject, body))
    except (OSError, smtplib.SMTPException) as exc:
        run.failed.append(f"{line}: {exc}")
        return False
    run.sent.append(f"{recipient.account.username}: {subject}")
    say(f"Enviado: {line}")
    return True


def _record(db: Path, recipient: Recipient, sent: list[Alert], ended: list[str]) -> None:
    at = now_utc()

    def action(con: duckdb.DuckDBPyConnection) -> None:
        for alert in sent:
            episode = AlertEpisode(alert.subject, alert.kind, alert.goal, f"Alerta: {alert.title}")
            mailing.record_alert(con, recipient, episode, at)
        mailing.close_alerts(con, recipient.account.username, ended, at)

    write(db, action)
