"""Delivery aggregates and territory queries on a tiny warehouse, and the territory report.

Valparaíso (05): comunas 05101 (Valparaíso) and 05109 (Viña del Mar), both in province 051;
Santiago (13101) in region 13; Biobío (08) reports by region only.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.inequality import coefficient_of_variation, gini
from indicators.territory_report import TerritoryQuery, territory_report
from tests.support.territory_rows import (
    ATENCIONES,
    DELIVERIES,
    FEB,
    JAN,
    JARDINES,
    MAR,
    POPULATION,
    PRODUCTS,
    SUBSIDIOS,
    YEAR,
)
from tests.support.tiny_warehouse import T0, load, open_copy
from warehouse import places
from warehouse import territory as q
from warehouse.aggregates import AGGREGATES, refresh_aggregates
from warehouse.db import connect, ident
from warehouse.territory import Selection


@pytest.fixture
def con(reference_db: Path, tmp_path: Path):
    connection = open_copy(reference_db, tmp_path)
    load(connection, "productos", PRODUCTS)
    load(connection, "entregas", DELIVERIES)
    load(connection, "poblacion", POPULATION)
    yield connection
    connection.close()


def by_code(frame: pd.DataFrame, column: str = "beneficiarios") -> dict:
    return dict(zip(frame["codigo"], frame[column], strict=True))


def test_region_rollup_counts_region_level_rows_for_the_region_only(con) -> None:
    rows = q.region_deliveries(con, Selection(), *YEAR)
    # 05: 100 + 50 + 30 + 20 + 10 + 40 (region level) = 250; 13: 200; 08: 60.
    assert by_code(rows) == {"05": 250, "08": 60, "13": 200}
    assert by_code(rows, "beneficiarios_sin_comuna") == {"05": 40, "08": 60, "13": 0}
    assert by_code(rows, "gasto_corriente")["05"] == 1000.0
    assert by_code(rows, "gasto_inversion")["05"] == 5000.0
    assert math.isnan(by_code(rows, "gasto_corriente")["13"])  # unknown, never zero


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection(area="social"), {"05": 190, "13": 200}),  # 100 + 50 + 30 + 10
        (Selection(servicio="SERVIU"), {"05": 60, "08": 60}),
        (Selection(producto=JARDINES), {"05": 10}),
        (Selection(servicio="FONASA", producto=SUBSIDIOS), {}),
    ],
)
def test_region_selection(con, selection: Selection, expected: dict) -> None:
    assert by_code(q.region_deliveries(con, selection, *YEAR)) == expected


def test_month_range(con) -> None:
    assert by_code(q.region_deliveries(con, Selection(), FEB, MAR)) == {"05": 50, "08": 60}


def test_comuna_view_leaves_region_level_rows_apart(con) -> None:
    rows = q.comuna_deliveries(con, Selection(), *YEAR, region="05")
    assert by_code(rows) == {"05101": 160, "05109": 50}
    assert q.unplaced_beneficiaries(con, Selection(), *YEAR, region="05") == 40
    assert q.unplaced_beneficiaries(con, Selection(), *YEAR) == 100  # 05: 40, 08: 60
    assert q.unplaced_beneficiaries(con, Selection(), FEB, FEB, region="05") == 0  # no rows
    # One product at comuna level reads `entregas` itself: the same answer shape.
    product = q.comuna_deliveries(con, Selection(producto=SUBSIDIOS), *YEAR, region="05")
    assert by_code(product) == {"05109": 20}
    assert by_code(product, "gasto_inversion") == {"05109": 5000.0}
    everywhere = q.comuna_deliveries(con, Selection(area="social"), *YEAR)
    assert by_code(everywhere) == {"05101": 160, "05109": 30, "13101": 200}


def test_yearly_series(con) -> None:
    yearly = q.region_deliveries_by_year(con, Selection(), 2024, 2025)
    assert yearly[["anio", "codigo", "beneficiarios", "meses"]].values.tolist() == [
        [2024, "05", 90, 1], [2024, "13", 100, 1],
        [2025, "05", 250, 2], [2025, "08", 60, 1], [2025, "13", 200, 1],
    ]  # fmt: skip
    comunas = q.comuna_deliveries_by_year(con, Selection(), 2024, 2025, region="05")
    assert comunas[["anio", "codigo", "beneficiarios"]].values.tolist() == [
        [2024, "05101", 80], [2024, "05109", 10], [2025, "05101", 160], [2025, "05109", 50],
    ]  # fmt: skip
    assert q.delivery_years(con) == (2024, 2025)


def test_services_and_areas_per_comuna(con) -> None:
    rows = q.comuna_area_services(con, *YEAR, region="05")
    assert rows[["codigo_comuna", "area_tematica", "servicio", "beneficiarios"]].values.tolist() == [
        ["05101", "social", "FONASA", 150], ["05101", "social", "JUNJI", 10],
        ["05109", "infraestructura", "SERVIU", 20], ["05109", "social", "FONASA", 30],
    ]  # fmt: skip
    services = q.region_services(con, Selection(), *YEAR, region="05")
    assert services["servicio"].tolist() == ["FONASA", "JUNJI", "SERVIU"]


def test_product_catalogue_reload_moves_deliveries_between_areas(con) -> None:
    load(con, "productos", [PRODUCTS[2] | {"area_tematica": "cultural"}])
    assert by_code(q.region_deliveries(con, Selection(area="cultural"), *YEAR)) == {"05": 10}
    assert by_code(q.region_deliveries(con, Selection(area="social"), *YEAR)) == {
        "05": 180,
        "13": 200,
    }


def every_row(con, table: str) -> list[tuple]:
    return con.execute("SELECT * FROM " + ident(table) + " ORDER BY ALL").fetchall()


def test_refresh_only_some_months(con) -> None:
    # A new version of January in 13101 (200 → 250) and a March delivery; refresh January only.
    con.execute("UPDATE entregas SET valid_to = TIMESTAMP '2025-02-01' WHERE territorio = '13101'"
                " AND mes = DATE '2025-01-01' AND valid_to IS NULL")  # fmt: skip
    con.execute(
        "INSERT INTO entregas VALUES ('FONASA', 'Atenciones', '13101', DATE '2025-01-01', 250,"
        " NULL, NULL, NULL, TIMESTAMP '2025-02-01', NULL, 99, 2),"
        " ('FONASA', 'Atenciones', '13101', DATE '2025-03-01', 7,"
        " NULL, NULL, NULL, TIMESTAMP '2025-02-01', NULL, 99, 3)"
    )
    refresh_aggregates(con, "entregas", months=[JAN])
    assert by_code(q.region_deliveries(con, Selection(), JAN, JAN))["13"] == 250
    assert "13" not in by_code(q.region_deliveries(con, Selection(), MAR, MAR))  # not refreshed
    # The months written by ingestion 99 (January and March) are found from the rows.
    refresh_aggregates(con, "entregas", ingestion_id=99)
    assert by_code(q.region_deliveries(con, Selection(), MAR, MAR))["13"] == 7
    assert by_code(q.comuna_deliveries(con, Selection(), JAN, MAR, "13")) == {"13101": 257}
    before = {table: every_row(con, table) for table in AGGREGATES}
    refresh_aggregates(con, "entregas")  # a full rebuild agrees with the partial ones
    assert {table: every_row(con, table) for table in AGGREGATES} == before
    assert before["agg_servicios_activos_anio"], "the yearly activity table was filled"
    refresh_aggregates(con, "entregas", ingestion_id=12345)  # wrote nothing: nothing to do
    refresh_aggregates(con, "poblacion")  # nothing to rebuild: a no-op, not an error


def test_migration_aggregates_data_already_loaded(reference_db: Path, tmp_path: Path) -> None:
    """Opening an older warehouse (schema 1) that holds deliveries fills the new tables."""
    path = tmp_path / "old.duckdb"
    con = open_copy(reference_db, tmp_path, "old.duckdb")
    load(con, "entregas", DELIVERIES[:2])
    con.execute("DROP TABLE agg_entregas_region_mes; DROP TABLE agg_entregas_comuna_mes;"
                " DROP VIEW v_agg_entregas_region_mes; DROP VIEW v_agg_entregas_comuna_mes;"
                " DROP VIEW v_entregas_actuales; DELETE FROM schema_migrations WHERE version = 2")  # fmt: skip
    con.close()
    con = connect(path)
    assert by_code(q.region_deliveries(con, Selection(), *YEAR)) == {"05": 150}
    con.close()


def test_population_queries(con) -> None:
    assert len(places.population(con)) == 5
    assert len(places.census_2017(con)) == 16
    assert len(places.territories(con, "comuna", "05")) == 38
    assert places.territories(con, "region")["codigo"].iloc[0] == "15"  # north to south


# --------------------------------------------------------------------------- the report


def test_region_report(con) -> None:
    report = territory_report(
        con, TerritoryQuery(year=2025, from_year=2024), today=date(2025, 6, 1)
    )
    table = report.territorios.set_index("codigo")
    assert len(table) == 16
    # 05: region 05 lacks most comuna figures → its own row, 1000: 1000 · 250 / 1000 = 250.
    assert table.loc["05", "cobertura"] == 250.0
    assert table.loc["05", "fuente_poblacion"] == "poblacion_region"
    assert table.loc["13", "cobertura"] == 100.0  # 1000 · 200 / 2000
    # 08: no figure at all → Censo 2017 (1,556,805).
    assert table.loc["08", "poblacion"] == 1_556_805
    assert table.loc["08", "cobertura"] == pytest.approx(60_000 / 1_556_805)
    assert table.loc["05", "gasto_per_capita"] == 6.0  # (1000 + 5000) / 1000
    assert (report.brecha.codigo_max, report.brecha.codigo_min) == ("05", "08")
    assert report.brecha.brecha == pytest.approx(250 / (60_000 / 1_556_805))
    assert report.theil_grupos is None and math.isnan(report.theil.between)
    c, n = table["cobertura"].to_numpy(), table["poblacion"].to_numpy()
    assert report.gini == pytest.approx(gini(c, n))
    assert report.cv == pytest.approx(coefficient_of_variation(c, n))
    assert report.sigma["anio"].tolist() == [2024, 2025]
    assert report.sigma["cv"].iloc[-1] == pytest.approx(report.cv)
    assert report.sigma["meses"].tolist() == [1, 3]
    assert report.beta is None  # only 05 and 13 have coverage in both years
    assert report.beneficiarios_sin_comuna == 100  # 40 in 05 and 60 in 08
    # Synergy: 05101 converges in social (FONASA + JUNJI), 05109 does not.
    synergy = report.sinergia.set_index(["codigo_region", "area_tematica"])
    assert synergy.loc[("05", "social"), "comunas_convergentes"] == 1
    assert synergy.loc[("05", "social"), "indice_sinergia"] == 400 / 500
    assert report.pares[["servicio_a", "servicio_b", "comunas"]].values.tolist() == [
        ["FONASA", "JUNJI", 1]
    ]


def test_comuna_report_within_a_region(con) -> None:
    query = TerritoryQuery(year=2025, from_year=2024, level="comuna", region="05")
    report = territory_report(con, query, today=date(2025, 6, 1))
    table = report.territorios.set_index("codigo")
    assert len(table) == 38
    # 05101: 1000 · 160 / 400 = 400; 05109: 1000 · 50 / 100 = 500.
    assert table.loc["05101", "cobertura"] == 400.0
    assert table.loc["05109", "cobertura"] == 500.0
    assert table["cobertura"].notna().sum() == 2  # other comunas: population unknown
    assert report.brecha.brecha == 1.25
    # Theil over the two comunas with population, both in province 051: all "within".
    s = np.array([160, 50]) / 210
    expected = float(np.sum(s * np.log(s / np.array([0.8, 0.2]))))
    assert report.theil.total == pytest.approx(expected)
    assert report.theil_grupos == "provincia"
    assert report.theil.between == pytest.approx(0.0, abs=1e-15)
    assert report.theil.within == pytest.approx(expected)
    assert report.beneficiarios_sin_comuna == 40


def test_comuna_report_for_one_product_and_month_range(con) -> None:
    query = TerritoryQuery(first_month=JAN, last_month=FEB, level="comuna", region="05",
                           selection=Selection(producto=ATENCIONES))  # fmt: skip
    table = territory_report(con, query).territorios.set_index("codigo")
    assert table.loc["05101", "beneficiarios"] == 150
    assert table.loc["05109", "beneficiarios"] == 30


def test_report_rejects_an_unknown_level(con) -> None:
    with pytest.raises(ValueError, match="nivel"):
        territory_report(con, TerritoryQuery(year=2025, level="provincia"))
    with pytest.raises(ValueError, match="año"):
        territory_report(con, TerritoryQuery())


def test_report_on_an_empty_warehouse(reference_db: Path, tmp_path: Path) -> None:
    con = open_copy(reference_db, tmp_path, "empty.duckdb")
    report = territory_report(con, TerritoryQuery(year=2025))
    assert (report.territorios["beneficiarios"] == 0).all()
    assert report.brecha is None and math.isnan(report.theil.total)
    assert report.beta is None and math.isnan(report.sigma_pendiente)
    con.close()


def test_commitments_and_stages_in_the_report(con) -> None:
    load(con, "compromisos", [
        {"codigo_compromiso": "K1", "region": "05", "fecha_compromiso": date(2025, 5, 1)},
        {"codigo_compromiso": "K2", "region": "05", "fecha_compromiso": date(2025, 5, 1),
         "estado": "cumplido", "comision": "cultural"},
    ], T0)  # fmt: skip
    load(con, "etapas_pmg", [
        {"servicio": "FONASA", "anio": 2025, "etapa_comprometida": 3, "etapa_validada": 3},
        {"servicio": "JUNJI", "anio": 2025, "etapa_comprometida": 2},  # not validated yet
    ], T0)  # fmt: skip
    query = TerritoryQuery(year=2025, level="comuna", region="05")
    report = territory_report(con, query, today=date(2025, 6, 1))
    summary = report.compromisos.set_index("region")
    assert summary.loc["05", "proporcion_atrasado"] == 0.5
    assert summary.loc["05", "mediana_dias_atraso"] == 31
    stages = report.etapas.set_index("servicio")["estado_etapa"].to_dict()
    assert stages == {"FONASA": "cumplida", "JUNJI": "pendiente", "SERVIU": "sin_etapa"}
    social = territory_report(
        con, TerritoryQuery(year=2025, selection=Selection(area="social")), today=date(2025, 6, 1)
    )
    assert social.compromisos["compromisos"].tolist() == [1]  # only commission 'social'
