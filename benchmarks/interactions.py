"""Server-side interactions through the real query/indicator functions, timed against the
same answers computed with pandas (benchmarks.baselines), with the answers checked equal.

The goal screens (scorecard, goal page, weekly review) have no pandas baseline: they read the
goal tables, a few thousand rows whatever the number of deliveries."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from benchmarks import baselines
from benchmarks.timing import median, p95, samples
from dashboard.explore import exports
from dashboard.explore import views as explore_views
from dashboard.goal_page import data as goal_page_data
from dashboard.server import cache, defaults
from dashboard.territory import cached as territory_cached
from dashboard.territory import data as td
from dashboard.territory.convergence_data import ConvergenceState, convergence_view
from dashboard.territory.filters import TerritoryFilters
from indicators import goal_report
from indicators.synergy import ALL_AREAS
from indicators.territory_report import TerritoryQuery, TerritoryReport, report_years
from warehouse import goals as goal_queries
from warehouse import territory as territory_queries
from warehouse.territory import Selection

# "Sin caché de valores": the territorial values memo (reports, coverage, map tables) emptied.
clear_values = territory_cached.VALUES.clear

REGION = "05"  # Valparaíso: a region with islands and many comunas
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Interaction:
    name: str
    label: str  # Spanish, for RESULTS.md
    p95_target_ms: float
    duckdb_ms: list[float]
    pandas_ms: list[float] | None  # None: no pandas baseline
    equal: bool | None  # answers equal (None: no baseline to compare)

    @property
    def p95_ms(self) -> float:
        return p95(self.duckdb_ms)

    @property
    def speedup(self) -> float | None:
        """pandas median over DuckDB median (> 1: the warehouse is faster)."""
        if not self.pandas_ms:
            return None
        return median(self.pandas_ms) / median(self.duckdb_ms)


def _ms(fn: Callable[[], object], n: int, before: Callable[[], None] | None = None) -> list[float]:
    return [s * 1000 for s in samples(fn, n, before)]


def _same(got: pd.Series, want: pd.Series) -> bool:
    """Same index and equal values within TOLERANCE (NaN equals NaN)."""
    got, want = got.sort_index(), want.sort_index()
    if list(got.index) != list(want.index):
        return False
    a, b = got.to_numpy(float), want.to_numpy(float)
    return bool(np.allclose(a, b, rtol=0, atol=TOLERANCE, equal_nan=True))


def _coverage(report) -> pd.Series:
    return report.territorios.set_index("codigo")["cobertura"]


def _same_report(report: TerritoryReport, want: baselines.ReportAnswers) -> bool:
    """Coverage, the σ series, the synergy index ('todas') and the top pairs all agree."""
    synergy = report.sinergia[report.sinergia["area_tematica"] == ALL_AREAS]
    pairs = report.pares[["area_tematica", "servicio_a", "servicio_b", "comunas"]]
    return (
        _same(_coverage(report), want.coverage)
        and _same(report.sigma.set_index("anio")["cv"], want.sigma.dropna())
        and _same(synergy.set_index("codigo_region")["indice_sinergia"], want.synergy)
        and pairs.to_numpy().tolist() == want.pairs.to_numpy().tolist()
    )


def run(con: duckdb.DuckDBPyConnection, n: int, today: date) -> list[Interaction]:
    """Every interaction, `n` timed calls each; pandas frames are read before any timing."""
    frames = baselines.Frames.read(con)
    base = defaults.read_defaults(con)
    first, last = date(base.as_of.year, 1, 1), base.as_of
    results = []

    def convergence(level: str, region: str | None) -> Callable[[], TerritoryReport]:
        """The convergence page's report, as its callback computes it (convergence_view)."""
        filters = TerritoryFilters(first_month=first, last_month=last)
        state = ConvergenceState(filters=filters, level=level, region=region)
        return lambda: convergence_view(con, state).report

    query = TerritoryQuery(first_month=first, last_month=last)
    years = report_years(con, query)
    got = convergence("region", None)()
    want = baselines.region_report(frames, first, last, years)
    results.append(Interaction(
        "territorio_regiones",
        "Página de convergencia, nivel región (convergence_view, sin caché de valores)", 100,
        _ms(convergence("region", None), n, clear_values),
        _ms(lambda: baselines.region_report(frames, first, last, years), n),
        _same_report(got, want),
    ))  # fmt: skip

    def region_sums() -> pd.DataFrame:
        return territory_queries.region_deliveries(con, Selection(), first, last)

    results.append(Interaction(
        "consulta_regiones", "Consulta de beneficiarios por región (region_deliveries)", 100,
        _ms(region_sums, n),
        _ms(lambda: baselines.region_beneficiaries(frames, first, last), n),
        _same(region_sums().set_index("codigo")["beneficiarios"],
              baselines.region_beneficiaries(frames, first, last)),
    ))  # fmt: skip
    got = convergence("comuna", REGION)()
    want = baselines.comuna_report(frames, first, last, years, REGION)
    results.append(Interaction(
        "territorio_comunas",
        f"Página de convergencia, comunas de la región {REGION} (convergence_view, sin caché"
        " de valores)", 100,
        _ms(convergence("comuna", REGION), n, clear_values),
        _ms(lambda: baselines.comuna_report(frames, first, last, years, REGION), n),
        _same_report(got, want),
    ))  # fmt: skip
    results.append(_region_page(con, frames, first, last, n))
    results += _map_values(con, frames, n)
    results += _explorer(con, frames, first, last, n)
    results.append(Interaction(
        "tablero_metas", "Tablero de metas (goal_scorecard)", 100,
        _ms(lambda: goal_report.goal_scorecard(con, base.as_of), n), None, None,
    ))  # fmt: skip
    results.append(_goal_page(con, n))
    results.append(Interaction(
        "revision_semanal", "Revisión semanal (review)", 100,
        _ms(lambda: goal_report.review(con, base.review_from, base.review_to, today=today), n),
        None, None,
    ))  # fmt: skip
    return results


def _region_page(
    con: duckdb.DuckDBPyConnection, frames: baselines.Frames, first: date, last: date, n: int
) -> Interaction:
    """The drill-down to one region: the region page's data (region_view: the region against
    Chile, its comunas, services and PMG stages, products, commitments, goals), against pandas'
    coverage of the region's comunas (which is all pandas computes)."""
    filters = TerritoryFilters(first_month=first, last_month=last)

    def page() -> td.RegionView:
        view = td.region_view(con, REGION, filters)
        assert view is not None, f"la región {REGION} no existe en los datos"
        return view

    want = baselines.comuna_coverage(frames, first, last, REGION)
    return Interaction(
        "pagina_region", f"Página de la región {REGION} (region_view, sin caché de valores)", 100,
        _ms(page, n, clear_values),
        _ms(lambda: baselines.comuna_coverage(frames, first, last, REGION), n),
        _same(_coverage(page().comunas), want),
    )  # fmt: skip


def _map_values(con, frames: baselines.Frames, n: int) -> list[Interaction]:
    """The map page's values (territory_data.map_view) for Chile's regions and for the comunas
    of REGION (a click on the map), each against pandas' coverage of the same territories.

    "Sin caché de valores": before each call the cache of computed values (reports, boards) is
    emptied, so every call computes its figures from the warehouse, as a new filter
    combination does; what depends on the version of the data only (filter catalogue,
    defaults, region names, the territories' population) stays, as it does between two
    interactions in a meeting. The first view after a load, with every cache empty, is
    measured apart."""
    chile, comunas = td.MapState(), td.MapState(region=REGION)
    first, last = td.map_view(con, chile).state.filters.period()
    regions = baselines.region_coverage(frames, first, last)
    in_region = baselines.comuna_coverage(frames, first, last, REGION)

    def same(state: td.MapState, want: pd.Series) -> bool:
        return _same(td.map_view(con, state).table.set_index("codigo")["cobertura"], want)

    def step(name: str, label: str, target: float, state, want, pandas, clear) -> Interaction:
        return Interaction(
            name,
            label,
            target,
            _ms(lambda: td.map_view(con, state), n, clear),
            _ms(pandas, n),
            same(state, want),
        )

    return [
        step("valores_mapa", "Valores del mapa, regiones (map_view, sin caché de valores)", 20,
             chile, regions, lambda: baselines.region_coverage(frames, first, last),
             clear_values),
        step("valores_mapa_comunas",
             f"Valores del mapa, comunas de la región {REGION} (map_view, sin caché de valores)",
             20, comunas, in_region,
             lambda: baselines.comuna_coverage(frames, first, last, REGION), clear_values),
        step("mapa_tras_carga", "Mapa tras una carga (map_view, todas las cachés vacías)", 100,
             chile, regions, lambda: baselines.region_coverage(frames, first, last),
             cache.clear_all),
    ]  # fmt: skip


def explorer_request(first: date, last: date) -> explore_views.ExploreRequest:
    """The explorer as its URL asks for it: deliveries at comuna level of REGION, summed over
    the period (the page's default breakdown), read by `explore_views.parse_request`."""
    args = {
        explore_views.DATASET_PARAM: "entregas", "nivel": "comuna", "region": REGION,
        "desde": f"{first:%Y-%m}", "hasta": f"{last:%Y-%m}",
    }  # fmt: skip
    request = explore_views.parse_request(args)
    dropped = set(args) - {explore_views.DATASET_PARAM, *request.args}
    if request.dataset != "entregas" or dropped:  # the page renamed a control
        raise ValueError(f"el explorador ya no lee {sorted(dropped)} en {request}")
    return request


# The columns that identify a row of the grid (the region is fixed) and the exact numbers.
_GRID_KEYS = ["codigo_comuna", "comuna", "area_tematica", "servicio"]
_GRID_COUNTS = ["beneficiarios", "meses"]


def _cells(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    return frame[columns].astype(object).where(frame[columns].notna(), None).to_numpy().tolist()


def same_grid(view: explore_views.ExploreView, want: pd.DataFrame, total: int) -> bool:
    """The same total, and the grid's page holds pandas' rows in pandas' order: the same
    (comuna, area, service) keys and the same beneficiaries and months, exactly."""
    got = view.rows
    return (
        view.total == total
        and len(got) == len(want)
        and _cells(got, _GRID_KEYS) == _cells(want, _GRID_KEYS)
        and _cells(got, _GRID_COUNTS) == _cells(want, _GRID_COUNTS)
    )


def read_csv(content: bytes) -> pd.DataFrame:
    """An exported CSV read back as text, in the dialect dashboard.explore.exports writes."""
    return pd.read_csv(
        io.BytesIO(content), sep=exports.CSV_SEPARATOR, decimal=exports.CSV_DECIMAL,
        encoding=exports.CSV_ENCODING, dtype=str, keep_default_na=False,
    )  # fmt: skip


def same_csv(got: bytes, want: bytes, beneficiaries: str) -> bool:
    """The same headers, data rows and first column (the comuna codes, in order), and the
    same beneficiary total parsed back from each file (header `beneficiaries`)."""
    a, b = read_csv(got), read_csv(want)

    def total(frame: pd.DataFrame) -> int:
        return int(frame[beneficiaries].astype("int64").sum())

    return (
        list(a.columns) == list(b.columns)
        and len(a) == len(b)
        and a.iloc[:, 0].tolist() == b.iloc[:, 0].tolist()
        and total(a) == total(b)
    )


def _explorer(con, frames: baselines.Frames, first: date, last: date, n: int) -> list[Interaction]:
    """The explorer page's two calls for one region's comunas over the period: the grid (its
    first GRID_LIMIT rows and the total) and the CSV export of every row."""
    request = explorer_request(first, last)
    limit = explore_views.GRID_LIMIT

    def grid() -> explore_views.ExploreView:
        return explore_views.load_view(con, request)

    def pandas_grid() -> tuple[pd.DataFrame, int]:
        return baselines.explorer_page(frames, first, last, REGION, limit)

    view = grid()
    labels = {c.name: c.label for c in view.query.columns}

    def export() -> bytes:
        return explore_views.export_file(con, request, "csv")[0]

    def pandas_export() -> bytes:
        return baselines.explorer_csv(frames, first, last, REGION, labels)

    return [
        Interaction(
            "explorador_filtrar",
            f"Explorador: filtrar entregas por comuna de la región {REGION} (load_view)", 100,
            _ms(grid, n), _ms(pandas_grid, n), same_grid(view, *pandas_grid()),
        ),
        Interaction(
            "explorador_exportar",
            f"Explorador: exportar CSV de esas entregas (export_file, {view.total:,} filas)", 100,
            _ms(export, n), _ms(pandas_export, n),
            same_csv(export(), pandas_export(), labels["beneficiarios"]),
        ),
    ]  # fmt: skip


def goal_with_regions(con: duckdb.DuckDBPyConnection) -> str:
    """The first current goal (by code) with progress reported for a region other than its
    own scope: its page then also computes the regional breakdown."""
    goals = goal_queries.goals(con)
    progress = goal_queries.progress(con)
    scope = progress["codigo_meta"].map(goals.set_index("codigo_meta")["ambito"])
    regional = progress[progress["region"].notna() & (progress["region"] != scope)]
    codes = sorted(set(regional["codigo_meta"]) & set(goals["codigo_meta"]))
    if not codes:
        raise ValueError("ninguna meta vigente tiene avance por región")
    return codes[0]


def _goal_page(con: duckdb.DuckDBPyConnection, n: int) -> Interaction:
    """The goal page's data (dashboard.goal_page.data.load_goal_page) for a goal with a regional
    breakdown, at the default month, opened for the first time in this data version (the
    goal's reads, the defaults and every other cache emptied before each sample)."""
    codigo = goal_with_regions(con)
    page = goal_page_data.load_goal_page(con, codigo)
    if page is None or page.regions.empty:
        raise RuntimeError(f"la página de la meta {codigo} no muestra desglose por región")
    return Interaction(
        "detalle_meta",
        f"Detalle de una meta (load_goal_page), {codigo} con desglose por región", 100,
        _ms(lambda: goal_page_data.load_goal_page(con, codigo), n, cache.clear_all), None, None,
    )  # fmt: skip
