"""What the login layer shares between serving workers: failed-login counters and ended sessions.

Both live in a storage of the `limits` library (the engine under Flask-Limiter). `limits` has no
file storage, and counters in each worker's memory let N gunicorn workers allow N× the limit and
miss a logout made in another worker; so `SQLiteStorage` (`sqlite:///path`) keeps them in one
small file next to the database, shared by every worker of the machine. Several machines share a
`redis://…` storage instead (`TABLERO_SHARED_STORAGE`); `memory://` is for one process only.

Failed logins are counted three ways (fixed windows): per user name and address (a guesser at
one address), per address across names (password spraying) and per user name across addresses
(a guesser with many addresses). Only failures count; a reset of the password clears the count
per user name, so an account locked by others' guesses is opened by `accounts reset-password`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from warehouse.accounts import normalise_username

STORE_SUFFIX = ".acceso.sqlite"
_ENDED = "sesion-terminada/"
_GENERATION = "login-usuario-generacion/"
_GENERATION_KEPT = 400 * 86400  # longer than any window of failed logins

__all__ = ["LoginLimits", "LoginState", "SQLiteStorage", "StorageError", "default_storage_uri"]


def default_storage_uri(db_path: Path) -> str:
    """A SQLite file next to the database: every worker of the machine opens the same one."""
    path = Path(db_path).resolve()
    return "sqlite://" + quote(str(path.with_name(path.name + STORE_SUFFIX)))


class SQLiteStorage(Storage):
    """A `limits` storage in one SQLite file (WAL), safe across threads and forked processes.

    One row per key: its count and when its window ends. Each increment is one atomic UPSERT,
    so two workers counting at once never lose a hit."""

    STORAGE_SCHEME = ["sqlite"]  # noqa: RUF012 (as limits declares it)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: object) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        path = unquote(urlsplit(uri or "").path)
        if not path or path == "/":
            raise StorageError(ValueError(f"{uri!r}: falta la ruta del archivo (sqlite:///ruta)"))
        self.path = Path(path)
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _con(self) -> sqlite3.Connection:
        """This thread's connection; a connection inherited through fork() is not reused."""
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Created private to the service's user: it names the addresses that tried to log in.
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        con = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute(
            "CREATE TABLE IF NOT EXISTS contadores"
            " (clave TEXT PRIMARY KEY, valor INTEGER NOT NULL, vence REAL NOT NULL)"
        )
        self._local.held = (os.getpid(), con)
        return con

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        con = self._con()
        row = con.execute(
            "INSERT INTO contadores (clave, valor, vence) VALUES (?, ?, ?)"
            " ON CONFLICT (clave) DO UPDATE SET"
            " valor = CASE WHEN vence <= ? THEN excluded.valor ELSE valor + excluded.valor END,"
            " vence = CASE WHEN vence <= ? THEN excluded.vence ELSE vence END"
            " RETURNING valor",
            [key, amount, now + expiry, now, now],
        ).fetchone()
        if random.random() < 0.01:  # keys of ended windows are dropped now and then
            con.execute("DELETE FROM contadores WHERE vence <= ?", [now])
        return int(row[0])

    def get(self, key: str) -> int:
        query = "SELECT valor FROM contadores WHERE clave = ? AND vence > ?"
        row = self._con().execute(query, [key, time.time()]).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._con().execute("SELECT vence FROM contadores WHERE clave = ?", [key]).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        with contextlib.suppress(sqlite3.Error):
            self._con().execute("SELECT 1").fetchone()
            return True
        return False

    def reset(self) -> int | None:
        return self._con().execute("DELETE FROM contadores").rowcount

    def clear(self, key: str) -> None:
        self._con().execute("DELETE FROM contadores WHERE clave = ?", [key])


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins allowed, in `limits` notation ("5 per minute")."""

    per_user_and_address: str = "5 per minute"
    per_address: str = "20 per hour"
    per_user: str = "50 per hour"


def check_limit(text: str) -> RateLimitItem:
    """The parsed limit, or ValueError for text `limits` does not read."""
    return parse(text)


class LoginState:
    """Counters of failed logins and the list of ended sessions, in one shared storage.

    Storage failures leave as `limits.errors.StorageError` (the caller answers 503)."""

    def __init__(self, storage_uri: str, limits: LoginLimits = LoginLimits()) -> None:
        self.storage = storage_from_string(storage_uri, wrap_exceptions=True)
        self._window = FixedWindowRateLimiter(self.storage)
        self._pair = check_limit(limits.per_user_and_address)
        self._address = check_limit(limits.per_address)
        self._per_user = check_limit(limits.per_user)

    def _items(self, address: str, username: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        user = self._counted_name(username)
        return [
            (self._pair, ("login-usuario-direccion", user, address)),
            (self._address, ("login-direccion", address)),
            (self._per_user, ("login-usuario", user)),
        ]

    def may_try(self, address: str, username: str) -> bool:
        """False while any of the three counts is at its limit."""
        return all(self._window.test(item, *ids) for item, ids in self._items(address, username))

    def failed(self, address: str, username: str) -> None:
        for item, ids in self._items(address, username):
            self._window.hit(item, *ids)

    def succeeded(self, address: str, username: str) -> None:
        """The right password from this address: its own count for this name starts again
        (the count per address does not: one valid account must not reset a sprayer's)."""
        self._window.clear(
            self._pair, "login-usuario-direccion", self._counted_name(username), address
        )

    def clear_user(self, username: str) -> None:
        """Lift the lock-out of a user name that others' guesses reached (password reset).

        The user name's counts are keyed by a generation that this bumps: the console clears
        them without knowing the limits the serving processes were started with."""
        self.storage.incr(_GENERATION + _user_key(username), _GENERATION_KEPT)

    def _counted_name(self, username: str) -> str:
        user = _user_key(username)
        return f"{user}.{self.storage.get(_GENERATION + user)}"

    def end_session(self, session_id: str, lifetime_seconds: int) -> None:
        """Record a logout; kept as long as the session could otherwise have lived."""
        self.storage.incr(_ENDED + session_id, max(1, int(lifetime_seconds)))

    def session_ended(self, session_id: str) -> bool:
        return self.storage.get(_ENDED + session_id) > 0


def _user_key(username: str) -> str:
    """A bounded key: an attacker's megabyte-long "user name" is not stored as such."""
    return hashlib.sha256(normalise_username(username).encode("utf-8")).hexdigest()[:32]
