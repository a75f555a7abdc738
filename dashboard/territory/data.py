"""The data behind the map and region pages: one call per render.

`map_view` and `region_view` are what the pages pass to `dashboard.server.database.run`:
each reads the coverage report of its views (indicators.territory_report.coverage_report:
coverage, gap and service convergence, a handful of small queries on the pre-aggregated
tables) and, where needed, the goal board (dashboard.server.board), and returns a frozen view
that the builders in `dashboard.territory.map_views` turn into figures and tables. Only the
convergence page reads the full territorial report (σ, β, Theil, pairs, commitments). Reads
are kept per data version (dashboard.territory.cached; the rules are in docs/caching.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from dashboard.server import board as goal_board
from dashboard.server import defaults
from dashboard.server.board import goals_in_region, region_red_share
from dashboard.server.cache import data_version
from dashboard.territory.cached import VALUES, cached_catalog, cached_coverage, regions
from dashboard.territory.filters import FilterCatalog, TerritoryFilters, parse
from dashboard.territory.synergy import with_synergy
from indicators.commitments import commitment_status
from indicators.territory_report import CoverageReport, commitments_summary, stages
from warehouse import commitments as commitment_queries
from warehouse import provenance, territory_catalog
from warehouse.figure_access import reads_every_region, reads_region_detail


@dataclass(frozen=True)
class Indicator:
    """One choice of the map's indicator selector."""

    label: str  # selector and caption
    legend: str  # colour bar title and table header
    digits: int = 0
    help: str = ""


INDICATORS: dict[str, Indicator] = {
    "cobertura": Indicator(
        "Cobertura", "Beneficiarios por 1.000 hab.", 1,
        "Beneficiarios (sumados sobre los meses del periodo) por cada 1.000 habitantes.",
    ),
    "beneficiarios": Indicator(
        "Beneficiarios", "Beneficiarios", 0,
        "Beneficiarios sumados sobre los meses del periodo (beneficiario-mes).",
    ),
    "gasto_corriente": Indicator(
        "Gasto corriente per cápita", "Gasto corriente per cápita (CLP)", 0,
        "Gasto corriente del periodo dividido por la población.",
    ),
    "gasto_inversion": Indicator(
        "Gasto de inversión per cápita", "Gasto de inversión per cápita (CLP)", 0,
        "Gasto de inversión del periodo dividido por la población.",
    ),
    "sinergia": Indicator(
        "Convergencia de servicios", "Población en comunas con convergencia (%)", 0,
        "Una comuna converge cuando al menos dos servicios entregan en ella en una misma área "
        "temática. Considera el área elegida, no el servicio ni el producto.",
    ),
    "metas_rojo": Indicator(
        "Metas en rojo", "Metas en rojo (%)", 0,
        "Porcentaje de las metas de la región (metas regionales y desgloses regionales de metas "
        "nacionales) con semáforo rojo en el mes de corte.",
    ),
}  # fmt: skip
COMUNA_SYNERGY_LEGEND = "Servicios en una misma área (máx.)"
COLUMN_OF = {
    "cobertura": "cobertura",
    "beneficiarios": "beneficiarios",
    "gasto_corriente": "gasto_corriente_per_capita",
    "gasto_inversion": "gasto_inversion_per_capita",
    "sinergia": "sinergia",
    "metas_rojo": "metas_rojo",
}
SCHEMES = {"cuantiles": "Cuantiles", "cortes_naturales": "Cortes naturales"}


# --------------------------------------------------------------------------- map state


@dataclass(frozen=True)
class MapState:
    """Everything the map shows, as read from and written to the URL."""

    filters: TerritoryFilters = field(default_factory=TerritoryFilters)
    indicator: str = "cobertura"
    scheme: str = "cuantiles"
    region: str | None = None

    def to_params(self) -> dict[str, str]:
        params = {"indicador": self.indicator, "clases": self.scheme}
        if self.region:
            params["region"] = self.region
        return params | self.filters.to_params()


def parse_map_state(args: Mapping[str, object]) -> MapState:
    """The map's state from URL parameters; unknown values fall back to the defaults."""
    indicator = str(args.get("indicador") or "cobertura")
    scheme = str(args.get("clases") or "cuantiles")
    region = str(args.get("region") or "").strip() or None
    return MapState(
        filters=parse(args),
        indicator=indicator if indicator in INDICATORS else "cobertura",
        scheme=scheme if scheme in SCHEMES else "cuantiles",
        region=region,
    )


# --------------------------------------------------------------------------- helpers


def goals_month(filters: TerritoryFilters, latest: date) -> date:
    """Goal lights are read at the latest month with data, or at the end of an earlier period."""
    return min(latest, filters.period()[1])


# --------------------------------------------------------------------------- region codes

# Roman numerals as older files and people still write them (RM = Metropolitana).
ROMAN = {
    "XV": "15", "I": "01", "II": "02", "III": "03", "IV": "04", "V": "05", "RM": "13",
    "XIII": "13", "VI": "06", "VII": "07", "XVI": "16", "VIII": "08", "IX": "09", "XIV": "14",
    "X": "10", "XI": "11", "XII": "12",
}  # fmt: skip
ROMAN_OF = {code: numeral for numeral, code in ROMAN.items() if numeral != "XIII"}


def _compact(text: str) -> str:
    """'Región de O'Higgins' -> 'ohiggins': lower case, no accents, no 'región de', no spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"^\s*region(\s+del?)?\s+", "", plain)
    return re.sub(r"[^a-z0-9]", "", plain)


def resolve_region(text: str | None, known: pd.DataFrame) -> str | None:
    """A region code from what people type: '05', '5', 'V', 'valparaiso', 'Región de Ñuble',
    'rm', 'araucania'. `known` has codigo, nombre, nombre_corto. None when nothing (or more
    than one region) matches."""
    raw = (text or "").strip()
    if not raw:
        return None
    codes = set(known["codigo"])
    if raw.isdigit():
        code = raw.zfill(2)
        return code if code in codes else None
    if raw.upper() in ROMAN:
        return ROMAN[raw.upper()] if ROMAN[raw.upper()] in codes else None
    wanted = _compact(raw)
    if not wanted:
        return None
    names = {
        code: {_compact(long), _compact(short)}
        for code, long, short in known[["codigo", "nombre", "nombre_corto"]].itertuples(index=False)
    }
    exact = [code for code, forms in names.items() if wanted in forms]
    if len(exact) == 1:
        return exact[0]
    partial = [code for code, forms in names.items() if any(wanted in f for f in forms)]
    return partial[0] if len(partial) == 1 and len(wanted) >= 4 else None


# --------------------------------------------------------------------------- map


@dataclass(frozen=True)
class MapView:
    """One map render: the resolved state, the coverage report and a table of every territory."""

    state: MapState  # filters valid for the data, period resolved, region checked
    report: CoverageReport
    table: pd.DataFrame  # report.territorios + sinergia + metas_rojo (+ metas, rojas)
    region_name: str | None
    catalog: FilterCatalog
    last_load: datetime | None
    goals_month: date | None  # as-of month of the goal lights, when shown
    deliveries: provenance.DeliveryLoads | None = None  # the "Fuente" line under the figures

    @property
    def level(self) -> str:
        return "comuna" if self.state.region else "region"

    @property
    def column(self) -> str:
        return COLUMN_OF[self.state.indicator]


def map_view(con: duckdb.DuckDBPyConnection, state: MapState) -> MapView:
    """Everything one map render shows, from one coverage report (cached)."""
    version = data_version(con)
    catalog = cached_catalog(con, version)
    base = defaults.read_defaults(con)
    filters = state.filters.valid_for(catalog).with_period(catalog)
    known = regions(con, version)
    region = resolve_region(state.region, known)
    state = replace(state, filters=filters, region=region)
    level = "comuna" if region else "region"
    query = filters.query(level, region)
    report = cached_coverage(con, query, version)
    table = VALUES.get(
        ("map_table", version, query), lambda: with_synergy(report, level, filters.area)
    )
    month = None
    if state.indicator == "metas_rojo" and level == "region":
        month = goals_month(filters, base.as_of)
        board = goal_board.cached_board(con, month)
        red = region_red_share(board, filters.area, filters.servicio)
        red = red[["codigo", "metas", "rojas", "valor", "sin_acceso"]].rename(
            columns={"valor": "metas_rojo", "sin_acceso": "sin_acceso_metas"}
        )
        table = table.merge(red, on="codigo", how="left")
    else:
        table = table.assign(metas_rojo=float("nan"))
    table = _unknown_outside_scope(table, version[3], region, state.indicator)  # type: ignore[arg-type]
    names = dict(zip(known["codigo"], known["nombre_corto"], strict=True))
    return MapView(
        state, report, table, names.get(region) if region else None, catalog,
        base.last_load, month, deliveries=provenance.delivery_loads(con),
    )  # fmt: skip


def delivery_columns(table: pd.DataFrame) -> list[str]:
    """The figures of a territory table computed from deliveries (population is everyone's)."""
    reference = {"poblacion", "anio_poblacion"}
    return [c for c in table.select_dtypes("number").columns if c not in reference]


def _unknown_outside_scope(
    table: pd.DataFrame, scope_key: tuple[object, ...], region: str | None, indicator: str
) -> pd.DataFrame:
    """Values computed on rows the viewer may not read are NaN, and `sin_acceso` is true where
    the indicator shown is one of them, so the map says "sin acceso", never 0 or "sin datos"
    (warehouse.figure_access.FIGURE_ACCESS): for a regional account, the comunas of another
    region and the service convergence of other regions; for anyone, the share of goals in red
    of a region with a goal whose light they may not read. Totals per region are every staff
    role's."""
    hidden = np.zeros(len(table), dtype=bool)
    columns: list[str] = []
    if region is not None and not reads_region_detail(scope_key, region):
        hidden[:] = True
        columns = delivery_columns(table)
    elif region is None and not reads_every_region(scope_key):
        hidden = (table["codigo"].astype(str) != str(scope_key[2])).to_numpy(dtype=bool)
        columns = ["sinergia"]
    table = table.copy()
    if hidden.any():
        table[columns] = table[columns].astype(float)
        table.loc[hidden, columns] = float("nan")
    goals_hidden = table.pop("sin_acceso_metas") if "sin_acceso_metas" in table else None
    goals_hidden = (
        np.zeros(len(table), dtype=bool)
        if goals_hidden is None
        else goals_hidden.fillna(False).to_numpy(dtype=bool)
    )
    # Per row, the columns that read "sin acceso" (the map's table writes them so).
    hidden_columns = [
        ",".join([*(columns if secret else []), *(["metas_rojo"] if goals else [])])
        for secret, goals in zip(hidden, goals_hidden, strict=True)
    ]
    shown = np.array([COLUMN_OF[indicator] in c.split(",") for c in hidden_columns], dtype=bool)
    return table.assign(sin_acceso=shown, ocultas=hidden_columns)


# --------------------------------------------------------------------------- region page


@dataclass(frozen=True)
class RegionView:
    """The intendente's page: the region against Chile, its comunas, services, commitments,
    PMG stages and goals, for one set of filters."""

    code: str
    name: str
    short_name: str
    filters: TerritoryFilters
    catalog: FilterCatalog
    national: CoverageReport  # every region: the region's row and Chile's totals
    comunas: CoverageReport  # the region's comunas
    stages: pd.DataFrame  # PMG stage of each service delivering in the region
    products: pd.DataFrame  # territory_catalog.region_products
    commitments: pd.DataFrame  # compromisos + atrasado, dias_atraso
    goals: pd.DataFrame  # board.goals_in_region
    goals_month: date
    today: date
    last_load: datetime | None
    detail: bool = True  # the viewer reads the region's comunas, commitments and convergence
    commitment_sources: pd.DataFrame | None = None  # warehouse.provenance.commitment_sources
    deliveries: provenance.DeliveryLoads | None = None  # the "Fuente" line under the figures
    country_detail: bool = True  # ... and those of every region (Chile's convergence)


def region_view(
    con: duckdb.DuckDBPyConnection, code: str, filters: TerritoryFilters
) -> RegionView | None:
    """The region page's data; None when `code` names no region."""
    version = data_version(con)
    known = regions(con, version)
    region = resolve_region(code, known)
    if region is None:
        return None
    row = known[known["codigo"] == region].iloc[0]
    catalog = cached_catalog(con, version)
    base = defaults.read_defaults(con)
    filters = filters.valid_for(catalog).with_period(catalog)
    first, last = filters.period()
    month = goals_month(filters, base.as_of)
    board = goal_board.cached_board(con, month)
    rows = commitment_queries.commitments(
        con, region=region, area=filters.area, servicio=filters.servicio
    )
    comunas = filters.query("comuna", region)
    return RegionView(
        code=region, name=str(row["nombre"]), short_name=str(row["nombre_corto"]),
        filters=filters, catalog=catalog,
        national=cached_coverage(con, filters.query("region"), version),
        comunas=cached_coverage(con, comunas, version),
        stages=stages(con, comunas),
        products=territory_catalog.region_products(con, region, filters.selection(), first, last),
        commitments=commitment_status(rows, base.review_to),
        goals=goals_in_region(board, region, filters.area, filters.servicio),
        goals_month=month, today=base.review_to,
        last_load=base.last_load,
        commitment_sources=provenance.commitment_sources(con, region),
        deliveries=provenance.delivery_loads(con),
        detail=reads_region_detail(version[3], region),  # type: ignore[arg-type]
        country_detail=reads_every_region(version[3]),  # type: ignore[arg-type]
    )  # fmt: skip


@dataclass(frozen=True)
class RegionOverview:
    """The list of regions (no code in the URL): each with its coverage and commitments."""

    regions: pd.DataFrame  # codigo, nombre, nombre_corto
    report: CoverageReport
    commitments: pd.DataFrame  # indicators.commitments.SUMMARY_COLUMNS, per region
    filters: TerritoryFilters
    last_load: datetime | None
    scope_key: tuple[object, ...] = ("todo",)  # whose commitments are in scope

    def reads_detail(self, code: str) -> bool:
        return reads_region_detail(self.scope_key, code)


def region_overview(con: duckdb.DuckDBPyConnection) -> RegionOverview:
    version = data_version(con)
    catalog = cached_catalog(con, version)
    base = defaults.read_defaults(con)
    filters = TerritoryFilters().with_period(catalog)
    query = filters.query("region")
    report = cached_coverage(con, query, version)
    summary = commitments_summary(con, query, base.review_to)
    return RegionOverview(
        regions(con, version),
        report,
        summary,
        filters,
        base.last_load,
        version[3],  # type: ignore[arg-type]
    )


def comuna_map_view(view: RegionView) -> MapView:
    """The region's comunas as a coverage map (the map page's builders draw it)."""
    report = view.comunas
    table = with_synergy(report, "comuna", view.filters.area).assign(metas_rojo=float("nan"))
    numbers = delivery_columns(table)
    if not view.detail:  # another region's comunas, for a regional account: sin acceso
        table[numbers] = float("nan")
    table = table.assign(
        sin_acceso=not view.detail, ocultas="" if view.detail else ",".join(numbers)
    )
    state = MapState(view.filters, "cobertura", "cuantiles", view.code)
    return MapView(state, report, table, view.short_name, view.catalog, view.last_load, None)
