"""`python -m dashboard.accounts add|list|disable|reset-password|set|token`: accounts from the
console.

The password is typed at a prompt (twice) or read from the first line of standard input, never
given as an argument: arguments stay in the shell history and show in `ps` to every user of the
machine. Each change goes to the primary database in one transaction and is then published as
a snapshot, so the running dashboard sees it on its next request (warehouse.snapshots).

Exit status: 0 done, 2 refused (bad input: nothing changed), 1 unexpected error.

This module does not import dash, so the console starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

import duckdb

from dashboard.security.console_db import (
    ACTOR,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNEXPECTED,
    reading,
    require_database,
    write,
)
from dashboard.security.mail_cli import (
    add_mail_options,
    add_set_parser,
    apply_mail,
    describe,
    mail_change,
    run_set,
)
from dashboard.security.tokens_cli import add_token_parser
from dashboard.ui.formatting import format_datetime
from warehouse.accounts import (
    MIN_PASSWORD_LENGTH,
    Account,
    AccountError,
    add_account,
    disable_account,
    list_accounts,
    normalise_username,
    set_password,
)
from warehouse.db import WarehouseError, default_db_path
from warehouse.mailing import Recipient, mail_settings
from warehouse.scope import (
    ADMIN,
    ANALISTA,
    GERENTE,
    MINISTERIO,
    PRESIDENCIA,
    REGION,
    ROLE_LABELS,
    ROLES,
)

# argparse writes its own messages in English; these are the ones a person meets here.
_ARGPARSE_MESSAGES = (
    (r"^the following arguments are required: (.*)$", r"faltan los argumentos: \1"),
    (
        r"^argument (.*): invalid choice: (.*) \(choose from (.*)\)$",
        r"\1: opción \2 no válida (use una de: \3)",
    ),
    (r"^argument (.*): expected one argument$", r"\1: falta su valor"),
    (r"^argument (.*): expected at least one argument$", r"\1: falta al menos un valor"),
    (r"^ambiguous option: (.*) could match (.*)$", r"opción ambigua: \1 (¿\2?)"),
)
_PASSWORD_OPTION = re.compile(r"^--?(clave|contrase[nñ]a|pass(word)?|pw|pwd|p)(=|$)", re.I)
_OPTION_NAME = re.compile(r"^--[a-z][a-z-]*$")  # echoed back; "-psecreto" or "--x=y" are not
_SCOPE_OF_ROLE = {
    PRESIDENCIA: "todo el país",
    ANALISTA: "todo el país (cifras validadas)",
    ADMIN: "administración de cuentas",
}


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # type: ignore[override]
        super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


class SpanishParser(argparse.ArgumentParser):
    """argparse in Spanish; and an unknown argument is never echoed, as it may be a password."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        self.add_argument("-h", "--help", action="help", help="mostrar esta ayuda y salir")

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments: "):
            extra = message.removeprefix("unrecognized arguments: ").split()
            if any(_PASSWORD_OPTION.match(arg) for arg in extra):
                message = (
                    "la clave nunca se da como argumento (quedaría en el historial y a la vista"
                    " en la lista de procesos): se pide en la consola o se lee de la primera"
                    " línea de la entrada estándar"
                )
            else:
                shown = [arg for arg in extra if _OPTION_NAME.match(arg)]
                message = "argumentos no reconocidos" + (f": {' '.join(shown)}" if shown else "")
                if len(shown) < len(extra):
                    message += " (los valores no se muestran: podrían ser una clave)"
        else:
            for pattern, spanish in _ARGPARSE_MESSAGES:
                message = re.sub(pattern, spanish, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_REFUSED, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    root = SpanishParser(
        prog="python -m dashboard.accounts",
        description="Cuentas del tablero: crear, listar, desactivar, cambiar la clave, el correo"
        " y las suscripciones, y dar o revocar tokens de la API. La clave"
        " se pide en la consola (dos veces) o se lee de la primera línea de la entrada estándar;"
        " nunca es un argumento.",
        epilog="Estado de salida: 0 hecho, 2 rechazado (nada cambió), 1 error inesperado.",
    )
    sub = root.add_subparsers(dest="command", required=True, title="comandos", metavar="COMANDO")
    db_help = "base de datos DuckDB (por omisión $TABLERO_DB o data/tablero.duckdb)"

    add = sub.add_parser("add", help="crear una cuenta", description="Crear una cuenta.")
    add.add_argument("--db", type=Path, default=None, help=db_help)
    add.add_argument("--usuario", required=True, help="nombre de usuario, sin espacios")
    add.add_argument("--nombre", required=True, help="nombre de la persona o unidad")
    add.add_argument("--rol", required=True, choices=ROLES, help="rol de la cuenta")
    add.add_argument(
        "--ministerio",
        dest="ministries",
        action="append",  # one value per option: nargs="+" would swallow a stray argument
        default=[],
        metavar="M",
        help="ministerio de la cuenta, con su nombre completo (solo rol ministerio); repita la"
        " opción para varios",
    )
    add.add_argument("--region", help="código CUT de la región, p. ej. 05 (solo rol region)")
    add.add_argument(
        "--meta",
        dest="goals",
        action="append",
        default=[],
        metavar="CODIGO",
        help="código de una meta vigente que la cuenta gestiona, p. ej. SAL-01 (solo rol"
        " gerente); repita la opción para varias",
    )

    add_mail_options(add)

    listing = sub.add_parser("list", help="listar las cuentas", description="Listar las cuentas.")
    listing.add_argument("--db", type=Path, default=None, help=db_help)
    listing.add_argument("--json", action="store_true", help="JSON para otros programas")

    disable = sub.add_parser(
        "disable",
        help="desactivar una cuenta",
        description="Desactivar una cuenta: no puede entrar y sus sesiones abiertas terminan.",
    )
    disable.add_argument("--db", type=Path, default=None, help=db_help)
    disable.add_argument("usuario")

    reset = sub.add_parser(
        "reset-password",
        help="cambiar la clave de una cuenta",
        description="Cambiar la clave de una cuenta; sus sesiones abiertas terminan.",
    )
    reset.add_argument("--db", type=Path, default=None, help=db_help)
    reset.add_argument("usuario")

    add_token_parser(sub, db_help)
    add_set_parser(sub, db_help)
    return root


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None) -> int:
    args = parser().parse_args(argv)
    db = Path(args.db) if args.db else default_db_path()
    stream = stdin if stdin is not None else sys.stdin
    try:
        if args.command == "add":
            return run_add(db, args, stream)
        if args.command == "list":
            return run_list(db, as_json=args.json)
        if args.command == "disable":
            return run_disable(db, args.usuario)
        if args.command == "set":
            return run_set(db, args)
        if args.command == "token":
            from dashboard.security.tokens_cli import run_token

            return run_token(db, args.token_command, args.usuario)
        return run_reset(db, args.usuario, stream)
    except WarehouseError as exc:  # AccountError included
        print(f"{exc.title}: {exc.detail}" if exc.detail else exc.title, file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("\nCancelado: nada cambió.", file=sys.stderr)
        return EXIT_UNEXPECTED
    except Exception as exc:
        print(f"Error inesperado ({type(exc).__name__}): {exc}", file=sys.stderr)
        return EXIT_UNEXPECTED


# --------------------------------------------------------------------------- commands


def run_add(db: Path, args: argparse.Namespace, stdin: TextIO) -> int:
    region = _region_code(args.region)
    require_database(db)
    password = read_password(stdin)

    def create(con: duckdb.DuckDBPyConnection) -> tuple[Account, Recipient | None]:
        account = add_account(
            con,
            username=args.usuario,
            name=args.nombre,
            role=args.rol,
            password=password,
            ministries=args.ministries,
            region=region,
            goals=args.goals,
            actor=ACTOR,
        )
        return account, apply_mail(con, account.username, args) if mail_change(args) else None

    account, mail = write(db, create)
    print(f"Cuenta «{account.username}» creada: {ROLE_LABELS[account.role]}.")
    if mail is not None:
        print(describe(account.username, mail))
    return EXIT_OK


def run_list(db: Path, *, as_json: bool) -> int:
    with reading(db) as con:
        rows = account_rows(con)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("No hay cuentas.")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Cuentas")
    for header in ("usuario", "nombre", "rol", "alcance", "correo", "activa", "creada"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(
            row["usuario"],
            row["nombre"],
            row["rol"] + (" (demo)" if row["es_demo"] else ""),
            row["alcance"],
            _mail_text(row),
            "sí" if row["activa"] else "[red]no[/]",
            format_datetime(_from_iso(row["creada_en"])),
        )
    Console(width=max(Console().width, 120)).print(table)
    return EXIT_OK


def run_disable(db: Path, username: str) -> int:
    require_database(db)
    write(db, lambda con: disable_account(con, username, actor=ACTOR))
    print(f"Cuenta «{normalise_username(username)}» desactivada; sus sesiones abiertas terminaron.")
    return EXIT_OK


def run_reset(db: Path, username: str, stdin: TextIO) -> int:
    require_database(db)
    password = read_password(stdin)
    write(db, lambda con: set_password(con, username, password, actor=ACTOR))
    print(f"Clave de «{normalise_username(username)}» cambiada; sus sesiones abiertas terminaron.")
    _lift_lockout(db, username)
    return EXIT_OK


# --------------------------------------------------------------------------- helpers


def _lift_lockout(db: Path, username: str) -> None:
    """A new password lifts the lock-out that others' failed guesses put on the user name
    (dashboard.security.login_limits counts them in the storage the workers share: the same
    settings find it; TABLERO_SHARED_STORAGE must be the dashboard's when it is set)."""
    from dataclasses import replace

    from dashboard.server.settings import Settings, SettingsError
    from warehouse.login_state import LoginState, StorageError

    try:
        settings = replace(Settings.from_env(), db_path=db.resolve())
        LoginState(settings.storage_uri).clear_user(username)
    except (SettingsError, StorageError) as exc:
        print(f"(no se pudo desbloquear el ingreso de la cuenta: {exc})", file=sys.stderr)


def read_password(stdin: TextIO) -> str:
    """At a terminal, a hidden prompt asked twice; otherwise the first line of the input (for
    scripts: `printf '%s\\n' "$CLAVE" | python -m dashboard.accounts …`)."""
    if stdin.isatty():
        password = getpass.getpass("Clave nueva: ")
        if password != getpass.getpass("Repita la clave: "):
            raise AccountError("Las claves no coinciden", "nada cambió; intente de nuevo.")
    else:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise AccountError(
                "Falta la clave", "escríbala en la primera línea de la entrada estándar."
            )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "Clave demasiado corta", f"use al menos {MIN_PASSWORD_LENGTH} caracteres."
        )
    return password


def account_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """What `list` shows, creation time in UTC (ISO 8601); never the password hash."""
    from warehouse.places import territories  # pandas: only `list` pays for it

    regions = territories(con, "region")
    region_names = dict(zip(regions["codigo"], regions["nombre"], strict=True))
    mail = mail_settings(con)
    return [
        {
            "usuario": account.username,
            "nombre": account.name,
            "rol": account.role,
            "ministerios": list(account.ministries),
            "region": account.region,
            "metas": list(account.goals),
            "alcance": _scope_text(account, region_names),
            "activa": account.active,
            "es_demo": account.is_demo,
            "creada_en": _iso_utc(account.created_at),
            "correo": mail[account.username][0],
            "informe_semanal": mail[account.username][1],
            "alertas": mail[account.username][2],
        }
        for account in list_accounts(con)
    ]


def _mail_text(row: dict[str, Any]) -> str:
    if not row["correo"]:
        return "—"
    wants = [
        name
        for name, on in (("informe", row["informe_semanal"]), ("alertas", row["alertas"]))
        if on
    ]
    return f"{row['correo']} ({', '.join(wants) or 'sin envíos'})"


def _iso_utc(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds") if moment else None


def _from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _scope_text(account: Account, region_names: dict[str, str]) -> str:
    if account.role == MINISTERIO:
        return "; ".join(account.ministries)
    if account.role == REGION and account.region:
        return f"{account.region} {region_names.get(account.region, '')}".strip()
    if account.role == GERENTE:
        return "metas " + ", ".join(account.goals) + "; el resto, cifras validadas"
    return _SCOPE_OF_ROLE.get(account.role, "—")


def _region_code(region: str | None) -> str | None:
    """'5' and '05' name the same region (CUT codes have two digits)."""
    if region is None:
        return None
    region = region.strip()
    return region.zfill(2) if region.isdigit() else region


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
