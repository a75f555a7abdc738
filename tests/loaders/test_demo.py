"""The demo dataset: written in every dialect, loaded by the real loaders, and realistic.

One demo warehouse is built per module (the real ingestion of a few hundred thousand rows), with
an early `today` so it has 17 months of deliveries instead of three years: the same code paths,
a fraction of the time.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from loaders.cli import main as loaders_main
from loaders.demo import DemoSummary, build_demo, write_demo_files
from loaders.demo.accounts import DEMO_ACCOUNTS, DEMO_MINISTRY
from loaders.demo.clock import DemoCalendar
from loaders.demo.deliveries import delivery_frame
from loaders.demo.formats import format_numbers
from loaders.demo.population import largest_remainder, population_frame
from loaders.geography import CENSUS_2017
from tests.support.paths import REPO
from warehouse.accounts import authenticate, list_accounts
from warehouse.commitments import commitments
from warehouse.db import WarehouseError, connect, get_metadata
from warehouse.notes import pending
from warehouse.scope import ROLES
from warehouse.snapshots import current, ensure_published

TODAY = date(2025, 6, 18)
CURRENT = "valid_to IS NULL"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return build_demo(db, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def con(demo: DemoSummary):
    connection = duckdb.connect(str(demo.db_path), read_only=True)
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    return con.execute(sql, params or []).fetchone()[0]


# ------------------------------------------------------------------ loading through the loaders


def test_every_file_loads_without_quarantine(demo: DemoSummary) -> None:
    assert len(demo.results) == len(demo.files)
    assert demo.problems == [], [(r.file, r.status, r.message, r.errors[:3]) for r in demo.problems]
    assert {r.kind for r in demo.results} == set(demo.rows_per_kind)
    assert demo.rows_per_kind["entregas"] > 100_000


def test_metadata_marks_demo(demo: DemoSummary, con) -> None:
    assert get_metadata(con, "dataset") == "demo"
    assert scalar(con, "SELECT bool_and(es_demo) FROM ingestas")
    assert all(f.path.name.startswith("demo_") for f in demo.files)


def test_two_loads_a_week_apart(con) -> None:
    cal = DemoCalendar.for_today(TODAY)
    times = [t for (t,) in rows(con, "SELECT DISTINCT cargado_en FROM ingestas ORDER BY 1")]
    assert times == [cal.first_load, cal.second_load]
    assert times[0] == datetime(2025, 6, 9, 12, 0)


def test_territory_is_complete(con) -> None:
    levels = dict(rows(con, "SELECT nivel, count(*) FROM territorios GROUP BY nivel"))
    assert levels == {"region": 16, "provincia": 56, "comuna": 345}


# ------------------------------------------------------------------ territory and population


def test_every_comuna_has_deliveries(con) -> None:
    sql = (
        "SELECT count(DISTINCT e.territorio) FROM entregas e JOIN territorios t"
        " ON t.codigo = e.territorio AND t.nivel = 'comuna' WHERE e.valid_to IS NULL"
    )
    assert scalar(con, sql) == 345


def test_some_products_are_reported_by_region(con) -> None:
    sql = (
        "SELECT count(DISTINCT producto) FROM entregas WHERE length(territorio) = 2 AND " + CURRENT
    )
    assert scalar(con, sql) >= 5


def test_population_adds_up_to_the_census(con) -> None:
    sql = (
        "SELECT substr(territorio, 1, 2), anio, sum(poblacion) FROM poblacion"
        " WHERE length(territorio) = 5 AND valid_to IS NULL GROUP BY ALL"
    )
    found = {(region, year): total for region, year, total in rows(con, sql)}
    expected = {(r, y): n for r, n in CENSUS_2017.items() for y in (2024, 2025, 2026)}
    assert found == expected


def test_largest_remainder_is_exact_and_proportional() -> None:
    counts = largest_remainder(100, np.array([1.0, 1.0, 1.0]))
    assert counts.sum() == 100 and sorted(counts) == [33, 33, 34]
    frame = population_frame(3)
    assert frame.groupby("anio")["poblacion"].sum().eq(sum(CENSUS_2017.values())).all()
    assert (frame["poblacion"] > 0).all()


# ------------------------------------------------------------------ goals (SIGOB)


def test_goals_are_varied(con) -> None:
    goals = con.execute("SELECT * FROM metas WHERE " + CURRENT).df()
    assert 40 <= len(goals) <= 60
    assert goals["ministerio"].nunique() >= 12
    assert set(goals["sentido"]) == {"ascendente", "descendente"}
    assert (goals["ambito"] != "nacional").sum() >= 3
    assert (goals["umbral_verde"] != 0.9).any() and (goals["umbral_verde"] == 0.9).mean() > 0.8


def test_progress_states_and_gaps(con) -> None:
    cal = DemoCalendar.for_today(TODAY)
    sql = (
        "SELECT mes, estado, count(*), count(valor_real), count(valor_programado)"
        " FROM avance_mensual WHERE region IS NULL AND valid_to IS NULL GROUP BY ALL"
    )
    by = {(m, s): (n, real, plan) for m, s, n, real, plan in rows(con, sql)}
    last = sum(n for (m, s), (n, _, _) in by.items() if m == cal.last_month)
    last_reported = by.get((cal.last_month, "reportado"), (0, 0, 0))[0]
    assert last_reported / last > 0.7  # the newest month is mostly not yet validated
    old = [v for (m, s), v in by.items() if m < date(2025, 1, 1)]
    assert sum(n for n, _, _ in old) > sum(real for _, real, _ in old)  # some months unreported
    assert sum(n for n, _, _ in old) > sum(plan for _, _, plan in old)  # some plans left out


def test_regional_breakdown_adds_up(con) -> None:
    sql = (
        "SELECT a.codigo_meta, a.mes, a.valor_real, sum(r.valor_real), count(r.valor_real)"
        " FROM avance_mensual a JOIN avance_mensual r USING (codigo_meta, mes)"
        " JOIN metas m USING (codigo_meta)"
        " WHERE a.region IS NULL AND r.region IS NOT NULL AND a.valor_real IS NOT NULL"
        " AND a.valid_to IS NULL AND r.valid_to IS NULL AND m.valid_to IS NULL"
        " AND m.unidad <> '%' GROUP BY ALL"
    )
    found = rows(con, sql)
    assert len({code for code, *_ in found}) >= 3
    for code, month, national, regional, regions in found:
        assert regions == 16 and regional == national, (code, month)


def test_regional_rates_average_to_the_national_rate(con) -> None:
    sql = (
        "SELECT a.codigo_meta, a.mes, a.valor_real,"
        " sum(r.valor_real * c.poblacion) / sum(c.poblacion)"
        " FROM avance_mensual a JOIN avance_mensual r USING (codigo_meta, mes)"
        " JOIN censo_2017_region c ON c.codigo_region = r.region"
        " JOIN metas m USING (codigo_meta)"
        " WHERE a.region IS NULL AND a.valor_real IS NOT NULL AND m.unidad = '%'"
        " AND a.valid_to IS NULL AND r.valid_to IS NULL AND m.valid_to IS NULL GROUP BY ALL"
    )
    found = rows(con, sql)
    assert found
    for code, month, national, weighted in found:
        assert weighted == pytest.approx(national, abs=0.06), (code, month)


def test_milestones_done_overdue_and_due_soon(con) -> None:
    frame = con.execute("SELECT * FROM metas_intermedias WHERE " + CURRENT).df()
    due = pd.to_datetime(frame["fecha_programada"]).dt.date
    done = frame["fecha_cumplida"].notna()
    assert frame.groupby("codigo_meta").size().between(2, 6).all()
    assert done.any()
    assert (~done & (due < TODAY)).any()
    assert ((due >= TODAY) & (due <= TODAY + timedelta(days=30))).sum() >= 5


def test_bottlenecks_cover_types_levels_and_escalation(con) -> None:
    frame = con.execute("SELECT * FROM restricciones WHERE " + CURRENT).df()
    assert 50 <= len(frame) <= 70
    assert set(frame["tipo"]) == {
        "financiera", "legal", "politica", "comunicacional", "tecnico_administrativa"
    }  # fmt: skip
    assert set(frame["nivel"]) == {"institucional", "estrategia"}
    assert set(frame["severidad"]) == {"verde", "amarillo", "rojo"}
    assert frame["fecha_resolucion"].notna().any()
    opened = pd.to_datetime(frame["fecha_alerta"]).dt.date
    escalate = (
        (frame["nivel"] == "institucional")
        & (frame["severidad"] == "rojo")
        & frame["fecha_resolucion"].isna()
        & (opened < TODAY - timedelta(days=30))
    )
    assert escalate.sum() >= 3


def test_second_load_brings_changes(con) -> None:
    cal = DemoCalendar.for_today(TODAY)
    as_of_first = "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"
    before = [cal.first_load, cal.first_load]
    resolved_then = scalar(
        con, "SELECT count(fecha_resolucion) FROM restricciones WHERE " + as_of_first, before
    )
    resolved_now = scalar(con, "SELECT count(fecha_resolucion) FROM restricciones WHERE " + CURRENT)
    assert resolved_now > resolved_then
    months_then = scalar(con, "SELECT max(mes) FROM avance_mensual WHERE " + as_of_first, before)
    assert months_then == cal.previous_month
    replaced = scalar(con, "SELECT count(*) FROM avance_mensual WHERE valid_to IS NOT NULL")
    assert replaced > 0  # validated or corrected figures
    met = "SELECT count(*) FROM compromisos WHERE estado = 'cumplido' AND "
    assert scalar(con, met + CURRENT) > scalar(con, met + as_of_first, before)


# ------------------------------------------------------------------ regional management (PMG)


def test_commitments_in_every_region_some_overdue(con) -> None:
    frame = con.execute("SELECT * FROM compromisos WHERE " + CURRENT).df()
    assert frame["region"].nunique() == 16
    assert frame.groupby("region").size().min() >= 3
    due = pd.to_datetime(frame["fecha_compromiso"]).dt.date
    assert ((frame["estado"] != "cumplido") & (due < TODAY)).any()
    assert (frame["estado"] == "cumplido").any()
    assert set(frame["comision"]) <= {
        "infraestructura", "productivo", "social", "cultural", "cientifico_tecnologico",
        "insercion_global",
    }  # fmt: skip


def test_follow_ups_move_some_commitments_in_several_regions(con) -> None:
    follow_ups = con.execute("SELECT * FROM seguimientos WHERE " + CURRENT).df()
    regions = {code[4:6] for code in follow_ups["codigo_compromiso"]}
    assert "05" in regions and len(regions) >= 3  # the demo region account's, and others
    assert set(follow_ups["estado"]) == {"en_curso", "cumplido"}
    assert (pd.to_datetime(follow_ups["fecha"]).dt.date < TODAY).all()
    state = commitments(con).set_index("codigo_compromiso")["estado"]
    latest = follow_ups.sort_values("fecha").groupby("codigo_compromiso")["estado"].last()
    assert (state[latest.index] == latest).all()  # every screen reads the latest follow-up
    assert (state[latest.index[latest == "cumplido"]] == "cumplido").any()


def test_notes_wait_in_the_demo_accounts_pending_lists(con) -> None:
    for user, role in (("gerente", "gerente"), ("ministerio", "ministerio")):
        assert len(pending(con, user, role, TODAY)) >= 1, user
    notes = con.execute("SELECT codigo_meta, autor, para FROM notas ORDER BY id").fetchall()
    assert ("SAL-01", "presidencia", "gerente") in notes
    assert ("SAL-02", "presidencia", "ministerio") in notes
    audited = scalar(con, "SELECT count(*) FROM auditoria WHERE tabla = 'notas'")
    assert audited == len(notes)


def test_services_products_and_pmg_stages(con) -> None:
    services = scalar(con, "SELECT count(*) FROM instituciones WHERE " + CURRENT)
    assert services >= 25
    areas = rows(con, "SELECT DISTINCT area_tematica FROM productos WHERE " + CURRENT)
    assert len(areas) == 6
    assert scalar(con, "SELECT count(*) FROM productos WHERE " + CURRENT) >= 60
    stages = con.execute("SELECT * FROM etapas_pmg WHERE " + CURRENT).df()
    assert len(stages) == 3 * services
    assert stages["etapa_comprometida"].between(1, 4).all()
    assert stages["etapa_validada"].dropna().between(0, 4).all()


# ------------------------------------------------------------------ files and dialects


def test_files_mix_dialects(demo: DemoSummary) -> None:
    suffixes = {f.path.suffix for f in demo.files}
    assert {".csv", ".xlsx", ".parquet"} <= suffixes
    dialects = {f.dialect for f in demo.files}
    assert {"csv ; cp1252", "csv , utf-8", "csv , utf-8 BOM"} <= dialects
    chilean = next(f.path for f in demo.files if f.kind == "metas")
    raw = chilean.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.splitlines()[0].startswith("Código Meta;")
    assert "1.980.000" in text and "/2024;" in text
    bom = next(f.path for f in demo.files if f.dialect == "csv , utf-8 BOM")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")


def test_same_seed_same_bytes(demo: DemoSummary, tmp_path: Path) -> None:
    again = write_demo_files(tmp_path / "again", seed=7, today=TODAY)
    other = write_demo_files(tmp_path / "other", seed=8, today=TODAY)

    def digests(files) -> dict[str, str]:
        return {f.path.name: hashlib.sha256(f.path.read_bytes()).hexdigest() for f in files}

    assert digests(again) == digests(demo.files)
    changed = {n for n, h in digests(other).items() if digests(again).get(n) != h}
    assert any("entregas" in n for n in changed)


def test_scale_multiplies_delivery_rows() -> None:
    months = DemoCalendar.for_today(TODAY).months[:2]
    population = population_frame(1)
    one = delivery_frame(1, 1, months, population)
    three = delivery_frame(1, 3, months, population)
    assert 2.7 < len(three) / len(one) < 3.3
    assert three["producto"].nunique() == 3 * one["producto"].nunique()


def test_chilean_number_format() -> None:
    values = [1234567.5, 0.36, 84.5, 1_980_000, -3.25, np.nan, 0, 999, 1000]
    assert format_numbers(values, 2, ".", ",").tolist() == [
        "1.234.567,5", "0,36", "84,5", "1.980.000", "-3,25", "", "0", "999", "1.000",
    ]  # fmt: skip
    assert format_numbers([1234567.5, 7], 1, "", ".").tolist() == ["1234567.5", "7"]


def test_refuses_a_database_with_real_data(tmp_path: Path) -> None:
    db = tmp_path / "real.duckdb"
    connect(db).close()  # a warehouse that is not marked as demo
    with pytest.raises(WarehouseError):
        build_demo(db, today=TODAY)
    assert not (tmp_path / "demo").exists()


# ------------------------------------------------------------------ accounts


def test_one_demo_account_per_role_opens_with_the_demo_password(demo: DemoSummary, con) -> None:
    accounts = list_accounts(con)
    assert sorted(a.role for a in accounts) == sorted(ROLES)
    assert all(a.is_demo and a.active for a in accounts)
    expected = {
        "presidencia": ("presidencia", "demo-presidencia", (), None),
        "ministerio": ("ministerio", "demo-ministerio", ("Ministerio de Salud",), None),
        "region": ("region", "demo-region", (), "05"),
        "analista": ("analista", "demo-analista", (), None),
        "admin": ("admin", "demo-admin", (), None),
        "gerente": ("gerente", "demo-gerente", (), None),
    }
    assert {d.username: d.password for d in DEMO_ACCOUNTS} == {
        user: password for user, (_, password, _, _) in expected.items()
    }
    for username, (role, password, ministries, region) in expected.items():
        account = authenticate(con, username, password)
        assert account is not None, username
        assert (account.role, account.ministries, account.region) == (role, ministries, region)
        assert account.goals == (("SAL-01", "SAL-02") if role == "gerente" else ())
        assert authenticate(con, username, password.upper()) is None
    goals = scalar(
        con, "SELECT count(*) FROM metas WHERE ministerio = ? AND " + CURRENT, [DEMO_MINISTRY]
    )
    assert goals >= 3  # the demo ministry account has goals to validate
    assert set(rows(con, "SELECT DISTINCT actor FROM auditoria_cuentas")) == {("demo",)}


def test_the_demo_build_is_published_with_its_accounts(demo: DemoSummary) -> None:
    published = current(demo.db_path)
    assert published is not None
    snapshot = connect(published, read_only=True)
    try:
        assert len(list_accounts(snapshot)) == 6
        assert get_metadata(snapshot, "dataset") == "demo"
    finally:
        snapshot.close()


def test_rebuilding_a_published_demo_with_accounts(demo: DemoSummary, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo.db_path, db)
    old = ensure_published(db)
    assert old is not None
    build_demo(db, seed=7, today=TODAY, out_dir=tmp_path / "files")
    new = current(db)
    assert new is not None and new != old
    for path in (db, new):
        rebuilt = connect(path, read_only=True)
        try:
            # From scratch, not added twice.
            assert len(list_accounts(rebuilt)) == len(DEMO_ACCOUNTS)
            assert scalar(rebuilt, "SELECT count(DISTINCT cargado_en) FROM ingestas") == 2
        finally:
            rebuilt.close()


def test_a_database_loaded_from_files_has_no_accounts(tmp_path: Path) -> None:
    db = tmp_path / "real.duckdb"
    examples = REPO / "data" / "examples"
    assert (
        loaders_main(["ingest", "--db", str(db), "--json", *map(str, sorted(examples.iterdir()))])
        == 0
    )
    loaded = connect(db, read_only=True)
    try:
        assert scalar(loaded, "SELECT count(*) FROM metas") > 0
        assert list_accounts(loaded) == []
        assert scalar(loaded, "SELECT count(*) FROM auditoria_cuentas") == 0
    finally:
        loaded.close()
