"""Accounts: who may log in, with which role and territory, and every change made to them.

Passwords are hashed with argon2id (argon2-cffi's defaults follow RFC 9106's recommendation),
so a copy of the database never reveals a password. Every change is appended to
`auditoria_cuentas`; a password reset or a disabled account bumps `sesion_epoca`, which ends
the sessions opened before it.

New passwords are checked by zxcvbn (Dropbox's estimator: common passwords, words, names,
keyboard rows, repeats, sequences, dates) against the user name, the person's name and the role;
user names keep to a small ASCII set after NFKC, so no invisible or look-alike character can
make a second "presidencia".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from warehouse import status
from warehouse.db import WarehouseError, compose, one
from warehouse.scope import GERENTE, MINISTERIO, REGION, ROLE_LABELS, ROLES, Scope

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MIN_PASSWORD_SCORE = 3  # zxcvbn: 3 = "safely unguessable", ~10⁸ guesses or more
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
# Words anybody can guess about this dashboard's accounts.
_SITE_WORDS = ("tablero", "metas", "territorio", "gobierno", "chile", "clave", "demo")


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
    goals: tuple[str, ...] = ()  # codigo_meta of the goals a gerente manages

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.ministries, self.region, user=self.username, goals=self.goals)


_COLUMNS = (
    "id, usuario, nombre, rol, ministerios, region, activa, sesion_epoca, es_demo, creada_en, metas"
)
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
        goals=tuple(row[10] or ()),
    )


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when the account does not exist keeps the answer time the same,
    so the login page does not reveal which user names exist. Made on first use: hashing costs
    ~0.2 s, which every process importing this module (the console included) would pay."""
    return _HASHER.hash("cuenta-inexistente")


def normalise_username(username: str) -> str:
    """The form user names are stored, looked up and counted in: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def check_username(username: str) -> str:
    """The normalised user name, or the reason it is refused (Spanish)."""
    normal = normalise_username(username)
    if USERNAME_PATTERN.fullmatch(normal):
        return normal
    odd = next((ch for ch in normal if not USERNAME_PATTERN.fullmatch("aa" + ch)), None)
    allowed = "solo letras a-z sin tilde, dígitos, punto, guion y guion bajo"
    if odd is None:
        detail = f"use de 3 a 64 caracteres ({allowed}), empezando por letra o dígito."
    elif odd.isspace():
        detail = "sin espacios, p. ej. 'jperez'."
    elif not odd.isprintable():
        detail = f"contiene un carácter invisible (U+{ord(odd):04X}); {allowed}."
    else:
        detail = f"contiene «{odd}» (U+{ord(odd):04X}); {allowed}."
    raise AccountError("Nombre de usuario no válido", detail)


def check_password_strength(
    password: str, *, username: str, name: str = "", role: str = ""
) -> None:
    """Refuse a password that is short, common or guessable from the account (Spanish reason).

    zxcvbn reads at most 72 characters (its own bound: its matching grows fast with length)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "Clave demasiado corta", f"use al menos {MIN_PASSWORD_LENGTH} caracteres."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            "Clave demasiado larga", f"use como máximo {MAX_PASSWORD_LENGTH} caracteres."
        )
    from zxcvbn import zxcvbn  # ~0.1 s to import its word lists: only when a password is set

    words = [normalise_username(username), *_words(name), role, *_words(ROLE_LABELS.get(role, ""))]
    words = [w for w in words if len(w) >= 3]
    folded = password.casefold()
    if not password.strip():
        reason = "no puede ser solo espacios."
    elif folded.strip() == normalise_username(username):
        reason = "es igual al nombre de usuario."
    else:
        result = zxcvbn(password[:72], user_inputs=[*words, *_SITE_WORDS])
        if _only_account_words(password, [*words, *_SITE_WORDS]):
            reason = _weakness([{"pattern": "dictionary", "dictionary_name": "user_inputs"}])
        elif result["score"] >= MIN_PASSWORD_SCORE:
            return
        else:
            reason = _weakness(result["sequence"])
    raise AccountError(
        "Clave demasiado débil",
        reason + " Use tres o cuatro palabras poco comunes, p. ej. «tetera-nublada-ancla-río».",
    )


def _words(text: str) -> list[str]:
    """The words of a name, with and without accents ('pérez' is typed 'perez' too)."""
    words = [w for w in re.split(r"[\W_]+", text.casefold()) if w]
    bare = ["".join(ch for ch in unicodedata.normalize("NFKD", w) if ch.isascii()) for w in words]
    return list(dict.fromkeys([*words, *bare]))


def _only_account_words(password: str, words: Sequence[str]) -> bool:
    """The account's own words joined by digits or signs ('Juana-Perez-1' scores 3 or 4)."""
    rest = "".join(ch for ch in unicodedata.normalize("NFKD", password.casefold()) if ch.isascii())
    found = False
    for word in sorted(words, key=len, reverse=True):
        found = found or word in rest
        rest = rest.replace(word, " ")
    return found and sum(ch.isalpha() for ch in rest) < 4


def _weakness(sequence: list[dict]) -> str:
    """zxcvbn's weakest part, said in Spanish (its own feedback is English only)."""
    patterns = {m.get("pattern") for m in sequence}
    dictionaries = {m.get("dictionary_name") for m in sequence if m.get("pattern") == "dictionary"}
    if "user_inputs" in dictionaries:
        return "se parece al nombre de usuario, al nombre, al rol o al tablero."
    if "passwords" in dictionaries:
        return "es una de las claves más usadas."
    if "repeat" in patterns:
        return "repite un carácter o un grupo (como «aaaa» o «abcabc»)."
    if "sequence" in patterns:
        return "es una secuencia (como «abcd» o «1234»)."
    if "spatial" in patterns:
        return "sigue una fila o un dibujo del teclado (como «qwerty»)."
    if patterns & {"date", "regex"}:
        return "contiene fechas o años fáciles de adivinar."
    if dictionaries:
        return "se compone de palabras o nombres comunes."
    return "es fácil de adivinar."


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "Clave demasiado corta", f"use al menos {MIN_PASSWORD_LENGTH} caracteres."
        )
    return _HASHER.hash(password)


def check_scope_fields(
    con: duckdb.DuckDBPyConnection,
    role: str,
    ministries: Sequence[str],
    region: str | None,
    goals: Sequence[str] = (),
) -> None:
    """A role's territory, ministries or goals must exist: a typo would silently show nothing."""
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
    if role == GERENTE:
        if not goals:
            raise AccountError(
                "Falta la meta", "el rol 'gerente' necesita al menos una (--meta SAL-01)."
            )
        current = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT codigo_meta FROM metas WHERE valid_to IS NULL"
            ).fetchall()
        }
        unknown = sorted(set(goals) - current)
        if unknown:
            raise AccountError(
                "Meta desconocida",
                f"{', '.join(unknown)}: use el código de una meta vigente, p. ej. SAL-01.",
            )
    elif goals:
        raise AccountError("Solo el rol 'gerente' lleva metas", f"rol {role!r}.")


def add_account(
    con: duckdb.DuckDBPyConnection,
    *,
    username: str,
    name: str,
    role: str,
    password: str,
    ministries: Sequence[str] = (),
    region: str | None = None,
    goals: Sequence[str] = (),
    actor: str = "consola",
    is_demo: bool = False,
) -> Account:
    """Create an account; run inside the caller's transaction.

    Demo accounts (published passwords such as 'demo-presidencia') skip the strength check,
    and only in a database marked as demo."""
    username = check_username(username)
    name = name.strip()
    if not name:
        raise AccountError("Falta el nombre", "el nombre de la persona o unidad de la cuenta.")
    if find_account(con, username) is not None:
        raise AccountError("Ya existe una cuenta con ese usuario", username)
    goals = list(dict.fromkeys(code.strip() for code in goals if code.strip()))
    check_scope_fields(con, role, ministries, region, goals)
    if not is_demo:
        check_password_strength(password, username=username, name=name, role=role)
    elif not status.is_demo(con):
        raise AccountError(
            "Las cuentas de demostración solo van en la base de demostración",
            "una base con datos reales no lleva claves conocidas.",
        )
    now = now_utc()
    con.execute(
        "INSERT INTO cuentas (usuario, nombre, rol, ministerios, region, metas, hash_clave,"
        " es_demo, creada_en, actualizada_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            username,
            name,
            role,
            list(ministries),
            region,
            goals,
            hash_password(password),
            is_demo,
            now,
            now,
        ],
    )
    detail = f"rol {role}" + (f", región {region}" if region else "")
    detail += f", ministerios {', '.join(ministries)}" if ministries else ""
    detail += f", metas {', '.join(goals)}" if goals else ""
    audit(con, actor, username, "crear", detail, now)
    account = find_account(con, username)
    assert account is not None
    return account


def find_account(con: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    row = one(con, _SELECT + " WHERE usuario = ?", [normalise_username(username)])
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
        [normalise_username(username)],
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
    account = require_account(con, username)
    check_password_strength(
        password, username=account.username, name=account.name, role=account.role
    )
    now = now_utc()
    con.execute(
        "UPDATE cuentas SET hash_clave = ?, sesion_epoca = sesion_epoca + 1, actualizada_en = ?"
        " WHERE usuario = ?",
        [hash_password(password), now, account.username],
    )
    audit(con, actor, username, "cambiar_clave", None, now)


def disable_account(
    con: duckdb.DuckDBPyConnection, username: str, *, actor: str = "consola"
) -> None:
    """The account can no longer log in and its open sessions end; its history stays."""
    require_account(con, username)
    now = now_utc()
    con.execute(
        "UPDATE cuentas SET activa = FALSE, sesion_epoca = sesion_epoca + 1, actualizada_en = ?"
        " WHERE usuario = ?",
        [now, normalise_username(username)],
    )
    audit(con, actor, username, "desactivar", None, now)


def require_account(con: duckdb.DuckDBPyConnection, username: str) -> Account:
    account = find_account(con, username)
    if account is None:
        raise AccountError("No existe la cuenta", username)
    return account


def audit(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    username: str,
    action: str,
    detail: str | None,
    at: datetime,
) -> None:
    """One line of `auditoria_cuentas`: every change to an account or its API tokens."""
    con.execute(
        "INSERT INTO auditoria_cuentas (en, actor, usuario, accion, detalle)"
        " VALUES (?, ?, ?, ?, ?)",
        [at, actor, normalise_username(username), action, detail],
    )
