"""Decisiones del Grupo de Estrategia (/decisiones) through real HTTP and headless Chromium, on
a copy of the demo: presidencia records a decision on an escalated bottleneck, it shows on the
next week's review and on the goal page, closing it moves it from the open list to the history;
a crafted request from any other role, or without a session, changes nothing; the CSV holds
exactly the filtered rows.

Decisions are recorded now (the clock's day), so "the next week's review" is the review from
today to a week from today: the demo's bottlenecks stay open, and escalated, after its last load.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from dashboard.decisions import ids
from dashboard.goal_page.decisions_section import SECTION_ID as GOAL_SECTION_ID
from dashboard.review.decision_section import CLOSED_ID, OPEN_ID, SECTION_ID
from indicators.bottlenecks import bottleneck_status
from loaders.demo.accounts import DEMO_MINISTRY
from tests.support.sessions import anonymous, signed_in, start_signed_in
from tests.support.table_state import tables_digest
from warehouse import goals as goal_queries
from warehouse.chile_time import chile_today
from warehouse.db import connect

PAGE_OUTPUT = "_pages_content.children"
TABLES = ("decisiones", "auditoria")
ROWS = f"#{ids.GRID} .ag-center-cols-container .ag-row"
TEXT = "Transferir los recursos retenidos antes del cierre del trimestre"
OUTCOME = "Recursos transferidos el lunes"


@pytest.fixture
def db_path(demo_db, tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


def escalated_health_bottleneck(db_path: Path) -> tuple[str, str]:
    """(codigo_restriccion, codigo_meta) of a bottleneck of the demo ministry escalated today."""
    con = connect(db_path, read_only=True)
    try:
        goals = goal_queries.goals(con)
        status = bottleneck_status(goal_queries.bottlenecks(con), chile_today())
    finally:
        con.close()
    health = set(goals.loc[goals["ministerio"] == DEMO_MINISTRY, "codigo_meta"])
    rows = status[status["escalar"] & status["codigo_meta"].isin(health)]
    assert not rows.empty
    row = rows.sort_values("codigo_restriccion").iloc[0]
    return str(row["codigo_restriccion"]), str(row["codigo_meta"])


def page(client, path: str, search: str = "") -> str:
    response = client.callback(
        PAGE_OUTPUT, {"_pages_location.pathname": path, "_pages_location.search": search}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def next_week() -> str:
    """The weekly review one week after today (data as known at the end of that day), compared
    with yesterday's: what is recorded or closed today is news to it."""
    today = chile_today()
    since, until = today - timedelta(days=1), today + timedelta(days=7)
    return f"?desde={since.isoformat()}&hasta={until.isoformat()}"


def record(client, code: str, text: str = TEXT, owner: str = DEMO_MINISTRY, days: int = 14):
    due = (chile_today() + timedelta(days=days)).isoformat()
    return client.callback(
        ids.RECORD_RESULT + ".children",
        {f"{ids.RECORD}.n_clicks": 1},
        {
            f"{ids.RECORD_BOTTLENECK}.value": code,
            f"{ids.RECORD_TEXT}.value": text,
            f"{ids.RECORD_OWNER}.value": owner,
            f"{ids.RECORD_DUE}.date": due,
            f"{ids.RECORDED}.data": 0,
        },
    )


def close(client, decision: str, outcome: str = OUTCOME):
    return client.callback(
        ids.CLOSE_RESULT + ".children",
        {f"{ids.CLOSE}.n_clicks": 1},
        {
            f"{ids.CLOSE_DECISION}.value": decision,
            f"{ids.CLOSE_OUTCOME}.value": outcome,
            f"{ids.CLOSED}.data": 0,
        },
    )


def text_of(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def part(rendered: str, id_: str) -> str:
    """The JSON text of the one component with this id in a rendered page."""

    def walk(node: object) -> list[object]:
        if isinstance(node, list):
            return [found for item in node for found in walk(item)]
        if not isinstance(node, dict):
            return []
        props = node.get("props")
        here = [node] if isinstance(props, dict) and props.get("id") == id_ else []
        return here + [found for value in node.values() for found in walk(value)]

    found = walk(json.loads(rendered))
    assert len(found) == 1, f"{len(found)} components with id {id_!r}"
    return json.dumps(found[0], ensure_ascii=False)


# --------------------------------------------------------------------------- HTTP


def test_a_decision_follows_the_review_and_the_goal_page_until_closed(app_for, db_path):
    code, goal = escalated_health_bottleneck(db_path)
    app = app_for(db_path)
    president = signed_in(app, "presidencia")

    response = record(president, code)
    assert "Se registró la decisión n.º 1" in text_of(response)
    review = page(president, "/", next_week())
    assert TEXT in part(review, OPEN_ID)
    assert page(president, "/").count(TEXT) == 0  # the demo's own review date: before it existed
    assert TEXT in page(president, f"/meta/{goal}") and GOAL_SECTION_ID in page(
        president, f"/meta/{goal}"
    )
    coordinator = signed_in(app, "ministerio")
    assert TEXT in page(coordinator, "/decisiones")
    assert TEXT in part(page(coordinator, "/", next_week()), OPEN_ID)

    assert "Se cerró la decisión n.º 1" in text_of(close(president, "1"))
    review = page(president, "/", next_week())
    assert TEXT not in part(review, OPEN_ID)
    assert OUTCOME in part(review, CLOSED_ID)  # closed since the previous review
    assert TEXT not in page(president, "/decisiones")  # the default list: open ones
    history = page(president, "/decisiones", "?estado=cerradas")
    assert TEXT in history and OUTCOME in history
    assert OUTCOME in page(president, f"/meta/{goal}")
    assert SECTION_ID in review


@pytest.mark.parametrize("username", ["ministerio", "region", "gerente", "analista", None])
def test_a_crafted_request_from_another_role_changes_nothing(app_for, db_path, username):
    code, _goal = escalated_health_bottleneck(db_path)
    app = app_for(db_path)
    assert "Se registró" in text_of(record(signed_in(app, "presidencia"), code, "Primera"))
    before = tables_digest(db_path, TABLES)
    client = anonymous(app) if username is None else signed_in(app, username)

    recorded, closed = record(client, code), close(client, "1")

    for response in (recorded, closed):
        assert response.status_code == 200
        assert "Su cuenta no registra decisiones" in text_of(response)
        assert set(response.get_json()["response"]) <= {ids.RECORD_RESULT, ids.CLOSE_RESULT}
    assert tables_digest(db_path, TABLES) == before


def test_a_decision_on_a_resolved_or_unknown_bottleneck_or_owner_is_refused(app_for, db_path):
    code, _goal = escalated_health_bottleneck(db_path)
    con = connect(db_path, read_only=True)
    try:
        resolved = con.execute(
            "SELECT min(codigo_restriccion) FROM restricciones"
            " WHERE valid_to IS NULL AND fecha_resolucion IS NOT NULL"
        ).fetchone()[0]
    finally:
        con.close()
    president = signed_in(app_for(db_path), "presidencia")
    before = tables_digest(db_path, TABLES)
    assert "La restricción no existe" in text_of(record(president, "R-999"))
    assert "no está abierta" in text_of(record(president, resolved))
    assert "Responsable desconocido" in text_of(record(president, code, owner="Nadie"))
    assert "ya pasó" in text_of(record(president, code, days=-1))
    assert tables_digest(db_path, TABLES) == before


def test_the_csv_holds_exactly_the_filtered_rows_and_escapes_formulas(app_for, db_path):
    code, goal = escalated_health_bottleneck(db_path)
    app = app_for(db_path)
    president = signed_in(app, "presidencia")
    record(president, code, '=HYPERLINK("http://x")')
    record(president, code, "Segunda decisión")
    close(president, "2", "Listo")

    response = president.callback(
        ids.DOWNLOAD + ".data",
        {f"{ids.CSV}.n_clicks": 1},
        {f"{ids.STATE}.value": "abiertas", f"{ids.MINISTRY}.value": DEMO_MINISTRY,
         f"{ids.GOAL}.value": goal, f"{ids.BOTTLENECK}.value": ""},
    )  # fmt: skip
    sent = response.get_json()["response"][ids.DOWNLOAD]["data"]
    assert sent["filename"].startswith("decisiones_") and sent["filename"].endswith(".csv")
    raw = base64.b64decode(sent["content"])
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["N.º", "Estado", "Restricción"]
    assert len(rows) == 2 and rows[1][0] == "1"
    assert rows[1][6] == '\'=HYPERLINK("http://x")'


def test_roles_that_read_no_bottleneck_are_not_offered_the_page(app_for, db_path):
    app = app_for(db_path)
    for username in ("analista", "admin"):
        assert "acceso-denegado" in page(signed_in(app, username), "/decisiones")
    listed = page(signed_in(app, "region"), "/decisiones")
    assert ids.READ_ONLY in listed and "acceso-denegado" not in listed


# --------------------------------------------------------------------------- browser


def settled(dash_duo, action):
    """`action()` again while the page is still being rendered (a stale element)."""
    from selenium.common.exceptions import StaleElementReferenceException

    for _ in range(20):
        try:
            return action()
        except StaleElementReferenceException:
            dash_duo.wait_for_element("body")
    return action()


def pick(dash_duo, selector: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    settled(dash_duo, lambda: Select(dash_duo.find_element(selector)).select_by_value(value))


def value_of(dash_duo, selector: str) -> str:
    return settled(dash_duo, lambda: dash_duo.find_element(selector).get_attribute("value"))


def type_into(dash_duo, selector: str, text: str) -> None:
    settled(dash_duo, lambda: dash_duo.find_element(selector).send_keys(text))


def test_presidencia_records_and_closes_a_decision_in_the_browser(dash_duo, app_for, db_path):
    code, goal = escalated_health_bottleneck(db_path)
    app = app_for(db_path)
    start_signed_in(dash_duo, app, "presidencia", f"/decisiones?restriccion={code}")

    dash_duo.wait_for_element(f"#{ids.RECORD_FORM}", timeout=20)
    until(lambda: value_of(dash_duo, f"#{ids.RECORD_BOTTLENECK}") == code, timeout=10)
    type_into(dash_duo, f"#{ids.RECORD_TEXT}", TEXT)
    type_into(dash_duo, f"#{ids.RECORD_OWNER}", DEMO_MINISTRY)
    due = (chile_today() + timedelta(days=14)).strftime("%d-%m-%Y")
    type_into(dash_duo, f"#{ids.RECORD_DUE}", due + Keys.ENTER)  # Enter: the picker takes it
    dash_duo.find_element(f"#{ids.RECORD}").click()
    dash_duo.wait_for_contains_text(f"#{ids.RECORD_RESULT}", "Se registró la decisión", timeout=20)
    until(lambda: len(dash_duo.find_elements(ROWS)) == 1, timeout=10)
    dash_duo.wait_for_contains_text(f"#{ids.GRID}", TEXT)

    # The next week's review lists it among the open decisions; so does the goal page.
    dash_duo.driver.get(dash_duo.server_url + "/" + next_week())
    dash_duo.wait_for_contains_text(f"#{OPEN_ID}", TEXT, timeout=30)
    dash_duo.driver.get(dash_duo.server_url + f"/meta/{goal}")
    dash_duo.wait_for_contains_text(f"#{GOAL_SECTION_ID}", TEXT, timeout=30)

    # Closing it: gone from the open list, kept in the history with its outcome.
    dash_duo.driver.get(dash_duo.server_url + "/decisiones")
    dash_duo.wait_for_element(f"#{ids.CLOSE_FORM}", timeout=20)
    pick(dash_duo, f"#{ids.CLOSE_DECISION}", "1")
    type_into(dash_duo, f"#{ids.CLOSE_OUTCOME}", OUTCOME)
    dash_duo.find_element(f"#{ids.CLOSE}").click()
    dash_duo.wait_for_contains_text(f"#{ids.CLOSE_RESULT}", "Se cerró la decisión", timeout=20)
    dash_duo.wait_for_text_to_equal(f"#{ids.COUNT}", "Ninguna decisión con estos filtros.")
    pick(dash_duo, f"#{ids.STATE}", "cerradas")
    dash_duo.wait_for_contains_text(f"#{ids.GRID}", OUTCOME, timeout=10)
    dash_duo.driver.get(dash_duo.server_url + "/" + next_week())
    dash_duo.wait_for_contains_text(f"#{CLOSED_ID}", OUTCOME, timeout=30)
    assert TEXT not in dash_duo.find_element(f"#{OPEN_ID}").text
    assert dash_duo.get_logs() == []
