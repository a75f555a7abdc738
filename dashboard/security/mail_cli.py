"""`python -m dashboard.accounts set USER --email …`: an account's address and subscriptions
(the weekly briefing and the alerts, dashboard.briefings), and the same options on `add`."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from dashboard.security.console_db import ACTOR, EXIT_OK, require_database, write
from warehouse.mailing import Recipient, set_mail

_YES_NO = {"si": True, "sí": True, "no": False}


def yes_no(text: str) -> bool:
    try:
        return _YES_NO[text.strip().lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(f"«{text}»: use si o no") from None


def add_mail_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--email", help="correo de la cuenta, p. ej. nombre@servicio.gob.cl")
    parser.add_argument(
        "--informe-semanal",
        dest="briefing",
        type=yes_no,
        default=None,
        metavar="si|no",
        help="recibir cada semana el informe de la revisión (PDF) por correo",
    )
    parser.add_argument(
        "--alertas",
        dest="alerts",
        type=yes_no,
        default=None,
        metavar="si|no",
        help="recibir las alertas de lo que la cuenta tiene a su cargo (sí por omisión)",
    )


def add_set_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    change = sub.add_parser(
        "set",
        help="cambiar el correo y las suscripciones de una cuenta",
        description="Cambiar el correo de una cuenta y si recibe el informe semanal y las"
        " alertas (python -m dashboard.briefings).",
    )
    change.add_argument("--db", type=Path, default=None, help=db_help)
    change.add_argument("usuario")
    add_mail_options(change)
    change.add_argument("--sin-email", action="store_true", help="quitar el correo de la cuenta")


def mail_change(args: argparse.Namespace) -> dict[str, object]:
    """The `set_mail` keywords the options ask for (empty: nothing asked)."""
    change: dict[str, object] = {}
    if args.email is not None:
        change["email"] = args.email
    if getattr(args, "sin_email", False):
        change["remove_email"] = True
    if args.briefing is not None:
        change["briefing"] = args.briefing
    if args.alerts is not None:
        change["alerts"] = args.alerts
    return change


def apply_mail(con: duckdb.DuckDBPyConnection, username: str, args: argparse.Namespace):
    """Inside the caller's transaction (so `add` with --email is one change)."""
    return set_mail(con, username, actor=ACTOR, **mail_change(args))  # type: ignore[arg-type]


def run_set(db: Path, args: argparse.Namespace) -> int:
    require_database(db)
    if not mail_change(args):
        print("Nada que cambiar: indique --email, --sin-email, --informe-semanal o --alertas.")
        return EXIT_OK
    found = write(db, lambda con: apply_mail(con, args.usuario, args))
    print(describe(args.usuario, found))
    return EXIT_OK


def describe(username: str, found: Recipient | None) -> str:
    if found is None:
        return f"«{username}» no tiene correo: no recibe informes ni alertas."
    return (
        f"«{found.account.username}»: {found.email}; informe semanal"
        f" {'sí' if found.briefing else 'no'}; alertas {'sí' if found.alerts else 'no'}."
    )
