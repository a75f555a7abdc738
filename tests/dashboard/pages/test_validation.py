"""Validación de cifras (/validacion) through real HTTP: the demo coordinator of Ministerio de
Salud validates a figure with a POST to /_dash-update-component and an analyst then reads it;
requests without the CSRF header, or from roles that do not validate, change nothing; and in
headless Chromium a coordinator marks a row, validates it and sees it leave the list.

Every test that writes works on its own copy of the session's demo database.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from dash.testing.wait import until

from dashboard.ui.goal_format import format_value
from dashboard.validation import ids, pending_grid
from tests.support.sessions import anonymous, signed_in, start_signed_in
from warehouse.db import connect, scalar
from warehouse.validation import pending_figures

HEALTH = "Ministerio de Salud"
PAGE_OUTPUT = "_pages_content.children"
ACTION_OUTPUT = ids.RESULT + ".children"
ROWS = f"#{ids.GRID} .ag-center-cols-container .ag-row"


@pytest.fixture
def db_path(demo_db, tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


def pending(db_path: Path) -> pd.DataFrame:
    """The figures still waiting, read straight from the primary (closed right after: the app
    writes to it)."""
    con = connect(db_path, read_only=True)
    try:
        return pending_figures(con)
    finally:
        con.close()


def health_national_figure(db_path: Path) -> dict[str, object]:
    """A national figure of a health goal with a whole value, as the grid sends it back."""
    frame = pending(db_path)
    chosen = frame[
        (frame["ministerio"] == HEALTH)
        & frame["region"].isna()
        & (frame["valor_real"] % 1 == 0)
        & (frame["valor_real"] >= 1000)
    ]
    assert not chosen.empty
    return pending_grid.grid_row(chosen.iloc[0].to_dict())


def state_of(db_path: Path, row: dict[str, object]) -> tuple[str, int]:
    """(current estado of the figure, number of validation actions recorded)."""
    con = connect(db_path, read_only=True)
    try:
        state = scalar(
            con,
            "SELECT estado FROM avance_mensual WHERE valid_to IS NULL AND codigo_meta = ?"
            " AND mes = ? AND region IS NOT DISTINCT FROM ?",
            [row["codigo_meta"], row["mes"], row["region"]],
        )
        return str(state), int(scalar(con, "SELECT count(*) FROM validaciones"))
    finally:
        con.close()


def act(client, rows, button=ids.VALIDATE, comment=None, *, csrf=True):
    return client.callback(
        ACTION_OUTPUT,
        {f"{button}.n_clicks": 1},
        {f"{ids.GRID}.selectedRows": rows, f"{ids.COMMENT}.value": comment},
        csrf=csrf,
    )


def page(client, path: str, search: str = "") -> str:
    """The page as Dash's router renders it for this client's session (JSON text)."""
    response = client.callback(
        PAGE_OUTPUT, {"_pages_location.pathname": path, "_pages_location.search": search}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def goal_page_for(client, row) -> str:
    return page(client, f"/meta/{row['codigo_meta']}", "?mes=" + str(row["mes"])[:7])


# --------------------------------------------------------------------------- HTTP


def test_a_coordinator_validates_over_http_and_an_analyst_then_reads_the_figure(app_for, db_path):
    row = health_national_figure(db_path)
    value_text = format_value(row["valor_real"], 0)
    app = app_for(db_path)
    coordinator = signed_in(app, "ministerio")
    analyst = signed_in(app, "analista")

    listed = page(coordinator, "/validacion")
    assert row["version"] in listed and value_text in listed
    assert value_text not in goal_page_for(analyst, row)  # not official yet

    response = act(coordinator, [row], comment="Revisada con el servicio")

    assert response.status_code == 200
    body = response.get_json()["response"]
    assert "Se validó 1 cifra." in json.dumps(body[ids.RESULT], ensure_ascii=False)
    assert row["id"] not in {r["id"] for r in body[ids.GRID]["rowData"]}
    assert body[ids.GRID]["selectedRows"] == []
    assert "Revisada con el servicio" in json.dumps(body[ids.HISTORY], ensure_ascii=False)
    assert state_of(db_path, row) == ("validado", 1)
    shown = goal_page_for(analyst, row)
    assert value_text in shown and "Validado" in shown


def test_a_crafted_request_for_another_ministrys_figure_changes_nothing(app_for, db_path):
    frame = pending(db_path)
    other = pending_grid.grid_row(frame[frame["ministerio"] != HEALTH].iloc[0].to_dict())
    app = app_for(db_path)

    response = act(signed_in(app, "ministerio"), [other])

    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert response.status_code == 200 and "No se modificó ninguna cifra." in text
    assert "no pertenece a su ministerio" in text
    assert state_of(db_path, other) == ("reportado", 0)


def test_returning_without_a_comment_is_refused_before_writing(app_for, db_path):
    row = health_national_figure(db_path)
    response = act(signed_in(app_for(db_path), "ministerio"), [row], ids.RETURN_BUTTON, "  ")
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert response.status_code == 200 and "Falta el comentario" in text
    assert state_of(db_path, row) == ("reportado", 0)


def test_a_post_without_the_csrf_header_is_refused(app_for, db_path):
    row = health_national_figure(db_path)
    response = act(signed_in(app_for(db_path), "ministerio"), [row], csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert state_of(db_path, row) == ("reportado", 0)


@pytest.mark.parametrize("username", ["analista", "region", None])
def test_roles_that_do_not_validate_write_nothing(app_for, db_path, username):
    row = health_national_figure(db_path)
    app = app_for(db_path)
    client = anonymous(app) if username is None else signed_in(app, username)

    response = act(client, [row])

    assert response.status_code == 200  # the request reaches the callback, which refuses it
    body = response.get_json()["response"]
    assert set(body) == {ids.RESULT}  # no list, count or history sent back
    assert "Su cuenta no puede validar cifras" in json.dumps(body, ensure_ascii=False)
    assert state_of(db_path, row) == ("reportado", 0)
    if username is not None:  # the page offers them nothing to validate either
        listed = page(client, "/validacion")
        assert row["version"] not in listed and row["real_texto"] not in listed
        assert "acceso-denegado" in listed or ids.NOT_ALLOWED in listed


# --------------------------------------------------------------------------- browser


def test_a_coordinator_validates_a_row_in_the_browser(dash_duo, app_for, db_path):
    row = health_national_figure(db_path)
    waiting = int((pending(db_path)["ministerio"] == HEALTH).sum())
    start_signed_in(dash_duo, app_for(db_path), "ministerio", "/validacion")

    dash_duo.wait_for_text_to_equal(f"#{ids.COUNT}", f"{waiting} cifras pendientes de validación.")
    until(lambda: len(dash_duo.find_elements(ROWS)) == waiting, timeout=10)
    checkbox = dash_duo.find_element(f'#{ids.GRID} .ag-row[row-id="{row["id"]}"] input')
    dash_duo.driver.execute_script("arguments[0].click();", checkbox)
    dash_duo.find_element(f"#{ids.VALIDATE}").click()

    dash_duo.wait_for_contains_text(f"#{ids.RESULT}", "Se validó 1 cifra.", timeout=20)
    dash_duo.wait_for_text_to_equal(
        f"#{ids.COUNT}", f"{waiting - 1} cifras pendientes de validación."
    )
    until(lambda: len(dash_duo.find_elements(ROWS)) == waiting - 1, timeout=10)
    assert not dash_duo.find_elements(f'#{ids.GRID} .ag-row[row-id="{row["id"]}"]')
    dash_duo.wait_for_contains_text(f"#{ids.HISTORY}", "Validó")
    assert state_of(db_path, row)[0] == "validado"
    assert dash_duo.get_logs() == []


# --------------------------------------------------------------------------- presidencia


def return_figure(client, row, comment: str) -> None:
    """The coordinator returns `row` with a comment through the page's callback."""
    response = act(client, [row], ids.RETURN_BUTTON, comment)
    assert "Se devolvió 1 cifra" in json.dumps(response.get_json(), ensure_ascii=False)


def test_presidencia_reads_pending_figures_and_history_without_acting(app_for, db_path):
    row = health_national_figure(db_path)
    app = app_for(db_path)
    return_figure(signed_in(app, "ministerio"), row, "Falta el respaldo del DEIS")
    president = signed_in(app, "presidencia")

    listed = page(president, "/validacion")
    assert "acceso-denegado" not in listed and ids.NOT_ALLOWED not in listed
    assert ids.READ_ONLY in listed and "rowSelection" not in listed  # no checkboxes
    other = pending(db_path).iloc[0]
    assert str(other["version"]) in listed and "Ministerio" in listed  # every ministry's
    assert "Devuelto" in listed and "Falta el respaldo del DEIS" in listed  # the history
    one_goal = page(president, "/validacion", f"?meta={row['codigo_meta']}")
    assert ids.HISTORY_GOAL in one_goal and "Falta el respaldo del DEIS" in one_goal
    assert "Falta el respaldo" not in page(president, "/validacion", "?meta=NO-EXISTE")
    # The goal page says it too: returned, by whom and why (not "Reportado, sin validar").
    shown = goal_page_for(president, row)
    assert "Devuelto" in shown and "Falta el respaldo del DEIS" in shown

    response = act(president, [other.to_dict() | {"mes": str(other["mes"])[:10]}])
    assert "Su cuenta no puede validar cifras" in json.dumps(
        response.get_json(), ensure_ascii=False
    )
    assert state_of(db_path, row) == ("devuelto", 1)


def test_presidencia_reads_the_history_in_the_browser(dash_duo, app_for, db_path):
    row = health_national_figure(db_path)
    app = app_for(db_path)
    return_figure(signed_in(app, "ministerio"), row, "Revisar la cifra de noviembre")
    start_signed_in(dash_duo, app, "presidencia", "/validacion")

    dash_duo.wait_for_element(f"#{ids.READ_ONLY}", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.HISTORY}", "Devuelto")
    dash_duo.wait_for_contains_text(f"#{ids.HISTORY}", "Revisar la cifra de noviembre")
    until(lambda: len(dash_duo.find_elements(ROWS)) > 0, timeout=10)
    assert not dash_duo.find_elements(f"#{ids.GRID} .ag-row input[type=checkbox]")
    assert not dash_duo.find_element(f"#{ids.VALIDATE}").is_displayed()
    assert dash_duo.get_logs() == []
