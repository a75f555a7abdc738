"""Whole answers (pages, read-only filters, the frame) are kept per request, viewer, published
snapshot and day; nothing else is.

Through real HTTP requests to the app factory's server (Flask test client), on a small
warehouse with a published snapshot."""

from __future__ import annotations

import diskcache
import pytest

from benchmarks import dash_requests as dr
from dashboard.server import answer_files as answer_files_module
from dashboard.server import responses
from dashboard.server.answer_files import AnswerFiles
from tests.support.sessions import signed_in
from warehouse import snapshots


@pytest.fixture
def kept(monkeypatch) -> AnswerFiles:
    fresh = AnswerFiles()
    monkeypatch.setattr(responses, "SHARED", fresh)
    return fresh


def answer_files(database) -> list:
    """The answers kept on disk for the other serving processes (their hashed keys)."""
    folder = snapshots.snapshot_dir(database) / answer_files_module.FOLDER
    if not folder.exists():
        return []
    with diskcache.Cache(str(folder)) as store:
        return list(store.iterkeys())


@pytest.fixture
def published(make_warehouse):
    path = make_warehouse()
    snapshots.ensure_published(path)
    return path


def page(client, path: str, search: str = ""):
    return client.http.post(
        dr.UPDATE_PATH,
        json=dr.page_request(path, search),
        headers={"X-CSRFToken": client.csrf_token or ""},
    )


def test_a_page_answer_is_kept_and_sent_again_as_it_was(app_for, published, kept) -> None:
    client = signed_in(app_for(published))
    first = page(client, "/metas")
    assert first.status_code == 200 and len(answer_files(published)) == 1
    again = page(client, "/metas")
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert again.mimetype == "application/json" and len(answer_files(published)) == 1
    page(client, "/metas", "?semaforo=rojo")  # another address: another answer
    assert len(answer_files(published)) == 2


def test_each_scope_gets_its_own_answer(app_for, published, kept) -> None:
    app = app_for(published)
    page(signed_in(app, "presidencia"), "/metas")
    page(signed_in(app, "region"), "/metas")
    assert len(answer_files(published)) == 2


def test_a_new_snapshot_is_never_answered_from_the_old_one(app_for, published, kept) -> None:
    client = signed_in(app_for(published))
    before = page(client, "/metas").get_data(as_text=True)
    with snapshots.writer(published) as con:
        con.execute("UPDATE metas SET nombre = 'Meta renombrada' WHERE valid_to IS NULL")
    after = page(client, "/metas").get_data(as_text=True)
    assert "Meta renombrada" not in before and "Meta renombrada" in after


def test_read_only_filter_answers_are_kept_per_request(app_for, published, kept) -> None:
    client = signed_in(app_for(published))
    rojo = {"metas-filtro-semaforo.value": "rojo"}
    first = client.callback("metas-grid.rowData", rojo, {})
    assert first.status_code == 200 and len(answer_files(published)) == 1
    assert client.callback("metas-grid.rowData", rojo, {}).get_data() == first.get_data()
    client.callback("metas-grid.rowData", {"metas-filtro-semaforo.value": "verde"}, {})
    assert len(answer_files(published)) == 2


def test_downloads_and_refusals_are_not_kept(app_for, published, kept) -> None:
    app = app_for(published)
    client = signed_in(app, "analista")
    assert page(client, "/datos").status_code == 200  # refused to this role: not kept
    assert len(answer_files(published)) == 0
    patterns = {  # the explorer's pattern-matched controls, none shown: the default dataset
        f"{item['id']}.{item['property']}": []
        for key, spec in app.callback_map.items()
        if "explorar-descarga.data" in key
        for item in spec.get("state", [])
        if item["id"].startswith("{")
    }
    download = client.callback("explorar-descarga.data", {"explorar-csv.n_clicks": 1}, patterns)
    assert download.status_code == 200 and "explorar-descarga" in download.get_data(as_text=True)
    assert len(answer_files(published)) == 0  # its file name carries the time it was made
    assert answer_files(published) == []  # nor written for the other processes


def test_another_worker_sends_the_answer_this_one_built(app_for, published, kept) -> None:
    client = signed_in(app_for(published))
    first = page(client, "/metas")
    (written,) = answer_files(published)
    folder = snapshots.snapshot_dir(published) / answer_files_module.FOLDER
    with diskcache.Cache(str(folder)) as store:  # another process: the same store on disk
        assert store[written][1] == first.get_data()
        store[written] = ("application/json", b'{"desde": "el archivo"}')
    again = page(client, "/metas")
    assert again.get_data() == b'{"desde": "el archivo"}' and again.mimetype == "application/json"


def test_the_frame_is_kept_per_account(app_for, published, kept) -> None:
    app = app_for(published)
    one, other = signed_in(app, "presidencia"), signed_in(app, "analista")
    frame = one.get("/_dash-layout").get_data()
    assert one.get("/_dash-layout").get_data() == frame
    assert other.get("/_dash-layout").get_data() != frame  # names another person and role
    assert len(answer_files(published)) == 2


def test_kept_answers_are_bounded_by_their_size(app_for, published, monkeypatch) -> None:
    monkeypatch.setattr(responses, "SHARED", AnswerFiles(max_bytes=1))
    client = signed_in(app_for(published))
    first = page(client, "/metas")
    assert first.status_code == 200 and answer_files(published) == []  # over the bound
    again = page(client, "/metas")  # built again, the same answer
    assert again.status_code == 200 and again.get_data() == first.get_data()
