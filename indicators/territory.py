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
import pyarrow as pa
import pyarrow.compute as pc

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
    population, cobertura per 1,000 inhabitants and spending per capita.

    `deliveries` and `population` have at most one row per codigo, in any order."""
    codes = territories["codigo"]
    people = aligned(population, codes, list(POPULATION_COLUMNS))
    return coverage_rows(territories, aligned(deliveries, codes, list(DELIVERY_COLUMNS)), people)


DELIVERY_COLUMNS = ("beneficiarios", "gasto_corriente", "gasto_inversion")
POPULATION_COLUMNS = ("poblacion", "anio_poblacion", "fuente_poblacion")


def coverage_rows(
    territories: pd.DataFrame, deliveries: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """`coverage_table` from inputs already aligned row by row with `territories` (same length
    and order; missing values NaN): DELIVERY_COLUMNS and POPULATION_COLUMNS.

    Built from arrays in one go, with no merge: the map computes it on every render, and with
    pandas' merges the bookkeeping cost more than the arithmetic."""
    counted = np.asarray(deliveries["beneficiarios"])
    if counted.dtype.kind not in "iu":
        counted = np.nan_to_num(counted.astype("float64"))
    beneficiaries = counted.astype("int64")
    inhabitants = population["poblacion"].to_numpy(dtype="float64", na_value=np.nan)
    inhabitants = np.where(inhabitants > 0, inhabitants, np.nan)
    current = np.asarray(deliveries["gasto_corriente"], dtype="float64")
    investment = np.asarray(deliveries["gasto_inversion"], dtype="float64")
    unknown = np.isnan(current) & np.isnan(investment)
    total = np.where(unknown, np.nan, np.nan_to_num(current) + np.nan_to_num(investment))
    return pd.DataFrame(
        {
            "codigo": territories["codigo"].array,
            "nombre": territories["nombre_corto"].array,
            "codigo_region": territories["codigo_region"].array,
            "beneficiarios": beneficiaries,
            "poblacion": population["poblacion"].to_numpy(),
            "anio_poblacion": population["anio_poblacion"].array,
            "fuente_poblacion": population["fuente_poblacion"].array,
            "cobertura": 1000.0 * beneficiaries / inhabitants,
            "gasto_corriente": current,
            "gasto_inversion": investment,
            "gasto_total": total,
            "gasto_per_capita": total / inhabitants,
            "gasto_corriente_per_capita": current / inhabitants,
            "gasto_inversion_per_capita": investment / inhabitants,
        }
    )


def aligned(frame: pd.DataFrame, codes: pd.Series, columns: list[str]) -> pd.DataFrame:
    """`columns` of `frame` (NaN where absent) in the order of `codes`, as a left merge on
    `codigo` would give them."""
    frame = frame.reindex(columns=["codigo", *columns]).set_index("codigo")
    return frame.reindex(codes.array).reset_index(drop=True)


def aligned_sums(deliveries: pd.DataFrame, codes: pd.Series) -> dict[str, np.ndarray]:
    """DELIVERY_COLUMNS of `deliveries` (unique on codigo) in the order of `codes`: 0
    beneficiaries and unknown (NaN) spending where a territory has no row."""
    where = positions(codes, deliveries["codigo"])
    found = where >= 0
    at = np.where(found, where, 0)
    sums: dict[str, np.ndarray] = {}
    for column in DELIVERY_COLUMNS:
        values = deliveries[column].to_numpy(dtype="float64", na_value=np.nan)
        sums[column] = np.where(found, values[at] if len(values) else np.nan, np.nan)
    sums["beneficiarios"] = np.nan_to_num(sums["beneficiarios"]).astype("int64")
    return sums


def positions(values: pd.Series | pd.Index, keys: pd.Series | pd.Index) -> np.ndarray:
    """For each of `values`, its position among `keys` (unique), -1 when absent.

    On Arrow strings (pandas' text columns) this runs in Arrow's C++ kernels: a pandas
    Index lookup converts every code to a Python object first, several times slower."""
    if len(values) == 0 or len(keys) == 0:
        return np.full(len(values), -1, dtype="int64")
    wanted, known = _arrow(values), _arrow(keys)
    found = pc.index_in(wanted, value_set=known.cast(wanted.type))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype("int64")


def _arrow(values: pd.Series | pd.Index) -> pa.Array:
    if isinstance(values.dtype, np.dtype):  # NumPy objects (e.g. an empty DuckDB result)
        return pa.array(np.asarray(values, dtype=object))
    return pa.array(values.array)


def gap(table: pd.DataFrame) -> Gap | None:
    """The coverage gap, naming both territories (ties: the first in the table's order)."""
    coverage = table["cobertura"].to_numpy(dtype="float64", na_value=np.nan)
    positive = np.flatnonzero(coverage > 0)
    if positive.size == 0:
        return None
    high = positive[np.argmax(coverage[positive])]
    low = positive[np.argmin(coverage[positive])]
    codes = table["codigo"]
    return Gap(
        float(coverage[high] / coverage[low]),
        str(codes.iloc[high]),
        float(coverage[high]),
        str(codes.iloc[low]),
        float(coverage[low]),
    )


def coverage_panel(
    territories: pd.DataFrame, yearly: pd.DataFrame, population_by_year: pd.DataFrame
) -> pd.DataFrame:
    """(anio, codigo, beneficiarios, poblacion, cobertura) for every territory and year, by year
    and code.

    `yearly` has (anio, codigo, beneficiarios); `population_by_year` (anio, codigo, poblacion),
    both unique on (anio, codigo). Territories without deliveries in a year have coverage 0
    that year. Filled by position on a years × territories grid, not by merging.
    """
    years = np.sort(population_by_year["anio"].unique())
    codes = territories["codigo"]
    order = np.argsort(np.asarray(codes, dtype=object), kind="stable")
    sorted_codes = codes.array.take(order)
    grid = len(years) * len(codes)
    beneficiaries, found = _on_grid(yearly, "beneficiarios", years, pd.Series(sorted_codes))
    people, _ = _on_grid(population_by_year, "poblacion", years, pd.Series(sorted_codes))
    counted = yearly["beneficiarios"]
    if found.all() and grid and pd.api.types.is_integer_dtype(counted.dtype):
        beneficiaries = beneficiaries.astype(counted.dtype)  # a left merge keeps the integers
    inhabitants = np.where(people > 0, people, np.nan)
    return pd.DataFrame(
        {
            "anio": np.repeat(years, len(codes)),
            "codigo": sorted_codes.take(np.tile(np.arange(len(codes)), len(years))),
            "beneficiarios": beneficiaries,
            "poblacion": people,
            "cobertura": 1000.0 * beneficiaries / inhabitants,
        }
    )


def _on_grid(
    frame: pd.DataFrame, column: str, years: np.ndarray, codes: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """frame[column] on the years × codes grid (row = year index * len(codes) + code index):
    the values (0 where missing, NaN for population) and which cells had a row."""
    size = len(years) * len(codes)
    values = np.zeros(size) if column == "beneficiarios" else np.full(size, np.nan)
    found = np.zeros(size, dtype=bool)
    if frame.empty or size == 0:
        return values, found
    year = np.searchsorted(years, frame["anio"].to_numpy())
    year_known = year < len(years)
    year_known[year_known] = years[year[year_known]] == frame["anio"].to_numpy()[year_known]
    code = positions(frame["codigo"], codes)
    keep = year_known & (code >= 0)
    cells = year[keep] * len(codes) + code[keep]
    values[cells] = frame[column].to_numpy(dtype="float64", na_value=np.nan)[keep]
    found[cells] = True
    return values, found


def coverage_in_year(panel: pd.DataFrame, year: int, codes: pd.Series) -> np.ndarray:
    """Coverage of territories `codes` in `year` from a panel (NaN where missing)."""
    rows = (panel["anio"] == year).to_numpy()
    where = positions(codes, panel["codigo"][rows])
    coverage = panel["cobertura"].to_numpy(dtype="float64")[rows]
    return np.where(where >= 0, coverage[np.maximum(where, 0)] if coverage.size else np.nan, np.nan)
