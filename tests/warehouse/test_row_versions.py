"""The tiny-warehouse builder of tests/support plays a load as the loaders record it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tests.support.tiny_warehouse import T0, load, open_copy


def test_load_replaces_the_current_version(reference_db: Path, tmp_path: Path) -> None:
    """The helper itself: a second load closes the old version and keeps it for 'as known'."""
    con = open_copy(reference_db, tmp_path)
    goal = {"codigo_meta": "M1", "linea_base": 0.0, "valor_meta": 10.0,
            "fecha_inicio": date(2025, 1, 1), "fecha_meta": date(2025, 12, 31)}  # fmt: skip
    load(con, "metas", [goal], T0)
    load(con, "metas", [goal | {"valor_meta": 20.0}], datetime(2025, 2, 1))
    rows = con.execute(
        "SELECT valor_meta, valid_from, valid_to FROM metas ORDER BY valid_from"
    ).fetchall()
    assert rows == [
        (10.0, T0, datetime(2025, 2, 1)),
        (20.0, datetime(2025, 2, 1), None),
    ]
