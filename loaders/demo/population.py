"""Demo population by comuna and year, adding up exactly to the Censo 2017 regional totals.

Comuna figures are demo data (the real ones are an input file): large comunas are weighted by
their approximate census size, the rest by a random lognormal, and each region's total is
split with the largest-remainder method so every region and year matches the census exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.demo.clock import YEARS, child_rng
from loaders.geography import CENSUS_2017, read_comunas

# Approximate census sizes used only as weights (then rescaled to the regional totals).
KNOWN_SIZES = {
    "13201": 568_000, "13119": 521_000, "13101": 404_000, "13110": 366_000, "02101": 361_000,
    "05109": 334_000, "13401": 301_000, "05101": 296_000, "13114": 294_000, "09101": 282_000,
    "10101": 245_000, "13122": 241_000, "06101": 241_000, "13124": 230_000, "04102": 227_000,
    "08101": 223_000, "04101": 221_000, "15101": 221_000, "07101": 220_000, "13125": 210_000,
    "13120": 208_000, "08301": 202_000, "01101": 191_000, "16101": 184_000, "13112": 177_000,
    "14101": 166_000, "02201": 165_000, "13105": 162_000, "10301": 161_000, "13127": 157_000,
    "03101": 153_000, "08110": 151_000, "05801": 151_000, "07301": 149_000, "13128": 147_000,
    "13106": 147_000, "13301": 146_000, "13123": 142_000, "13103": 132_000, "08108": 131_000,
    "12101": 131_000, "05804": 126_000, "13104": 126_000, "13501": 123_000, "13111": 116_000,
    "13118": 116_000, "08102": 116_000, "04301": 111_000, "13126": 110_000, "01107": 108_000,
    "13130": 108_000, "13115": 105_000, "13302": 102_000, "13121": 101_000, "13108": 100_000,
    "13116": 98_000, "13107": 98_000, "13402": 96_000, "13117": 96_000, "13129": 94_000,
    "07401": 93_000, "13113": 92_000, "08112": 91_000, "05601": 91_000, "13605": 90_000,
    "13109": 90_000, "08103": 85_000, "13132": 85_000, "13131": 82_000, "13102": 80_000,
    "05701": 76_000, "09112": 76_000, "13601": 74_000, "13404": 72_000, "05301": 66_000,
    "13604": 63_000, "11101": 57_000, "09120": 55_000, "09201": 53_000, "16301": 53_000,
    "03301": 51_000, "10201": 44_000, "10202": 39_000, "13603": 36_000, "13602": 36_000,
    "13503": 32_000, "13202": 26_000, "13403": 25_000, "12401": 21_000, "13303": 19_000,
    "13203": 18_000, "13504": 13_600, "13505": 9_700, "05201": 7_700, "13502": 6_400,
    "12201": 2_100, "11203": 1_800, "01403": 1_700, "01402": 1_250, "12402": 1_000,
    "05104": 930, "11102": 870, "12301": 700, "15202": 680, "12104": 680, "12302": 690,
    "11302": 625, "11303": 520, "02202": 320, "12303": 280, "12102": 260, "12103": 210,
}  # fmt: skip


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to `weights` that add up to exactly `total`."""
    quotas = total * weights / weights.sum()
    base = np.floor(quotas).astype(np.int64)
    short = total - int(base.sum())
    order = np.argsort(-(quotas - base), kind="stable")
    base[order[:short]] += 1
    return base


def comuna_weights(seed: int) -> pd.DataFrame:
    """codigo, codigo_region, weight: the 2024 share of each comuna within its region."""
    comunas = read_comunas()[["codigo", "codigo_region"]].sort_values("codigo")
    comunas = comunas.reset_index(drop=True)
    rng = child_rng(seed, "population")
    random_size = rng.lognormal(mean=np.log(14_000), sigma=0.75, size=len(comunas))
    known = comunas["codigo"].map(KNOWN_SIZES)
    comunas["weight"] = known.fillna(pd.Series(random_size)).to_numpy(dtype=float)
    comunas["growth"] = rng.normal(0.0, 0.012, size=len(comunas))
    return comunas


def population_frame(seed: int) -> pd.DataFrame:
    """territorio, anio, poblacion for every comuna and demo year (sorted, deterministic)."""
    comunas = comuna_weights(seed)
    parts = []
    for year in YEARS:
        weights = comunas["weight"] * np.exp(comunas["growth"] * (year - YEARS[0]))
        for region, total in CENSUS_2017.items():
            mask = (comunas["codigo_region"] == region).to_numpy()
            counts = largest_remainder(total, weights[mask].to_numpy())
            parts.append(
                pd.DataFrame(
                    {"territorio": comunas["codigo"][mask], "anio": year, "poblacion": counts}
                )
            )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["anio", "territorio"], ignore_index=True)
