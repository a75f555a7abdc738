"""Territorial figures for one view straight from a warehouse connection (CLI and dashboard).

A view is a level (regions, or the comunas of one region or of the whole country), a period
(a year or a month range), and a selection (area, service, product or everything).

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


def territory_report(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, today: date | None = None
) -> TerritoryReport:
    """Every territorial figure of one view; `today` dates the commitment status."""
    if query.level == "region" and query.region is not None:
        query = replace(query, region=None)  # the region view always shows all 16 regions
    first, last = query.period()
    view = _territories(con, query)
    comunas = places.territories(con, "comuna")
    people = _People(comunas, places.population(con), places.census_2017(con))
    start = _first_year(con, query, last.year)
    populations = people.years(query, view, range(start, last.year + 1))
    population = populations[populations["anio"] == last.year].drop(columns="anio")
    deliveries = _deliveries(con, query, first, last)
    table = terr.coverage_table(view, deliveries, population)
    panel, sigma, slope, beta = _convergence(con, query, view, populations, start, last.year)
    synergy_rows, synergy_comunas, pairs = _synergy(con, query, people, first, last)
    theil, groups = _theil(table, view, query)
    return TerritoryReport(
        filtros=query.describe(),
        territorios=table,
        brecha=terr.gap(table),
        theil=theil,
        theil_grupos=groups,
        gini=ineq.gini(table["cobertura"].to_numpy(float), table["poblacion"].to_numpy(float)),
        cv=ineq.coefficient_of_variation(
            table["cobertura"].to_numpy(float), table["poblacion"].to_numpy(float)
        ),
        anual=panel,
        sigma=sigma,
        sigma_pendiente=slope,
        beta=beta,
        sinergia=synergy_rows,
        sinergia_comunas=synergy_comunas,
        pares=pairs,
        compromisos=_commitments(con, query, today or date.today()),
        etapas=_stages(con, query, first, last),
        beneficiarios_sin_comuna=_unplaced(con, query, first, last),
    )


def _territories(con: duckdb.DuckDBPyConnection, query: TerritoryQuery) -> pd.DataFrame:
    if query.level == "region":
        return places.territories(con, "region")
    if query.level == "comuna":
        return places.territories(con, "comuna", query.region)
    raise ValueError(f"nivel desconocido {query.level!r}: use region o comuna")


@dataclass(frozen=True)
class _People:
    """The population inputs, read once per report and resolved for any year."""

    comunas: pd.DataFrame
    rows: pd.DataFrame
    census: pd.DataFrame

    def years(self, query: TerritoryQuery, view: pd.DataFrame, years: range) -> pd.DataFrame:
        if query.level == "region":
            return pop.region_population_years(view, self.comunas, self.rows, self.census, years)
        return pop.comuna_population_years(view, self.rows, years)


def _deliveries(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, first: date, last: date
) -> pd.DataFrame:
    if query.level == "region":
        return q.region_deliveries(con, query.selection, first, last)
    return q.comuna_deliveries(con, query.selection, first, last, query.region)


def _first_year(con: duckdb.DuckDBPyConnection, query: TerritoryQuery, last_year: int) -> int:
    start = query.from_year
    if start is None:
        start = q.delivery_years(con)[0] or last_year
    return min(start, last_year)


def _convergence(
    con: duckdb.DuckDBPyConnection,
    query: TerritoryQuery,
    view: pd.DataFrame,
    populations: pd.DataFrame,
    start: int,
    last_year: int,
) -> tuple[pd.DataFrame, pd.DataFrame, float, ineq.BetaConvergence | None]:
    if query.level == "region":
        yearly = q.region_deliveries_by_year(con, query.selection, start, last_year)
    else:
        yearly = q.comuna_deliveries_by_year(con, query.selection, start, last_year, query.region)
    panel = terr.coverage_panel(view, yearly, populations)
    series, slope = ineq.sigma_series(panel)
    months = q.months_with_data(con, query.selection, start, last_year, query.region)
    series["meses"] = series["anio"].map(months.set_index("anio")["meses"]).fillna(0).astype(int)
    codes = view["codigo"]
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
    groups = table[["codigo"]].merge(view[["codigo", column]], on="codigo")[column].to_numpy()
    return ineq.theil_decomposition(b, n, groups), label


def _synergy(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, people: _People, first: date, last: date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows = q.comuna_area_services(con, first, last, query.selection.area, query.region)
    counts = synergy.service_counts(rows)
    comunas = people.comunas
    in_view = comunas if query.region is None else comunas[comunas["codigo_region"] == query.region]
    population = pop.comuna_population(in_view, people.rows, last.year)
    areas = [query.selection.area] if query.selection.area else None
    index = synergy.synergy_index(counts, in_view, population, areas)
    return index, counts, synergy.co_delivery_pairs(rows)


def _commitments(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, today: date
) -> pd.DataFrame:
    rows = commitment_queries.commitments(
        con, region=query.region, area=query.selection.area, servicio=query.selection.servicio
    )
    return commitments_by_region(rows, today)


def _stages(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, first: date, last: date
) -> pd.DataFrame:
    services = q.region_services(con, query.selection, first, last, query.region)
    stages = commitment_queries.pmg_stages(con, last.year)
    return services_with_stage(services, stages)


def _unplaced(
    con: duckdb.DuckDBPyConnection, query: TerritoryQuery, first: date, last: date
) -> int:
    rows = q.region_unplaced(con, query.selection, first, last, query.region)
    return int(rows["beneficiarios_sin_comuna"].sum()) if not rows.empty else 0
