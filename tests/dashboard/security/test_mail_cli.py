"""`python -m dashboard.accounts add|set --email …`: an account's address and subscriptions from
the console, checked, audited and published; a bad address changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.console import account_audit as audit
from tests.support.console import accounts_command as run
from warehouse import snapshots
from warehouse.db import connect
from warehouse.mailing import mail_settings

PASSWORD = "clave-de-consola-1"


@pytest.fixture
def db(make_warehouse) -> Path:
    return make_warehouse(demo=False)


def settings_of(path: Path, username: str) -> tuple[str | None, bool, bool]:
    con = connect(path, read_only=True)
    try:
        return mail_settings(con)[username]
    finally:
        con.close()


def test_add_with_an_address_subscribes_in_the_same_change(db: Path) -> None:
    added = run(
        "add", "--db", str(db), "--usuario", "ana", "--nombre", "Ana Pérez", "--rol", "analista",
        "--email", "ana@servicio.gob.cl", "--informe-semanal", "si",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "ana@servicio.gob.cl; informe semanal sí; alertas sí" in added.stdout
    assert settings_of(db, "ana") == ("ana@servicio.gob.cl", True, True)
    assert [a[2] for a in audit(db) if a[1] == "ana"] == ["crear", "cambiar_correo"]
    listed = json.loads(run("list", "--db", str(db), "--json").stdout)
    row = next(r for r in listed if r["usuario"] == "ana")
    assert (row["correo"], row["informe_semanal"], row["alertas"]) == (
        "ana@servicio.gob.cl",
        True,
        True,
    )


def test_set_changes_the_address_and_each_subscription_and_publishes(db: Path) -> None:
    before = snapshots.current(db)
    changed = run("set", "--db", str(db), "region", "--email", "gore@region.cl", "--alertas", "no")
    assert changed.returncode == 0, changed.stderr
    assert settings_of(db, "region") == ("gore@region.cl", False, False)
    assert snapshots.current(db) not in (None, before)
    detail = (
        connect(db, read_only=True)
        .execute("SELECT detalle FROM auditoria_cuentas WHERE accion = 'cambiar_correo'")
        .fetchall()
    )
    assert detail == [("correo: (ninguno) → gore@region.cl; alertas: sí → no",)]
    removed = run("set", "--db", str(db), "region", "--sin-email")
    assert removed.returncode == 0 and "no tiene correo" in removed.stdout
    assert settings_of(db, "region")[0] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "sin-arroba.cl"], "Correo no válido"),
        (["--email", "dos@@example.org"], "Correo no válido"),
        (["--informe-semanal", "si"], "Falta el correo"),
        (["--informe-semanal", "quizás"], "use si o no"),
    ],
)
def test_a_bad_address_or_value_is_refused_and_nothing_changes(
    db: Path, args: list[str], message: str
) -> None:
    before = audit(db)
    refused = run("set", "--db", str(db), "region", *args)
    assert refused.returncode == 2
    assert message in refused.stderr
    assert audit(db) == before and settings_of(db, "region") == (None, False, True)


def test_an_unknown_account_is_refused(db: Path) -> None:
    refused = run("set", "--db", str(db), "nadie", "--email", "x@example.org")
    assert refused.returncode == 2 and "No existe la cuenta" in refused.stderr
