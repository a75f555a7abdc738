"""New passwords must be hard to guess (zxcvbn, against the account's own words) and user names
keep to a safe ASCII set after NFKC, each refusal with its reason in Spanish; the demo's
published passwords stay valid in demo databases only (warehouse/accounts.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import duckdb
import pytest

from dashboard.security.accounts_cli import main as accounts_main
from loaders.demo.accounts import DEMO_ACCOUNTS
from warehouse.accounts import (
    AccountError,
    add_account,
    authenticate,
    check_password_strength,
    find_account,
    list_accounts,
    set_password,
)
from warehouse.db import connect, transaction

STRONG = "tetera-nublada-ancla-rio"
PRESIDENCIA_FIELDS = {"name": "Gabinete Presidencial", "role": "presidencia"}


@pytest.fixture
def con(make_warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(make_warehouse(demo=False))
    yield connection
    connection.close()


def add(con: duckdb.DuckDBPyConnection, username: str, password: str = STRONG, **fields):
    values = {"name": "Juana Pérez", "role": "analista", **fields}
    with transaction(con):
        return add_account(con, username=username, password=password, **values)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "repite un carácter"),
        ("1234567890", "es una de las claves más usadas"),
        (" " * 10, "no puede ser solo espacios"),
        ("password12", "es una de las claves más usadas"),
        ("jperez.sub", "es igual al nombre de usuario"),
        ("JPEREZ.SUB", "es igual al nombre de usuario"),
        ("jperez.sub2025", "se parece al nombre de usuario"),
        ("Juana-Perez-1", "se parece al nombre de usuario, al nombre"),
        ("qwertyuiop", "es una de las claves más usadas"),
        ("abcdefghijkl", "es una secuencia"),
        ("tablero-metas", "se parece al nombre de usuario, al nombre, al rol o al tablero"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(con, password: str, reason: str) -> None:
    before = list_accounts(con)
    with pytest.raises(AccountError, match="Clave demasiado débil") as refused:
        add(con, "jperez.sub", password)
    assert reason in refused.value.detail
    assert "palabras poco comunes" in refused.value.detail  # and what to do instead
    assert list_accounts(con) == before


def test_a_strong_password_is_accepted_and_opens_the_account(con) -> None:
    account = add(con, "jperez.sub", STRONG)
    assert authenticate(con, "jperez.sub", STRONG) == account


def test_a_weak_password_is_refused_on_reset_too(con) -> None:
    add(con, "jperez.sub")
    for weak in ("aaaaaaaaaa", "jperez.sub", "password12"):
        with pytest.raises(AccountError, match="Clave demasiado débil"), transaction(con):
            set_password(con, "jperez.sub", weak)
    assert authenticate(con, "jperez.sub", STRONG) is not None


@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("presidencia\u200b", "carácter invisible (U+200B)"),
        ("\u200bpresidencia", "carácter invisible (U+200B)"),
        ("presi\u00addencia", "carácter invisible (U+00AD)"),
        ("pr\u0435sidencia", "«е» (U+0435)"),  # Cyrillic ie
        ("\u0440residencia", "«р» (U+0440)"),  # Cyrillic er
        ("presidéncia", "«é» (U+00E9)"),
        ("ana perez", "sin espacios"),
        ("ab", "de 3 a 64 caracteres"),
        ("-presidencia", "empezando por letra o dígito"),
        ("a" * 65, "de 3 a 64 caracteres"),
        ("ana;drop", "«;» (U+003B)"),
    ],
)
def test_unsafe_user_names_are_refused_with_the_reason(con, username: str, reason: str) -> None:
    before = list_accounts(con)
    with pytest.raises(AccountError, match="Nombre de usuario no válido") as refused:
        add(con, username)
    assert reason in refused.value.detail
    assert list_accounts(con) == before


def test_compatibility_forms_are_the_same_name(con) -> None:
    """Full-width letters are the same name after NFKC: no second "presidencia"."""
    with pytest.raises(AccountError, match="Ya existe una cuenta con ese usuario"):
        add(con, "\uff50\uff52\uff45\uff53\uff49\uff44\uff45\uff4e\uff43\uff49\uff41")
    assert find_account(con, "ＰＲＥＳＩＤＥＮＣＩＡ").username == "presidencia"
    assert authenticate(con, "ＰＲＥＳＩＤＥＮＣＩＡ", "demo-presidencia") is not None


def test_demo_passwords_only_in_a_demo_database(con, make_warehouse) -> None:
    demo = DEMO_ACCOUNTS[0]
    with pytest.raises(AccountError, match="Clave demasiado débil"):
        add(con, "presidencia2", demo.password, **PRESIDENCIA_FIELDS)
    with pytest.raises(AccountError, match="solo van en la base de demostración"):
        add(con, "presidencia2", demo.password, is_demo=True, **PRESIDENCIA_FIELDS)
    demo_con = connect(make_warehouse("demo.duckdb", demo=True))
    try:
        created = add(demo_con, "presidencia2", demo.password, is_demo=True, **PRESIDENCIA_FIELDS)
        assert authenticate(demo_con, "presidencia2", demo.password) == created
    finally:
        demo_con.close()


def test_check_reads_at_most_72_characters_and_refuses_huge_passwords() -> None:
    check_password_strength(STRONG + "x" * 500, username="ana")  # long and strong: fine
    with pytest.raises(AccountError, match="Clave demasiado larga"):
        check_password_strength("x" * 5000, username="ana")


def test_the_console_refuses_a_weak_password_in_spanish(make_warehouse, capsys) -> None:
    db = make_warehouse(demo=False)
    args = ["add", "--db", str(db), "--usuario", "jperez", "--nombre", "Juana Pérez"]
    code = accounts_main([*args, "--rol", "analista"], stdin=io.StringIO("password12\n"))
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("Clave demasiado débil: es una de las claves más usadas.")
    lookalike = ["add", "--db", str(db), "--usuario", "presidencia\u200b", "--nombre", "X"]
    code = accounts_main([*lookalike, "--rol", "analista"], stdin=io.StringIO(STRONG + "\n"))
    assert code == 2
    assert "Nombre de usuario no válido: contiene un carácter invisible" in capsys.readouterr().err
    con = connect(db, read_only=True)
    try:
        assert {a.username for a in list_accounts(con)} == {
            "presidencia",
            "analista",
            "region",
            "admin",
        }
    finally:
        con.close()
