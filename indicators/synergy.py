"""Convergence of services (convergencias y sinergias of the PMG): services that deliver in
the same comuna and thematic area.

Choices:
* Only deliveries reported at comuna level count: a region-level row cannot say in which
  comuna a service works, so it cannot show co-location.
* Synergy is computed for a thematic area (or all areas), never for a single service or
  product: one service cannot co-deliver with itself.
* A comuna converges in area a when k ≥ 2 distinct services have beneficiaries > 0 there in
  the period. The regional index is the population share of the region's comunas (with known
  population) that converge; the area 'todas' counts a comuna that converges in at least one area.
* Co-delivering pairs: for each area, the pairs of services that both deliver in the same
  comuna, counted in comunas; ties ordered by the names.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

ALL_AREAS = "todas"
CONVERGENCE_MIN_SERVICES = 2


def service_counts(deliveries: pd.DataFrame) -> pd.DataFrame:
    """Per (comuna, area): k distinct services with beneficiaries > 0, and whether it converges.

    `deliveries` has codigo_comuna, codigo_region, area_tematica, servicio, beneficiarios.
    """
    active = deliveries[deliveries["beneficiarios"] > 0]
    counts = (
        active.groupby(["codigo_comuna", "codigo_region", "area_tematica"], sort=True)["servicio"]
        .nunique()
        .rename("servicios")
        .reset_index()
    )
    return counts.assign(converge=counts["servicios"] >= CONVERGENCE_MIN_SERVICES)


def synergy_index(
    counts: pd.DataFrame,
    comunas: pd.DataFrame,
    population: pd.DataFrame,
    areas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per (region, area) and (region, 'todas'): population share of converging comunas.

    `comunas` lists the comunas in view (codigo, codigo_region); `population` (codigo, poblacion);
    `areas` the areas to report (default: those with any delivery in `counts`).
    """
    people = comunas[["codigo", "codigo_region"]].merge(
        population[["codigo", "poblacion"]], on="codigo", how="left"
    )
    people = people[people["poblacion"] > 0]
    converging = counts[counts["converge"]]
    by_area = converging[["codigo_comuna", "area_tematica"]]
    any_area = by_area.drop_duplicates("codigo_comuna").assign(area_tematica=ALL_AREAS)
    flags = pd.concat([by_area, any_area], ignore_index=True).rename(
        columns={"codigo_comuna": "codigo"}
    )
    listed = sorted(set(counts["area_tematica"])) if areas is None else list(areas)
    areas = [*listed, ALL_AREAS]
    grid = people.merge(pd.DataFrame({"area_tematica": areas}), how="cross")
    grid = grid.merge(flags.assign(converge=True), on=["codigo", "area_tematica"], how="left")
    grid["converge"] = grid["converge"].fillna(False).astype(bool)
    grid["poblacion_convergente"] = np.where(grid["converge"], grid["poblacion"], 0.0)
    grouped = grid.groupby(["codigo_region", "area_tematica"], sort=True)
    result = grouped.agg(
        comunas=("codigo", "size"),
        comunas_convergentes=("converge", "sum"),
        poblacion=("poblacion", "sum"),
        poblacion_convergente=("poblacion_convergente", "sum"),
    ).reset_index()
    result["indice_sinergia"] = result["poblacion_convergente"] / result["poblacion"]
    return result


def co_delivery_pairs(deliveries: pd.DataFrame, top: int | None = 10) -> pd.DataFrame:
    """Service pairs (servicio_a < servicio_b) by the number of comunas where both deliver in
    the same area, most frequent first.

    The self-join runs on integer codes (pandas' string merges are ~10× slower): with 80
    services in 345 comunas it is a few hundred thousand pairs.
    """
    active = deliveries.loc[
        deliveries["beneficiarios"] > 0, ["codigo_comuna", "area_tematica", "servicio"]
    ].drop_duplicates()
    cell, _ = pd.factorize(active["codigo_comuna"] + "|" + active["area_tematica"])
    area, areas = pd.factorize(active["area_tematica"])
    names = np.sort(active["servicio"].unique())
    service = np.searchsorted(names, active["servicio"].to_numpy())  # codes in name order
    coded = pd.DataFrame({"cell": cell, "area": area, "service": service})
    pairs = coded.merge(coded[["cell", "service"]], on="cell", suffixes=("_a", "_b"))
    pairs = pairs[pairs["service_a"] < pairs["service_b"]]
    counted = pairs.groupby(["area", "service_a", "service_b"]).size().rename("comunas")
    counted = counted.reset_index()
    result = pd.DataFrame(
        {
            "area_tematica": np.asarray(areas, dtype=object)[counted["area"].to_numpy()],
            "servicio_a": names[counted["service_a"].to_numpy()],
            "servicio_b": names[counted["service_b"].to_numpy()],
            "comunas": counted["comunas"].to_numpy(),
        }
    ).sort_values(
        ["comunas", "area_tematica", "servicio_a", "servicio_b"],
        ascending=[False, True, True, True],
        ignore_index=True,
    )
    return result if top is None else result.head(top)
