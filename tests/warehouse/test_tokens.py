"""API tokens (warehouse/tokens.py): stored as a hash, shown once, refused once revoked or when
the account is disabled; every change in `auditoria_cuentas`. And the goal manager's account
(warehouse/accounts.py): its goals must be current goals."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from warehouse.accounts import AccountError, add_account, disable_account, find_account
from warehouse.db import connect, transaction
from warehouse.scope import GERENTE
from warehouse.tokens import (
    PREFIX_LENGTH,
    account_for_token,
    create_token,
    list_tokens,
    revoke_tokens,
    token_hash,
)

PASSWORD = "farol-cobre-lento-mirlo"


@pytest.fixture
def con(make_warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(make_warehouse(demo=False))
    yield connection
    connection.close()


def audit(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT actor, usuario, accion FROM auditoria_cuentas ORDER BY en, accion"
    ).fetchall()


def test_a_token_opens_its_account_and_only_its_hash_is_stored(con) -> None:
    with transaction(con):
        token = create_token(con, "analista", actor="admin")
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    stored = con.execute("SELECT * FROM tokens_api").fetchall()
    assert token not in repr(stored) and token_hash(token) in repr(stored)
    (listed,) = list_tokens(con, "analista")
    assert listed.prefix == token[:PREFIX_LENGTH] and listed.active and listed.last_used is None

    account = account_for_token(con, token)
    assert account is not None and account.username == "analista"
    (used,) = list_tokens(con, "analista")
    assert used.last_used is not None
    assert account_for_token(con, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert account_for_token(con, "") is None
    assert ("admin", "analista", "crear_token") in audit(con)


def test_a_revoked_token_opens_nothing(con) -> None:
    with transaction(con):
        first, second = create_token(con, "analista"), create_token(con, "analista")
        other = create_token(con, "region")
    assert len({first, second, other}) == 3
    with transaction(con):
        assert revoke_tokens(con, "analista") == 2
    assert account_for_token(con, first) is None and account_for_token(con, second) is None
    assert account_for_token(con, other) is not None  # another account's token still works
    assert all(not t.active for t in list_tokens(con, "analista"))
    assert revoke_tokens(con, "analista") == 0  # nothing left to revoke: no audit line
    assert [row for row in audit(con) if row[2] == "revocar_tokens"] == [
        ("consola", "analista", "revocar_tokens")
    ]


def test_a_disabled_accounts_tokens_open_nothing(con) -> None:
    with transaction(con):
        token = create_token(con, "region")
    disable_account(con, "region")
    assert account_for_token(con, token) is None
    with pytest.raises(AccountError, match="desactivada"):
        create_token(con, "region")
    with pytest.raises(AccountError, match="No existe la cuenta"):
        create_token(con, "nadie")


def test_a_manager_needs_current_goals_and_only_a_manager_has_goals(con) -> None:
    common = {"username": "gerente1", "name": "Gerencia uno", "password": PASSWORD}
    with pytest.raises(AccountError, match="Falta la meta"):
        add_account(con, role=GERENTE, **common)
    with pytest.raises(AccountError, match="Meta desconocida: M-99"):
        add_account(con, role=GERENTE, goals=["M-01", "M-99"], **common)
    with pytest.raises(AccountError, match="Solo el rol 'gerente' lleva metas"):
        add_account(con, role="analista", goals=["M-01"], **common)
    assert find_account(con, "gerente1") is None
    account = add_account(con, role=GERENTE, goals=[" M-01", "M-03", "M-01"], **common)
    assert account.goals == ("M-01", "M-03")
    assert account.scope.goals == ("M-01", "M-03") and account.scope.role == GERENTE
    assert ("consola", "gerente1", "crear") in audit(con)
    detail = con.execute(
        "SELECT detalle FROM auditoria_cuentas WHERE usuario = 'gerente1'"
    ).fetchall()
    assert detail == [("rol gerente, metas M-01, M-03",)]
