"""Commitment follow-ups on the region page (/region/<code>) over HTTP: the `region` account
(demo: Valparaíso, 05) records a follow-up that changes the page — the commitment's state and
its history — and a crafted follow-up on another region's commitment is refused and changes
nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dashboard.territory import follow_ups as fu
from dashboard.ui import ids
from tests.support.sessions import signed_in
from tests.support.table_state import WRITTEN_BY_ENTRIES, tables_digest
from warehouse.db import connect

TABLES = (*WRITTEN_BY_ENTRIES, "seguimientos", "compromisos")
PAGE = "_pages_content.children"


@pytest.fixture
def db_path(demo_db, tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


def text(node: object) -> str:
    """The text a JSON layout shows, its pieces joined by spaces."""
    if isinstance(node, str | int | float) and not isinstance(node, bool):
        return str(node)
    if isinstance(node, list):
        return " ".join(filter(None, (text(n) for n in node)))
    if isinstance(node, dict):
        return text(node.get("props", {}).get("children"))
    return ""


def nodes(node: object):
    if isinstance(node, list):
        for item in node:
            yield from nodes(item)
    elif isinstance(node, dict):
        yield node
        yield from nodes(node.get("props", {}).get("children"))


def by_id(tree: object, id_: str) -> dict:
    found = [n for n in nodes(tree) if n.get("props", {}).get("id") == id_]
    assert len(found) == 1, f"{len(found)} nodes with id {id_!r}"
    return found[0]


def commitment_row(tree: object, code: str) -> str:
    rows = [text(n) for n in nodes(tree) if n.get("type") == "Tr"]
    found = [r for r in rows if r.startswith(code + " ")]
    assert len(found) == 1, found
    return found[0]


def region_page(client) -> dict:
    response = client.callback(
        PAGE, {"_pages_location.pathname": "/region/05", "_pages_location.search": ""}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]["_pages_content"]["children"]


def send(client, code: str, state: str, note: str):
    return client.callback(
        f"{fu.RESULT}.children",
        {f"{fu.SAVE}.n_clicks": 1},
        {
            f"{fu.CODE}.value": code,
            f"{fu.DAY}.value": "2025-06-17",
            f"{fu.STATE}.value": state,
            f"{fu.NOTE}.value": note,
            f"{ids.REGION_CODE}.data": "05",
            f"{ids.REGION_URL}.search": "",
        },
    )


def test_a_region_follow_up_changes_the_region_page(app_for, db_path):
    client = signed_in(app_for(db_path), "region")
    before = region_page(client)
    assert "Registrar seguimiento" in text(by_id(before, fu.PANEL))
    assert "Cumplido" not in commitment_row(by_id(before, ids.REGION_COMMITMENTS), "GRA-05-002")
    assert "GRA-05-002" not in text(by_id(before, fu.HISTORY))

    response = send(client, "GRA-05-002", "cumplido", "Obras entregadas al municipio")

    assert response.status_code == 200
    out = response.get_json()["response"]
    assert "Seguimiento guardado" in json.dumps(out[fu.RESULT], ensure_ascii=False)
    assert "Cumplido" in commitment_row(out[ids.REGION_COMMITMENTS]["children"], "GRA-05-002")
    after = region_page(client)
    row = commitment_row(by_id(after, ids.REGION_COMMITMENTS), "GRA-05-002")
    assert "Cumplido" in row and "Obras entregadas al municipio" in row
    history = text(by_id(after, fu.HISTORY))
    assert "GRA-05-002" in history and "17-06-2025" in history
    assert "formulario web · region" in history


def test_a_crafted_follow_up_on_another_regions_commitment_is_refused(app_for, db_path):
    client = signed_in(app_for(db_path), "region")
    before = tables_digest(db_path, TABLES)
    page_before = text(by_id(region_page(client), ids.REGION_COMMITMENTS))

    response = send(client, "GRA-13-003", "cumplido", "Cumplido, dice la cuenta de Valparaíso")

    assert response.status_code == 200
    body = json.dumps(response.get_json(), ensure_ascii=False)
    assert "no puede registrar seguimientos del compromiso GRA-13-003" in body
    assert tables_digest(db_path, TABLES) == before
    assert text(by_id(region_page(client), ids.REGION_COMMITMENTS)) == page_before


def test_other_roles_read_the_history_without_the_form(app_for, db_path):
    client = signed_in(app_for(db_path), "presidencia")
    panel = text(by_id(region_page(client), fu.PANEL))
    assert "Registrar seguimiento" not in panel
    con = connect(db_path, read_only=True)
    try:
        followed = con.execute(
            "SELECT DISTINCT codigo_compromiso FROM seguimientos"
            " WHERE valid_to IS NULL AND codigo_compromiso LIKE 'GRA-05-%'"
        ).fetchall()
    finally:
        con.close()
    assert followed  # the demo's follow-ups of Valparaíso, each in the history
    assert all(code in panel for (code,) in followed)
