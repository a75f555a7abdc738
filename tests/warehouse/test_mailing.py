"""Addresses, subscriptions and what was mailed (warehouse.mailing): a bad address is refused
with nothing changed, every change is audited, the demo accounts are subscribed at
example.org, an alert episode stays open until its condition ends, and nobody but the system
reads what was mailed to whom."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.support.demo_copies import writable_demo
from warehouse import mailing
from warehouse.accounts import AccountError
from warehouse.db import compose, ident, transaction
from warehouse.scope import Scope, apply_scope

AT = datetime(2025, 6, 18, 12, 0)


@pytest.fixture
def con(demo_db, tmp_path):
    with writable_demo(demo_db, tmp_path) as connection:
        yield connection


def test_the_demo_accounts_have_example_addresses_and_take_the_weekly_briefing(con):
    found = {r.account.username: r for r in mailing.recipients(con)}
    assert set(found) == {"presidencia", "ministerio", "region", "analista", "admin", "gerente"}
    assert all(r.email == f"{name}@example.org" for name, r in found.items())
    assert all(r.briefing and r.alerts for r in found.values())


@pytest.mark.parametrize("bad", ["", "ana", "ana@", "@x.cl", "ana@x", "a b@x.cl", "a@x.cl, b@y.cl"])
def test_an_address_that_is_not_one_is_refused(con, bad):
    with pytest.raises(AccountError, match="Correo no válido"):
        mailing.check_email(bad)


def test_a_change_is_audited_and_a_refused_one_changes_nothing(con):
    with transaction(con):
        mailing.set_mail(con, "analista", email="  ana@servicio.gob.cl ", briefing=False)
    assert mailing.mail_settings(con)["analista"] == ("ana@servicio.gob.cl", False, True)
    lines = con.execute(
        "SELECT detalle FROM auditoria_cuentas WHERE accion = 'cambiar_correo'"
    ).fetchall()
    assert lines[-1] == (
        "correo: analista@example.org → ana@servicio.gob.cl; informe semanal: sí → no",
    )
    with pytest.raises(AccountError, match="Falta el correo"), transaction(con):
        mailing.set_mail(con, "analista", remove_email=True, briefing=True)
    assert mailing.mail_settings(con)["analista"] == ("ana@servicio.gob.cl", False, True)


def test_an_alert_episode_is_open_until_its_condition_ends(con):
    (gerente,) = [r for r in mailing.recipients(con) if r.account.username == "gerente"]
    red = mailing.AlertEpisode("meta_roja:SAL-01", "meta_roja", "SAL-01", "Alerta: …")
    with transaction(con):
        mailing.record_alert(con, gerente, red, AT)
    assert mailing.open_alerts(con, "gerente") == {"meta_roja:SAL-01"}
    assert mailing.open_alerts(con, "ministerio") == set()
    with transaction(con):
        mailing.close_alerts(con, "gerente", ["meta_roja:SAL-01"], AT)
    assert mailing.open_alerts(con, "gerente") == set()


def test_a_briefing_is_recorded_once_per_review_date(con):
    (region,) = [r for r in mailing.recipients(con) if r.account.username == "region"]
    with transaction(con):
        mailing.record_briefing(con, region, date(2025, 6, 16), 1000)
        mailing.record_briefing(con, region, date(2025, 6, 16), 1000)
    assert mailing.briefings_sent(con, date(2025, 6, 16)) == {"region"}
    assert mailing.briefings_sent(con, date(2025, 6, 23)) == set()


@pytest.mark.parametrize("role", ["presidencia", "admin", "ministerio", "publico"])
def test_nobody_but_the_system_reads_what_was_mailed(con, role):
    (gerente,) = [r for r in mailing.recipients(con) if r.account.username == "gerente"]
    with transaction(con):
        mailing.record_alert(con, gerente, mailing.AlertEpisode("s", "meta_roja", None, "t"), AT)
        mailing.record_briefing(con, gerente, date(2025, 6, 16), 1)
    cur = con.cursor()
    apply_scope(cur, Scope(role, ("Ministerio de Salud",) if role == "ministerio" else ()))
    for table in ("alertas", "envios_informe"):
        count = compose("SELECT count(*) FROM {table}", table=ident(table))
        assert cur.execute(count).fetchone() == (0,)
