"""The weekly meeting pack as a PDF: its pages and title, the same goals and lights as the
review for the same filters (read back from the PDF's text), revisions listed as revisions, and
only what the viewer may read."""

from __future__ import annotations

import importlib
import io
import re
import shutil
from datetime import datetime

import pytest
from pypdf import PdfReader

from dashboard.meeting_pack.routes import PACK_LINK_ID, PDF_PATH
from dashboard.server import database
from dashboard.server.defaults import (
    day_label,
    month_label,
    parse_month,
    read_defaults,
    review_window,
)
from dashboard.server.review_data import load_review
from dashboard.ui.components import light_word
from loaders.ingest import ingest_file
from tests.support.apps import app_on
from tests.support.components import by_id
from tests.support.sessions import anonymous, signed_in
from warehouse.db import connect
from warehouse.scope import MINISTERIO, Scope

ARGS = {"mes": "2025-05", "desde": "2025-06-09", "hasta": "2025-06-16"}
QUERY = "?mes=2025-05&desde=2025-06-09&hasta=2025-06-16"


@pytest.fixture(scope="module")
def app(demo_db):
    with app_on(demo_db) as built:
        yield built


def pdf_pages(client, query: str = QUERY) -> list[str]:
    response = client.get(PDF_PATH + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.data))
    return [page.extract_text() for page in reader.pages]


def review_for(app, scope: Scope, args: dict[str, str] = ARGS):
    """The review page's own data for the same URL arguments and viewer."""

    def read(con):
        defaults = read_defaults(con)
        start, end = review_window(args.get("desde"), args.get("hasta"), defaults)
        return load_review(con, parse_month(args.get("mes"), defaults.as_of), start, end)

    with app.server.test_request_context("/"):
        database.set_viewer(scope)
        return database.run(read)


def goal_lights(text: str, codes: list[str]) -> dict[str, str]:
    """{code: light word} from the scorecard table's rows ("SAL-01 name Rojo Ministry")."""
    words = "|".join(re.escape(light_word(w)) for w in
                     ("rojo", "amarillo", "verde", "cumplida", "sin_informacion", "no_iniciada",
                      "sin_acceso"))  # fmt: skip
    found = {}
    for code in codes:
        match = re.search(re.escape(code) + r"\b.*?\b(" + words + r")\b", text, re.S)
        assert match, f"{code} is in the scorecard"
        found[code] = match[1]
    return found


def test_the_pack_has_its_title_page_and_every_goal_with_the_review_light(app):
    pages = pdf_pages(signed_in(app))
    review = review_for(app, Scope.everything("presidencia"))
    board = review.board
    red = board.goals[board.goals["estado"] == "rojo"]
    assert len(red) > 0, "the demo has goals in rojo"
    title = pages[0]
    for words in ("Informe de la revisión semanal", "Fecha de la revisión", day_label(
        review.changes.hasta), day_label(review.changes.desde), month_label(board.as_of),
                  "Datos cargados", "Generado", "presidencia — Presidencia"):  # fmt: skip
        assert words in title
    # One page per red goal at the end, after the title page and at least one of tables.
    assert len(pages) >= 2 + len(red)
    for page, code in zip(pages[-len(red) :], sorted(red["codigo_meta"]), strict=True):
        assert code in page and "Restricciones abiertas" in page
    # The scorecard: every goal and its overall light, as on the screen.
    body = "\n".join(pages[1 : len(pages) - len(red)])
    scorecard = body.split("Qué cambió")[0]
    codes = board.goals["codigo_meta"].tolist()
    expected = {r["codigo_meta"]: light_word(r["estado"]) for r in board.goals.to_dict("records")}
    assert goal_lights(scorecard, codes) == expected
    # The filters and the freshness head every page but the title page.
    assert all("Mes de corte: mayo 2025" in p and "Datos cargados" in p for p in pages[1:])


def test_the_review_page_links_to_the_pack_with_its_filters(app):
    page = importlib.import_module("dashboard.pages.weekly_review")

    with app.server.test_request_context("/"):
        database.set_viewer(Scope.everything("presidencia"))
        layout = page.layout(**ARGS)
    link = by_id(layout, PACK_LINK_ID)
    assert link.href == PDF_PATH + QUERY
    assert "Descargar informe (PDF)" in str(link.children)


def test_the_pack_needs_a_session(app):
    response = anonymous(app).get(PDF_PATH + QUERY)
    assert response.status_code in (302, 401)
    assert b"%PDF" not in response.data


def goal_codes(text: str) -> set[str]:
    return set(re.findall(r"\b[A-Z]{3}-\d{2}\b", text))


def test_a_ministry_account_gets_only_what_it_may_read(app):
    everything = review_for(app, Scope.everything("presidencia"))
    ministry = review_for(app, Scope(MINISTERIO, ("Ministerio de Salud",), user="ministerio"))
    text = "\n".join(pdf_pages(signed_in(app, "ministerio")))
    assert "(Ministerio de Salud): cifras sin validar y restricciones" in " ".join(text.split())
    escalate = text.split("Restricciones para escalar al Grupo de Estrategia")[1].split("Hitos")[0]
    own = set(ministry.escalate["codigo_meta"])
    assert own and own < set(everything.escalate["codigo_meta"])
    assert goal_codes(escalate) == own
    assert escalate.split()[0] == str(len(ministry.escalate))


def one_row(code: str) -> str:
    """A regex for the rest of one row of the causes table: no other goal's code in it."""
    return re.escape(code) + r" (?:(?![A-Z]{3}-\d{2}\b).){0,160}?"


def test_a_revised_figure_is_listed_as_a_revision_not_as_progress(app_for, demo_db, tmp_path):
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    con = connect(db)
    try:
        code, month, old = con.execute(
            "SELECT codigo_meta, mes, valor_real FROM avance_mensual WHERE valid_to IS NULL"
            " AND region IS NULL AND estado = 'validado' AND valor_real IS NOT NULL"
            " AND mes = DATE '2025-01-01' ORDER BY codigo_meta LIMIT 1"
        ).fetchone()
        csv = tmp_path / "avance_revision.csv"
        csv.write_text(
            "codigo_meta,mes,region,valor_programado,valor_real,estado,reportado_por\n"
            f"{code},{month:%Y-%m},,,{old + 7},validado,Gerente\n",
            "utf-8",
        )
        assert ingest_file(con, csv, loaded_at=datetime(2025, 6, 17, 9, 0)).status == "loaded"
    finally:
        con.close()
    app = app_for(db)
    text = "\n".join(pdf_pages(signed_in(app), "?mes=2025-05&desde=2025-06-16&hasta=2025-06-18"))
    causes = " ".join(text.split("Cambios de cifras y metas por causa")[1].split())
    assert re.search(one_row(code) + "Revisión de una cifra anterior enero 2025", causes)
    assert not re.search(one_row(code) + "Reporte mensual nuevo enero 2025", causes)
