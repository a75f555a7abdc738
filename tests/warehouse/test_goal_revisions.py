"""A goal's promise and its revisions (warehouse.goal_revisions): the first version is the
original promise, a later version counts only when it changed the baseline, target or
deadline, and the summary per goal carries the original values and how many revisions."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.demo_copies import writable_demo
from warehouse.goal_revisions import original_promises, promises


@pytest.fixture
def con(demo_db, tmp_path):
    with writable_demo(demo_db, tmp_path) as connection:
        yield connection


def new_version(con, code: str, at: datetime, **changes: object) -> None:
    """Close the goal's current version at `at` and open one with `changes`."""
    con.execute("CREATE OR REPLACE TEMP TABLE v AS SELECT * FROM metas WHERE codigo_meta = ?"
                " AND valid_to IS NULL", [code])  # fmt: skip
    con.execute(
        "UPDATE metas SET valid_to = ? WHERE codigo_meta = ? AND valid_to IS NULL", [at, code]
    )
    replaced = ", ".join(f"${name} AS {name}" for name in changes)
    con.execute(
        f"INSERT INTO metas SELECT * REPLACE ({replaced}, $at AS valid_from) FROM v",
        {**changes, "at": at},
    )


def test_a_goal_never_revised_has_its_original_promise_only(con):
    found = promises(con, "SAL-02")
    assert len(found) == 1 and bool(found["original"].iloc[0])
    summary = original_promises(promises(con)).set_index("codigo_meta")
    assert (summary["revisiones"] == 0).all()


def test_only_a_change_of_the_promise_is_a_revision(con):
    before = promises(con, "SAL-01").iloc[0]
    new_version(con, "SAL-01", datetime(2025, 6, 20), nombre="Otro nombre")  # not a revision
    new_version(con, "SAL-01", datetime(2025, 6, 21), valor_meta=1_700_000.0)
    new_version(con, "SAL-01", datetime(2025, 6, 22), fecha_meta=datetime(2027, 6, 30))
    found = promises(con, "SAL-01")
    assert list(found["original"]) == [True, False, False]
    assert list(found["desde"]) == [before["desde"], datetime(2025, 6, 21), datetime(2025, 6, 22)]
    assert list(found["valor_meta"]) == [before["valor_meta"], 1_700_000.0, 1_700_000.0]
    summary = original_promises(promises(con)).set_index("codigo_meta")
    assert summary.loc["SAL-01", "valor_meta_original"] == before["valor_meta"]
    assert summary.loc["SAL-01", "revisiones"] == 2 and summary.loc["SAL-02", "revisiones"] == 0
