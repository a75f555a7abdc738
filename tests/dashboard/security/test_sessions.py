"""Sessions end at logout and after their idle and absolute lifetimes (dashboard/security/sessions.py,
warehouse/login_state.py): a cookie saved before logging out reads nothing afterwards, in
every worker, while the same person's other sessions go on."""

from __future__ import annotations

import pytest

from dashboard.security import sessions
from dashboard.server.settings import Settings, SettingsError
from tests.support.sessions import DashClient, signed_in

SESSION_COOKIE = "tablero_sesion"


def page_content(client: DashClient, path: str = "/metas") -> str:
    response = client.callback(
        "_pages_content.children",
        {"_pages_location.pathname": path, "_pages_location.search": ""},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def replay(app, cookie: str) -> DashClient:
    """A new browser holding a copy of a saved session cookie (and its own CSRF cookie)."""
    thief = DashClient(app)
    thief.http.set_cookie(SESSION_COOKIE, cookie)
    thief.get("/publico")
    return thief


def reads_as_staff(client: DashClient) -> bool:
    signed = client.get("/metas").status_code == 200
    content = page_content(client)
    assert signed == ("acceso-denegado" not in content)
    return signed


def log_out(client: DashClient) -> None:
    response = client.http.post("/logout", data={"csrf_token": client.csrf_token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_cookie_saved_before_logout_reads_nothing_after(app_for, make_warehouse):
    app = app_for(make_warehouse())
    client = signed_in(app)
    saved = client.http.get_cookie(SESSION_COOKIE).value
    assert reads_as_staff(replay(app, saved))  # the copy works while the session lives
    log_out(client)
    thief = replay(app, saved)
    assert not reads_as_staff(thief)
    assert thief.get("/").headers["Location"].startswith("/login")
    assert "Ingrese con su cuenta" in page_content(thief)


def test_logging_out_ends_only_that_session(app_for, make_warehouse):
    app = app_for(make_warehouse())
    office, phone = signed_in(app), signed_in(app)
    log_out(office)
    assert not reads_as_staff(office)
    assert reads_as_staff(phone)  # the same account's other session goes on
    assert reads_as_staff(signed_in(app))  # and logging in again works


def test_a_logout_in_one_worker_ends_the_session_in_another(app_for, make_warehouse):
    db = make_warehouse()
    first, second = app_for(db), app_for(db)  # two processes' apps: same key, same storage
    client = signed_in(first)
    saved = client.http.get_cookie(SESSION_COOKIE).value
    assert reads_as_staff(replay(second, saved))
    log_out(client)
    assert not reads_as_staff(replay(second, saved))


def test_sessions_end_after_the_idle_time(app_for, make_warehouse, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(sessions, "_clock", lambda: now[0])
    app = app_for(make_warehouse(), session_idle=600, session_lifetime=3600)
    client = signed_in(app)
    for _ in range(3):  # each request within the idle time keeps it alive
        now[0] += 590
        assert reads_as_staff(client)
    now[0] += 601
    assert not reads_as_staff(client)
    assert client.get("/").headers["Location"].startswith("/login")


def test_sessions_end_after_the_absolute_lifetime(app_for, make_warehouse, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(sessions, "_clock", lambda: now[0])
    app = app_for(make_warehouse(), session_idle=600, session_lifetime=3600)
    client = signed_in(app)
    saved = client.http.get_cookie(SESSION_COOKIE).value
    for _ in range(6):  # active every 500 s: never idle
        now[0] += 500
        assert reads_as_staff(client)
    now[0] += 600  # 3600 s after the login
    assert not reads_as_staff(client)
    assert not reads_as_staff(replay(app, saved))


def test_a_cookie_without_a_session_id_is_refused(app_for, make_warehouse):
    """A cookie signed with the right key but holding only the account and epoch (as before
    sessions had ids) opens nothing: it could not be ended by a logout."""
    app = app_for(make_warehouse())
    client = DashClient(app)
    with client.http.session_transaction() as session:
        session.update({"cuenta": 1, "epoca": 0})
        session.permanent = True
    assert not reads_as_staff(client)


def test_lifetimes_are_settings():
    settings = Settings.from_env({"TABLERO_SESSION_IDLE": "30m", "TABLERO_SESSION_LIFETIME": "8h"})
    assert (settings.session_idle, settings.session_lifetime) == (1800, 8 * 3600)
    assert Settings.from_env({"TABLERO_SESSION_IDLE": "900"}).session_idle == 900
    assert (Settings().session_idle, Settings().session_lifetime) == (7200, 12 * 3600)
    for bad in ("0", "dos horas", "-5"):
        with pytest.raises(SettingsError, match="TABLERO_SESSION_IDLE"):
            Settings.from_env({"TABLERO_SESSION_IDLE": bad})
