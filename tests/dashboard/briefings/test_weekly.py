"""The weekly briefing against a real SMTP server on loopback: each subscribed account gets one
mail with its own pack attached (built on its scope), once per review date; a mailbox the
server refuses is reported, not recorded, and gets its pack on the next run."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from dashboard.briefings.weekly import review_date, send_briefings
from tests.support.demo_copies import demo_copy
from tests.support.mail_server import attachments, mail_server
from warehouse.db import connect

SUBSCRIBED = ("presidencia", "ministerio")


@pytest.fixture
def db(demo_db, tmp_path):
    path = demo_copy(demo_db, tmp_path)
    con = connect(path)
    try:  # two subscribers keep the test to two packs (seconds of layout each)
        con.execute("UPDATE cuentas SET recibe_informe = usuario IN (?, ?)", list(SUBSCRIBED))
    finally:
        con.close()
    return path


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def escalated_codes(text: str) -> set[str]:
    section = text.split("Restricciones para escalar al Grupo de Estrategia")[1].split("Hitos")[0]
    return set(re.findall(r"\b[A-Z]{3}-\d{2}\b", section))


def sent_rows(path) -> list[tuple]:
    con = connect(path, read_only=True)
    try:
        return con.execute(
            "SELECT usuario, correo, fecha_revision FROM envios_informe ORDER BY usuario"
        ).fetchall()
    finally:
        con.close()


def test_each_subscriber_gets_its_own_pack_once(db):
    day = review_date(db, None)
    with mail_server() as (inbox, settings):
        outcome = send_briefings(db, None, settings, say=lambda _: None)
        assert outcome.ok and len(outcome.sent) == 2
        assert sorted(m["To"] for m in inbox.messages) == [
            "ministerio@example.org",
            "presidencia@example.org",
        ]
        packs = {}
        for message in inbox.messages:
            assert message["Subject"] == f"Informe de la revisión semanal del {day:%d-%m-%Y}"
            ((name, data),) = attachments(message)
            assert name == f"informe_revision_{day:%Y-%m-%d}.pdf" and data.startswith(b"%PDF")
            packs[message["To"].split("@")[0]] = pdf_text(data)
        assert "(Ministerio de Salud): cifras sin validar y restricciones" in packs["ministerio"]
        ministry, everything = (
            escalated_codes(packs["ministerio"]),
            escalated_codes(packs["presidencia"]),
        )
        assert ministry and ministry < everything
        assert [row[0] for row in sent_rows(db)] == ["ministerio", "presidencia"]

        again = send_briefings(db, None, settings, say=lambda _: None)
        assert again.sent == [] and len(again.skipped) == 2
        assert all("ya recibió el informe" in line for line in again.skipped)
        assert len(inbox.messages) == 2


def test_a_refused_mailbox_is_not_recorded_and_gets_its_pack_next_time(db):
    with mail_server() as (inbox, settings):
        inbox.refuse.add("ministerio@example.org")
        first = send_briefings(db, None, settings, say=lambda _: None)
        assert not first.ok and "ministerio <ministerio@example.org>" in first.failed[0]
        assert [row[0] for row in sent_rows(db)] == ["presidencia"]
        inbox.refuse.clear()
        second = send_briefings(db, None, settings, say=lambda _: None)
        assert second.sent == ["ministerio <ministerio@example.org>"]
        assert [m["To"] for m in inbox.messages] == [
            "presidencia@example.org",
            "ministerio@example.org",
        ]


def test_a_dry_run_sends_and_records_nothing(db):
    said: list[str] = []
    outcome = send_briefings(db, None, None, say=said.append)
    assert len(outcome.sent) == 2 and all(line.startswith("[simulación]") for line in said)
    assert sent_rows(db) == []
