"""What the convergence page reads: its state (URL and controls) and one cached report.

`convergence_view` is what the page passes to `dashboard.server.database.run`; the figures and
sentences built from its report are in dashboard.territory.convergence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import duckdb
import pandas as pd

from dashboard.server.cache import data_version
from dashboard.server.defaults import read_defaults
from dashboard.territory import cached
from dashboard.territory.data import resolve_region
from dashboard.territory.filters import FilterCatalog, TerritoryFilters, parse
from indicators.territory_report import TerritoryReport
from warehouse.figure_access import reads_every_region, reads_region_detail


@dataclass(frozen=True)
class ConvergenceState:
    filters: TerritoryFilters = field(default_factory=TerritoryFilters)
    level: str = "region"
    region: str | None = None  # with level 'comuna': that region's comunas (None = all)
    from_year: int | None = None  # first year of σ and β (None = first year with data)

    def to_params(self) -> dict[str, str]:
        params = {"nivel": self.level}
        if self.level == "comuna" and self.region:
            params["region"] = self.region
        if self.from_year is not None:
            params["anio_inicial"] = str(self.from_year)
        return params | self.filters.to_params()


def parse_state(args: dict[str, object]) -> ConvergenceState:
    level = "comuna" if args.get("nivel") == "comuna" else "region"
    region = str(args.get("region") or "").strip() or None
    year = str(args.get("anio_inicial") or "")
    known = year.isascii() and year.isdigit()  # "²" is a digit to isdigit, not to int()
    return ConvergenceState(parse(args), level, region, int(year) if known else None)


@dataclass(frozen=True)
class ConvergenceView:
    state: ConvergenceState  # resolved: valid filters, a period, a known region
    report: TerritoryReport
    regions: pd.DataFrame  # regions(): codigo, nombre, nombre_corto, north to south
    names: dict[str, str]  # territory code -> short name (regions or comunas in view)
    years: list[int]  # years with deliveries, oldest first
    catalog: FilterCatalog
    last_load: datetime | None
    # What the viewer reads of this view (warehouse.figure_access.FIGURE_ACCESS): every figure, the
    # totals per region only (no service convergence), or nothing true (another region's comunas).
    access: str = "todo"


FULL, TOTALS_ONLY, NOTHING = "todo", "totales", "nada"


def view_access(scope_key: tuple[object, ...], level: str, region: str | None) -> str:
    """FULL, TOTALS_ONLY or NOTHING for a view of `level` (and `region` for comunas)."""
    if reads_every_region(scope_key):
        return FULL
    if level == "region":
        return TOTALS_ONLY
    return FULL if reads_region_detail(scope_key, region) else NOTHING


def convergence_view(con: duckdb.DuckDBPyConnection, state: ConvergenceState) -> ConvergenceView:
    """The report for one state; an unknown region or from-year falls back to the default."""
    version = data_version(con)
    catalog = cached.cached_catalog(con, version)
    filters = state.filters.valid_for(catalog).with_period(catalog)
    regions = cached.regions(con, version)
    region = resolve_region(state.region, regions) if state.level == "comuna" else None
    last_year = filters.period()[1].year
    from_year = state.from_year if state.from_year in catalog.years else None
    from_year = from_year if from_year is None or from_year <= last_year else None
    state = replace(state, filters=filters, region=region, from_year=from_year)
    query = replace(filters.query(state.level, region), from_year=from_year)
    base = read_defaults(con)
    report = cached.cached_report(con, query, base.review_to, version)
    names = dict(zip(report.territorios["codigo"], report.territorios["nombre"], strict=True))
    access = view_access(version[3], state.level, region)  # type: ignore[arg-type]
    return ConvergenceView(
        state, report, regions, names, sorted(catalog.years), catalog, base.last_load, access
    )
