"""API tokens: how a ministry's own system proves which account it writes as.

A token is 32 random bytes (`secrets.token_urlsafe`), shown once when created; the warehouse
keeps only its SHA-256. A fast hash is right here and wrong for passwords: a password needs a
slow hash because it is guessable, while 256 random bits cannot be guessed at any speed, and a
fast hash lets every API request be checked by one indexed lookup. Every token change is
appended to `auditoria_cuentas`, as every other account change is.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse.accounts import (
    Account,
    AccountError,
    account_by_id,
    audit,
    now_utc,
    require_account,
)
from warehouse.db import one

TOKEN_BYTES = 32
PREFIX_LENGTH = 8  # shown in listings: tells tokens apart, useless to authenticate


@dataclass(frozen=True)
class ApiToken:
    """A token as listings show it: never the token, never its hash."""

    id: int
    prefix: str
    created_at: datetime  # UTC
    revoked_at: datetime | None
    last_used: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(con: duckdb.DuckDBPyConnection, username: str, *, actor: str = "consola") -> str:
    """A new token for an active account; run inside the caller's transaction. The token is
    returned once and cannot be read back."""
    account = require_account(con, username)
    if not account.active:
        raise AccountError("La cuenta está desactivada", f"{account.username}: no lleva tokens.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = now_utc()
    con.execute(
        "INSERT INTO tokens_api (cuenta_id, hash_token, prefijo, creado_en) VALUES (?, ?, ?, ?)",
        [account.id, token_hash(token), token[:PREFIX_LENGTH], now],
    )
    audit(con, actor, account.username, "crear_token", f"prefijo {token[:PREFIX_LENGTH]}", now)
    return token


def revoke_tokens(con: duckdb.DuckDBPyConnection, username: str, *, actor: str = "consola") -> int:
    """Revoke every working token of the account; how many were revoked."""
    account = require_account(con, username)
    now = now_utc()
    revoked = len(
        con.execute(
            "UPDATE tokens_api SET revocado_en = ? WHERE cuenta_id = ? AND revocado_en IS NULL"
            " RETURNING id",
            [now, account.id],
        ).fetchall()
    )
    if revoked:
        audit(con, actor, account.username, "revocar_tokens", f"{revoked} token(s)", now)
    return revoked


def list_tokens(con: duckdb.DuckDBPyConnection, username: str) -> list[ApiToken]:
    account = require_account(con, username)
    rows = con.execute(
        "SELECT id, prefijo, creado_en, revocado_en, ultimo_uso FROM tokens_api"
        " WHERE cuenta_id = ? ORDER BY creado_en, id",
        [account.id],
    ).fetchall()
    return [ApiToken(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def account_for_token(
    con: duckdb.DuckDBPyConnection, token: str, *, record_use: bool = True
) -> Account | None:
    """The active account a working token belongs to, or None (unknown, revoked, or the account
    disabled). Records the use (`ultimo_uso`) unless told not to: that is a write, so the
    connection must be the writer's, inside its transaction."""
    if not token:
        return None
    row = one(
        con,
        "SELECT id, cuenta_id FROM tokens_api WHERE hash_token = ? AND revocado_en IS NULL",
        [token_hash(token)],
    )
    if row is None:
        return None
    account = account_by_id(con, int(row[1]))
    if account is None or not account.active:
        return None
    if record_use:
        con.execute("UPDATE tokens_api SET ultimo_uso = ? WHERE id = ?", [now_utc(), row[0]])
    return account
