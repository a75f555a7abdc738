"""Uploading a messy file on /datos in headless Chromium: the file is sent from the page, waits
in the queue, loads in the background, and the page shows the summary, the quarantined rows
and a link to their fix-and-resend CSV."""

from __future__ import annotations

import json

import pytest

from dashboard.server.settings import Settings, SettingsError
from dashboard.uploads import views
from dashboard.uploads.runner import Runner
from tests.support.loader_files import FILES
from tests.support.sessions import signed_in, start_signed_in

MESSY = FILES / "avance_mensual_con_errores.csv"
FETCH_TEXT_JS = (
    "const done = arguments[arguments.length - 1];"
    "fetch(arguments[0]).then(r => r.text().then(t => done([r.status, t])));"
)


def test_admin_uploads_a_messy_file_and_downloads_its_quarantine(
    dash_duo, app_for, make_warehouse, monkeypatch
):
    app = app_for(make_warehouse(demo=False))
    start_signed_in(dash_duo, app, "admin", path="/datos")
    dash_duo.wait_for_contains_text(f"#{views.PANEL}", "Puede enviar: ")
    dash_duo.wait_for_contains_text(f"#{views.ZONE}", "Máximo 200 MB por archivo.")

    # Held in the queue first, so the page shows the job waiting…
    monkeypatch.setattr(Runner, "kick", lambda self: None)
    dash_duo.find_element(f"#{views.INPUT}").send_keys(str(MESSY))
    dash_duo.wait_for_contains_text(f"#{views.PROGRESS}", "En cola", timeout=20)
    dash_duo.wait_for_contains_text(f"#{views.STATE}", MESSY.name)

    # …then the runner takes it, and the bar ends in the summary.
    monkeypatch.undo()
    dash_duo.wait_for_contains_text(
        f"#{views.PROGRESS}", "Cargado con filas en cuarentena", timeout=60
    )
    summary = dash_duo.find_element(f"#{views.SUMMARY}").text
    for label in ("Filas leídas", "Nuevas", "Reemplazadas", "Sin cambio", "En cuarentena"):
        assert label in summary
    assert summary.splitlines()[-1].split() == ["5", "2", "0", "0", "3"]
    quarantine = dash_duo.find_element(f"#{views.QUARANTINE}").text
    assert "abc" in quarantine and "No es un número válido" in quarantine
    assert "X-99" in quarantine and "no está registrado" in quarantine

    link = dash_duo.find_element(f"#{views.DOWNLOAD}")
    assert "Descargar filas para corregir" in link.text
    status, text = dash_duo.driver.execute_async_script(FETCH_TEXT_JS, link.get_attribute("href"))
    assert status == 200
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].endswith(",linea_original,motivos_cuarentena")
    assert [line.split(",")[0] for line in lines[1:]] == ["M-01", "M-01", "X-99"]
    assert "abc" in lines[1] and ",3," in lines[1]
    assert dash_duo.get_logs() == []


def datos(client) -> str:
    response = client.callback(
        "_pages_content.children",
        {"_pages_location.pathname": "/datos", "_pages_location.search": ""},
    )
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_each_role_is_offered_what_it_may_send(app_for, make_warehouse):
    app = app_for(make_warehouse(demo=False), upload_mb=50)
    region = datos(signed_in(app, "region"))
    assert "acceso-denegado" not in region and views.ZONE in region
    assert "Puede enviar: compromisos del Gabinete Regional Ampliado (compromisos)" in region
    assert "Solo compromisos de su región" in region and "Máximo 50 MB por archivo." in region
    admin = datos(signed_in(app, "admin"))
    assert "avance mensual de metas (avance_mensual)" in admin and "Solo " not in admin
    presidencia = datos(signed_in(app, "presidencia"))  # reads the log, uploads nothing
    assert "acceso-denegado" not in presidencia and views.ZONE not in presidencia
    assert "acceso-denegado" in datos(signed_in(app, "analista"))


def test_the_size_limit_is_a_setting():
    assert Settings().upload_mb == 200
    assert Settings.from_env({"TABLERO_MAX_UPLOAD_MB": "5"}).upload_mb == 5
    with pytest.raises(SettingsError, match="TABLERO_MAX_UPLOAD_MB"):
        Settings.from_env({"TABLERO_MAX_UPLOAD_MB": "mucho"})
