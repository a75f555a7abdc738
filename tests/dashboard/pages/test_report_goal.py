"""Reportar una meta (/reportar/<codigo>) in headless Chromium, the whole work loop: the goal
manager reports a month with a forecast, the ministry's coordinator returns it with a comment,
the manager reads the comment, corrects and resends, the coordinator validates, and then
presidencia reads the value and its four steps on the goal page and citizens on /publico.

Plus, over HTTP: a manager's crafted request for a goal it does not manage changes nothing.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from dash.testing.wait import until

from dashboard.reporting import ids
from dashboard.ui.goal_format import format_value, month_label
from dashboard.validation import ids as validation_ids
from tests.support.sessions import browser_login, callback_payload, signed_in, start_signed_in
from tests.support.table_state import tables_digest
from warehouse.db import connect

GOAL = "SAL-02"
NATIONAL_INPUT = f'input[id*="{ids.VALUE}"][id*="{ids.NATIONAL}"]'


@pytest.fixture
def db_path(demo_db, tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


def last_national_value(db_path: Path) -> float:
    con = connect(db_path, read_only=True)
    try:
        row = con.execute(
            "SELECT valor_real FROM avance_mensual WHERE valid_to IS NULL AND codigo_meta = ?"
            " AND region IS NULL AND valor_real IS NOT NULL ORDER BY mes DESC LIMIT 1",
            [GOAL],
        ).fetchone()
    finally:
        con.close()
    return float(row[0])


def switch_to(dash_duo, username: str, path: str) -> None:
    """Sign out (a new browser session) and in again as another person, then open `path`."""
    dash_duo.driver.delete_all_cookies()
    browser_login(dash_duo, username)
    dash_duo.driver.get(dash_duo.server.url + path)


def send_month(dash_duo, value: float, forecast: float | None = None) -> None:
    field = dash_duo.wait_for_element(NATIONAL_INPUT, timeout=20)
    field.clear()
    field.send_keys(str(int(value)))
    if forecast is not None:
        box = dash_duo.find_element(f"#{ids.FORECAST}")
        box.clear()
        box.send_keys(str(int(forecast)))
    dash_duo.find_element(f"#{ids.SAVE_MONTH}").click()
    dash_duo.wait_for_contains_text(f"#{ids.MONTH_RESULT}", "Guardado", timeout=30)


def judge(dash_duo, month: date, button: str, comment: str | None = None) -> None:
    row = f'#{validation_ids.GRID} .ag-row[row-id="{GOAL}|{month.isoformat()}|"] input'
    checkbox = dash_duo.wait_for_element(row, timeout=20)
    dash_duo.driver.execute_script("arguments[0].click();", checkbox)
    if comment:
        dash_duo.find_element(f"#{validation_ids.COMMENT}").send_keys(comment)
    dash_duo.find_element(f"#{button}").click()


def test_report_return_correct_validate_publish(dash_duo, app_for, db_path):
    last = last_national_value(db_path)
    app = app_for(db_path)
    start_signed_in(dash_duo, app, "gerente", f"/reportar/{GOAL}")
    dash_duo.wait_for_contains_text(f"#{ids.TITLE}", GOAL, timeout=20)
    chosen = dash_duo.find_element(f"#{ids.MONTH}").text
    assert "por informar" in chosen

    send_month(dash_duo, last - 900, forecast=last - 1500)
    con = connect(db_path, read_only=True)
    try:
        month = con.execute(
            "SELECT max(mes) FROM avance_mensual WHERE codigo_meta = ? AND region IS NULL"
            " AND estado = 'reportado' AND reportado_por = 'gerente'",
            [GOAL],
        ).fetchone()[0]
    finally:
        con.close()
    assert month is not None and month_label(month) in chosen

    switch_to(dash_duo, "ministerio", "/validacion")
    judge(dash_duo, month, validation_ids.RETURN_BUTTON, "Revise la cifra con el registro")
    dash_duo.wait_for_contains_text(f"#{validation_ids.RESULT}", "Se devolvió 1 cifra", timeout=20)

    switch_to(dash_duo, "gerente", "/reportar")
    dash_duo.wait_for_contains_text(f"#{ids.INBOX}-{GOAL}", "Revise la cifra con el registro")
    dash_duo.driver.get(dash_duo.server.url + f"/reportar/{GOAL}")
    dash_duo.wait_for_contains_text(f"#{ids.MONTH_FIELDS}", "Revise la cifra con el registro")
    send_month(dash_duo, last - 800)

    switch_to(dash_duo, "ministerio", "/validacion")
    judge(dash_duo, month, validation_ids.VALIDATE)
    dash_duo.wait_for_contains_text(f"#{validation_ids.RESULT}", "Se validó 1 cifra", timeout=20)

    switch_to(dash_duo, "presidencia", f"/meta/{GOAL}?mes={month:%Y-%m}")
    shown = format_value(last - 800)
    dash_duo.wait_for_contains_text("#meta-historial-cifras", "Validada", timeout=30)
    steps = dash_duo.find_element("#meta-historial-cifras").text
    for step in ("Reportada", "Devuelta", "Corregida", "Validada"):
        assert step in steps
    assert shown in steps

    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.get(dash_duo.server.url + f"/publico/meta/{GOAL}")
    until(lambda: shown in dash_duo.find_element("body").text, timeout=30)
    assert dash_duo.get_logs() == []


def test_a_crafted_request_for_another_goal_changes_nothing(app_for, db_path):
    app = app_for(db_path)
    manager = signed_in(app, "gerente")
    before = tables_digest(db_path)
    response = manager.callback(
        f"{ids.MONTH_RESULT}.children",
        {f"{ids.SAVE_MONTH}.n_clicks": 1},
        {
            f"{ids.GOAL}.data": "EDU-01",
            f"{ids.MONTH}.value": "2025-05-01",
            f"{ids.VERSIONS}.data": {},
            f"{ids.COMMENT}.value": "",
            f"{ids.FORECAST}.value": None,
            f"{ids.CONFIRM}.value": False,
            '{"region":["ALL"],"type":"' + ids.VALUE + '"}.value': [
                {"id": {"type": ids.VALUE, "region": ids.NATIONAL}, "property": "value", "value": 5}
            ],
        },
    )
    assert response.status_code == 200
    assert "no puede" in response.get_data(as_text=True)
    assert tables_digest(db_path) == before


def rows_of(db_path: Path, sql: str, params: list) -> list[tuple]:
    con = connect(db_path, read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def pattern(
    kind: str, key: str, values: dict[str, object], prop: str = "value"
) -> dict[str, list[dict]]:
    """An ALL-pattern input or state as the renderer sends it: one entry per field present."""
    name = '{"' + key + '":["ALL"],"type":"' + kind + '"}.' + prop
    entries = [
        {"id": {"type": kind, key: field}, "property": prop, "value": value}
        for field, value in values.items()
    ]
    return {name: entries}


def click_milestone(manager, milestone: str, day: str, version: str):
    """The renderer names the very button clicked in changedPropIds."""
    payload = callback_payload(
        manager.app,
        f"{ids.MILESTONE_RESULT}.children",
        pattern(ids.SAVE_MILESTONE, "hito", {milestone: 1}, "n_clicks"),
        {
            **pattern(ids.MILESTONE_DATE, "hito", {milestone: day}),
            f"{ids.GOAL}.data": GOAL,
            f"{ids.MILESTONE_VERSIONS}.data": {milestone: version},
        },
    )
    clicked = json.dumps({"hito": milestone, "type": ids.SAVE_MILESTONE}, separators=(",", ":"))
    payload["changedPropIds"] = [clicked + ".n_clicks"]
    return manager.http.post(
        "/_dash-update-component", json=payload, headers={"X-CSRFToken": manager.csrf_token}
    )


def test_a_manager_raises_updates_and_resolves_a_bottleneck_and_marks_a_milestone(app_for, db_path):
    manager = signed_in(app_for(db_path), "gerente")
    raised = manager.callback(
        f"{ids.BOTTLENECK_RESULT}.children",
        {f"{ids.SAVE_BOTTLENECK}.n_clicks": 1},
        {
            f"{ids.GOAL}.data": GOAL,
            **pattern(ids.BOTTLENECK_FIELD, "field", {
                "tipo": "financiera", "severidad": "rojo", "nivel": "institucional",
                "region": None, "descripcion": "Falta el decreto de presupuesto",
                "responsable": "Jefatura de finanzas",
            }),
        },
    )  # fmt: skip
    assert "levantada" in raised.get_data(as_text=True)
    ((code, severity, alerted, resolved),) = rows_of(
        db_path,
        "SELECT codigo_restriccion, severidad, fecha_alerta, fecha_resolucion FROM restricciones"
        " WHERE valid_to IS NULL AND descripcion = ?",
        ["Falta el decreto de presupuesto"],
    )
    assert (severity, resolved) == ("rojo", None) and code.startswith("R-")

    version = rows_of(
        db_path,
        "SELECT CAST(valid_from AS VARCHAR) FROM restricciones WHERE valid_to IS NULL"
        " AND codigo_restriccion = ?",
        [code],
    )[0][0]
    updated = manager.callback(
        f"{ids.UPDATE_RESULT}.children",
        {f"{ids.SAVE_UPDATE}.n_clicks": 1},
        {
            **pattern(ids.UPDATE_FIELD, "field", {
                "codigo_restriccion": code, "severidad": "amarillo", "nota": "Decreto en Contraloría",
                "fecha_resolucion": str(alerted),
            }),
            f"{ids.BOTTLENECK_VERSIONS}.data": {code: version},
        },
    )  # fmt: skip
    assert "Guardado" in updated.get_data(as_text=True)
    assert rows_of(
        db_path,
        "SELECT severidad, fecha_resolucion FROM restricciones WHERE valid_to IS NULL"
        " AND codigo_restriccion = ?",
        [code],
    ) == [("amarillo", alerted)]
    notes = rows_of(
        db_path, "SELECT accion, comentario FROM auditoria WHERE tabla = 'restricciones'", []
    )
    assert notes == [
        ("levantar restricción", None),
        ("resolver restricción", "Decreto en Contraloría"),
    ]
    # The note reaches the ministry's coordinators in the bottleneck's thread.
    assert "Nota enviada a la coordinaci" in updated.get_data(as_text=True)
    assert rows_of(
        db_path,
        "SELECT codigo_meta, texto, autor, para FROM notas WHERE codigo_restriccion = ?",
        [code],
    ) == [(GOAL, "Decreto en Contraloría", "gerente", "ministerio")]

    milestone, milestone_version = rows_of(
        db_path,
        "SELECT codigo_hito, CAST(valid_from AS VARCHAR) FROM metas_intermedias"
        " WHERE valid_to IS NULL AND codigo_meta = ? AND fecha_cumplida IS NULL LIMIT 1",
        [GOAL],
    )[0]
    marked = click_milestone(manager, milestone, "2025-06-10", milestone_version)
    assert "cumplido" in marked.get_data(as_text=True)
    assert rows_of(
        db_path,
        "SELECT fecha_cumplida FROM metas_intermedias WHERE valid_to IS NULL AND codigo_meta = ?"
        " AND codigo_hito = ?",
        [GOAL, milestone],
    ) == [(date(2025, 6, 10),)]


def test_a_milestone_done_in_the_future_is_refused(app_for, db_path):
    manager = signed_in(app_for(db_path), "gerente")
    milestone, version = rows_of(
        db_path,
        "SELECT codigo_hito, CAST(valid_from AS VARCHAR) FROM metas_intermedias"
        " WHERE valid_to IS NULL AND codigo_meta = ? AND fecha_cumplida IS NULL LIMIT 1",
        [GOAL],
    )[0]
    answer = click_milestone(manager, milestone, "2099-01-01", version)
    assert "posterior a hoy" in answer.get_data(as_text=True)


def send_june(manager, value: float, confirmed: bool):
    return manager.callback(
        f"{ids.MONTH_RESULT}.children",
        {f"{ids.SAVE_MONTH}.n_clicks": 1},
        {
            f"{ids.GOAL}.data": GOAL,
            f"{ids.MONTH}.value": "2025-06-01",
            f"{ids.VERSIONS}.data": {},
            f"{ids.COMMENT}.value": "Cierre de listas en junio",
            f"{ids.FORECAST}.value": None,
            f"{ids.CONFIRM}.value": confirmed,
            **pattern(ids.VALUE, "region", {ids.NATIONAL: value}),
        },
    )


def test_a_value_out_of_the_trajectory_needs_a_confirmation_and_is_marked(app_for, db_path):
    manager = signed_in(app_for(db_path), "gerente")
    far = last_national_value(db_path) / 2
    before = tables_digest(db_path)

    asked = send_june(manager, far, confirmed=False)
    assert "confirme" in asked.get_data(as_text=True)
    assert tables_digest(db_path) == before

    saved = send_june(manager, far, confirmed=True)
    assert "Guardado" in saved.get_data(as_text=True)
    (comment,) = rows_of(
        db_path,
        "SELECT comentario FROM avance_mensual WHERE valid_to IS NULL AND codigo_meta = ?"
        " AND mes = '2025-06-01' AND region IS NULL",
        [GOAL],
    )[0]
    assert comment.startswith("[Salto confirmado por quien reporta]")
    assert comment.endswith("Cierre de listas en junio")
