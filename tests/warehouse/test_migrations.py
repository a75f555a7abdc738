"""Numbered migrations upgrade an existing warehouse in place, keeping its data."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.db import WarehouseError, available_migrations, connect, schema_version


def _database_at_version_1(path) -> None:
    """A warehouse as the first release left it: only migration 001, with a loaded goal."""
    first = available_migrations()[0]
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    con.execute(first.sql)
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (1, ?)", [first.name])
    con.execute(
        "INSERT INTO instituciones VALUES ('Ministerio de Salud', 'FONASA', NULL,"
        " TIMESTAMP '2025-01-01 10:00', NULL, 1, 2)"
    )
    con.close()


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [m.version for m in available_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_existing_database_upgrades_in_place_and_keeps_its_rows(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    _database_at_version_1(path)
    con = connect(path)
    try:
        assert schema_version(con) == available_migrations()[-1].version > 1
        assert con.execute("SELECT servicio FROM instituciones").fetchall() == [("FONASA",)]
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert "agg_entregas_region_mes" in tables  # created by migration 002
    finally:
        con.close()
    again = connect(path)  # a second open applies nothing
    try:
        count = again.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0]
        assert count == len(available_migrations())
    finally:
        again.close()


def test_read_only_open_refuses_an_old_schema(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    _database_at_version_1(path)
    with pytest.raises(WarehouseError, match="esquema antiguo"):
        connect(path, read_only=True)
