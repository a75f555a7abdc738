"""The same answers as the interactions, computed with plain pandas on in-memory frames.

Kept small and honest: the raw current deliveries, filtered and grouped, joined to the
territories and to the population of the period's last year. Every frame is read once, before
any timing (`Frames.read`); the deliveries carry their product's thematic area from the start,
as the warehouse's pre-aggregates do.

The territorial report (the convergence page) is compared on its heavy statistics: coverage,
the σ series (coverage per year and its population-weighted CV), service convergence per comuna
and area with the regional synergy index, and the most frequent service pairs. β, Theil and
Gini are a few numpy operations on those coverages either way, and the commitments and PMG
stages a few hundred rows: left out of both sides' difference, not out of the report's time.

The explorer is compared on its rows: the same groups, sums and order as its SQL, the grid's
first page and the total, and for the export the same rows written by `DataFrame.to_csv` in
the explorer's CSV dialect (dashboard.explore.exports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from benchmarks import queries
from indicators.inequality import coefficient_of_variation
from warehouse import places, territory_catalog
from warehouse.explore.words import LABELS


@dataclass(frozen=True)
class Frames:
    deliveries: pd.DataFrame  # current `entregas` rows
    comunas: pd.DataFrame  # codigo, codigo_region
    region_of: pd.Series  # territory code (comuna or region) -> region code
    population: pd.DataFrame  # territorio, anio, poblacion
    names: pd.Series  # territory code (comuna or region) -> short name

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Frames:
        deliveries = queries.current_deliveries(con)
        deliveries["mes"] = pd.to_datetime(deliveries["mes"])
        # Looked up, not merged: a merge would copy every column of ~10 million rows.
        areas = territory_catalog.products(con).set_index(["servicio", "producto"])
        keys = pd.MultiIndex.from_arrays([deliveries["servicio"], deliveries["producto"]])
        deliveries["area_tematica"] = areas["area_tematica"].reindex(keys).to_numpy()
        comunas = places.territories(con, "comuna")
        regions = places.territories(con, "region")
        region_of = pd.concat(
            [
                comunas.set_index("codigo")["codigo_region"],
                pd.Series(regions["codigo"].values, regions["codigo"]),
            ]
        )
        names = pd.concat([t.set_index("codigo")["nombre_corto"] for t in (comunas, regions)])
        return cls(
            deliveries,
            comunas[["codigo", "codigo_region"]],
            region_of,
            places.population(con),
            names,
        )


def _in_period(frames: Frames, first: date, last: date) -> pd.DataFrame:
    months = frames.deliveries["mes"]
    return frames.deliveries[(months >= pd.Timestamp(first)) & (months <= pd.Timestamp(last))]


def _comuna_population(frames: Frames, year: int) -> pd.Series:
    rows = frames.population[frames.population["anio"] == year]
    return rows.set_index("territorio")["poblacion"]


def region_beneficiaries(frames: Frames, first: date, last: date) -> pd.Series:
    """Beneficiaries per region over the period (comunas and region-level rows)."""
    rows = _in_period(frames, first, last)
    return rows.groupby(rows["territorio"].map(frames.region_of))["beneficiarios"].sum()


def region_coverage(frames: Frames, first: date, last: date) -> pd.Series:
    """Beneficiaries per 1,000 inhabitants per region (comunas and region-level rows)."""
    rows = _in_period(frames, first, last)
    beneficiaries = rows.groupby(rows["territorio"].map(frames.region_of))["beneficiarios"].sum()
    people = _comuna_population(frames, last.year)
    by_comuna = frames.comunas.assign(poblacion=frames.comunas["codigo"].map(people))
    population = by_comuna.groupby("codigo_region")["poblacion"].sum()
    coverage = 1000.0 * beneficiaries.reindex(population.index, fill_value=0) / population
    coverage.attrs["poblacion"] = population  # the σ series weighs by it
    return coverage


def comuna_coverage(frames: Frames, first: date, last: date, region: str) -> pd.Series:
    """Beneficiaries per 1,000 inhabitants per comuna of `region`."""
    codes = frames.comunas.loc[frames.comunas["codigo_region"] == region, "codigo"]
    rows = _in_period(frames, first, last)
    rows = rows[rows["territorio"].isin(codes)]
    beneficiaries = rows.groupby("territorio")["beneficiarios"].sum()
    population = _comuna_population(frames, last.year).reindex(codes)
    coverage = 1000.0 * beneficiaries.reindex(codes, fill_value=0) / population
    coverage.attrs["poblacion"] = population  # the σ series weighs by it
    return coverage


# --------------------------------------------------------------------------- the explorer

EXPLORER_ORDER = ["codigo_comuna", "area_tematica", "servicio"]  # after the region's `orden`


def explorer_rows(frames: Frames, first: date, last: date, region: str) -> pd.DataFrame:
    """Every row of the explorer's deliveries at comuna level for `region`, summed over the
    period: one per (comuna, thematic area, service), with the area's Spanish word, in the
    explorer's order (warehouse.explore: region, comuna, area word, service; a product
    missing from the catalogue has no area and sorts last, as NULL does in DuckDB)."""
    codes = frames.comunas.loc[frames.comunas["codigo_region"] == region, "codigo"]
    rows = _in_period(frames, first, last)
    rows = rows[rows["territorio"].isin(codes)]
    groups = rows.groupby(["territorio", "area_tematica", "servicio"], dropna=False, sort=False)
    sums = groups[["beneficiarios", "gasto_corriente", "gasto_inversion"]].sum(min_count=1)
    out = sums.assign(meses=groups["mes"].nunique()).reset_index()
    out = out.rename(columns={"territorio": "codigo_comuna"})
    out["area_tematica"] = out["area_tematica"].map(LABELS).fillna(out["area_tematica"])
    out = out.sort_values(EXPLORER_ORDER, na_position="last", ignore_index=True)
    return out.assign(
        comuna=out["codigo_comuna"].map(frames.names),
        region=frames.names.get(region),
        beneficiarios=out["beneficiarios"].astype("int64"),
    )


def explorer_page(
    frames: Frames, first: date, last: date, region: str, limit: int
) -> tuple[pd.DataFrame, int]:
    """The grid's first `limit` rows and how many rows there are in all."""
    rows = explorer_rows(frames, first, last, region)
    return rows.head(limit), len(rows)


def explorer_csv(
    frames: Frames, first: date, last: date, region: str, labels: dict[str, str]
) -> bytes:
    """All the rows as the explorer's CSV (';', decimal comma, UTF-8 with BOM), written by
    pandas; `labels` maps each exported column to its header, in order."""
    rows = explorer_rows(frames, first, last, region)[list(labels)]
    text = rows.set_axis(list(labels.values()), axis=1).to_csv(
        index=False, sep=";", decimal=",", lineterminator="\r\n"
    )
    return text.encode("utf-8-sig")


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ReportAnswers:
    coverage: pd.Series  # territory -> cobertura in the period
    sigma: pd.Series  # year -> population-weighted CV of the year's coverage
    synergy: pd.Series  # region -> share of population in comunas converging in some area
    pairs: pd.DataFrame  # area_tematica, servicio_a, servicio_b, comunas (top 10)


def region_report(frames: Frames, first: date, last: date, years: list[int]) -> ReportAnswers:
    """The region report's heavy statistics over every comuna of the country."""
    coverage = region_coverage(frames, first, last)
    sigma = pd.Series(
        {year: _cv(region_coverage(frames, date(year, 1, 1), date(year, 12, 1))) for year in years}
    )
    active = _active_services(frames, first, last, frames.comunas["codigo"])
    return ReportAnswers(
        coverage, sigma, _synergy(frames, active, last.year, frames.comunas), _pairs(active)
    )


def comuna_report(
    frames: Frames, first: date, last: date, years: list[int], region: str
) -> ReportAnswers:
    """The comuna report's heavy statistics over the comunas of `region`."""
    comunas = frames.comunas[frames.comunas["codigo_region"] == region]
    coverage = comuna_coverage(frames, first, last, region)
    sigma = pd.Series(
        {
            year: _cv(comuna_coverage(frames, date(year, 1, 1), date(year, 12, 1), region))
            for year in years
        }
    )
    active = _active_services(frames, first, last, comunas["codigo"])
    return ReportAnswers(
        coverage, sigma, _synergy(frames, active, last.year, comunas), _pairs(active)
    )


def _cv(coverage: pd.Series) -> float:
    """CV of coverage weighted by population (recovered from coverage's own denominator)."""
    return coefficient_of_variation(
        coverage.to_numpy(float), coverage.attrs["poblacion"].reindex(coverage.index).to_numpy()
    )


def _active_services(frames: Frames, first: date, last: date, comunas: pd.Series) -> pd.DataFrame:
    """(territorio, area_tematica, servicio) with beneficiaries > 0 in the period."""
    rows = _in_period(frames, first, last)
    rows = rows[rows["territorio"].isin(comunas) & rows["area_tematica"].notna()]
    sums = rows.groupby(["territorio", "area_tematica", "servicio"])["beneficiarios"].sum()
    return sums[sums > 0].reset_index()[["territorio", "area_tematica", "servicio"]]


def _synergy(frames: Frames, active: pd.DataFrame, year: int, comunas: pd.DataFrame) -> pd.Series:
    """Per region: population share of its comunas where ≥ 2 services deliver in one area."""
    services = active.groupby(["territorio", "area_tematica"]).size()
    converging = services[services >= 2].index.get_level_values("territorio").unique()
    people = _comuna_population(frames, year).reindex(comunas["codigo"])
    known = comunas.assign(poblacion=people.to_numpy())
    known = known[known["poblacion"] > 0]
    share = known.assign(poblacion=known["poblacion"].where(known["codigo"].isin(converging), 0))
    total = known.groupby("codigo_region")["poblacion"].sum()
    return share.groupby("codigo_region")["poblacion"].sum() / total


def _pairs(active: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    both = active.merge(active, on=["territorio", "area_tematica"], suffixes=("_a", "_b"))
    both = both[both["servicio_a"] < both["servicio_b"]]
    counted = both.groupby(["area_tematica", "servicio_a", "servicio_b"]).size()
    counted = counted.rename("comunas").reset_index()
    ordered = counted.sort_values(
        ["comunas", "area_tematica", "servicio_a", "servicio_b"],
        ascending=[False, True, True, True],
    )
    return ordered.head(top).reset_index(drop=True)
