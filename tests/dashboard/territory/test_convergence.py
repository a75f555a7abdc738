"""Convergence page builders, without a browser, on territorial reports of the demo warehouse:
the figures draw the report's numbers (σ series and slope, β fitted on the same points,
T_between + within = T), and the sentences say what the numbers mean. Figures are dicts; they
are read through `as_figure`, which also checks plotly would send each one unchanged."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import duckdb
import numpy as np
import pytest

from dashboard.territory import convergence as cf
from dashboard.territory import convergence_data as cd
from dashboard.territory.filters import TerritoryFilters
from indicators.territory_report import TerritoryQuery, territory_report
from tests.support.figures import as_figure
from warehouse.db import connect
from warehouse.places import territories

TODAY = date(2025, 6, 18)


@pytest.fixture(scope="module")
def con(demo_db) -> duckdb.DuckDBPyConnection:
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def regions_report(con):
    return territory_report(con, TerritoryQuery(year=2025), today=TODAY)


@pytest.fixture(scope="module")
def comunas_report(con):
    return territory_report(con, TerritoryQuery(year=2025, level="comuna", region="05"), TODAY)


@pytest.fixture(scope="module")
def regions(con):
    return territories(con, "region")[["codigo", "nombre", "nombre_corto"]]


def test_sigma_figure_draws_the_series_and_its_ols_slope(regions_report):
    fig = as_figure(cf.sigma_figure(regions_report))
    series, trend = fig.data
    assert list(series.y) == pytest.approx(regions_report.sigma["cv"].tolist())
    slope = (trend.y[-1] - trend.y[0]) / (trend.x[-1] - trend.x[0])
    assert slope == pytest.approx(regions_report.sigma_pendiente)
    assert series.text[-1].endswith("(5 meses)")  # 2025: January to May
    assert "(" not in series.text[0]
    assert fig.layout.xaxis.title.text == "Año" and list(fig.layout.xaxis.tickvals) == [2024, 2025]


@pytest.mark.parametrize(
    ("slope", "words"),
    [
        (-0.01, "la dispersión cae (pendiente -0,0100 por año): hay σ-convergencia."),
        (0.002, "la dispersión sube (pendiente 0,0020 por año): no hay σ-convergencia."),
    ],
)
def test_sigma_sentence_says_whether_dispersion_falls(regions_report, slope, words):
    report = dataclasses.replace(regions_report, sigma_pendiente=slope)
    assert cf.sigma_sentence(report) == "Entre 2024 y 2025 " + words


def test_sigma_with_one_year_asks_for_two(regions_report):
    report = dataclasses.replace(regions_report, sigma_pendiente=math.nan)
    assert "al menos dos años" in cf.sigma_sentence(report)
    assert len(as_figure(cf.sigma_figure(report)).data) == 1  # no trend line


def test_beta_points_reproduce_the_reports_beta(regions_report, regions):
    names = dict(zip(regions["codigo"], regions["nombre_corto"], strict=True))
    points = cf.beta_points(regions_report, names)
    beta = regions_report.beta
    assert len(points) == beta.n == 16
    slope, intercept = np.polyfit(points["x"], points["g"], 1)
    assert slope == pytest.approx(beta.beta) and intercept == pytest.approx(beta.alfa)
    fig = as_figure(cf.beta_figure(regions_report, names))
    assert "Arica y Parinacota" in list(fig.data[0].text)
    line = fig.data[1]
    assert (line.y[1] - line.y[0]) / (line.x[1] - line.x[0]) == pytest.approx(beta.beta)
    assert fig.layout.xaxis.title.text == "ln cobertura 2024 (por 1.000 hab.)"


def test_beta_sentence_names_beta_error_r2_and_n(regions_report, comunas_report):
    text = cf.beta_sentence(regions_report, "region")
    beta = regions_report.beta
    assert text.startswith(f"β = {cf.decimal(beta.beta)} (error estándar ")
    assert "n = 16 regiones con cobertura en 2024 y 2025" in text
    assert "no hay β-convergencia" in text  # β > 0 in the demo
    assert "n = 38 comunas" in cf.beta_sentence(comunas_report, "comuna")
    converging = dataclasses.replace(beta, beta=-0.5, error_estandar=0.1)
    text = cf.beta_sentence(dataclasses.replace(regions_report, beta=converging), "region")
    assert "crecieron más rápido: hay β-convergencia" in text and "imprecisa" not in text


def test_beta_without_estimate(regions_report):
    report = dataclasses.replace(regions_report, beta=None)
    assert cf.beta_sentence(report, "region").startswith("No se puede estimar β")
    assert cf.beta_points(report, {}).empty


def test_theil_bars_add_up_to_the_total(comunas_report, regions_report):
    fig = as_figure(cf.theil_figure(comunas_report))
    between, within = (bar.x[0] for bar in fig.data)
    assert between + within == pytest.approx(comunas_report.theil.total, abs=1e-12)
    assert fig.data[0].name == "T entre provincias"
    assert "= " + cf.decimal(comunas_report.theil.total, 4) in cf.theil_sentence(comunas_report)
    assert fig.layout.barmode == "stack" and fig.data[1].marker.color == cf.ORANGE
    (total,) = as_figure(cf.theil_figure(regions_report)).data  # regions: no groups to split
    assert total.x[0] == pytest.approx(regions_report.theil.total)
    assert "se calcula al mirar comunas" in cf.theil_sentence(regions_report)


def test_synergy_bars_go_north_to_south(regions_report, comunas_report, regions):
    rows = cf.synergy_rows(regions_report, regions, None)
    assert rows["nombre"].tolist() == regions["nombre_corto"].tolist()
    index = regions_report.sinergia.set_index(["codigo_region", "area_tematica"])
    assert rows["indice"].iloc[0] == pytest.approx(
        index.loc[("15", "todas"), "indice_sinergia"] * 100
    )
    social = cf.synergy_rows(regions_report, regions, "social")
    assert social["indice"].iloc[0] == pytest.approx(
        index.loc[("15", "social"), "indice_sinergia"] * 100
    )
    one_region = cf.synergy_rows(comunas_report, regions, None)
    assert "Todas las áreas" in one_region["nombre"].tolist()
    assert cf.synergy_sentence(comunas_report, regions, None) == "Por área temática, en Valparaíso."
    fig = as_figure(cf.synergy_figure(regions_report, regions, None))
    assert fig.layout.yaxis.autorange == "reversed"  # first region (north) on top
    assert list(fig.data[0].y) == rows["nombre"].tolist() and fig.layout.height == 16 * 32 + 60
    areas = as_figure(cf.synergy_figure(comunas_report, regions, None)).data[0]
    assert list(areas.y) == one_region["nombre"].tolist()


def test_figures_without_data_say_why(regions_report, regions):
    empty = {
        "Sin entregas en los años elegidos": cf.sigma_figure(
            dataclasses.replace(regions_report, sigma=regions_report.sigma.iloc[0:0])
        ),
        "β requiere dos años distintos": cf.beta_figure(
            dataclasses.replace(regions_report, beta=None), {}
        ),
        "Sin beneficiarios en el periodo": cf.theil_figure(
            dataclasses.replace(
                regions_report, theil=dataclasses.replace(regions_report.theil, total=math.nan)
            )
        ),
        "Sin entregas por comuna en el periodo": cf.synergy_figure(
            dataclasses.replace(regions_report, sinergia=regions_report.sinergia.iloc[0:0]),
            regions,
            None,
        ),
    }
    for words, figure in empty.items():
        fig = as_figure(figure)
        assert fig.data == () and fig.layout.annotations[0].text.startswith(words)
        assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
        assert fig.layout.height == 220 and fig.layout.showlegend is False


def test_empty_figure_is_one_centred_note():
    figure = cf.empty_figure("Nada")
    assert type(figure) is dict  # what Dash sends, without graph objects (issue 6)
    fig = as_figure(figure)
    (note,) = fig.layout.annotations
    assert (note.text, note.x, note.y, note.xref, note.showarrow) == (
        "Nada",
        0.5,
        0.5,
        "paper",
        False,
    )
    assert fig.layout.margin.t == 10


def test_pairs_table_and_cards(regions_report):
    table = cf.pairs_table(regions_report)
    body = table.children.children[1]
    assert len(body.children) == min(10, len(regions_report.pares))
    first = regions_report.pares.iloc[0]
    assert body.children[0].children[1].children == first["servicio_a"]
    labels = [label for label, *_ in cf.cards(regions_report)]
    assert labels == ["Coeficiente de variación", "β-convergencia", "Índice de Theil", "Gini"]
    assert cf.cards(regions_report)[0][1] == cf.decimal(regions_report.cv)


def test_state_round_trips_through_the_url():
    args = {"nivel": "comuna", "region": "05", "anio_inicial": "2024", "anio": "2025"}
    state = cd.parse_state(args)
    assert state.level == "comuna" and state.region == "05" and state.from_year == 2024
    assert state.to_params() == args | {"anio": "2025"}
    assert cd.parse_state({"nivel": "provincia", "anio_inicial": "x"}) == cd.ConvergenceState()
    assert cd.parse_state({"anio_inicial": "²"}) == cd.ConvergenceState()  # a digit, not an int


def test_view_falls_back_on_unknown_region_and_late_from_year(con):
    state = cd.ConvergenceState(TerritoryFilters(year=2024), "comuna", "Atlantis", 2025)
    view = cd.convergence_view(con, state)
    assert view.state.region is None and view.state.from_year is None  # 2025 > period 2024
    assert len(view.report.territorios) == 345  # every comuna of Chile
    view = cd.convergence_view(con, cd.ConvergenceState(level="comuna", region="valparaiso"))
    assert view.state.region == "05" and view.state.filters.year == 2025
    assert view.names["05101"] == "Valparaíso"
