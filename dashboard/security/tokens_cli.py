"""`python -m dashboard.accounts token create|revoke|list USER`: API tokens from the console.

`create` prints the token alone on the last line of its output, so a script takes it with
`| tail -n 1`; it is shown this once (the warehouse keeps only its SHA-256, warehouse.tokens).
Each change is one transaction on the primary, published as a snapshot (console_db.write).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.security.console_db import ACTOR, EXIT_OK, reading, require_database, write
from dashboard.ui.formatting import format_datetime
from warehouse.accounts import normalise_username
from warehouse.tokens import create_token, list_tokens, revoke_tokens


def add_token_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    """The `token` command and its actions, under the accounts command's parser."""
    token = sub.add_parser(
        "token",
        help="tokens de la API de una cuenta",
        description="Tokens con que el sistema de un ministerio escribe en la API como una"
        " cuenta. El token se muestra una sola vez, en la última línea; se guarda solo su huella.",
    )
    actions = token.add_subparsers(
        dest="token_command", required=True, title="acciones", metavar="ACCION"
    )
    for name, text in (
        ("create", "crear un token nuevo (se muestra una sola vez)"),
        ("revoke", "revocar todos los tokens vigentes de la cuenta"),
        ("list", "listar los tokens de la cuenta (prefijo y fechas)"),
    ):
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        action.add_argument("usuario")
        action.add_argument("--db", type=Path, default=None, help=db_help)


def run_token(db: Path, action: str, username: str) -> int:
    require_database(db)
    user = normalise_username(username)
    if action == "create":
        token = write(db, lambda con: create_token(con, username, actor=ACTOR))
        print(f"Token de API creado para «{user}» (prefijo {token[:8]}).")
        print("Guárdelo ahora: no se vuelve a mostrar. Se envía en el encabezado")
        print("«Authorization: Bearer TOKEN»; se revoca con `token revoke`.")
        print(token)
        return EXIT_OK
    if action == "revoke":
        revoked = write(db, lambda con: revoke_tokens(con, username, actor=ACTOR))
        if revoked:
            print(f"Revocados {revoked} token(s) de «{user}»: ya no abren la API.")
        else:
            print(f"«{user}» no tenía tokens vigentes: nada cambió.")
        return EXIT_OK
    with reading(db) as con:
        tokens = list_tokens(con, username)
    if not tokens:
        print(f"«{user}» no tiene tokens de API.")
        return EXIT_OK
    print(f"Tokens de API de «{user}» (horas de Chile):")
    for token in tokens:
        state = "vigente" if token.active else f"revocado {format_datetime(token.revoked_at)}"
        used = format_datetime(token.last_used) if token.last_used else "nunca"
        print(
            f"  {token.prefix}…  creado {format_datetime(token.created_at)}  {state}"
            f"  último uso: {used}"
        )
    return EXIT_OK
