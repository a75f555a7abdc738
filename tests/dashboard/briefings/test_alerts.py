"""Alerts against a real SMTP server on loopback: each account gets, once, the alerts of what
it answers for and may read; a second run sends nothing; an episode whose condition ended is
closed; a dry run sends and records nothing."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from dashboard.briefings.alerts import send_alerts
from tests.support.demo_copies import demo_copy
from tests.support.mail_server import mail_server
from tests.support.small_warehouse import DEMO_TODAY
from warehouse.db import connect

HEALTH_GOALS = re.compile(r"\bSAL-\d{2}\b")
ANY_GOAL = re.compile(r"\b[A-Z]{3}-\d{2}\b")


@pytest.fixture
def db(demo_db, tmp_path):
    return demo_copy(demo_db, tmp_path)


def alert_rows(path) -> list[tuple]:
    con = connect(path, read_only=True)
    try:
        return con.execute(
            "SELECT usuario, sujeto, cerrada_en IS NULL FROM alertas ORDER BY usuario, sujeto"
        ).fetchall()
    finally:
        con.close()


def goals_named(text: str) -> set[str]:
    return set(ANY_GOAL.findall(text))


def test_each_alert_is_mailed_once_to_whoever_answers_for_it(db):
    with mail_server() as (inbox, settings):
        first = send_alerts(db, DEMO_TODAY, settings, say=lambda _: None)
        assert first.ok and first.sent, "the demo has red goals and late figures to alert"
        assert len(inbox.messages) == len(first.sent)
        to = {m["To"] for m in inbox.messages}
        # Only who answers for something: managers, coordinators, decision owners.
        assert to <= {"gerente@example.org", "ministerio@example.org"}
        for message in inbox.messages:
            assert message["Subject"].startswith("Alerta: ")
            text = message["Subject"] + message.get_content()
            if message["To"] == "gerente@example.org":
                assert goals_named(text) <= {"SAL-01", "SAL-02"}
            else:
                assert goals_named(text) and all(HEALTH_GOALS.match(g) for g in goals_named(text))
        rows = alert_rows(db)
        assert len(rows) == len(first.sent) and all(open_ for _, _, open_ in rows)

        second = send_alerts(db, DEMO_TODAY, settings, say=lambda _: None)
        assert second.sent == [] and second.closed == []
        assert len(inbox.messages) == len(first.sent)


def test_an_episode_whose_condition_ended_is_closed_and_can_open_again(db):
    con = connect(db)
    try:
        con.execute(
            "INSERT INTO alertas VALUES ('gerente', 'meta_roja:SAL-99', 'meta_roja', 'SAL-99',"
            " 'Alerta: …', 'gerente@example.org', ?, NULL)",
            [datetime(2025, 6, 1)],
        )
    finally:
        con.close()
    with mail_server() as (_, settings):
        run = send_alerts(db, DEMO_TODAY, settings, say=lambda _: None)
    assert run.closed == ["gerente: meta_roja:SAL-99"]
    assert ("gerente", "meta_roja:SAL-99", False) in alert_rows(db)


def test_a_refused_alert_is_tried_again(db):
    with mail_server() as (inbox, settings):
        inbox.refuse.add("gerente@example.org")
        first = send_alerts(db, DEMO_TODAY, settings, say=lambda _: None)
        assert first.failed and all(line.startswith("gerente ") for line in first.failed)
        assert all(user != "gerente" for user, _, _ in alert_rows(db))
        inbox.refuse.clear()
        second = send_alerts(db, DEMO_TODAY, settings, say=lambda _: None)
        assert len(second.sent) == len(first.failed)
        assert {m["To"] for m in inbox.messages[-len(second.sent) :]} == {"gerente@example.org"}


def test_a_dry_run_sends_and_records_nothing(db):
    said: list[str] = []
    run = send_alerts(db, DEMO_TODAY, None, say=said.append)
    assert run.sent and all(line.startswith("[simulación] ") for line in said)
    assert alert_rows(db) == []


def test_a_month_owed_waits_for_its_grace_days(db):
    """The demo's last figures are of May 2025: on 5 June nothing is owed yet with 10 days."""
    early = send_alerts(db, date(2025, 6, 5), None, say=lambda _: None)
    assert not [s for s in early.sent if "no tiene reporte de mayo 2025" in s]
