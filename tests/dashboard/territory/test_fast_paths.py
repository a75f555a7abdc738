"""The fast paths of the territory screens give the same answers as the reference ones.

The map and region pages read `coverage_report` (a few small queries) instead of the full
`territory_report`; population comes already picked by the warehouse (the nearest-year rule in
SQL), service convergence is counted in SQL, and the indicators align frames on arrays instead
of merging them. Each is checked here against the definition it replaces: the pandas population
rules, `synergy.service_counts` / `co_delivery_pairs` on the raw (comuna, area, service) rows,
and the full report — on a tiny warehouse with hand-made gaps and on the demo.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.server import cache
from dashboard.territory import cached as territory_cached
from dashboard.territory import data as td
from dashboard.territory import synergy as territory_synergy
from dashboard.territory.filters import TerritoryFilters
from indicators import population as pop
from indicators import synergy
from indicators.territory import coverage_table, positions
from indicators.territory_report import (
    Population,
    TerritoryQuery,
    coverage_report,
    read_activity,
    report_years,
    territory_report,
)
from tests.support.territory_rows import DELIVERIES, POPULATION, PRODUCTS
from tests.support.tiny_warehouse import load, open_copy
from warehouse import places
from warehouse import territory as q
from warehouse.db import connect
from warehouse.territory import Selection

TODAY = date(2025, 6, 16)
SERVICE = "Fondo Nacional de Salud"
PRODUCT = "Atenciones en modalidad libre elección"


@pytest.fixture
def small(reference_db: Path, tmp_path: Path):
    """Region 05 lacks most comuna figures (its own row is used), 08 has none (census), and
    05101 has figures for 2023 and 2026 only (nearest year, earlier on ties)."""
    connection = open_copy(reference_db, tmp_path)
    load(connection, "productos", PRODUCTS)
    load(connection, "entregas", DELIVERIES)
    extra = [
        {"territorio": "05101", "anio": 2023, "poblacion": 390},
        {"territorio": "05101", "anio": 2027, "poblacion": 410},
        {"territorio": "13", "anio": 2020, "poblacion": 1900},
    ]
    load(connection, "poblacion", [row for row in POPULATION if row["territorio"] != "05101"])
    load(connection, "poblacion", extra)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def demo(demo_db: Path):
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


def reference_population(con, level: str, years: list[int], region: str | None = None):
    """The population rules on raw rows (indicators.population), as the report used them."""
    comunas = places.territories(con, "comuna")
    rows = places.population(con)
    if level == "region":
        regions = places.territories(con, "region")
        return pop.region_population_years(regions, comunas, rows, places.census_2017(con), years)
    view = comunas if region is None else comunas[comunas["codigo_region"] == region]
    return pop.comuna_population_years(view, rows, years).reset_index(drop=True)


YEARS = [[2025], [2023, 2024, 2025], [2030], [2019, 2026]]


@pytest.mark.parametrize("years", YEARS)
def test_population_picked_in_sql_follows_the_rules(small, years) -> None:
    want = reference_population(small, "region", years)
    got = pop.region_population_from_figures(places.region_population_figures(small, years))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert set(got["fuente_poblacion"]) >= {"poblacion_region", "censo_2017"}
    for region in ("05", "13", None):
        want = reference_population(small, "comuna", years, region)
        figures = places.comuna_population_figures(small, years, region)
        got = pop.comuna_population_from_figures(figures)
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_nearest_year_in_sql_prefers_the_earlier_on_ties(small) -> None:
    # 05101 has 2023 (390), 2025 is missing, 2027 (410): 2025 is two years from both.
    figures = places.comuna_population_figures(small, [2025, 2026], "05").set_index(
        ["codigo", "anio"]
    )
    assert figures.loc[("05101", 2025), "anio_poblacion"] == 2023
    assert figures.loc[("05101", 2026), "anio_poblacion"] == 2027
    assert figures.loc[("05101", 2026), "poblacion"] == 410


@pytest.mark.parametrize("years", YEARS)
def test_population_picked_in_sql_on_the_demo(demo, years) -> None:
    want = reference_population(demo, "region", years)
    got = pop.region_population_from_figures(places.region_population_figures(demo, years))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    want = reference_population(demo, "comuna", years, "05")
    got = pop.comuna_population_from_figures(places.comuna_population_figures(demo, years, "05"))
    pd.testing.assert_frame_equal(got, want, check_exact=True)


PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 1), None, None),
    (date(2025, 1, 1), date(2025, 12, 1), "social", "05"),
    (date(2024, 3, 1), date(2025, 2, 1), None, "13"),
    (date(2030, 1, 1), date(2030, 12, 1), None, None),  # nothing delivered
    # Partial years and single months: the yearly activity masks must pick exactly the
    # period's months (first and last year cut at their month, whole years between).
    (date(2025, 3, 1), date(2025, 7, 1), None, None),
    (date(2025, 6, 1), date(2025, 6, 1), None, "05"),
    (date(2024, 11, 1), date(2026, 2, 1), None, None),
    (date(2025, 12, 1), date(2026, 1, 1), "social", None),
]


@pytest.mark.parametrize(("first", "last", "area", "region"), PERIODS)
def test_service_counts_and_pairs_in_sql_match_the_indicators(
    small, demo, first, last, area, region
) -> None:
    for con in (small, demo):
        rows = q.comuna_area_services(con, first, last, area, region)
        want = synergy.service_counts(rows)
        got = synergy.with_convergence(q.comuna_service_counts(con, first, last, area, region))
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        # The map counts from the activity it keeps per data version: the same counts.
        activity = synergy.ServiceActivity.of(q.service_activity(con, region))
        got = synergy.with_convergence(activity.counts(first, last, area))
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        for top in (10, None):
            want = synergy.co_delivery_pairs(rows, top)
            got = q.service_pairs(con, first, last, area, region, top)
            pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_yearly_sums_without_months_are_the_same_sums(demo) -> None:
    full = q.region_deliveries_by_year(demo, Selection(area="social"), 2024, 2025)
    lean = q.region_deliveries_by_year(demo, Selection(area="social"), 2024, 2025, months=False)
    pd.testing.assert_frame_equal(lean, full.drop(columns="meses"))
    full = q.comuna_deliveries_by_year(demo, Selection(), 2024, 2025, "05")
    lean = q.comuna_deliveries_by_year(demo, Selection(), 2024, 2025, "05", months=False)
    pd.testing.assert_frame_equal(lean, full.drop(columns="meses"))


QUERIES = [
    TerritoryQuery(year=2025),
    TerritoryQuery(year=2025, level="comuna", region="05"),
    TerritoryQuery(year=2024, level="comuna", selection=Selection(area="social")),
    TerritoryQuery(year=2025, level="region", selection=Selection(servicio=SERVICE)),
    TerritoryQuery(year=2025, level="comuna", region="13", selection=Selection(producto=PRODUCT)),
    TerritoryQuery(first_month=date(2024, 11, 1), last_month=date(2025, 3, 1), level="comuna",
                   region="11"),
    TerritoryQuery(year=2030, level="comuna", region="05"),
]  # fmt: skip


@pytest.mark.parametrize("query", QUERIES)
def test_coverage_report_is_the_full_report_s_coverage(demo, query) -> None:
    full = territory_report(demo, query, today=TODAY)
    light = coverage_report(demo, query)
    pd.testing.assert_frame_equal(light.territorios, full.territorios, check_exact=True)
    pd.testing.assert_frame_equal(light.sinergia, full.sinergia, check_exact=True)
    pd.testing.assert_frame_equal(light.sinergia_comunas, full.sinergia_comunas, check_exact=True)
    activity = read_activity(demo, query)  # kept per data version by the screens
    for report in (
        coverage_report(demo, query, activity=activity),
        territory_report(demo, query, today=TODAY, activity=activity),
    ):
        pd.testing.assert_frame_equal(report.sinergia, full.sinergia, check_exact=True)
        pd.testing.assert_frame_equal(
            report.sinergia_comunas, full.sinergia_comunas, check_exact=True
        )
    assert light.brecha == full.brecha
    assert light.beneficiarios_sin_comuna == full.beneficiarios_sin_comuna
    assert light.filtros == full.filtros


@pytest.mark.parametrize("query", QUERIES[:3])
def test_a_report_from_kept_population_is_the_same_report(demo, query) -> None:
    people = Population.read(demo, query, report_years(demo, query))
    kept = territory_report(demo, query, today=TODAY, people=people)
    fresh = territory_report(demo, query, today=TODAY)
    for name in ("territorios", "anual", "sigma", "sinergia", "pares", "compromisos", "etapas"):
        pd.testing.assert_frame_equal(getattr(kept, name), getattr(fresh, name), check_exact=True)
    assert (kept.beta, kept.theil, kept.sigma_pendiente) == (
        fresh.beta,
        fresh.theil,
        fresh.sigma_pendiente,
    )


@pytest.mark.parametrize(
    "args", [{}, {"region": "05", "area": "social"}, {"region": "13", "anio": "2024"}]
)
def test_map_values_are_the_full_report_s_values(demo, args) -> None:
    """The map table from the coverage report equals the one built, as before, from the full
    report (territories merged with their synergy value)."""
    cache.clear_all()
    view = td.map_view(demo, td.parse_map_state(args))
    level = view.level
    full = territory_report(demo, view.state.filters.query(level, view.state.region), TODAY)
    synergy_frame = territory_synergy.synergy_values(full, level, view.state.filters.area)
    want = full.territorios.merge(synergy_frame, on="codigo", how="left")
    got = view.table.drop(columns=["metas_rojo", "sin_acceso", "ocultas"])
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert view.report.brecha == full.brecha


def test_region_page_reads_light_reports(demo) -> None:
    cache.clear_all()
    view = td.region_view(demo, "05", TerritoryFilters(area="social"))
    assert view is not None
    query = TerritoryFilters(area="social").with_period(view.catalog).query("comuna", "05")
    full = territory_report(demo, query, today=view.today)
    pd.testing.assert_frame_equal(view.stages, full.etapas, check_exact=True)
    pd.testing.assert_frame_equal(view.comunas.territorios, full.territorios, check_exact=True)
    overview = td.region_overview(demo)
    everything = territory_report(demo, overview.filters.query("region"), today=view.today)
    pd.testing.assert_frame_equal(overview.commitments, everything.compromisos)


def test_the_convergence_page_report_is_the_full_report(demo) -> None:
    cache.clear_all()
    query = TerritoryQuery(year=2025, level="comuna", region="05")
    cached = territory_cached.cached_report(demo, query, TODAY)
    assert territory_cached.cached_report(demo, query, TODAY) is cached
    fresh = territory_report(demo, query, today=TODAY)
    pd.testing.assert_frame_equal(cached.anual, fresh.anual, check_exact=True)
    pd.testing.assert_frame_equal(cached.pares, fresh.pares, check_exact=True)
    assert cached.beta == fresh.beta


def test_values_and_per_version_data_are_cached_apart(demo) -> None:
    cache.clear_all()
    td.map_view(demo, td.MapState())
    territory_cached.VALUES.clear()  # new values are computed; catalogue and population are kept
    version = cache.data_version(demo)
    assert territory_cached.cached_catalog(demo, version) is territory_cached.cached_catalog(demo)
    query = td.map_view(demo, td.MapState()).state.filters.query("region")
    population = territory_cached.cached_population(demo, query, version)
    assert population is territory_cached.cached_population(demo, query)


# --------------------------------------------------------------------------- array helpers


def test_positions_finds_codes_or_minus_one() -> None:
    keys = pd.Series(["05101", "05109", "13101"], dtype="str")
    values = pd.Series(["13101", "99999", "05101"], dtype="str")
    assert positions(values, keys).tolist() == [2, -1, 0]
    assert positions(values, pd.Series([], dtype=object)).tolist() == [-1, -1, -1]
    assert positions(pd.Series([], dtype=object), keys).tolist() == []
    plain = pd.Series(["05109"], dtype=object)
    assert positions(plain, keys).tolist() == [1]


def test_coverage_table_aligns_like_a_left_merge() -> None:
    territories = pd.DataFrame(
        {"codigo": ["A", "B", "C"], "nombre_corto": ["a", "b", "c"], "codigo_region": "R"}
    )
    deliveries = pd.DataFrame(
        {"codigo": ["C", "A"], "beneficiarios": [30, 10],
         "gasto_corriente": [np.nan, 5.0], "gasto_inversion": [1.0, np.nan]}
    )  # fmt: skip
    population = pd.DataFrame({"codigo": ["B", "A"], "poblacion": [200.0, 100.0]})
    table = coverage_table(territories, deliveries, population).set_index("codigo")
    assert table["beneficiarios"].tolist() == [10, 0, 30]
    assert table.loc["A", "cobertura"] == 100.0 and table.loc["B", "cobertura"] == 0.0
    assert np.isnan(table.loc["C", "cobertura"])  # population unknown
    assert table.loc["A", "gasto_total"] == 5.0 and np.isnan(table.loc["B", "gasto_total"])
    assert table.loc["A", "gasto_per_capita"] == 0.05
