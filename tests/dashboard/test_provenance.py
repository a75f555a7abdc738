"""Provenance of every figure kind: the file, line and load time of bottlenecks and commitments,
the delivery files behind the territorial figures, and who validated or returned a monthly
figure and when, read through the viewer's scope (warehouse.provenance, goal_detail)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard.goal_page.tables import validation_state
from dashboard.territory import map_views as tv
from dashboard.territory import region_views as rv
from dashboard.ui.formatting import format_datetime, source_text
from tests.support.sessions import signed_in
from warehouse import provenance, snapshots
from warehouse.db import connect, transaction
from warehouse.provenance import DeliveryLoads
from warehouse.scope import Scope, apply_scope
from warehouse.validation import apply_validation, pending_figures

HEALTH = "Ministerio de Salud"
COORDINATOR = "coord.salud"


def page(client, path: str, search: str = "") -> str:
    """The page as Dash's router renders it for this client's session (JSON text)."""
    response = client.callback(
        "_pages_content.children",
        {"_pages_location.pathname": path, "_pages_location.search": search},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


# --------------------------------------------------------------------------- formatting


def test_source_text_is_one_sentence_in_chilean_time() -> None:
    assert (
        source_text("restricciones.csv", 12, datetime(2025, 4, 2, 14, 0))
        == "Fuente: archivo restricciones.csv, línea 12, cargado el 02-04-2025 11:00"
    )
    assert source_text("entregas.csv") == "Fuente: archivo entregas.csv"
    assert source_text(None, 3) == "Fuente: —"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"estado": "reportado"}, ("Reportado, sin validar", "")),
        ({"estado": "validado"}, ("Validado", "en el archivo de origen")),
        (
            {"estado": "validado", "validado_por": "ana", "validado_en": datetime(2025, 4, 2, 14)},
            ("Validado", "por ana el 02-04-2025 11:00"),
        ),
        (  # the validation record out of the viewer's scope: when, not who
            {"estado": "devuelto", "validado_por": None, "estado_desde": datetime(2025, 4, 2, 14)},
            ("Devuelto", "el 02-04-2025 11:00"),
        ),
    ],
)
def test_validation_state_says_who_and_when(row: dict, expected: tuple[str, str]) -> None:
    assert validation_state(row)[1:] == expected


# --------------------------------------------------------------------------- warehouse


def test_delivery_loads_name_the_latest_file(make_warehouse) -> None:
    con = connect(make_warehouse(), read_only=True)
    try:
        loads = provenance.delivery_loads(con)
    finally:
        con.close()
    assert loads == DeliveryLoads(1, "entregas_marzo.csv", datetime(2025, 4, 1, 13, 30))
    assert tv.delivery_source(loads) == (
        "Fuente: archivo entregas_marzo.csv, cargado el 01-04-2025 10:30"
        " (el único archivo de entregas)."
    )
    assert tv.delivery_source(DeliveryLoads(0, None, None)).startswith("Fuente: ningún")


def test_delivery_loads_count_every_file_that_wrote_rows(demo_db) -> None:
    con = connect(demo_db, read_only=True)
    try:
        loads = provenance.delivery_loads(con)
        files = con.execute(
            "SELECT archivo, cargado_en FROM ingestas WHERE tipo = 'entregas'"
            " AND filas_nuevas + filas_reemplazadas > 0 ORDER BY cargado_en DESC, id DESC"
        ).fetchall()
    finally:
        con.close()
    assert loads.files == len(files) > 1
    assert loads.latest_loaded_at == files[0][1]
    assert "archivos de entregas" in tv.delivery_source(loads)


def test_bottleneck_and_commitment_sources_are_their_rows_lineage(demo_db) -> None:
    con = connect(demo_db, read_only=True)
    try:
        goal = con.execute(
            "SELECT codigo_meta FROM restricciones WHERE valid_to IS NULL LIMIT 1"
        ).fetchone()[0]
        expected = con.execute(
            "SELECT r.codigo_restriccion, i.archivo, r.source_line FROM restricciones r"
            " JOIN ingestas i ON i.id = r.ingestion_id WHERE r.valid_to IS NULL"
            " AND r.codigo_meta = ? ORDER BY 1",
            [goal],
        ).fetchall()
        bottlenecks = provenance.bottleneck_sources(con, goal)
        commitments = provenance.commitment_sources(con, "05")
        in_region = con.execute(
            "SELECT count(*) FROM compromisos WHERE valid_to IS NULL AND region = '05'"
        ).fetchone()[0]
    finally:
        con.close()
    rows = bottlenecks[["codigo_restriccion", "archivo", "linea"]].itertuples(index=False)
    assert [tuple(r) for r in rows] == expected
    assert bottlenecks["cargado_en"].notna().all()
    assert len(commitments) == in_region > 0
    assert commitments["codigo_compromiso"].str.startswith("GRA-05").all()
    assert commitments["linea"].min() >= 2 and commitments["archivo"].notna().all()


def test_sources_follow_the_viewers_scope(demo_db) -> None:
    con = connect(demo_db, read_only=True)
    try:
        cur = con.cursor()
        apply_scope(cur, Scope("region", region="05"))
        assert provenance.commitment_sources(cur, "13").empty
        assert not provenance.commitment_sources(cur, "05").empty
        cur.close()
    finally:
        con.close()


def test_with_sources_keeps_the_rows_and_their_order() -> None:
    rows = pd.DataFrame({"codigo_restriccion": ["R-2", "R-1", "R-9"], "x": [1, 2, 3]})
    sources = pd.DataFrame(
        {
            "codigo_restriccion": ["R-1", "R-2"],
            "archivo": ["a.csv", "b.csv"],
            "linea": [2, 3],
            "cargado_en": [datetime(2025, 1, 1), datetime(2025, 1, 2)],
        }
    )
    joined = provenance.with_sources(rows, sources, "codigo_restriccion")
    assert joined["archivo"].tolist()[:2] == ["b.csv", "a.csv"]
    assert pd.isna(joined["archivo"].iloc[2]) and joined["x"].tolist() == [1, 2, 3]
    empty = provenance.with_sources(rows.iloc[:0], sources.iloc[:0], "codigo_restriccion")
    assert set(provenance.SOURCE_COLUMNS) <= set(empty.columns)


# --------------------------------------------------------------------------- pages


@pytest.fixture
def db_path(demo_db, tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


def judge(db_path: Path, figure: pd.Series, action: str, comment: str | None) -> datetime:
    """A health coordinator's action, written and published as the validation page does."""
    at = datetime.now(UTC).replace(tzinfo=None)
    row = figure.to_dict() | {"mes": pd.Timestamp(figure["mes"]).date().isoformat()}
    scope = Scope("ministerio", (HEALTH,), user=COORDINATOR)
    with snapshots.writer(db_path) as con, transaction(con):
        result = apply_validation(con, scope, [row], action, comment, at)
    assert result.accepted == 1, result.refused
    return at


def test_goal_page_says_who_validated_or_returned_each_figure(app_for, db_path) -> None:
    con = connect(db_path, read_only=True)
    try:
        frame = pending_figures(con)
    finally:
        con.close()
    national = frame[(frame["ministerio"] == HEALTH) & frame["region"].isna()]
    validated, returned = national.iloc[0], national.iloc[1]
    validated_at = judge(db_path, validated, "validar", None)
    returned_at = judge(db_path, returned, "devolver", "La cifra no cuadra con el DEIS")
    app = app_for(db_path)
    president, analyst = signed_in(app, "presidencia"), signed_in(app, "analista")

    def goal(client, figure: pd.Series) -> str:
        month = pd.Timestamp(figure["mes"]).strftime("%Y-%m")
        return page(client, f"/meta/{figure['codigo_meta']}", f"?mes={month}")

    shown = goal(president, returned)
    assert "Devuelto" in shown and "La cifra no cuadra con el DEIS" in shown
    assert f"por {COORDINATOR} el {format_datetime(returned_at)}" in shown
    assert "meta-historial-validacion" in shown  # presidencia reads the goal's history
    shown = goal(president, validated)
    assert f"por {COORDINATOR} el {format_datetime(validated_at)}" in shown
    # The analyst reads the validated figure and when it was validated ...
    shown = goal(analyst, validated)
    assert f"el {format_datetime(validated_at)}" in shown
    assert "meta-historial-validacion" not in shown
    # ... and never the returned one, which is not official.
    assert "La cifra no cuadra con el DEIS" not in goal(analyst, returned)


def test_goal_page_bottlenecks_name_their_file_and_line(app_for, demo_db) -> None:
    con = connect(demo_db, read_only=True)
    try:
        goal, name, line = con.execute(
            "SELECT r.codigo_meta, i.archivo, r.source_line FROM restricciones r"
            " JOIN ingestas i ON i.id = r.ingestion_id WHERE r.valid_to IS NULL"
            " ORDER BY r.fecha_alerta LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    shown = page(signed_in(app_for(demo_db), "presidencia"), f"/meta/{goal}")
    assert f"Fuente: archivo {name}, línea {line}, cargado el " in shown


def test_region_and_map_pages_name_their_sources(app_for, demo_db) -> None:
    client = signed_in(app_for(demo_db), "presidencia")
    region = page(client, "/region/05")
    assert rv.SOURCE in region and "archivos de entregas" in region
    assert region.count("Fuente: archivo demo_compromisos") >= 1
    assert "archivos de entregas" in page(client, "/mapa")
