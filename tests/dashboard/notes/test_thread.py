"""The notes' thread on the goal page, over HTTP on a copy of the demo: presidencia addresses a
note on a bottleneck to the goal manager; the manager finds it in its "Pendientes" on /reportar
and on the weekly review, reads it in the goal's thread and marks it seen; a viewer who does
not read the goal in full gets no thread, and the public pages never show it."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard.notes import ids
from dashboard.notes.data import NoteThread
from dashboard.notes.thread import note_form, thread_list
from tests.support.components import by_id, text_of
from tests.support.sessions import anonymous, callback_payload, signed_in
from tests.support.table_state import tables_digest
from warehouse.db import connect

PAGE = "_pages_content.children"
NOTE = "Revisen la licitación antes del viernes"


@pytest.fixture
def db_path(demo_db, tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


def page(client, path: str) -> str:
    response = client.callback(
        PAGE, {"_pages_location.pathname": path, "_pages_location.search": ""}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def add(client, codigo: str, para: str, text: str, bottleneck: str = ""):
    return client.callback(
        f"{ids.RESULT}.children",
        {f"{ids.SAVE}.n_clicks": 1},
        {
            f"{ids.GOAL}.data": codigo,
            f"{ids.TO}.value": para,
            f"{ids.TEXT}.value": text,
            f"{ids.REVIEW_ON}.value": "2025-06-10",
            f"{ids.BOTTLENECK}.value": bottleneck,
        },
    )


def close(client, codigo: str, note_id: int):
    """The click on one note's button, as the browser sends it (the concrete id changed)."""
    wildcard = '{"note":["ALL"],"type":"' + ids.CLOSE + '"}.n_clicks'
    concrete = {"id": {"note": note_id, "type": ids.CLOSE}, "property": "n_clicks", "value": 1}
    payload = callback_payload(
        client.app,
        ids.CLOSE_RESULT + ".children",
        {wildcard: [concrete]},
        {ids.GOAL + ".data": codigo},
    )
    payload["changedPropIds"] = [json.dumps(concrete["id"], separators=(",", ":")) + ".n_clicks"]
    return client.http.post(
        "/_dash-update-component", json=payload, headers={"X-CSRFToken": client.csrf_token or ""}
    )


def shown(response) -> str:
    """A callback's answer as text, accents as written."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def note_ids(db_path: Path) -> list[int]:
    con = connect(db_path, read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT id FROM notas ORDER BY id").fetchall()]
    finally:
        con.close()


def test_a_note_reaches_its_addressee_and_is_marked_seen(app_for, db_path):
    app = app_for(db_path)
    presidencia = signed_in(app, "presidencia")
    saved = add(presidencia, "SAL-02", "gerente", NOTE, "R-045")
    assert saved.status_code == 200 and "Nota guardada" in shown(saved)
    assert NOTE in shown(saved)  # the thread shown again

    manager = signed_in(app, "gerente")
    inbox = page(manager, "/reportar")
    assert ids.PENDING in inbox and NOTE in inbox and "(vencida)" in inbox
    assert NOTE in page(manager, "/")
    goal = page(manager, "/meta/SAL-02")
    assert "Marcar como vista" in goal and "restricción R-045" in goal

    note_id = note_ids(db_path)[-1]  # the demo has notes of its own
    before = tables_digest(db_path, ("notas",))
    refused = close(signed_in(app, "ministerio"), "SAL-02", note_id)  # not the addressee
    assert "Solo quien recibe la nota" in shown(refused)
    assert tables_digest(db_path, ("notas",)) == before

    seen = close(manager, "SAL-02", note_id)
    assert "Nota marcada como vista" in shown(seen)
    assert "Vista por gerente" in shown(seen)
    assert NOTE not in page(manager, "/reportar")
    assert NOTE not in page(manager, "/")


def test_no_thread_without_the_goal_in_full_and_never_in_public(app_for, db_path):
    app = app_for(db_path)
    assert add(signed_in(app, "presidencia"), "SAL-02", "ministerio", NOTE).status_code == 200

    assert NOTE in page(signed_in(app, "ministerio"), "/meta/SAL-02")
    analyst = page(signed_in(app, "analista"), "/meta/SAL-02")
    assert ids.THREAD not in analyst and NOTE not in analyst
    public = anonymous(app)
    for path in ("/publico", "/publico/meta/SAL-02"):
        shown = page(public, path)
        assert NOTE not in shown and ids.PENDING not in shown and ids.THREAD not in shown


def test_a_crafted_note_on_a_goal_not_read_in_full_changes_nothing(app_for, db_path):
    manager = signed_in(app_for(db_path), "gerente")
    before = tables_digest(db_path, ("notas", "auditoria"))
    response = add(manager, "EDU-01", "presidencia", NOTE)
    assert "no lee la meta EDU-01" in shown(response)
    assert tables_digest(db_path, ("notas", "auditoria")) == before


def thread(notes: list[dict], user: str = "gerente", role: str = "gerente") -> NoteThread:
    return NoteThread("SAL-02", True, pd.DataFrame(notes), ("R-045",), user, role)


def test_the_addressee_gets_the_button_others_the_state():
    base = {
        "codigo_meta": "SAL-02", "codigo_restriccion": None, "autor": "presidencia",
        "revisar_el": None, "creada_en": pd.Timestamp("2025-06-17 15:00"), "cerrada_en": None,
        "cerrada_por": None,
    }  # fmt: skip
    notes = [
        {**base, "id": 1, "texto": "Para el gerente", "para": "gerente"},
        {**base, "id": 2, "texto": "Para presidencia", "para": "presidencia"},
        {**base, "id": 3, "texto": "Vista", "para": "gerente",
         "cerrada_en": pd.Timestamp("2025-06-18 12:00"), "cerrada_por": "gerente"},
    ]  # fmt: skip
    tree = thread_list(thread(notes))
    assert "Marcar como vista" in text_of(by_id(tree, f"{ids.THREAD}-1"))
    second = text_of(by_id(tree, f"{ids.THREAD}-2"))
    assert "Pendiente" in second and "→ Presidencia" in second
    assert "Vista por gerente" in text_of(by_id(tree, f"{ids.THREAD}-3"))
    assert text_of(thread_list(thread([]))) == "Sin notas en esta meta."


def test_the_form_offers_the_goal_and_its_bottlenecks():
    form = note_form(thread([]), date(2025, 6, 18))
    options = by_id(form, ids.BOTTLENECK).options
    assert [o["value"] for o in options] == ["", "R-045"]
    assert by_id(form, ids.REVIEW_ON).min == "2025-06-18"
