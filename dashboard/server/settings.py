"""Runtime settings of the dashboard, read once from environment variables.

Environment variables (not a config file) because the same code runs on a laptop, in CI and
behind a process manager on a government server, and each sets them its own way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from loaders.limits import UPLOAD_MB
from warehouse.db import DEFAULT_DB_PATH

REPO_ROOT = Path(__file__).resolve().parents[2]

_TRUE = frozenset({"1", "true", "yes", "on", "si", "sí"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


class SettingsError(ValueError):
    """An environment variable holds a value the dashboard cannot use (message in Spanish)."""


@dataclass(frozen=True)
class Settings:
    """Where the database is, where to listen, and how much DuckDB may use per process."""

    db_path: Path = DEFAULT_DB_PATH
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    threads: int | None = None
    memory_limit: str | None = None
    # Signs session cookies; all workers must share it. Unset: a random key kept in a file
    # next to the database (created once, readable only by its owner).
    secret_key: str | None = None
    # Send cookies over HTTPS only (turn on behind TLS, which a government server should use).
    secure_cookies: bool = False
    # Failed logins allowed (`limits` notation, as Flask-Limiter's): per address and user name,
    # per address across user names (password spraying), per user name across addresses.
    login_limit: str = "5 per minute"
    login_limit_address: str = "20 per hour"
    login_limit_user: str = "50 per hour"
    # Where every worker counts failed logins and finds ended sessions: None = a SQLite file
    # next to the database (one machine); redis://host:6379 for several machines.
    shared_storage: str | None = None
    # A session ends after this many seconds without a request, and this many after its login.
    session_idle: int = 2 * 3600
    session_lifetime: int = 12 * 3600
    # Reverse proxies in front that add X-Forwarded-For: the login limits count the client's
    # address, not the proxy's (behind one proxy, 0 made every client one address).
    trusted_proxies: int = 0
    # Largest file an account may upload on /datos, in MB (checked before it is read).
    upload_mb: int = UPLOAD_MB

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from TABLERO_* variables; unset variables keep their defaults."""
        env = os.environ if environ is None else environ
        db = env.get("TABLERO_DB", "").strip()
        return cls(
            db_path=Path(db).expanduser().resolve() if db else DEFAULT_DB_PATH,
            host=env.get("TABLERO_HOST", "").strip() or cls.host,
            port=_port(env.get("TABLERO_PORT")),
            debug=_flag("TABLERO_DEBUG", env.get("TABLERO_DEBUG")),
            threads=_positive_int("TABLERO_THREADS", env.get("TABLERO_THREADS")),
            memory_limit=env.get("TABLERO_MEMORY_LIMIT", "").strip() or None,
            secret_key=env.get("TABLERO_SECRET_KEY", "").strip() or None,
            secure_cookies=_flag("TABLERO_SECURE_COOKIES", env.get("TABLERO_SECURE_COOKIES")),
            login_limit=_limit("TABLERO_LOGIN_LIMIT", env, cls.login_limit),
            login_limit_address=_limit("TABLERO_LOGIN_LIMIT_ADDRESS", env, cls.login_limit_address),
            login_limit_user=_limit("TABLERO_LOGIN_LIMIT_USER", env, cls.login_limit_user),
            shared_storage=_storage(env.get("TABLERO_SHARED_STORAGE")),
            session_idle=_seconds("TABLERO_SESSION_IDLE", env.get("TABLERO_SESSION_IDLE"))
            or cls.session_idle,
            session_lifetime=_seconds(
                "TABLERO_SESSION_LIFETIME", env.get("TABLERO_SESSION_LIFETIME")
            )
            or cls.session_lifetime,
            trusted_proxies=_count("TABLERO_TRUSTED_PROXIES", env.get("TABLERO_TRUSTED_PROXIES")),
            upload_mb=_positive_int("TABLERO_MAX_UPLOAD_MB", env.get("TABLERO_MAX_UPLOAD_MB"))
            or cls.upload_mb,
        )

    @property
    def storage_uri(self) -> str:
        """The shared storage's URI (the default file next to the database when unset)."""
        from warehouse.login_state import default_storage_uri

        return self.shared_storage or default_storage_uri(self.db_path)


def _flag(name: str, raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name}={raw!r} no es válido: use 'true' o 'false'.")


def _positive_int(name: str, raw: str | None) -> int | None:
    value = (raw or "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"{name}={raw!r} no es válido: debe ser un entero mayor que cero.")
    return int(value)


def _port(raw: str | None) -> int:
    port = _positive_int("TABLERO_PORT", raw)
    if port is None:
        return Settings.port
    if port > 65535:
        raise SettingsError(f"TABLERO_PORT={raw!r} no es válido: debe estar entre 1 y 65535.")
    return port


_DURATION = re.compile(r"(\d+)\s*(s|m|min|h)?")
_UNIT_SECONDS = {None: 1, "s": 1, "m": 60, "min": 60, "h": 3600}


def _seconds(name: str, raw: str | None) -> int | None:
    """'7200', '30m' or '2h'; None when unset."""
    value = (raw or "").strip().lower()
    if not value:
        return None
    found = _DURATION.fullmatch(value)
    if not found or int(found[1]) < 1:
        raise SettingsError(
            f"{name}={raw!r} no es válido: use segundos (p. ej. 7200) o minutos u horas (30m, 2h)."
        )
    return int(found[1]) * _UNIT_SECONDS[found[2]]


def _count(name: str, raw: str | None) -> int:
    value = (raw or "").strip()
    if not value:
        return 0
    if not value.isdigit():
        raise SettingsError(f"{name}={raw!r} no es válido: debe ser un entero (0 sin proxy).")
    return int(value)


def _limit(name: str, env: Mapping[str, str], default: str) -> str:
    from limits import parse

    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        parse(value)
    except ValueError:
        raise SettingsError(
            f"{name}={value!r} no es válido: use p. ej. '5 per minute' o '30 per hour'."
        ) from None
    return value


def _storage(raw: str | None) -> str | None:
    from limits.storage import SCHEMES

    import warehouse.login_state  # noqa: F401  (registers sqlite://)

    value = (raw or "").strip()
    if not value:
        return None
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in SCHEMES or scheme.startswith("async+"):
        raise SettingsError(
            f"TABLERO_SHARED_STORAGE={value!r} no es válido: use sqlite:///ruta/archivo,"
            " redis://servidor:6379 o memory:// (un solo proceso)."
        )
    return value
