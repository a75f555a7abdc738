"""Validation of monthly figures in the warehouse (warehouse.validation), on a copy of the demo.

What must hold: a ministry lists and judges only its own goals' reported figures; an action
closes the shown version and opens a new one with the same values and lineage, recorded in
`validaciones` (who, when, before → after); figures out of scope, no longer pending or changed
since shown are refused with a reason; and a validated figure becomes what other roles read.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime

import pandas as pd
import pytest

from loaders.ingest import ingest_file
from warehouse.audit import trail
from warehouse.db import connect, ident, scalar, transaction
from warehouse.goals import progress
from warehouse.scope import Scope, apply_scope
from warehouse.validation import (
    ALREADY_RETURNED,
    ALREADY_VALIDATED,
    CHANGED,
    LATER_VERSION,
    NOT_FOUND,
    OUT_OF_SCOPE,
    REPEATED,
    UNKNOWN_GOAL,
    UNREADABLE,
    FigureKey,
    ValidationRequestError,
    apply_validation,
    pending_figures,
    validation_history,
)

HEALTH = "Ministerio de Salud"
COORDINATOR = Scope("ministerio", (HEALTH,), user="coordinadora.salud")
AT = datetime(2025, 6, 18, 15, 0)  # after the demo's last load (2025-06-16 12:00 UTC)
VERSION_COLUMNS = (
    "valor_programado, valor_real, estado, reportado_por, comentario, valid_from, valid_to,"
    " ingestion_id, source_line, validacion_id, pronostico"
)


@pytest.fixture
def db_path(demo_db, tmp_path):
    path = tmp_path / "tablero.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture
def con(db_path):
    connection = connect(db_path)
    yield connection
    connection.close()


def act(con, figures, action="validar", comment=None, scope=COORDINATOR, at=AT):
    with transaction(con):
        return apply_validation(con, scope, figures, action, comment, at)


def keys(frame: pd.DataFrame) -> list[FigureKey]:
    return [FigureKey.from_row(r) for r in frame.to_dict("records")]


def pending_of(con, ministry: str) -> pd.DataFrame:
    frame = pending_figures(con)
    return frame[frame["ministerio"] == ministry].reset_index(drop=True)


def versions(con, figure: FigureKey) -> list[dict]:
    return (
        con.execute(
            f"SELECT {VERSION_COLUMNS} FROM avance_mensual WHERE codigo_meta = ? AND mes = ?"
            " AND region IS NOT DISTINCT FROM ? ORDER BY valid_from",
            [figure.codigo_meta, figure.mes, figure.region],
        )
        .df()
        .to_dict("records")
    )


def count(con, table: str) -> int:
    return int(scalar(con, "SELECT count(*) FROM " + ident(table)))


def scoped(con, scope: Scope):
    """A cursor limited to `scope`, as the dashboard reads (temporary views in that cursor)."""
    cur = con.cursor()
    apply_scope(cur, scope)
    return cur


def figure_rows(cur, figure: FigureKey) -> pd.DataFrame:
    rows = progress(cur, codigo_meta=figure.codigo_meta)
    same_month = pd.to_datetime(rows["mes"]).dt.date == figure.mes
    same_region = (
        rows["region"].isna() if figure.region is None else rows["region"] == figure.region
    )
    return rows[same_month & same_region]


# --------------------------------------------------------------------------- pending list


def test_pending_lists_every_current_reported_figure_with_its_lineage(con):
    pending = pending_figures(con)
    expected = scalar(
        con,
        "SELECT count(*) FROM avance_mensual WHERE valid_to IS NULL AND estado = 'reportado'"
        " AND valor_real IS NOT NULL",
    )
    unreported = scalar(
        con,
        "SELECT count(*) FROM avance_mensual WHERE valid_to IS NULL AND estado = 'reportado'"
        " AND valor_real IS NULL",
    )
    assert len(pending) == expected > 0 and unreported > 0  # figures without a value: not listed
    assert pending["valor_real"].notna().all()
    assert pending["archivo"].str.startswith("demo_avance_mensual").all()
    assert (pending["linea"] >= 2).all() and pending["cargado_en"].notna().all()
    assert pending["nombre_meta"].notna().all() and pending["unidad"].notna().all()
    national = pending[pending["region"].isna()]
    regional = pending[pending["region"].notna()]
    assert len(national) and len(regional)
    assert set(regional.loc[regional["region"] == "05", "nombre_region"]) <= {"Valparaíso"}
    # The token is the version's valid_from, as text.
    first = keys(pending.head(1))[0]
    (current,) = [v for v in versions(con, first) if pd.isna(v["valid_to"])]
    assert first.version == str(current["valid_from"].to_pydatetime())


def test_a_ministry_cursor_lists_only_its_goals_and_an_analyst_none(con):
    everything = pending_figures(con)
    assert everything["ministerio"].nunique() > 1
    mine = pending_figures(scoped(con, COORDINATOR))
    assert set(mine["ministerio"]) == {HEALTH}
    assert len(mine) == (everything["ministerio"] == HEALTH).sum() > 0
    assert pending_figures(scoped(con, Scope("analista", user="analista"))).empty


# --------------------------------------------------------------------------- validar


def test_validate_closes_the_shown_version_and_opens_a_validated_one(con):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    (before,) = versions(con, figure)
    rows_before = count(con, "avance_mensual")

    result = act(con, [figure], comment="Cuadra con el registro del servicio")

    assert (result.accepted, result.refused) == (1, ())
    (validation_id,) = result.validation_ids
    old, new = versions(con, figure)
    assert count(con, "avance_mensual") == rows_before + 1  # nothing overwritten
    assert old == {**before, "valid_to": pd.Timestamp(AT)}  # only closed
    assert new["estado"] == "validado" and new["validacion_id"] == validation_id
    assert new["valid_from"] == pd.Timestamp(AT) and pd.isna(new["valid_to"])
    same = ("valor_programado", "valor_real", "reportado_por", "ingestion_id", "source_line")
    assert all(new[c] == old[c] for c in same)  # lineage: still the file's line
    # The validator's note goes to the audit row; the figure keeps the reporter's comment.
    assert str(new["comentario"]) == str(old["comentario"])

    audit = con.execute(
        "SELECT en, usuario, accion, codigo_meta, mes, region, valor_real, estado_antes,"
        " estado_despues, comentario FROM validaciones WHERE id = ?",
        [validation_id],
    ).fetchall()
    assert audit == [
        (
            AT,
            "coordinadora.salud",
            "validar",
            figure.codigo_meta,
            figure.mes,
            figure.region,
            old["valor_real"],
            "reportado",
            "validado",
            "Cuadra con el registro del servicio",
        )
    ]
    assert figure not in keys(pending_figures(con))
    history = validation_history(con, figure.codigo_meta)
    assert list(history["id"]) == [validation_id]
    assert history.loc[0, "nombre_meta"] and history.loc[0, "usuario"] == "coordinadora.salud"
    assert validation_history(con, "NO-EXISTE").empty


def test_several_figures_in_one_action_each_get_their_record(con):
    figures = keys(pending_of(con, HEALTH).head(3))
    result = act(con, figures)
    assert result.accepted == 3 and len(set(result.validation_ids)) == 3
    assert count(con, "validaciones") == 3
    for figure in figures:
        assert [v["estado"] for v in versions(con, figure)] == ["reportado", "validado"]


def test_a_figure_cannot_be_judged_twice(con):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    result = act(con, [figure, figure])
    assert result.accepted == 1
    assert [r.reason for r in result.refused] == [REPEATED]
    again = act(con, [figure], at=datetime(2025, 6, 18, 16, 0))
    assert again.accepted == 0 and [r.reason for r in again.refused] == [ALREADY_VALIDATED]
    assert count(con, "validaciones") == 1 and len(versions(con, figure)) == 2


def test_a_figure_validated_by_its_file_is_not_pending(con):
    validated = con.execute(
        "SELECT a.codigo_meta, a.mes, a.region, CAST(a.valid_from AS VARCHAR) AS version"
        " FROM avance_mensual a JOIN metas m ON m.codigo_meta = a.codigo_meta"
        " AND m.valid_to IS NULL WHERE a.valid_to IS NULL AND a.estado = 'validado'"
        " AND m.ministerio = ? LIMIT 1",
        [HEALTH],
    ).df()
    result = act(con, keys(validated))
    assert result.accepted == 0 and [r.reason for r in result.refused] == [ALREADY_VALIDATED]
    assert count(con, "validaciones") == 0


# --------------------------------------------------------------------------- devolver


@pytest.mark.parametrize("comment", [None, "", "   \n"])
def test_returning_needs_a_comment_and_writes_nothing_without_one(con, comment):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    rows_before = count(con, "avance_mensual")
    with pytest.raises(ValidationRequestError, match="Falta el comentario"):
        act(con, [figure], action="devolver", comment=comment)
    assert count(con, "avance_mensual") == rows_before
    assert count(con, "validaciones") == 0


def test_return_keeps_the_value_and_carries_the_comment_to_the_reporter(con):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    result = act(con, [figure], action="devolver", comment="  Falta el dato de marzo  ")
    assert result.accepted == 1
    old, new = versions(con, figure)
    assert new["estado"] == "devuelto" and new["comentario"] == "Falta el dato de marzo"
    assert new["valor_real"] == old["valor_real"] and new["source_line"] == old["source_line"]
    audit = con.execute(
        "SELECT accion, estado_antes, estado_despues, comentario FROM validaciones"
    ).fetchall()
    assert audit == [("devolver", "reportado", "devuelto", "Falta el dato de marzo")]
    line = trail(con).iloc[-1]  # and the one audit trail of every write
    assert (line.usuario, line.canal, line.accion) == (
        "coordinadora.salud",
        "validacion",
        "devolver",
    )
    assert json.loads(line.antes)["estado"] == "reportado"
    assert json.loads(line.despues)["estado"] == "devuelto"
    assert line.comentario == "Falta el dato de marzo"
    assert figure not in keys(pending_figures(con))  # waits for a new report
    later = act(con, [figure], at=datetime(2025, 6, 18, 16, 0))
    assert [r.reason for r in later.refused] == [ALREADY_RETURNED]
    analyst = scoped(con, Scope("analista", user="analista"))
    # A returned figure is not official: the analyst reads the month as not reported yet,
    # and nothing of the return (who, why).
    assert figure_rows(analyst, figure)["valor_real"].isna().all()
    assert validation_history(analyst).empty


def test_validating_or_returning_keeps_the_managers_forecast(con):
    validated, returned = keys(pending_of(con, HEALTH).head(2))
    key = "valid_to IS NULL AND codigo_meta = ? AND mes = ? AND region IS NOT DISTINCT FROM ?"
    current = "FROM avance_mensual WHERE " + key
    forecasts = {validated: 41.5, returned: 12.0}
    with transaction(con):
        for figure, forecast in forecasts.items():
            where = [figure.codigo_meta, figure.mes, figure.region]
            con.execute("UPDATE avance_mensual SET pronostico = ? WHERE " + key, [forecast, *where])
    act(con, [validated])
    act(con, [returned], action="devolver", comment="Revise la fuente")
    for figure, forecast in forecasts.items():
        where = [figure.codigo_meta, figure.mes, figure.region]
        assert scalar(con, "SELECT estado " + current, where) in ("validado", "devuelto")
        assert scalar(con, "SELECT pronostico " + current, where) == forecast


# --------------------------------------------------------------------------- refusals


def test_another_ministrys_figure_is_refused_and_the_rest_goes_through(con):
    own = keys(pending_of(con, HEALTH).head(1))[0]
    other_frame = pending_figures(con)
    other = keys(other_frame[other_frame["ministerio"] != HEALTH].head(1))[0]
    result = act(con, [other, own])
    assert result.accepted == 1
    assert [(r.figure, r.reason) for r in result.refused] == [(other, OUT_OF_SCOPE)]
    assert [v["estado"] for v in versions(con, other)] == ["reportado"]
    assert [v["estado"] for v in versions(con, own)] == ["reportado", "validado"]


def test_a_coordinator_of_another_ministry_cannot_validate_health_figures(con):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    education = Scope("ministerio", ("Ministerio de Educación",), user="coordinador.educacion")
    result = act(con, [figure], scope=education)
    assert result.accepted == 0 and [r.reason for r in result.refused] == [OUT_OF_SCOPE]
    assert count(con, "validaciones") == 0 and len(versions(con, figure)) == 1


@pytest.mark.parametrize(
    "scope",
    [
        Scope("presidencia", user="presidencia"),
        Scope("analista", user="analista"),
        Scope("region", region="05", user="region"),
        Scope("admin", user="admin"),
        Scope("gerente", user="gerente", goals=("SAL-01", "SAL-02", "M-01")),
        Scope.public(),
        Scope("ministerio", (), user="sin.ministerio"),
        Scope("ministerio", (HEALTH,), user=None),
    ],
)
def test_only_an_identified_ministry_coordinator_may_act(con, scope):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    with pytest.raises(ValidationRequestError):
        act(con, [figure], scope=scope)
    assert count(con, "validaciones") == 0 and len(versions(con, figure)) == 1


def test_unknown_goals_and_missing_figures_are_refused(con):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    unknown = FigureKey("NO-EXISTE", figure.mes, None, figure.version)
    no_month = FigureKey(figure.codigo_meta, date(1990, 1, 1), None, figure.version)
    result = act(con, [unknown, no_month, {"codigo_meta": 5}, {"mes": "2025-05-01"}])
    assert [r.reason for r in result.refused] == [UNKNOWN_GOAL, NOT_FOUND, UNREADABLE, UNREADABLE]
    assert result.accepted == 0 and count(con, "validaciones") == 0


def test_a_figure_changed_since_shown_is_refused(tmp_path, con):
    """A new file replaces the figure after the coordinator opened the page: the shown token is
    stale, so the new number is not validated unseen; the newly listed version can be."""
    shown = keys(pending_of(con, HEALTH).head(1))[0]
    region = shown.region or ""
    csv = tmp_path / "avance_correccion.csv"
    csv.write_text(
        "codigo_meta,mes,region,valor_programado,valor_real,estado,reportado_por\n"
        f"{shown.codigo_meta},{shown.mes:%Y-%m},{region},1,123456,reportado,Gerente\n",
        "utf-8",
    )
    loaded = ingest_file(con, csv, loaded_at=datetime(2025, 6, 17, 9, 0))
    assert loaded.status == "loaded"

    result = act(con, [shown])
    assert result.accepted == 0 and [r.reason for r in result.refused] == [CHANGED]
    assert [v["valor_real"] for v in versions(con, shown)][-1] == 123456
    assert count(con, "validaciones") == 0

    (fresh,) = [f for f in keys(pending_of(con, HEALTH)) if f.label == shown.label]
    assert fresh.version != shown.version
    assert act(con, [fresh]).accepted == 1
    assert versions(con, fresh)[-1]["valor_real"] == 123456


def test_an_action_dated_before_the_shown_version_is_refused(con):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    result = act(con, [figure], at=datetime(2025, 1, 1))
    assert [r.reason for r in result.refused] == [LATER_VERSION]


def test_figures_come_from_grid_rows_with_iso_months():
    row = {"codigo_meta": "SAL-01", "mes": "2025-05-01", "region": None, "version": "v"}
    assert FigureKey.from_row(row) == FigureKey("SAL-01", date(2025, 5, 1), None, "v")
    assert FigureKey.from_row({**row, "region": ""}).region is None
    assert FigureKey.from_row({**row, "region": float("nan")}).region is None
    for bad in ({**row, "mes": "mayo"}, {**row, "region": 5}, {**row, "version": None}, {}):
        with pytest.raises(ValueError):
            FigureKey.from_row(bad)


# --------------------------------------------------------------------------- what others see


def test_an_analyst_reads_the_figure_only_once_validated(con):
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    value = versions(con, figure)[0]["valor_real"]
    analyst = Scope("analista", user="analista")
    for scope in (analyst, Scope.public()):  # the plan stays, the reported value does not
        assert figure_rows(scoped(con, scope), figure)["valor_real"].isna().all()

    assert act(con, [figure]).accepted == 1

    for scope in (analyst, Scope.public(), Scope("region", region="13", user="region")):
        rows = figure_rows(scoped(con, scope), figure)
        assert list(rows["estado"]) == ["validado"] and list(rows["valor_real"]) == [value]
    # Who validated an official figure, and when, is its provenance; returns stay unseen.
    assert list(validation_history(scoped(con, analyst))["accion"]) == ["validar"]
    assert len(validation_history(scoped(con, COORDINATOR))) == 1


def test_resending_a_validated_figure_keeps_its_seal_until_its_value_changes(tmp_path, con):
    """Ministries resend the whole year each month, as 'reportado' (the contract's default):
    an unchanged figure keeps its validation; a changed one needs validating again."""
    figure = keys(pending_of(con, HEALTH).head(1))[0]
    assert act(con, [figure]).accepted == 1
    validated = versions(con, figure)[-1]

    def resend(name: str, value: float, at: datetime) -> None:
        csv = tmp_path / name
        programmed = "" if pd.isna(validated["valor_programado"]) else validated["valor_programado"]
        who = validated["reportado_por"] or ""
        forecast = "" if pd.isna(validated["pronostico"]) else validated["pronostico"]
        csv.write_text(
            "codigo_meta,mes,region,valor_programado,valor_real,estado,reportado_por,comentario,"
            "pronostico\n"
            f"{figure.codigo_meta},{figure.mes:%Y-%m},{figure.region or ''},{programmed},"
            f"{value},reportado,{who},{validated['comentario'] or ''},{forecast}\n",
            "utf-8",
        )
        assert ingest_file(con, csv, loaded_at=at).status == "loaded"

    resend("avance_igual.csv", validated["valor_real"], datetime(2025, 6, 19, 9, 0))
    assert versions(con, figure)[-1]["estado"] == "validado"
    assert versions(con, figure)[-1]["valid_to"] is None or pd.isna(
        versions(con, figure)[-1]["valid_to"]
    )

    resend("avance_nuevo.csv", validated["valor_real"] + 1, datetime(2025, 6, 20, 9, 0))
    latest = versions(con, figure)[-1]
    assert latest["estado"] == "reportado" and latest["valor_real"] == validated["valor_real"] + 1
