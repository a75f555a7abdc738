"""The one cache module (dashboard/server/cache.py): bounded memos, honest clearing, switches,
and the staleness rules of `data_version` (docs/caching.md): a new snapshot is a new version,
another scope is another entry, the next Chilean day is a new key."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.server import cache
from dashboard.server.cache import Memo, data_version
from warehouse import snapshots
from warehouse.db import connect
from warehouse.scope import REGION, Scope, apply_scope


@pytest.fixture
def published(make_warehouse):
    path = make_warehouse()
    snapshots.ensure_published(path)
    return path


def read_only(primary):
    """A connection to the newest published snapshot, as a serving process opens it."""
    return connect(snapshots.current(primary), read_only=True)


def test_memos_keep_recent_items_and_recompute_evicted_ones() -> None:
    memo = Memo(cache.VALUES, 2)
    calls = []

    def compute(key):
        calls.append(key)
        return key * 10

    for key in (1, 2, 1, 3, 1, 2):
        assert memo.get(key, lambda k=key: compute(k)) == key * 10
    assert calls == [1, 2, 3, 2]  # 2 was evicted by 3 (1 had been used more recently)
    assert len(memo) == 2


def test_clear_all_empties_every_cache_of_the_process() -> None:
    memos = [Memo(cache.VALUES, 2), Memo(cache.CATALOGS, 2)]
    for memo in memos:
        memo.get("k", lambda: 1)
    calls = []

    @cache.pure(maxsize=4)
    def double(x: int) -> int:
        calls.append(x)
        return 2 * x

    assert double(2) == double(2) == 4 and calls == [2]
    cache.clear_all()
    for memo in memos:
        assert memo.get("k", lambda: 2) == 2  # computed again
    assert double(2) == 4 and calls == [2, 2]  # the pure memos too


def test_clearing_a_layer_keeps_the_others() -> None:
    values, catalogs = Memo(cache.VALUES, 2), Memo(cache.CATALOGS, 2)
    values.get("k", lambda: 1)
    catalogs.get("k", lambda: 1)
    cache.clear(cache.VALUES)
    assert values.get("k", lambda: 2) == 2
    assert catalogs.get("k", lambda: 2) == 1


def test_a_layer_switched_off_computes_every_time(monkeypatch) -> None:
    memo = Memo(cache.CATALOGS, 4)
    monkeypatch.setenv(cache.SWITCH, f" {cache.CATALOGS} , {cache.ANSWER_FILES}")
    assert cache.switched_off() == {cache.CATALOGS, cache.ANSWER_FILES}
    assert memo.get("k", lambda: 1) == 1
    assert memo.get("k", lambda: 2) == 2 and len(memo) == 0
    monkeypatch.setenv(cache.SWITCH, cache.VALUES)
    assert memo.get("k", lambda: 3) == 3
    assert memo.get("k", lambda: 4) == 3


def test_a_new_snapshot_is_a_new_version_and_its_answers_are_computed_again(published) -> None:
    memo = Memo(cache.VALUES, 8)
    before = read_only(published)
    try:
        old = data_version(before)
        assert data_version(before) == old  # the same snapshot read again: the same version
        assert memo.get((old, "metas"), lambda: "antes") == "antes"
        with snapshots.writer(published) as con:
            con.execute("UPDATE metas SET nombre = 'Meta renombrada' WHERE valid_to IS NULL")
        after = read_only(published)
        try:
            new = data_version(after)
            assert new != old and new[0] != old[0]  # another snapshot file
            assert memo.get((new, "metas"), lambda: "después") == "después"
        finally:
            after.close()
    finally:
        before.close()


def test_a_load_on_a_writable_connection_is_a_new_version(make_warehouse) -> None:
    con = connect(make_warehouse())
    try:
        old = data_version(con)
        con.execute(
            "INSERT INTO ingestas SELECT * REPLACE (id + 1000 AS id, now() AS cargado_en,"
            " hash_contenido || '-otra' AS hash_contenido)"
            " FROM ingestas ORDER BY id DESC LIMIT 1"
        )
        assert data_version(con) != old
    finally:
        con.close()


def test_another_scope_is_another_entry(published) -> None:
    con = read_only(published)
    try:
        everything, regional = con.cursor(), con.cursor()
        apply_scope(regional, Scope(REGION, region="05"))
        whole, limited = data_version(everything), data_version(regional)
        assert whole[:3] == limited[:3] and whole[3] != limited[3]
        memo = Memo(cache.VALUES, 8)
        assert memo.get(whole, lambda: "todo") == "todo"
        assert memo.get(limited, lambda: "región") == "región"
    finally:
        con.close()


def test_the_next_chilean_day_is_a_new_key(published, monkeypatch) -> None:
    con = read_only(published)
    try:
        monkeypatch.setattr(cache, "chile_today", lambda: date(2026, 12, 7))
        today = data_version(con)
        monkeypatch.setattr(cache, "chile_today", lambda: date(2026, 12, 8))
        tomorrow = data_version(con)
        assert today[:4] == tomorrow[:4] and today != tomorrow
        assert today[4] == date(2026, 12, 7) and tomorrow[4] == date(2026, 12, 8)
    finally:
        con.close()
