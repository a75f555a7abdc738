"""The same answers as the interactions, computed with plain pandas on in-memory frames.

Kept small and honest: the raw current deliveries, filtered and grouped, joined to the
territories and to the population of the period's last year. Every frame is read once, before
any timing (`Frames.read`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from warehouse import bench_queries, places


@dataclass(frozen=True)
class Frames:
    deliveries: pd.DataFrame  # current `entregas` rows
    comunas: pd.DataFrame  # codigo, codigo_region
    region_of: pd.Series  # territory code (comuna or region) -> region code
    population: pd.DataFrame  # territorio, anio, poblacion

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Frames:
        deliveries = bench_queries.current_deliveries(con)
        deliveries["mes"] = pd.to_datetime(deliveries["mes"])
        comunas = places.territories(con, "comuna")[["codigo", "codigo_region"]]
        regions = places.territories(con, "region")["codigo"]
        region_of = pd.concat(
            [comunas.set_index("codigo")["codigo_region"], pd.Series(regions.values, regions)]
        )
        return cls(deliveries, comunas, region_of, places.population(con))


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
    return 1000.0 * beneficiaries.reindex(population.index, fill_value=0) / population


def comuna_coverage(frames: Frames, first: date, last: date, region: str) -> pd.Series:
    """Beneficiaries per 1,000 inhabitants per comuna of `region`."""
    codes = frames.comunas.loc[frames.comunas["codigo_region"] == region, "codigo"]
    rows = _in_period(frames, first, last)
    rows = rows[rows["territorio"].isin(codes)]
    beneficiaries = rows.groupby("territorio")["beneficiarios"].sum()
    population = _comuna_population(frames, last.year).reindex(codes)
    return 1000.0 * beneficiaries.reindex(codes, fill_value=0) / population


def comuna_service_beneficiaries(frames: Frames, first: date, last: date, region: str) -> pd.Series:
    """Beneficiaries per (comuna, service) of `region` (the explorer's comuna view)."""
    codes = frames.comunas.loc[frames.comunas["codigo_region"] == region, "codigo"]
    rows = _in_period(frames, first, last)
    rows = rows[rows["territorio"].isin(codes)]
    return rows.groupby(["territorio", "servicio"])["beneficiarios"].sum()
