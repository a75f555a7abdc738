"""Territorial figures for one view straight from a warehouse connection (CLI and dashboard).

A view is a level (regions, or the comunas of one region or of the whole country), a period
(a year or a month range), and a selection (area, service, product or everything).

Two entry points, so a screen computes only what it shows: `coverage_report` (coverage,
spending, gap and service convergence: the map and the region page, a few small queries) and
`territory_report` (all of it plus the σ series, β, Theil, Gini, service pairs, commitments and
PMG stages: the convergence page and the CLI). Both read the pre-aggregated tables, population
figures already picked in SQL (warehouse.places) and service counts and pairs counted in SQL
(warehouse.territory); the pandas steps work on aligned arrays rather than merges, which cost
more than the arithmetic at this size. The territories and their population depend on the data
only, so callers that cache per version of the data pass them in (`Population`).

Choices:
* Population is taken for the year of the period's last month (population.py for the rules).
* σ-convergence runs over the years from `from_year` (default: the first year with deliveries)
  to the period's last year, each year with its own population, whole calendar years summed.
  β-convergence compares the same first and last year. A partial last year lowers that
  year's coverage; `sigma` lists the months with data per year so screens can warn.
* Theil's between/within split: comunas of one region are grouped by province, comunas of the
  whole country by region; the region view has no groups (between and within are NaN).
* Commitments are summarised per region as of `today`; at comuna level for the view's region.
* `region` applies to the comuna level only (None = every comuna of the country); the region
  view always shows the 16 regions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from indicators import inequality as ineq
from indicators import population as pop
from indicators import synergy
from indicators import territory as terr
from indicators.commitments import commitments_by_region, services_with_stage
from indicators.synergy import ServiceActivity
from warehouse import commitments as commitment_queries
from warehouse import places
from warehouse import territory as q
from warehouse.territory import Selection


@dataclass(frozen=True)
class TerritoryQuery:
    year: int | None = None  # a calendar year, or:
    first_month: date | None = None  # a month range (first day of each month)
    last_month: date | None = None
    from_year: int | None = None  # first year of the σ series and of β
    level: str = "region"  # 'region' | 'comuna'
    region: str | None = None  # with level 'comuna': that region's comunas (None = all)
    selection: Selection = field(default_factory=Selection)

    def period(self) -> tuple[date, date]:
        if self.first_month is not None and self.last_month is not None:
            return self.first_month, self.last_month
        if self.year is None:
            raise ValueError("indique un año o un rango de meses")
        return date(self.year, 1, 1), date(self.year, 12, 1)

    def describe(self) -> dict[str, object]:
        first, last = self.period()
        return {
            "nivel": self.level,
            "region": self.region,
            "desde": first.strftime("%Y-%m"),
            "hasta": last.strftime("%Y-%m"),
            "seleccion": self.selection.describe(),
        }


@dataclass(frozen=True)
class CoverageReport:
    """What the map and the region page show of one view: coverage, spending and the gap per
    territory, service convergence, and the beneficiaries no comuna can hold. The yearly
    series, inequality measures, pairs and commitments are the convergence page's
    (`territory_report`): leaving them out makes a map render a handful of small queries."""

    filtros: dict[str, object]
    territorios: pd.DataFrame  # terr.COVERAGE_COLUMNS
    brecha: terr.Gap | None
    sinergia: pd.DataFrame  # per region and area
    sinergia_comunas: pd.DataFrame  # per comuna and area: servicios, converge
    beneficiarios_sin_comuna: int


@dataclass(frozen=True)
class TerritoryReport:
    filtros: dict[str, object]
    territorios: pd.DataFrame  # terr.COVERAGE_COLUMNS
    brecha: terr.Gap | None
    theil: ineq.TheilDecomposition
    theil_grupos: str | None
    gini: float
    cv: float
    anual: pd.DataFrame  # anio, codigo, beneficiarios, poblacion, cobertura
    sigma: pd.DataFrame  # anio, cv, meses
    sigma_pendiente: float
    beta: ineq.BetaConvergence | None
    sinergia: pd.DataFrame  # per region and area
    sinergia_comunas: pd.DataFrame  # per comuna and area: servicios, converge
    pares: pd.DataFrame
    compromisos: pd.DataFrame
    etapas: pd.DataFrame
    beneficiarios_sin_comuna: int


def coverage_report(
    con: duckdb.DuckDBPyConnection,
    query: TerritoryQuery,
    people: Population | None = None,
    activity: ServiceActivity | None = None,
) -> CoverageReport:
    """Coverage, gap and synergy of one view (the map's and the region page's figures): the
    same values as the fields of the same name in `territory_report`.

    `people` = `read_population(con, query)` and `activity` = `read_activity(con, query)`,
    when the caller keeps them: they depend only on the data, the level and the region (and
    the population on the period's last year), not on the selection."""
    query = _normalised(query)
    first, last = query.period()
    people = people or read_population(con, query)
    deliveries = _deliveries(con, query, first, last)
    table = _coverage(people, deliveries)
    counts, index = _synergy(con, query, people, first, last, activity)
    return CoverageReport(
        filtros=query.describe(),
        territorios=table,
        brecha=terr.gap(table),
        sinergia=index,
        sinergia_comunas=counts,
        beneficiarios_sin_comuna=_unplaced(con, query, first, last, deliveries),
    )


def territory_report(
    con: duckdb.DuckDBPyConnection,
    query: TerritoryQuery,
    today: date | None = None,
    people: Population | None = None,
    activity: ServiceActivity | None = None,
) -> TerritoryReport:
    """Every territorial figure of one view; `today` dates the commitment status.

    `people` = `Population.read(con, query, report_years(con, query))` and `activity` =
    `read_activity(con, query)`, when the caller keeps them (they depend on the data only,
    not on the selection)."""
    query = _normalised(query)
    first, last = query.period()
    people = people or Population.read(con, query, report_years(con, query))
    start = people.asked[0]
    yearly = _yearly(con, query, start, last.year)
    deliveries = _period_deliveries(con, query, first, last, yearly)
    table = _coverage(people, deliveries)
    panel, sigma, slope, beta = _convergence(con, query, people, yearly, start, last.year)
    counts, index = _synergy(con, query, people, first, last, activity)
    theil, groups = _theil(table, people.view, query)
    coverage = table["cobertura"].to_numpy(float)
    population = table["poblacion"].to_numpy(float)
    return TerritoryReport(
        filtros=query.describe(),
        territorios=table,
        brecha=terr.gap(table),
        theil=theil,
        theil_grupos=groups,
        gini=ineq.gini(coverage, population),
        cv=ineq.coefficient_of_variation(coverage, population),
        anual=panel,
        sigma=sigma,
        sigma_pendiente=slope,
        beta=beta,
        sinergia=index,
        sinergia_comunas=counts,
        pares=q.service_pairs(con, first, last, query.selection.area, query.region),
        compromisos=commitments_summary(con, query, today or date.today()),
        etapas=stages(con, query),
        beneficiarios_sin_comuna=_unplaced(con, query, first, last, deliveries),
    )


def _normalised(query: TerritoryQuery) -> TerritoryQuery:
    if query.level not in ("region", "comuna"):
        raise ValueError(f"nivel desconocido {query.level!r}: use region o comuna")
    if query.level == "region" and query.region is not None:
        return replace(query, region=None)  # the region view always shows all 16 regions
    return query


def read_population(con: duckdb.DuckDBPyConnection, query: TerritoryQuery) -> Population:
    """The population `coverage_report` needs for `query` (its period's last year)."""
    query = _normalised(query)
    return Population.read(con, query, [query.period()[1].year])


def read_activity(con: duckdb.DuckDBPyConnection, query: TerritoryQuery) -> ServiceActivity:
    """Who delivers where in the view's region (every year): the service counts of
    `coverage_report` for any period and selection."""
    return ServiceActivity.of(q.service_activity(con, _normalised(query).region))


@dataclass(frozen=True)
class Population:
    """The territories in view with their population for each year asked (the last year also
    aligned row by row with the view), and the comunas whose convergence counts (those in view,
    or every comuna for the region view) weighted by their population in the last year. Read as
    figures already picked by the warehouse: two small queries at region level, one at comuna
    level."""

    view: pd.DataFrame  # codigo, nombre_corto, codigo_region, codigo_padre (territory order)
    years: pd.DataFrame  # anio + pop.POPULATION_COLUMNS
    last: pd.DataFrame  # pop.POPULATION_COLUMNS in the last year, rows as in `view`
    weights: synergy.ComunaWeights
    asked: tuple[int, ...]  # the years read, oldest first

    @classmethod
    def read(
        cls, con: duckdb.DuckDBPyConnection, query: TerritoryQuery, years: list[int]
    ) -> Population:
        last = years[-1]
        if query.level == "region":
            figures = places.region_population_figures(con, years)
            populations = pop.region_population_from_figures(figures)
            comuna_figures = places.comuna_population_figures(con, [last])
            comuna_people = pop.comuna_population_from_figures(comuna_figures)
        else:
            figures = places.comuna_population_figures(con, years, query.region)
            populations = pop.comuna_population_from_figures(figures)
            comuna_figures = figures[figures["anio"] == last]
            comuna_people = populations[populations["anio"] == last]
        in_last = (figures["anio"] == last).to_numpy()
        view = figures.loc[in_last, list(_VIEW_COLUMNS)].reset_index(drop=True)
        people = populations.loc[in_last, list(pop.POPULATION_COLUMNS)].reset_index(drop=True)
        weights = synergy.ComunaWeights.of(comuna_figures, comuna_people)
        return cls(view, populations, people, weights, tuple(years))


_VIEW_COLUMNS = ("codigo", "nombre_corto", "codigo_region", "codigo_padre")


def _coverage(people: Population, deliveries: pd.DataFrame) -> pd.DataFrame:
    sums = terr.aligned_sums(deliveries, people.view["codigo"])
    return terr.coverage_rows(people.view, sums, people.last)


def _deliveries(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, first: date, last: date
) -> pd.DataFrame:
    if query.level == "region":
        return q.region_deliveries(con, query.selection, first, last)
    return q.comuna_deliveries(con, query.selection, first, last, query.region)


def _yearly(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, start: int, last_year: int
) -> pd.DataFrame:
    if query.level == "region":
        return q.region_deliveries_by_year(con, query.selection, start, last_year, months=False)
    return q.comuna_deliveries_by_year(
        con, query.selection, start, last_year, query.region, months=False
    )


def _period_deliveries(
    con: duckdb.DuckDBPyConnection,
    query: TerritoryQuery,
    first: date,
    last: date,
    yearly: pd.DataFrame,
) -> pd.DataFrame:
    """The period's sums per territory: the yearly series' last year when the period is that
    whole calendar year (the same rows summed), else one more query."""
    if (first, last) == (date(last.year, 1, 1), date(last.year, 12, 1)):
        return yearly[yearly["anio"] == last.year].drop(columns="anio")
    return _deliveries(con, query, first, last)


def report_years(con: duckdb.DuckDBPyConnection, query: TerritoryQuery) -> list[int]:
    """The years of the σ series and of β: from `from_year` (default: the first year with
    deliveries) to the period's last year."""
    last_year = query.period()[1].year
    start = query.from_year
    if start is None:
        start = q.delivery_years(con)[0] or last_year
    return list(range(min(start, last_year), last_year + 1))


def _convergence(
    con: duckdb.DuckDBPyConnection,
    query: TerritoryQuery,
    people: Population,
    yearly: pd.DataFrame,
    start: int,
    last_year: int,
) -> tuple[pd.DataFrame, pd.DataFrame, float, ineq.BetaConvergence | None]:
    panel = terr.coverage_panel(people.view, yearly, people.years)
    series, slope = ineq.sigma_series(panel)
    months = q.months_with_data(con, query.selection, start, last_year, query.region)
    series["meses"] = series["anio"].map(months.set_index("anio")["meses"]).fillna(0).astype(int)
    codes = people.view["codigo"]
    beta = ineq.beta_convergence(
        terr.coverage_in_year(panel, start, codes),
        terr.coverage_in_year(panel, last_year, codes),
        start,
        last_year,
    )
    return panel, series, slope, beta


def _theil(
    table: pd.DataFrame, view: pd.DataFrame, query: TerritoryQuery
) -> tuple[ineq.TheilDecomposition, str | None]:
    b, n = table["beneficiarios"].to_numpy(float), table["poblacion"].to_numpy(float)
    if query.level == "region":
        return ineq.TheilDecomposition(ineq.theil(b, n), np.nan, np.nan), None
    column, label = ("codigo_padre", "provincia") if query.region else ("codigo_region", "region")
    # `table` has the rows of `view`, in its order (terr.coverage_table).
    return ineq.theil_decomposition(b, n, view[column].to_numpy()), label


def _synergy(
    con: duckdb.DuckDBPyConnection,
    query: TerritoryQuery,
    people: Population,
    first: date,
    last: date,
    activity: ServiceActivity | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Service counts per comuna and area, and the regional synergy index."""
    area = query.selection.area
    if activity is None:
        counts = q.comuna_service_counts(con, first, last, area, query.region)
    else:
        counts = activity.counts(first, last, area)
    counts = synergy.with_convergence(counts)
    return counts, people.weights.index(counts, [area] if area else None)


def commitments_summary(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, today: date
) -> pd.DataFrame:
    """Commitments per region on day `today`, for the view's region, area and service."""
    query = _normalised(query)
    rows = commitment_queries.commitments(
        con, region=query.region, area=query.selection.area, servicio=query.selection.servicio
    )
    return commitments_by_region(rows, today)


def stages(con: duckdb.DuckDBPyConnection, query: TerritoryQuery) -> pd.DataFrame:
    """The PMG stage, in the year of the period's end, of each service delivering in the view
    (the region page's table, and `territory_report`'s `etapas`)."""
    query = _normalised(query)
    first, last = query.period()
    services = q.region_services(con, query.selection, first, last, query.region)
    return services_with_stage(services, commitment_queries.pmg_stages(con, last.year))


def _unplaced(
    con: duckdb.DuckDBPyConnection,
    query: TerritoryQuery,
    first: date,
    last: date,
    deliveries: pd.DataFrame,
) -> int:
    """Beneficiaries reported for a whole region: at region level, the sum of the regions'
    figures already read; at comuna level, one more query (the comuna sums do not hold them)."""
    if query.level == "region":
        return int(deliveries["beneficiarios_sin_comuna"].sum()) if not deliveries.empty else 0
    return q.unplaced_beneficiaries(con, query.selection, first, last, query.region)
