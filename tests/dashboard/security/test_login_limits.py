"""Failed logins are limited per user name and address, per address (spraying) and per user name,
in a storage every worker shares; others' failures do not lock the real user out of another
address, and a password reset lifts a lock-out (dashboard/security/login_limits.py,
warehouse/login_state.py)."""

from __future__ import annotations

import io
import multiprocessing

from dashboard.security.accounts_cli import main as accounts_main
from tests.support.sessions import CSRF_FIELD
from warehouse.login_state import LoginState, default_storage_uri

NEW_PASSWORD = "tetera-nublada-ancla-rio"


def login(app, username: str, password: str, address: str = "10.0.0.1", **headers: str) -> int:
    """One login from `address` (a new browser each time), its HTTP status."""
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    form = client.get("/login").get_data(as_text=True)
    token = CSRF_FIELD.search(form)[1]
    response = client.post(
        "/login",
        data={"usuario": username, "clave": password, "csrf_token": token},
        headers=headers,
    )
    return response.status_code


def test_spraying_many_user_names_from_one_address_is_limited(app_for, make_warehouse):
    app = app_for(make_warehouse())
    codes = [login(app, f"usuario{i:02d}", "Primavera2025!") for i in range(25)]
    assert codes[:20] == [401] * 20  # TABLERO_LOGIN_LIMIT_ADDRESS: 20 per hour
    assert codes[20:] == [429] * 5
    assert login(app, "presidencia", "demo-presidencia") == 429  # that address waits
    assert login(app, "presidencia", "demo-presidencia", address="10.0.0.2") == 302


def test_failures_from_one_address_do_not_stop_the_user_at_another(app_for, make_warehouse):
    app = app_for(make_warehouse())
    assert [login(app, "analista", f"intento-{i}") for i in range(6)] == [401] * 5 + [429]
    assert login(app, "analista", "demo-analista") == 429  # the guesser's address waits
    assert login(app, "analista", "demo-analista", address="10.0.0.2") == 302


def test_a_name_locked_by_guesses_from_many_addresses_is_opened_by_a_reset(
    app_for, make_warehouse, monkeypatch
):
    monkeypatch.delenv("TABLERO_SHARED_STORAGE", raising=False)
    db = make_warehouse()
    app = app_for(db, login_limit_user="8 per hour")
    guesses = [login(app, "analista", f"intento-{i}", address=f"10.1.0.{i}") for i in range(8)]
    assert guesses == [401] * 8
    assert login(app, "analista", "demo-analista", address="10.2.0.1") == 429
    assert login(app, "presidencia", "demo-presidencia", address="10.2.0.1") == 302
    code = accounts_main(
        ["reset-password", "--db", str(db), "analista"], stdin=io.StringIO(NEW_PASSWORD + "\n")
    )
    assert code == 0
    assert login(app, "analista", NEW_PASSWORD, address="10.2.0.1") == 302


def test_limits_hold_across_two_workers_sharing_the_storage(app_for, make_warehouse):
    db = make_warehouse()
    first, second = app_for(db), app_for(db)
    assert [login(first, "analista", f"uno-{i}") for i in range(3)] == [401] * 3
    assert [login(second, "analista", f"dos-{i}") for i in range(2)] == [401] * 2
    assert login(first, "analista", "demo-analista") == 429
    assert login(second, "analista", "demo-analista") == 429


def test_a_success_starts_the_count_of_that_address_and_name_again(app_for, make_warehouse):
    app = app_for(make_warehouse())
    assert [login(app, "analista", f"intento-{i}") for i in range(4)] == [401] * 4
    assert login(app, "analista", "demo-analista") == 302
    assert [login(app, "analista", f"otro-{i}") for i in range(4)] == [401] * 4


def test_behind_a_trusted_proxy_each_client_is_its_own_address(app_for, make_warehouse):
    app = app_for(make_warehouse(), trusted_proxies=1)
    proxy = "127.0.0.1"
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    codes = [login(app, "analista", f"intento-{i}", proxy, **attacker) for i in range(6)]
    assert codes == [401] * 5 + [429]
    user = {"X-Forwarded-For": "198.51.100.7"}
    assert login(app, "analista", "demo-analista", proxy, **user) == 302


def _hit(uri: str, times: int) -> None:
    state = LoginState(uri)
    for _ in range(times):
        state.storage.incr("contador-compartido", 3600)


def test_the_file_storage_counts_every_hit_of_several_processes(tmp_path):
    uri = default_storage_uri(tmp_path / "tablero.duckdb")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hit, args=(uri, 150)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert LoginState(uri).storage.get("contador-compartido") == 450
    store = tmp_path / "tablero.duckdb.acceso.sqlite"
    assert store.stat().st_mode & 0o077 == 0  # private to the service's user
