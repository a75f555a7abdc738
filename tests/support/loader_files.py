"""Files for the loader tests: the hand-made ones in tests/loaders/files, the examples in
data/examples, writing text in an encoding, and a whole database read as rows."""

from __future__ import annotations

from pathlib import Path

import duckdb

FILES = Path(__file__).resolve().parents[1] / "loaders" / "files"
EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal snapshots mean an unchanged database."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name"
        ).fetchall()
    ]
    return {
        t: sorted(con.execute("SELECT * FROM " + '"' + t + '"').fetchall(), key=repr)
        for t in tables
    }
