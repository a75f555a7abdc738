"""Service convergence ("sinergia") values of the map and region pages, on arrays: the map
computes them on every render."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.synergy import ALL_AREAS
from indicators.territory import positions
from indicators.territory_report import CoverageReport, TerritoryReport


def synergy_values(
    report: CoverageReport | TerritoryReport, level: str, area: str | None
) -> pd.DataFrame:
    """(codigo, sinergia): a region's population share (%) of converging comunas; for a comuna,
    the most services delivering in one area (≥ 2 = converges), 0 without deliveries."""
    codes, values = _synergy(report, level, area)
    return pd.DataFrame({"codigo": codes, "sinergia": values})


def with_synergy(report: CoverageReport, level: str, area: str | None) -> pd.DataFrame:
    """The report's territories with their `sinergia` value (NaN where none)."""
    codes, values = _synergy(report, level, area)
    table = report.territorios
    where = positions(table["codigo"], codes)
    found = where >= 0
    picked = values[np.where(found, where, 0)] if len(values) else np.zeros(len(where))
    return table.assign(sinergia=np.where(found, picked, np.nan))


def _synergy(
    report: CoverageReport | TerritoryReport, level: str, area: str | None
) -> tuple[pd.Series, np.ndarray]:
    """synergy_values as (codes, values), on arrays: the map computes it on every render."""
    if level == "region":
        rows = report.sinergia
        chosen = (rows["area_tematica"] == (area or ALL_AREAS)).to_numpy(dtype=bool)
        index = rows["indice_sinergia"].to_numpy(dtype="float64")[chosen] * 100
        return rows["codigo_region"][chosen].reset_index(drop=True), index
    rows = report.sinergia_comunas
    chosen = np.ones(len(rows), dtype=bool)
    if area:
        chosen = (rows["area_tematica"] == area).to_numpy(dtype=bool)
    codes = report.territorios["codigo"]
    where = positions(rows["codigo_comuna"][chosen], codes)
    counted = rows["servicios"].to_numpy(dtype="float64")[chosen]
    most = np.zeros(len(codes))
    np.maximum.at(most, where[where >= 0], counted[where >= 0])
    return codes, most


def national_synergy(report: CoverageReport | TerritoryReport, area: str | None) -> float:
    """Chile's synergy index (%): converging population over population, all regions."""
    rows = report.sinergia[report.sinergia["area_tematica"] == (area or ALL_AREAS)]
    total = rows["poblacion"].sum()
    return float(rows["poblacion_convergente"].sum() / total * 100) if total else float("nan")
