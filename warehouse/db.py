"""Opening the DuckDB warehouse, upgrading its schema, and one transaction helper.

Every process opens the database through `connect`, so threads, memory and the schema version
are set in one place. Serving processes open it read-only; a thread uses its own `cursor()`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

MIGRATIONS_PACKAGE = "warehouse.migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseError(RuntimeError):
    """A database problem explained for the person who runs the command or opens the page."""

    def __init__(self, title: str, detail: str = "") -> None:
        super().__init__(f"{title}: {detail}" if detail else title)
        self.title = title
        self.detail = detail


READ_FAILED = "No se pudo consultar la base de datos"
WRITE_FAILED = "No se pudo actualizar la base de datos"


@contextlib.contextmanager
def warehouse_errors(message: str) -> Iterator[None]:
    """DuckDB errors become a WarehouseError with a message a clerk can read."""
    try:
        yield
    except duckdb.Error as exc:
        raise WarehouseError(message, str(exc)) from exc


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def ident(name: str) -> str:
    """Quote an SQL identifier. The only way identifiers enter SQL text; values are bound."""
    return '"' + name.replace('"', '""') + '"'


def compose(template: str, **parts: str) -> str:
    """SQL text from a constant template whose parts are SQL themselves: names quoted with
    `ident`, or fragments composed the same way. Values never pass through here: they are bound
    as parameters or arrive as rows of a table."""
    return template.format(**parts)


def available_migrations() -> list[Migration]:
    """The numbered `NNN_name.sql` files shipped in `warehouse/migrations`, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = one(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    )
    if not exists or not exists[0]:
        return 0
    row = one(con, "SELECT coalesce(max(version), 0) FROM schema_migrations")
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this database lacks, each in its own transaction; return them."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    # The versions this database lacks, not only those above its newest: a migration that was
    # undone (or skipped by a hand-made copy) is applied again.
    done = {int(r[0]) for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for migration in available_migrations():
        if migration.version in done:
            continue
        with transaction(con):
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
        applied.append(migration.version)
    return applied


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK on any exception: a file is all in or all out."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def connect(
    path: str | Path,
    *,
    read_only: bool = False,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection is upgraded to the latest schema first."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError("No existe la base de datos", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | int] = {}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.Error as exc:
        raise WarehouseError("No se pudo abrir la base de datos", f"{path}: {exc}") from exc
    # DuckDB's own progress bar would print over the loaders' summary and the server log.
    con.execute("SET enable_progress_bar = false")
    if not read_only:
        migrate(con)
    elif schema_version(con) < available_migrations()[-1].version:
        con.close()
        raise WarehouseError(
            "La base de datos tiene un esquema antiguo",
            "ábrala una vez en modo escritura (por ejemplo con `python -m loaders ingest`).",
        )
    return con


def get_metadata(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = one(con, "SELECT value FROM metadata WHERE key = ?", [key])
    return row[0] if row else None


def set_metadata(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "INSERT INTO metadata (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def one(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> tuple | None:
    """The first row of a query, reading the result to its end.

    DuckDB 2 keeps a result open until it has been read to the end; a `fetchone()` left open
    makes the next `register()` on the connection fail. Every single-row read goes through here."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> object:
    row = one(con, sql, params)
    return row[0] if row else None


DEFAULT_DB_PATH = Path(__file__).resolve().parents[1] / "data" / "tablero.duckdb"


def default_db_path() -> Path:
    """The warehouse file: $TABLERO_DB, else data/tablero.duckdb in the repository."""
    configured = os.environ.get("TABLERO_DB", "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_DB_PATH
