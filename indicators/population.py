"""Population of each territory for a year: the denominator of every territorial indicator.

Choices:
* A comuna's population is its `poblacion` figure for the requested year, else the figure of
  the nearest year loaded for that comuna (ties go to the earlier year, the one that was known
  at the time). Each comuna picks its own nearest year; `anio_poblacion` says which.
* A region's population is the sum of its comunas when every comuna of the region has a figure
  (`fuente_poblacion` = 'comunas', `anio_poblacion` = the latest year among them); else a
  `poblacion` row for the region code itself, nearest year ('poblacion_region'); else the Censo
  2017 figure ('censo_2017'). Summing a partial set of comunas would understate the region and
  inflate its coverage.
* A comuna with no figure at all has population NaN: its coverage is unknown, and it is left
  out of the inequality measures (never counted as zero).

All functions take several years at once (column `anio` = the year asked for), so a series of
years costs one pass over the rows. The territory screens read the nearest-year figures already
picked by the warehouse (warehouse.places.*_population_figures, the same rule in SQL) and only
apply the source rule here (`comuna_population_from_figures`, `region_population_from_figures`);
the functions on raw `poblacion` rows are the reference the tests hold both to.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

POPULATION_COLUMNS = ["codigo", "poblacion", "anio_poblacion", "fuente_poblacion"]


def nearest_years(poblacion: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Per (asked year `anio`, territorio): the figure of the nearest loaded year
    (`anio_poblacion`), earlier year on ties."""
    asked = pd.DataFrame({"anio": list(years)})
    rows = poblacion[["territorio", "anio", "poblacion"]].rename(columns={"anio": "anio_poblacion"})
    grid = rows.merge(asked, how="cross")
    grid["_distance"] = (grid["anio_poblacion"] - grid["anio"]).abs()
    grid = grid.sort_values(["anio", "territorio", "_distance", "anio_poblacion"])
    picked = grid.drop_duplicates(["anio", "territorio"])
    return picked[["anio", "territorio", "anio_poblacion", "poblacion"]].reset_index(drop=True)


def nearest_year(poblacion: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per territorio (territorio, anio, poblacion) for one asked year."""
    picked = nearest_years(poblacion, [year])
    return picked.drop(columns="anio").rename(columns={"anio_poblacion": "anio"})


def comuna_population_years(
    comunas: pd.DataFrame, poblacion: pd.DataFrame, years: Sequence[int]
) -> pd.DataFrame:
    """Population of the given comunas (frame with `codigo`) for each year: anio + columns."""
    grid = comunas[["codigo"]].merge(pd.DataFrame({"anio": list(years)}), how="cross")
    figures = nearest_years(poblacion, years).rename(columns={"territorio": "codigo"})
    merged = grid.merge(figures, on=["anio", "codigo"], how="left")
    source = np.where(merged["poblacion"].notna(), "poblacion_comuna", None)
    merged = merged.astype({"poblacion": "float64", "anio_poblacion": "Int64"})
    return merged.assign(fuente_poblacion=source)[["anio", *POPULATION_COLUMNS]]


def comuna_population(comunas: pd.DataFrame, poblacion: pd.DataFrame, year: int) -> pd.DataFrame:
    return comuna_population_years(comunas, poblacion, [year]).drop(columns="anio")


def region_population_years(
    regions: pd.DataFrame,
    comunas: pd.DataFrame,
    poblacion: pd.DataFrame,
    census: pd.DataFrame,
    years: Sequence[int],
) -> pd.DataFrame:
    """Population of the given regions (frame with `codigo`) for each year, by the rule above.

    `comunas` must list every comuna of the country (codigo, codigo_region) so completeness can
    be judged; `census` has codigo_region and poblacion.
    """
    per_comuna = comuna_population_years(comunas, poblacion, years).merge(
        comunas[["codigo", "codigo_region"]], on="codigo"
    )
    grouped = per_comuna.groupby(["anio", "codigo_region"])
    from_comunas = pd.DataFrame(
        {
            "complete": grouped["poblacion"].count() == grouped.size(),
            "suma": grouped["poblacion"].sum(),
            "anio_comunas": grouped["anio_poblacion"].max(),
        }
    ).reset_index(names=["anio", "codigo"])
    own = nearest_years(poblacion, years).rename(
        columns={"territorio": "codigo", "anio_poblacion": "anio_propio", "poblacion": "propia"}
    )
    census_by_region = census.rename(columns={"codigo_region": "codigo", "poblacion": "censo"})
    merged = (
        regions[["codigo"]]
        .merge(pd.DataFrame({"anio": list(years)}), how="cross")
        .merge(from_comunas, on=["anio", "codigo"], how="left")
        .merge(own, on=["anio", "codigo"], how="left")
        .merge(census_by_region, on="codigo", how="left")
    )
    return _choose_source(merged)


def comuna_population_from_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """anio + POPULATION_COLUMNS from per-(comuna, year) nearest figures (anio, codigo,
    poblacion, anio_poblacion; NaN where the comuna has none)."""
    people = figures["poblacion"].to_numpy(dtype="float64")
    known = ~np.isnan(people)
    return pd.DataFrame(
        {
            "anio": figures["anio"].to_numpy(dtype="int64"),
            "codigo": figures["codigo"],
            "poblacion": people,
            "anio_poblacion": figures["anio_poblacion"].astype("Int64"),
            "fuente_poblacion": np.where(known, "poblacion_comuna", None),
        }
    )


def region_population_from_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """anio + POPULATION_COLUMNS per region from what the rule chooses from (columns complete,
    suma, anio_comunas, propia, anio_propio, censo: warehouse.places.region_population_figures)."""
    return _choose_source(figures.assign(anio=figures["anio"].to_numpy(dtype="int64")))


def _choose_source(merged: pd.DataFrame) -> pd.DataFrame:
    def floats(column: str) -> np.ndarray:
        return merged[column].to_numpy(dtype="float64", na_value=np.nan)

    complete = merged["complete"].fillna(False).to_numpy(dtype=bool)
    has_own = ~np.isnan(floats("propia"))
    has_census = ~np.isnan(floats("censo"))
    choices = [complete, ~complete & has_own, ~complete & ~has_own & has_census]
    people = [floats(c) for c in ("suma", "propia", "censo")]
    years = [floats("anio_comunas"), floats("anio_propio"), np.full(len(merged), 2017.0)]
    return pd.DataFrame(
        {
            "anio": merged["anio"].to_numpy(),
            "codigo": merged["codigo"].array,
            "poblacion": np.select(choices, people, np.nan),
            "anio_poblacion": pd.array(np.select(choices, years, np.nan)).astype("Int64"),
            "fuente_poblacion": np.select(
                choices, ["comunas", "poblacion_region", "censo_2017"], None
            ),
        }
    )


def region_population(
    regions: pd.DataFrame,
    comunas: pd.DataFrame,
    poblacion: pd.DataFrame,
    census: pd.DataFrame,
    year: int,
) -> pd.DataFrame:
    frame = region_population_years(regions, comunas, poblacion, census, [year])
    return frame.drop(columns="anio").reset_index(drop=True)[POPULATION_COLUMNS]
