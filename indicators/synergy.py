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
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.territory import positions

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
    return with_convergence(counts)


def with_convergence(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts per (comuna, area) (column `servicios`, as warehouse.territory.comuna_service_counts
    returns them) with `converge` = k ≥ 2."""
    return counts.assign(converge=counts["servicios"].to_numpy() >= CONVERGENCE_MIN_SERVICES)


@dataclass(frozen=True)
class ServiceActivity:
    """Who delivers where, year by year: one entry per (comuna, area, service, year) with a
    12-bit mask of the months with beneficiaries > 0 (warehouse.territory.service_activity,
    the table of migration 004), as integer arrays.

    Why: the map counts services per comuna and area on every render, and the query that
    does it spent ~7 ms of the map's 20 ms budget on a table of ~50,000 rows, most of it
    DuckDB's fixed cost per query. The table depends on the data only, so screens keep it
    per data version and `counts` is a few array operations (~1 ms)."""

    comunas: np.ndarray  # distinct comuna codes, sorted
    comuna_regions: np.ndarray  # the region of each of `comunas`
    areas: np.ndarray  # distinct area codes, sorted
    comuna: np.ndarray  # per entry: position in `comunas`
    area: np.ndarray  # per entry: position in `areas`
    service: np.ndarray  # per entry: a number per distinct service
    year: np.ndarray
    months: np.ndarray  # bit m-1 set: beneficiaries > 0 in month m

    @classmethod
    def of(cls, table: pa.Table) -> ServiceActivity:
        """From rows of codigo_comuna, codigo_region, area_tematica, servicio, anio, meses
        (none missing), encoded in Arrow's kernels."""
        comuna, comunas = _sorted_codes(table["codigo_comuna"])
        area, areas = _sorted_codes(table["area_tematica"])
        service, _ = _sorted_codes(table["servicio"])
        region, region_codes = _sorted_codes(table["codigo_region"])
        regions = np.empty(len(comunas), dtype=object)
        regions[comuna] = region_codes[region]
        return cls(
            comunas=comunas,
            comuna_regions=regions,
            areas=areas,
            comuna=comuna,
            area=area,
            service=service,
            year=table["anio"].to_numpy().astype("int64"),
            months=table["meses"].to_numpy().astype("int64"),
        )

    def counts(self, first: date, last: date, area: str | None = None) -> pd.DataFrame:
        """Per (comuna, area), comunas and areas in order: `servicios`, the distinct services
        with beneficiaries > 0 in the months first..last (as
        warehouse.territory.comuna_service_counts)."""
        lo = np.where(self.year == first.year, first.month, 1)
        hi = np.where(self.year == last.year, last.month, 12)
        bits = ((1 << (hi - lo + 1)) - 1) << (lo - 1)
        in_years = (self.year >= first.year) & (self.year <= last.year)
        active = in_years & ((self.months & bits) != 0)
        if area is not None:
            found = np.flatnonzero(self.areas == area)
            active &= self.area == (found[0] if len(found) else -1)
        comuna, area_of, service = self.comuna[active], self.area[active], self.service[active]
        if first.year != last.year:  # a service counts once across years
            n_services = int(self.service.max(initial=0)) + 1
            key = np.unique((comuna * len(self.areas) + area_of) * n_services + service)
            pair = key // n_services
        else:  # within one year each (comuna, area, service) has one entry
            pair = comuna * len(self.areas) + area_of
        services = np.bincount(pair, minlength=len(self.comunas) * len(self.areas))
        pairs = np.flatnonzero(services)  # comunas, then areas, in order
        comuna, area_of = np.divmod(pairs, len(self.areas))
        return pd.DataFrame(
            {
                "codigo_comuna": self.comunas[comuna],
                "codigo_region": self.comuna_regions[comuna],
                "area_tematica": self.areas[area_of],
                "servicios": services[pairs].astype("int64"),
            }
        )


def _sorted_codes(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, values): each row's position among the column's distinct values in order."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    values = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    return rank[encoded.indices.to_numpy()], values[order]


def synergy_index(
    counts: pd.DataFrame,
    comunas: pd.DataFrame,
    population: pd.DataFrame,
    areas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per (region, area) and (region, 'todas'): population share of converging comunas,
    regions and areas in order.

    `comunas` lists the comunas in view (codigo, codigo_region); `population` (codigo, poblacion;
    one row per comuna); `areas` the areas to report (default: those with any delivery in
    `counts`). Comunas with unknown or zero population are left out."""
    return ComunaWeights.of(comunas, population).index(counts, areas)


@dataclass(frozen=True)
class ComunaWeights:
    """The comunas that weigh in a region's synergy index (known population > 0), grouped by
    region. It depends on the data only, not on the selection, so screens prepare it once and
    `index` then works on arrays (a comuna × area matrix of flags), with no merge."""

    codes: pd.Index  # comuna codes
    regions: np.ndarray  # region codes, sorted
    member: np.ndarray  # regions × comunas, 1.0 where the comuna is in the region
    people: np.ndarray  # population of each comuna

    @classmethod
    def of(cls, comunas: pd.DataFrame, population: pd.DataFrame) -> ComunaWeights:
        position = positions(comunas["codigo"], population["codigo"])
        values = population["poblacion"].to_numpy(dtype="float64", na_value=np.nan)
        people = np.where(position >= 0, values[position], np.nan)
        keep = people > 0  # NaN (unknown) compares False
        regions, where = np.unique(
            comunas["codigo_region"].to_numpy(dtype=str)[keep], return_inverse=True
        )
        member = np.zeros((len(regions), int(keep.sum())))
        member[where, np.arange(member.shape[1])] = 1.0
        return cls(pd.Index(comunas["codigo"][keep].array), regions, member, people[keep])

    def index(self, counts: pd.DataFrame, areas: Sequence[str] | None = None) -> pd.DataFrame:
        """synergy_index for these comunas, from per-(comuna, area) counts with `converge`."""
        listed = list(counts["area_tematica"].unique()) if areas is None else list(areas)
        names = sorted({*listed, ALL_AREAS})
        flags = self._flags(counts, names)
        size, total = self.member.sum(axis=1), self.member @ self.people
        covered = self.member @ (flags * self.people[:, None])
        result = pd.DataFrame(
            {
                "codigo_region": np.repeat(self.regions, len(names)),
                "area_tematica": np.tile(np.asarray(names, dtype=object), len(self.regions)),
                "comunas": np.repeat(size, len(names)).astype("int64"),
                "comunas_convergentes": (self.member @ flags).ravel().astype("int64"),
                "poblacion": np.repeat(total, len(names)),
                "poblacion_convergente": covered.ravel(),
            }
        )
        result["indice_sinergia"] = result["poblacion_convergente"] / result["poblacion"]
        return result

    def _flags(self, counts: pd.DataFrame, areas: list[str]) -> np.ndarray:
        """comuna × area matrix: 1.0 where the comuna converges in the area ('todas': in any)."""
        flags = np.zeros((len(self.codes), len(areas)))
        converging = counts["converge"].to_numpy(dtype=bool)
        comuna = positions(counts["codigo_comuna"], self.codes)[converging]
        area = positions(counts["area_tematica"], pd.Index(areas, dtype=object))[converging]
        shown = (comuna >= 0) & (area >= 0)
        flags[comuna[shown], area[shown]] = 1.0
        flags[comuna[comuna >= 0], areas.index(ALL_AREAS)] = 1.0
        return flags


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
