"""Accounts in the warehouse: argon2 hashes, authentication, disabling, resets, the checks on
role, ministry and region, and the audit trail (warehouse/accounts.py)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from argon2 import PasswordHasher

from loaders.demo.accounts import DEMO_ACCOUNTS, DEMO_GOALS, add_demo_accounts
from warehouse.accounts import (
    AccountError,
    add_account,
    authenticate,
    disable_account,
    find_account,
    list_accounts,
    set_password,
)
from warehouse.db import WarehouseError, connect, transaction
from warehouse.scope import Scope

PASSWORD = "clave-de-prueba-1"


@pytest.fixture
def con(make_warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(make_warehouse())
    yield connection
    connection.close()


def add(con: duckdb.DuckDBPyConnection, username: str = "ana", **kwargs: object):
    fields: dict[str, object] = {
        "name": "Ana Pérez",
        "role": "ministerio",
        "password": PASSWORD,
        "ministries": ["Ministerio de Salud"],
    }
    fields.update(kwargs)
    with transaction(con):
        return add_account(con, username=username, **fields)


def audit(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT actor, usuario, accion, detalle FROM auditoria_cuentas ORDER BY en, accion"
    ).fetchall()


def stored_hash(con: duckdb.DuckDBPyConnection, username: str) -> str:
    rows = con.execute("SELECT hash_clave FROM cuentas WHERE usuario = ?", [username]).fetchall()
    return rows[0][0]


def test_add_find_and_authenticate(con) -> None:
    created = add(con, "  Ana ")  # names are trimmed and lower-cased
    assert created.username == "ana" and created.role == "ministerio"
    assert created.ministries == ("Ministerio de Salud",) and created.region is None
    assert created.active and created.session_epoch == 0 and not created.is_demo
    assert created.created_at is not None
    assert find_account(con, "ANA") == created
    assert find_account(con, "nadie") is None
    assert created.scope == Scope("ministerio", ("Ministerio de Salud",), None, user="ana")

    assert authenticate(con, "ana", PASSWORD) == created
    assert authenticate(con, "Ana", PASSWORD) == created
    assert authenticate(con, "ana", PASSWORD + "x") is None
    assert authenticate(con, "ana", "") is None
    assert authenticate(con, "nadie", PASSWORD) is None


def test_hash_is_argon2_not_the_password(con) -> None:
    add(con)
    stored = stored_hash(con, "ana")
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)
    add(con, "beto", name="Beto", role="analista", ministries=[])
    assert stored_hash(con, "beto") != stored  # salted: same password, another hash
    every_value = repr(con.execute("SELECT * FROM cuentas").fetchall())
    assert PASSWORD not in every_value


def test_disabled_account_cannot_authenticate(con) -> None:
    add(con)
    with transaction(con):
        disable_account(con, "ana", actor="admin")
    account = find_account(con, "ana")
    assert account is not None and not account.active and account.session_epoch == 1
    assert authenticate(con, "ana", PASSWORD) is None
    assert "ana" in {a.username for a in list_accounts(con)}  # the history stays


def test_reset_bumps_session_epoch_and_old_password_fails(con) -> None:
    add(con)
    new = "otra-clave-larga"
    with transaction(con):
        set_password(con, "ana", new)
    assert authenticate(con, "ana", PASSWORD) is None
    account = authenticate(con, "ana", new)
    assert account is not None and account.session_epoch == 1
    with pytest.raises(AccountError, match="No existe la cuenta"):
        set_password(con, "nadie", new)
    with pytest.raises(AccountError, match="No existe la cuenta"):
        disable_account(con, "nadie")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "jefe", "ministries": []}, "Rol desconocido"),
        ({"role": "ministerio", "ministries": ["Ministerio de Magia"]}, "Ministerio desconocido"),
        ({"role": "ministerio", "ministries": []}, "Falta el ministerio"),
        ({"role": "region", "ministries": [], "region": "99"}, "Región desconocida"),
        ({"role": "region", "ministries": [], "region": "5"}, "Región desconocida"),
        ({"role": "region", "ministries": [], "region": None}, "Región desconocida"),
        ({"role": "analista", "ministries": [], "region": "05"}, "Solo el rol 'region'"),
        ({"role": "presidencia"}, "Solo el rol 'ministerio'"),
        ({"password": "corta-123"}, "Clave demasiado corta"),
        ({"name": "  "}, "Falta el nombre"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(con, kwargs, message) -> None:
    with pytest.raises(AccountError, match=message):
        add(con, **kwargs)
    assert find_account(con, "ana") is None
    assert audit(con) == []


def test_bad_user_names_and_duplicates(con) -> None:
    with pytest.raises(AccountError, match="Nombre de usuario no válido"):
        add(con, "ana perez")
    with pytest.raises(AccountError, match="Nombre de usuario no válido"):
        add(con, "   ")
    add(con)
    with pytest.raises(AccountError, match="Ya existe una cuenta con ese usuario"):
        add(con, "ANA")
    assert [a.username for a in list_accounts(con)].count("ana") == 1


def test_short_password_refused_on_reset(con) -> None:
    add(con)
    with pytest.raises(AccountError, match="Clave demasiado corta"):
        set_password(con, "ana", "123456789")
    assert authenticate(con, "ana", PASSWORD) is not None


def test_region_account(con) -> None:
    account = add(con, "intendencia", name="Intendencia", role="region", ministries=[], region="05")
    assert account.region == "05" and account.scope.region == "05"
    assert authenticate(con, "intendencia", PASSWORD) == account


def test_every_change_is_audited(con) -> None:
    add(con, actor="admin")
    add(con, "ivan", name="Iván", role="region", ministries=[], region="05")
    with transaction(con):
        set_password(con, "ana", "otra-clave-larga", actor="admin")
    with transaction(con):
        disable_account(con, "ivan")
    rows = audit(con)
    assert [(actor, user, action) for actor, user, action, _ in rows] == [
        ("admin", "ana", "crear"),
        ("consola", "ivan", "crear"),
        ("admin", "ana", "cambiar_clave"),
        ("consola", "ivan", "desactivar"),
    ]
    details = {(user, action): detail for _, user, action, detail in rows}
    assert details[("ana", "crear")] == "rol ministerio, ministerios Ministerio de Salud"
    assert details[("ivan", "crear")] == "rol region, región 05"
    assert PASSWORD not in repr(rows) and "otra-clave-larga" not in repr(rows)


def test_a_failed_transaction_leaves_no_account_and_no_audit(con) -> None:
    with pytest.raises(AccountError), transaction(con):
        add_account(
            con,
            username="ana",
            name="Ana",
            role="analista",
            password=PASSWORD,
        )
        add_account(con, username="beto", name="Beto", role="jefe", password=PASSWORD)
    assert find_account(con, "ana") is None
    assert audit(con) == []


def test_demo_accounts_only_in_a_demo_database(make_warehouse) -> None:
    demo = connect(make_warehouse("demo.duckdb", demo=True))
    real = connect(make_warehouse("real.duckdb", demo=False))
    try:
        demo.execute("DELETE FROM cuentas")  # the small warehouse's own test accounts
        # The demo manager's goals, which the small warehouse names otherwise.
        for code in DEMO_GOALS:
            demo.execute(
                "INSERT INTO metas SELECT * REPLACE (? AS codigo_meta) FROM metas"
                " WHERE codigo_meta = 'M-02' AND valid_to IS NULL",
                [code],
            )
        before = list_accounts(real)
        with transaction(demo):
            added = add_demo_accounts(demo)
        assert [a.username for a in added] == [d.username for d in DEMO_ACCOUNTS]
        assert all(a.is_demo for a in added)
        assert {actor for actor, *_ in audit(demo)} == {"demo"}
        with pytest.raises(WarehouseError, match="solo van en la base de demostración"):
            add_demo_accounts(real)
        assert list_accounts(real) == before
    finally:
        demo.close()
        real.close()


def test_one_demo_account_per_role_with_the_published_passwords() -> None:
    assert {d.role for d in DEMO_ACCOUNTS} == {
        "presidencia",
        "ministerio",
        "region",
        "analista",
        "admin",
        "gerente",
    }
    assert all(d.password == "demo-" + d.username for d in DEMO_ACCOUNTS)
