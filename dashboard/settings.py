"""Runtime settings of the dashboard, read once from environment variables.

Environment variables (not a config file) because the same code runs on a laptop, in CI and
behind a process manager on a government server, and each sets them its own way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from warehouse.db import DEFAULT_DB_PATH

REPO_ROOT = Path(__file__).resolve().parents[1]

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
    # Failed logins allowed per address and user name (Flask-Limiter notation).
    login_limit: str = "5 per minute"

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
            login_limit=env.get("TABLERO_LOGIN_LIMIT", "").strip() or cls.login_limit,
        )


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
