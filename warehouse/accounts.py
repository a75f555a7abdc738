"""Accounts: who may log in, with which role and territory, and every change made to them.

Passwords are hashed with argon2id (argon2-cffi's defaults follow RFC 9106's recommendation),
so a copy of the database never reveals a password. Every change is appended to
`auditoria_cuentas`; a password reset or a disabled account bumps `sesion_epoca`, which ends
the sessions opened before it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from warehouse.db import WarehouseError, compose, one
from warehouse.scope import MINISTERIO, REGION, ROLES, Scope

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


class AccountError(WarehouseError):
    """A request about accounts that cannot be done (message in Spanish, for the console)."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    name: str
    role: str
    ministries: tuple[str, ...]
    region: str | None
    active: bool
    session_epoch: int
    is_demo: bool
    created_at: datetime | None = None  # UTC

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.ministries, self.region, user=self.username)


_COLUMNS = "id, usuario, nombre, rol, ministerios, region, activa, sesion_epoca, es_demo, creada_en"
_SELECT = compose("SELECT {cols} FROM cuentas", cols=_COLUMNS)


def _account(row: tuple) -> Account:
    return Account(
        id=int(row[0]),
        username=row[1],
        name=row[2],
        role=row[3],
        ministries=tuple(row[4] or ()),
        region=row[5],
        active=bool(row[6]),
        session_epoch=int(row[7]),
        is_demo=bool(row[8]),
        created_at=row[9],
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when the account does not exist keeps the answer time the same,
    so the login page does not reveal which user names exist. Made on first use: hashing costs
    ~0.2 s, which every process importing this module (the console included) would pay."""
    return _HASHER.hash("cuenta-inexistente")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "Clave demasiado corta", f"use al menos {MIN_PASSWORD_LENGTH} caracteres."
        )
    return _HASHER.hash(password)


def check_scope_fields(
    con: duckdb.DuckDBPyConnection, role: str, ministries: Sequence[str], region: str | None
) -> None:
    """A role's territory or ministries must exist: a typo would silently show nothing."""
    if role not in ROLES:
        raise AccountError("Rol desconocido", f"{role!r}; use uno de: {', '.join(ROLES)}.")
    if role == REGION:
        found = one(
            con, "SELECT count(*) FROM territorios WHERE nivel = 'region' AND codigo = ?", [region]
        )
        if not region or not found or not found[0]:
            raise AccountError("Región desconocida", f"{region!r}: use el código CUT, p. ej. 05.")
    elif region:
        raise AccountError("Solo el rol 'region' lleva región", f"rol {role!r}.")
    if role == MINISTERIO:
        if not ministries:
            raise AccountError("Falta el ministerio", "el rol 'ministerio' necesita al menos uno.")
        known = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT ministerio FROM metas WHERE valid_to IS NULL"
                " UNION SELECT DISTINCT ministerio FROM instituciones WHERE valid_to IS NULL"
            ).fetchall()
        }
        unknown = sorted(set(ministries) - known)
        if unknown:
            raise AccountError("Ministerio desconocido", ", ".join(unknown))
    elif ministries:
        raise AccountError("Solo el rol 'ministerio' lleva ministerios", f"rol {role!r}.")


def add_account(
    con: duckdb.DuckDBPyConnection,
    *,
    username: str,
    name: str,
    role: str,
    password: str,
    ministries: Sequence[str] = (),
    region: str | None = None,
    actor: str = "consola",
    is_demo: bool = False,
) -> Account:
    """Create an account; run inside the caller's transaction."""
    username = username.strip().lower()
    if not username or any(c.isspace() for c in username):
        raise AccountError("Nombre de usuario no válido", "sin espacios, p. ej. 'jperez'.")
    name = name.strip()
    if not name:
        raise AccountError("Falta el nombre", "el nombre de la persona o unidad de la cuenta.")
    if find_account(con, username) is not None:
        raise AccountError("Ya existe una cuenta con ese usuario", username)
    check_scope_fields(con, role, ministries, region)
    now = _now()
    con.execute(
        "INSERT INTO cuentas (usuario, nombre, rol, ministerios, region, hash_clave, es_demo,"
        " creada_en, actualizada_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            username,
            name,
            role,
            list(ministries),
            region,
            hash_password(password),
            is_demo,
            now,
            now,
        ],
    )
    detail = f"rol {role}" + (f", región {region}" if region else "")
    detail += f", ministerios {', '.join(ministries)}" if ministries else ""
    _audit(con, actor, username, "crear", detail, now)
    account = find_account(con, username)
    assert account is not None
    return account


def find_account(con: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    row = one(con, _SELECT + " WHERE usuario = ?", [username.strip().lower()])
    return _account(row) if row else None


def account_by_id(con: duckdb.DuckDBPyConnection, account_id: int) -> Account | None:
    row = one(con, _SELECT + " WHERE id = ?", [account_id])
    return _account(row) if row else None


def list_accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    rows = con.execute(_SELECT + " ORDER BY usuario").fetchall()
    return [_account(r) for r in rows]


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str) -> Account | None:
    """The active account these credentials open, or None (same time either way)."""
    row = one(
        con,
        compose("SELECT {cols}, hash_clave FROM cuentas WHERE usuario = ?", cols=_COLUMNS),
        [username.strip().lower()],
    )
    stored = row[-1] if row else _dummy_hash()
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    account = _account(row[:-1])
    return account if account.active else None


def set_password(
    con: duckdb.DuckDBPyConnection, username: str, password: str, *, actor: str = "consola"
) -> None:
    """New password; sessions opened with the old one end."""
    _require(con, username)
    now = _now()
    con.execute(
        "UPDATE cuentas SET hash_clave = ?, sesion_epoca = sesion_epoca + 1, actualizada_en = ?"
        " WHERE usuario = ?",
        [hash_password(password), now, username.strip().lower()],
    )
    _audit(con, actor, username, "cambiar_clave", None, now)


def disable_account(
    con: duckdb.DuckDBPyConnection, username: str, *, actor: str = "consola"
) -> None:
    """The account can no longer log in and its open sessions end; its history stays."""
    _require(con, username)
    now = _now()
    con.execute(
        "UPDATE cuentas SET activa = FALSE, sesion_epoca = sesion_epoca + 1, actualizada_en = ?"
        " WHERE usuario = ?",
        [now, username.strip().lower()],
    )
    _audit(con, actor, username, "desactivar", None, now)


def _require(con: duckdb.DuckDBPyConnection, username: str) -> Account:
    account = find_account(con, username)
    if account is None:
        raise AccountError("No existe la cuenta", username)
    return account


def _audit(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    username: str,
    action: str,
    detail: str | None,
    at: datetime,
) -> None:
    con.execute(
        "INSERT INTO auditoria_cuentas (en, actor, usuario, accion, detalle)"
        " VALUES (?, ?, ?, ?, ?)",
        [at, actor, username.strip().lower(), action, detail],
    )
