"""`python -m dashboard.accounts add --rol gerente --meta …` and `token create|revoke|list`, run
as a person runs them (a subprocess on a small warehouse): the goals must exist, the token is the
last line of the output and opens its account until revoked, every change is published."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.console import account_audit as audit
from tests.support.console import accounts_command as run
from warehouse import snapshots
from warehouse.db import connect
from warehouse.tokens import account_for_token

PASSWORD = "clave-de-consola-1"


def manager_args(db: Path, *goals: str) -> list[str]:
    meta = [arg for code in goals for arg in ("--meta", code)]
    return ["add", "--db", str(db), "--usuario", "gerente1", "--nombre", "Gerencia de prueba",
            "--rol", "gerente", *meta]  # fmt: skip


def token_owner(path: Path, token: str) -> str | None:
    con = connect(path, read_only=True)
    try:
        account = account_for_token(con, token, record_use=False)
        return account.username if account else None
    finally:
        con.close()


@pytest.fixture
def db(make_warehouse) -> Path:
    return make_warehouse(demo=False)


def test_a_manager_is_created_with_its_goals_and_listed_with_them(db: Path) -> None:
    added = run(*manager_args(db, "M-01", "M-02"), stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "«gerente1» creada: Gerencia de meta." in added.stdout
    rows = {r["usuario"]: r for r in json.loads(run("list", "--db", str(db), "--json").stdout)}
    assert rows["gerente1"]["rol"] == "gerente"
    assert rows["gerente1"]["metas"] == ["M-01", "M-02"]
    assert "M-01, M-02" in rows["gerente1"]["alcance"]
    table = run("list", "--db", str(db))
    assert table.returncode == 0 and "M-01, M-02" in table.stdout


@pytest.mark.parametrize(
    ("goals", "message"),
    [
        (("M-01", "NO-99"), "Meta desconocida: NO-99"),
        ((), "Falta la meta"),
    ],
)
def test_an_unknown_or_missing_goal_is_refused_and_nothing_created(
    db: Path, goals: tuple[str, ...], message: str
) -> None:
    result = run(*manager_args(db, *goals), stdin=PASSWORD + "\n")
    assert result.returncode == 2
    assert result.stderr.startswith(message) and "Traceback" not in result.stderr
    assert snapshots.current(db) is None
    assert audit(db) == []
    listed = json.loads(run("list", "--db", str(db), "--json").stdout)
    assert "gerente1" not in {r["usuario"] for r in listed}


def test_goals_are_only_for_managers(db: Path) -> None:
    args = ["add", "--db", str(db), "--usuario", "ana", "--nombre", "Ana", "--rol", "analista"]
    result = run(*args, "--meta", "M-01", stdin=PASSWORD + "\n")
    assert result.returncode == 2 and "Solo el rol 'gerente' lleva metas" in result.stderr


def test_a_token_is_the_last_line_opens_its_account_and_is_revoked(db: Path) -> None:
    assert run(*manager_args(db, "M-01"), stdin=PASSWORD + "\n").returncode == 0
    before = snapshots.current(db)
    created = run("token", "create", "gerente1", "--db", str(db))
    assert created.returncode == 0, created.stderr
    token = created.stdout.rstrip("\n").splitlines()[-1]
    assert token == token.strip() and " " not in token and len(token) >= 43
    assert created.stdout.count(token) == 1  # shown once, alone on its line
    published = snapshots.current(db)
    assert published not in (None, before)  # the running dashboard sees the new token
    assert token_owner(db, token) == "gerente1"
    assert token_owner(published, token) == "gerente1"

    listed = run("token", "list", "gerente1", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    assert token[:8] in listed.stdout and "vigente" in listed.stdout
    assert token not in listed.stdout

    revoked = run("token", "revoke", "gerente1", "--db", str(db))
    assert revoked.returncode == 0, revoked.stderr
    assert "Revocados 1 token(s)" in revoked.stdout
    assert token_owner(db, token) is None
    assert token_owner(snapshots.current(db), token) is None
    assert "revocado" in run("token", "list", "gerente1", "--db", str(db)).stdout
    again = run("token", "revoke", "gerente1", "--db", str(db))
    assert again.returncode == 0 and "no tenía tokens vigentes" in again.stdout
    assert audit(db)[-2:] == [
        ("consola", "gerente1", "crear_token"),
        ("consola", "gerente1", "revocar_tokens"),
    ]


def test_a_token_for_an_unknown_account_is_refused(db: Path) -> None:
    result = run("token", "create", "nadie", "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.strip() == "No existe la cuenta: nadie"
    assert result.stdout == "" and snapshots.current(db) is None
