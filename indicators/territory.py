"""Coverage and spending per territory, and the gap between the best and worst covered.

Choices:
* Every territory of the view gets a row, also those with no delivery (beneficiaries 0,
  spending unknown): a comuna that receives nothing is exactly what the map must show.
* Beneficiaries are beneficiary-months: summed over the months of the period.
* Spending: unknown amounts are left out of the sums; gasto_total is corriente + inversión
  over the parts that are known, and unknown (NaN) only when both are unknown.
* Coverage and per-capita figures are NaN when the population is unknown or zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COVERAGE_COLUMNS = [
    "codigo", "nombre", "codigo_region", "beneficiarios", "poblacion", "anio_poblacion",
    "fuente_poblacion", "cobertura", "gasto_corriente", "gasto_inversion", "gasto_total",
    "gasto_per_capita", "gasto_corriente_per_capita", "gasto_inversion_per_capita",
]  # fmt: skip


@dataclass(frozen=True)
class Gap:
    """brecha = max / min of coverage over territories with coverage > 0."""

    brecha: float
    codigo_max: str
    cobertura_max: float
    codigo_min: str
    cobertura_min: float


def coverage_table(
    territories: pd.DataFrame, deliveries: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """One row per territory (codigo, nombre_corto, codigo_region) with its beneficiaries,
    population, cobertura per 1,000 inhabitants and spending per capita."""
    base = territories[["codigo", "nombre_corto", "codigo_region"]].rename(
        columns={"nombre_corto": "nombre"}
    )
    sums = deliveries[["codigo", "beneficiarios", "gasto_corriente", "gasto_inversion"]]
    people_columns = ["codigo", "poblacion", "anio_poblacion", "fuente_poblacion"]
    people = population.reindex(columns=people_columns)
    table = base.merge(sums, on="codigo", how="left").merge(people, on="codigo", how="left")
    table["beneficiarios"] = table["beneficiarios"].fillna(0).astype("int64")
    inhabitants = table["poblacion"].where(table["poblacion"] > 0)
    table["cobertura"] = 1000.0 * table["beneficiarios"] / inhabitants
    table["gasto_total"] = table[["gasto_corriente", "gasto_inversion"]].sum(axis=1, min_count=1)
    for column in ("gasto_total", "gasto_corriente", "gasto_inversion"):
        name = "gasto_per_capita" if column == "gasto_total" else column + "_per_capita"
        table[name] = table[column] / inhabitants
    return table[COVERAGE_COLUMNS]


def gap(table: pd.DataFrame) -> Gap | None:
    """The coverage gap, naming both territories (ties: the first in the table's order)."""
    positive = table[table["cobertura"] > 0]
    if positive.empty:
        return None
    high = positive.loc[positive["cobertura"].idxmax()]
    low = positive.loc[positive["cobertura"].idxmin()]
    return Gap(
        float(high["cobertura"] / low["cobertura"]),
        str(high["codigo"]),
        float(high["cobertura"]),
        str(low["codigo"]),
        float(low["cobertura"]),
    )


def coverage_panel(
    territories: pd.DataFrame, yearly: pd.DataFrame, population_by_year: pd.DataFrame
) -> pd.DataFrame:
    """(anio, codigo, beneficiarios, poblacion, cobertura) for every territory and year.

    `yearly` has (anio, codigo, beneficiarios); `population_by_year` (anio, codigo, poblacion).
    Territories without deliveries in a year have coverage 0 that year.
    """
    years = population_by_year["anio"].unique()
    grid = pd.MultiIndex.from_product([years, territories["codigo"]], names=["anio", "codigo"])
    panel = pd.DataFrame(index=grid).reset_index()
    panel = panel.merge(
        yearly[["anio", "codigo", "beneficiarios"]], on=["anio", "codigo"], how="left"
    )
    panel = panel.merge(
        population_by_year[["anio", "codigo", "poblacion"]], on=["anio", "codigo"], how="left"
    )
    panel["beneficiarios"] = panel["beneficiarios"].fillna(0)
    people = panel["poblacion"].where(panel["poblacion"] > 0)
    panel["cobertura"] = 1000.0 * panel["beneficiarios"] / people
    return panel.sort_values(["anio", "codigo"], ignore_index=True)


def coverage_in_year(panel: pd.DataFrame, year: int, codes: pd.Series) -> np.ndarray:
    """Coverage of territories `codes` in `year` from a panel (NaN where missing)."""
    one = panel[panel["anio"] == year].set_index("codigo")["cobertura"]
    return one.reindex(codes).to_numpy(dtype=float)
