"""`python -m loaders ingest` publishes what it committed, and only that.

The dashboard reads published snapshots (warehouse.snapshots), so a load that is not published
is invisible, and a rejected file that published would show a state nobody loaded."""

from __future__ import annotations

import duckdb

from loaders.cli import main
from tests.support.loader_files import FILES, write
from warehouse import snapshots
from warehouse.db import ident


def rows(path, table: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "SELECT count(*) FROM " + ident(table) + " WHERE valid_to IS NULL"
        ).fetchall()[0][0]
    finally:
        con.close()


def test_a_successful_load_publishes_a_snapshot_holding_its_rows(db_path):
    assert snapshots.current(db_path) is None
    assert main(["ingest", "--db", str(db_path), str(FILES / "instituciones.csv")]) == 0
    first = snapshots.current(db_path)
    assert first is not None
    assert first.parent == snapshots.snapshot_dir(db_path)
    assert rows(first, "instituciones") == rows(db_path, "instituciones") > 0


def test_a_rejected_file_publishes_nothing(db_path, tmp_path):
    rejected = write(tmp_path / "r.csv", "territorio,anio\n5101,2024\n")  # no poblacion column
    assert main(["ingest", "--db", str(db_path), "--kind", "poblacion", str(rejected)]) == 2
    assert snapshots.current(db_path) is None
    assert snapshots.pointer_stamp(db_path) is None

    assert main(["ingest", "--db", str(db_path), str(FILES / "instituciones.csv")]) == 0
    published, stamp = snapshots.current(db_path), snapshots.pointer_stamp(db_path)
    assert main(["ingest", "--db", str(db_path), "--kind", "poblacion", str(rejected)]) == 2
    assert main(["ingest", "--db", str(db_path), str(FILES / "instituciones.csv")]) == 0  # again
    assert snapshots.current(db_path) == published
    assert snapshots.pointer_stamp(db_path) == stamp


def test_a_partial_load_publishes_its_good_rows(db_path, tmp_path):
    partial = write(tmp_path / "p.csv", "territorio,anio,poblacion\n05101,2024,10\n99,2024,5\n")
    assert main(["ingest", "--db", str(db_path), "--kind", "poblacion", str(partial)]) == 3
    published = snapshots.current(db_path)
    assert published is not None
    assert rows(published, "poblacion") == rows(db_path, "poblacion")
