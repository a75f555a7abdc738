"""Demo deliveries (`entregas`): beneficiaries, units and spending by product, territory and month.

Generated column-wise with numpy (no loop over rows), so ten million rows take seconds. The
magnitudes follow the comuna's population and the product's rate, with a regional factor whose
spread shrinks over time for converging products and grows for diverging ones: the territorial
indicators (brecha, σ/β-convergencia, Theil) then have something real to find.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from loaders.demo.clock import FIRST_MONTH, child_rng
from loaders.demo.institutions import MINISTRIES, SERVICE_BY_SIGLA
from loaders.demo.products import Line, Product, product_lines
from loaders.geography import CENSUS_2017

SOUTH = {"06", "07", "16", "08", "09", "14", "10", "11", "12"}
COST_FACTOR = {"11": 1.35, "12": 1.35, "15": 1.15, "01": 1.15, "02": 1.15}
TREND_SLOPE = {"converge": -0.6, "diverge": 0.5, "stable": 0.0}
HORIZON_MONTHS = 35.0  # 2024-01 … 2026-12: the span over which gaps narrow or widen


def reach_probability(reach: str, population: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """Chance that a product reaches each comuna, by the product's territorial pattern."""
    small, large = population < 30_000, population >= 100_000
    if reach == "all":
        return np.ones(len(population))
    if reach == "rural":
        return np.where(small, 0.85, np.where(large, 0.1, 0.45))
    if reach == "urban":
        return np.where(large, 0.95, np.where(small, 0.06, 0.5))
    if reach == "south":
        return np.where(np.isin(regions, list(SOUTH)), 0.7, 0.04)
    if reach == "coastal":  # every region but Santiago's has a coast
        return np.where(regions == "13", 0.0, 0.35)
    return np.full(len(population), 0.3)  # partial


def season_factor(season: str, month_numbers: np.ndarray) -> np.ndarray:
    """School programmes stop in the summer holidays; tourism and fire brigades peak then."""
    if season == "school":
        return np.select([month_numbers == 1, month_numbers == 2, month_numbers == 12],
                         [0.12, 0.08, 0.75], 1.0)  # fmt: skip
    if season == "summer":
        return np.where(np.isin(month_numbers, [12, 1, 2, 3]), 1.6, 0.8)
    return np.ones(len(month_numbers))


def _territory_table(population: pd.DataFrame) -> pd.DataFrame:
    """Comunas then regions: code, region, population by year (columns are the years)."""
    comunas = population.pivot_table(
        index="territorio", columns="anio", values="poblacion", aggfunc="first"
    )
    comunas["region"] = comunas.index.str[:2]
    regions = pd.DataFrame(dict.fromkeys(comunas.columns[:-1], CENSUS_2017))
    regions["region"] = regions.index
    return pd.concat([comunas, regions.sort_index()])


def _line_territories(
    rng: np.random.Generator, lines: list[Line], table: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """(line index, territory index) of every product line × territory it reaches."""
    n_comunas = int((table.index.str.len() == 5).sum())
    base = table.iloc[:n_comunas]
    population = base.iloc[:, 0].to_numpy(dtype=float)
    regions = base["region"].to_numpy()
    line_idx, terr_idx = [], []
    for j, (product, _, _) in enumerate(lines):
        if product.reach == "region":
            chosen = np.arange(n_comunas, len(table))
        else:
            p = reach_probability(product.reach, population, regions)
            chosen = np.flatnonzero(rng.random(n_comunas) < p)
        line_idx.append(np.full(len(chosen), j))
        terr_idx.append(chosen)
    return np.concatenate(line_idx), np.concatenate(terr_idx)


def delivery_frame(
    seed: int, scale: int, months: list[date], population: pd.DataFrame
) -> pd.DataFrame:
    """All delivery rows for `months`: the contract's columns plus `ministerio` (to split files)."""
    rng = child_rng(seed, "deliveries")
    lines = product_lines(scale)
    table = _territory_table(population)
    line_of_pair, terr_of_pair = _line_territories(rng, lines, table)
    n_months, n_pairs = len(months), len(line_of_pair)
    line = np.repeat(line_of_pair, n_months)
    terr = np.repeat(terr_of_pair, n_months)
    month = np.tile(np.arange(n_months), n_pairs)
    beneficiaries = _beneficiaries(rng, lines, table, line, terr, month, months)
    return _assemble(rng, lines, table, line, terr, month, months, beneficiaries)


def _beneficiaries(rng, lines, table, line, terr, month, months) -> np.ndarray:
    """Population × rate × season × exp(regional and comuna factors that drift, growth, noise)."""
    profiles: list[Product] = [p for p, _, _ in lines]
    region_codes = sorted(CENSUS_2017)
    region_of_terr = np.searchsorted(region_codes, table["region"].to_numpy())
    years = np.array([m.year for m in months])
    year_cols = [c for c in table.columns if c != "region"]
    year_pos = np.clip(np.searchsorted(year_cols, years), 0, len(year_cols) - 1)
    pop = table[year_cols].to_numpy(dtype=float)[terr, year_pos[month]]
    rate = np.array([p.rate for p in profiles])[line]
    slope = np.array([TREND_SLOPE[p.trend] for p in profiles])[line]
    elapsed = np.array([(m.year - FIRST_MONTH.year) * 12 + m.month - 1 for m in months])
    spread = 1.0 + slope * elapsed[month] / HORIZON_MONTHS
    region_log = rng.normal(0.0, 0.3, size=(len(lines), len(region_codes)))
    comuna_log = rng.normal(0.0, 0.25, size=(len(lines), len(table)))
    local = region_log[line, region_of_terr[terr]] + comuna_log[line, terr]
    growth = rng.normal(0.04, 0.05, size=len(lines))[line] * elapsed[month] / 12
    month_numbers = np.array([m.month for m in months])
    season = np.ones(len(line))
    for season_name in ("school", "summer"):
        mask = np.array([p.season == season_name for p in profiles])[line]
        season[mask] = season_factor(season_name, month_numbers[month[mask]])
    noise = rng.normal(0.0, 0.08, size=len(line))
    mean = pop * rate / 1000 * season * np.exp(local * spread + growth + noise)
    return np.maximum(1, np.rint(mean)).astype(np.int64)


def _assemble(rng, lines, table, line, terr, month, months, beneficiaries) -> pd.DataFrame:
    """Units and spending follow beneficiaries; investment is lumpy (40 % of months)."""
    profiles: list[Product] = [p for p, _, _ in lines]
    n = len(line)
    units_per = np.array([p.units_per for p in profiles])[line]
    units = np.rint(beneficiaries * units_per * rng.lognormal(0.0, 0.05, n)).astype(np.int64)
    cost_region = table["region"].map(COST_FACTOR).fillna(1.0).to_numpy()[terr]
    cost = np.array([p.cost for p in profiles])[line]
    current = np.rint(beneficiaries * cost * cost_region * rng.lognormal(0.0, 0.05, n))
    invest_rate = np.array([p.invest for p in profiles])[line]
    lumpy = (rng.random(n) < 0.4) * rng.lognormal(0.0, 0.5, n) / 0.4
    investment = np.rint(beneficiaries * invest_rate * cost_region * lumpy)
    services = pd.Categorical([SERVICE_BY_SIGLA[p.sigla].name for p in profiles])
    names = pd.Categorical([name for _, name, _ in lines])
    ministry = pd.Categorical([MINISTRIES[SERVICE_BY_SIGLA[p.sigla].ministry] for p in profiles])
    return pd.DataFrame(
        {
            "ministerio": ministry[line],
            "servicio": services[line],
            "producto": names[line],
            "territorio": pd.Categorical(table.index.to_numpy())[terr],
            "mes": pd.to_datetime(pd.Series(months)).to_numpy()[month],
            "beneficiarios": beneficiaries,
            "unidades": pd.array(np.where(units_per == 1.0, -1, units)).astype("Int64"),
            "gasto_corriente": current.astype(np.int64),
            "gasto_inversion": investment.astype(np.int64),
        }
    ).pipe(_blank_units)


def _blank_units(frame: pd.DataFrame) -> pd.DataFrame:
    """Products counted in beneficiaries themselves leave `unidades` empty (unknown, not 0)."""
    frame["unidades"] = frame["unidades"].mask(frame["unidades"] < 0)
    return frame
