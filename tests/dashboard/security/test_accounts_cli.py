"""`python -m dashboard.accounts`, run as a person runs it: a subprocess on a copy of a small
warehouse, the password on standard input or typed at a real terminal (a pty), never an
argument; every change published as a snapshot for the serving processes."""

from __future__ import annotations

import json
import os
import pty
import select
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.support.console import account_audit as audit
from tests.support.console import accounts_command as run
from tests.support.paths import REPO
from warehouse import snapshots
from warehouse.accounts import authenticate, find_account
from warehouse.db import connect

ROOT = REPO
PASSWORD = "clave-de-consola-1"
NEW_PASSWORD = "otra-clave-de-consola"
MINISTRY = "Ministerio de Salud"


def add_args(db: Path, username: str = "ana", *extra: str) -> list[str]:
    return [
        "add",
        "--db",
        str(db),
        "--usuario",
        username,
        "--nombre",
        "Ana Pérez",
        "--rol",
        "ministerio",
        "--ministerio",
        MINISTRY,
        *extra,
    ]


def read_only(path: Path):
    return connect(path, read_only=True)


def check_password(path: Path, username: str, password: str) -> bool:
    con = read_only(path)
    try:
        return authenticate(con, username, password) is not None
    finally:
        con.close()


@pytest.fixture
def db(make_warehouse) -> Path:
    return make_warehouse(demo=False)


def test_add_list_reset_and_disable_each_publish_a_snapshot(db: Path) -> None:
    assert snapshots.current(db) is None
    added = run(*add_args(db), stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "«ana» creada" in added.stdout
    first = snapshots.current(db)
    assert first is not None
    con = read_only(first)  # what the dashboard reads has the new account
    try:
        account = find_account(con, "ana")
        assert account is not None and account.ministries == (MINISTRY,)
    finally:
        con.close()
    assert check_password(db, "ana", PASSWORD)

    listed = run("list", "--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["usuario"]: row for row in json.loads(listed.stdout)}
    assert rows["ana"] == {
        "usuario": "ana",
        "nombre": "Ana Pérez",
        "rol": "ministerio",
        "ministerios": [MINISTRY],
        "region": None,
        "metas": [],
        "alcance": MINISTRY,
        "activa": True,
        "es_demo": False,
        "creada_en": rows["ana"]["creada_en"],
        "correo": None,
        "informe_semanal": False,
        "alertas": True,
    }
    assert rows["ana"]["creada_en"].endswith("+00:00")
    assert rows["region"]["alcance"] == "05 Valparaíso"  # a test account of the small warehouse
    assert "argon2" not in listed.stdout and PASSWORD not in listed.stdout
    table = run("list", "--db", str(db))
    assert table.returncode == 0, table.stderr
    assert "Valparaíso" in table.stdout and "Ana Pérez" in table.stdout
    assert snapshots.current(db) == first  # reading publishes nothing

    reset = run("reset-password", "--db", str(db), "ANA", stdin=NEW_PASSWORD + "\r\n")
    assert reset.returncode == 0, reset.stderr
    second = snapshots.current(db)
    assert second not in (None, first)
    assert not check_password(db, "ana", PASSWORD)
    assert check_password(second, "ana", NEW_PASSWORD)  # CRLF line end is not part of it

    disabled = run("disable", "--db", str(db), "ana")
    assert disabled.returncode == 0, disabled.stderr
    third = snapshots.current(db)
    assert third not in (None, first, second)
    assert not check_password(db, "ana", NEW_PASSWORD)
    con = read_only(third)
    try:
        account = find_account(con, "ana")
        assert account is not None and not account.active and account.session_epoch == 2
    finally:
        con.close()
    listed = json.loads(run("list", "--db", str(db), "--json").stdout)
    assert next(r for r in listed if r["usuario"] == "ana")["activa"] is False

    assert audit(db) == [
        ("consola", "ana", "crear"),
        ("consola", "ana", "cambiar_clave"),
        ("consola", "ana", "desactivar"),
    ]


def test_several_ministries_and_a_one_digit_region_code(db: Path) -> None:
    two = [*add_args(db, "dos"), "--ministerio", "Ministerio del Interior"]
    assert run(*two, stdin=PASSWORD + "\n").returncode == 0
    regional = ["add", "--db", str(db), "--usuario", "vina", "--nombre", "Viña", "--rol", "region"]
    assert run(*regional, "--region", "5", stdin=PASSWORD + "\n").returncode == 0
    rows = {
        row["usuario"]: row for row in json.loads(run("list", "--db", str(db), "--json").stdout)
    }
    assert rows["dos"]["ministerios"] == [MINISTRY, "Ministerio del Interior"]
    assert rows["dos"]["alcance"] == f"{MINISTRY}; Ministerio del Interior"
    assert (rows["vina"]["region"], rows["vina"]["alcance"]) == ("05", "05 Valparaíso")


def test_duplicate_user_is_refused_with_exit_2_and_nothing_published(db: Path) -> None:
    result = run(*add_args(db, "presidencia"), stdin=PASSWORD + "\n")
    assert result.returncode == 2
    assert result.stderr.strip() == "Ya existe una cuenta con ese usuario: presidencia"
    assert "Traceback" not in result.stderr
    assert snapshots.current(db) is None
    assert audit(db) == []
    assert check_password(db, "presidencia", "demo-presidencia")  # untouched


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--region", "05"], PASSWORD, "Solo el rol 'region' lleva región"),
        (["--ministerio", "Ministerio de Magia"], PASSWORD, "Ministerio desconocido"),
        ([], "corta", "Clave demasiado corta: use al menos 10 caracteres."),
        ([], "", "Falta la clave"),
    ],
)
def test_bad_input_exits_2_in_spanish(db: Path, args, stdin: str, message: str) -> None:
    result = run(*add_args(db, "ana", *args), stdin=stdin + "\n" if stdin else "")
    assert result.returncode == 2
    assert message in result.stderr
    assert snapshots.current(db) is None
    assert not check_password(db, "ana", PASSWORD)


def test_unknown_account_unknown_role_and_missing_database(db: Path, tmp_path: Path) -> None:
    for command in ("disable", "reset-password"):
        result = run(command, "--db", str(db), "nadie", stdin=PASSWORD + "\n")
        assert (result.returncode, result.stderr.strip()) == (2, "No existe la cuenta: nadie")
    bad_role = run(
        "add", "--db", str(db), "--usuario", "x", "--nombre", "X", "--rol", "jefe", stdin=PASSWORD
    )
    assert bad_role.returncode == 2
    assert "--rol: opción 'jefe' no válida" in bad_role.stderr
    missing = tmp_path / "no-existe.duckdb"
    for args in (["list"], ["disable", "ana"]):
        result = run(args[0], "--db", str(missing), *args[1:])
        assert result.returncode == 2
        assert result.stderr.startswith("No existe la base de datos")
    assert not missing.exists()  # not created empty by the attempt
    assert snapshots.current(db) is None


SECRET = "secreto-en-argumento"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clave", SECRET], "la clave nunca se da como argumento"),
        ([f"--password={SECRET}"], "la clave nunca se da como argumento"),
        (["-p", SECRET], "la clave nunca se da como argumento"),
        ([SECRET], "argumentos no reconocidos (los valores no se muestran"),
    ],
)
def test_password_is_never_accepted_as_an_argument(db: Path, args: list[str], message) -> None:
    for command in (
        add_args(db, "ana", *args),
        ["reset-password", "--db", str(db), "admin", *args],
    ):
        result = run(*command, stdin=PASSWORD + "\n")
        assert result.returncode == 2
        assert message in result.stderr
        assert SECRET not in result.stderr + result.stdout  # not even echoed back
    assert snapshots.current(db) is None
    assert not check_password(db, "ana", SECRET) and not check_password(db, "ana", PASSWORD)
    assert check_password(db, "admin", "demo-admin")


def test_help_is_in_spanish_and_offers_no_password_option() -> None:
    for command in ([], ["add"], ["reset-password"]):
        result = run(*command, "--help")
        assert result.returncode == 0
        assert result.stdout.startswith("uso: python -m dashboard.accounts")
        assert "opciones:" in result.stdout
        assert "--clave" not in result.stdout and "--password" not in result.stdout


def test_list_reads_the_published_snapshot_while_a_load_holds_the_file(db: Path) -> None:
    assert run(*add_args(db), stdin=PASSWORD + "\n").returncode == 0
    writer = connect(db)  # like a long load: holds the primary's lock
    try:
        result = run("list", "--db", str(db), "--json")
    finally:
        writer.close()
    assert result.returncode == 0, result.stderr
    assert "ocupada" in result.stderr
    assert "ana" in {row["usuario"] for row in json.loads(result.stdout)}


# --------------------------------------------------------------------------- at a terminal


def _read_until(fd: int, marker: bytes, seen: bytearray) -> None:
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], 60)
        assert ready, f"no {marker!r} from the console; it said {bytes(seen)!r}"
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        assert chunk, f"the console ended before {marker!r}; it said {bytes(seen)!r}"
        seen += chunk


def _read_to_end(fd: int, seen: bytearray) -> None:
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        assert ready, "the console did not finish"
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            return
        if not chunk:
            return
        seen += chunk


def in_terminal(args: Sequence[str], answers: Sequence[str]) -> tuple[int, str]:
    """Run the console with a pseudo-terminal as its controlling terminal, answering each
    password prompt as a person would type."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            os.chdir(ROOT)
            os.execv(sys.executable, [sys.executable, "-m", "dashboard.accounts", *args])
        finally:
            os._exit(127)
    seen = bytearray()
    try:
        for prompt, answer in zip((b"Clave nueva: ", b"Repita la clave: "), answers, strict=False):
            _read_until(fd, prompt, seen)
            os.write(fd, answer.encode() + b"\n")
        _read_to_end(fd, seen)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


def test_prompt_asks_twice_without_echo(db: Path) -> None:
    code, output = in_terminal(add_args(db), [PASSWORD, PASSWORD])
    assert code == 0, output
    assert "«ana» creada" in output
    assert PASSWORD not in output  # typed with echo off
    assert check_password(db, "ana", PASSWORD)
    published = snapshots.current(db)
    assert published is not None

    code, output = in_terminal(
        ["reset-password", "--db", str(db), "ana"], [NEW_PASSWORD, NEW_PASSWORD + "x"]
    )
    assert code == 2, output
    assert "Las claves no coinciden" in output
    assert check_password(db, "ana", PASSWORD)
    assert snapshots.current(db) == published
