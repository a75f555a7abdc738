"""Territorial filters, region codes, map and region builders, without a browser.

The builders run on views read from the real demo warehouse (`demo_db`, read-only), so the
figures checked here are the ones the pages show.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from dash._utils import to_json

from dashboard.review.views import red_share_figure
from dashboard.server.board import load_board, region_red_share
from dashboard.territory import cached, synergy
from dashboard.territory import data as td
from dashboard.territory import map_views as tv
from dashboard.territory import region_views as rv
from dashboard.territory.filters import (
    FilterCatalog,
    TerritoryFilters,
    from_controls,
    parse,
    product_options,
)
from loaders.contracts import AREA_LABELS
from tests.support.figures import as_figure
from tests.support.sessions import staff_request
from warehouse import territory_catalog
from warehouse.db import connect
from warehouse.territory import Selection

GEO_URL = "/assets/geo/regiones.json"
COMUNAS_URL = "/assets/geo/comunas.json"


@pytest.fixture(scope="module")
def con(demo_db: Path):
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, TerritoryFilters()),
        ({"anio": "2024"}, TerritoryFilters(year=2024)),
        ({"anio": "dos mil"}, TerritoryFilters()),
        (
            {"area": "social", "servicio": "FOSIS"},
            TerritoryFilters(area="social", servicio="FOSIS"),
        ),
        ({"area": "deportes"}, TerritoryFilters()),
        (
            {"desde": "2025-03", "hasta": "2024-11", "anio": "2023"},
            TerritoryFilters(first_month=date(2024, 11, 1), last_month=date(2025, 3, 1)),
        ),
        ({"desde": "2025-03"}, TerritoryFilters()),
        ({"desde": "2025-13", "hasta": "2025-05", "anio": "2025"}, TerritoryFilters(year=2025)),
        ({"producto": ["Bono", "otro"]}, TerritoryFilters(producto="Bono")),
    ],
)
def test_url_parameters_are_read_leniently(args, expected):
    assert parse(args) == expected


def test_filters_round_trip_through_the_url():
    for filters in (
        TerritoryFilters(area="cultural", servicio="S", producto="P", year=2025),
        TerritoryFilters(first_month=date(2024, 6, 1), last_month=date(2025, 5, 1)),
    ):
        assert parse(filters.to_params()) == filters


def test_controls_in_month_mode_use_the_range_and_fall_back_to_the_year():
    months = from_controls("social", None, None, "meses", 2025, "2025-01", "2025-03")
    assert (months.first_month, months.last_month, months.year) == (
        date(2025, 1, 1), date(2025, 3, 1), None,
    )  # fmt: skip
    incomplete = from_controls(None, None, None, "meses", 2025, "2025-01", None)
    assert incomplete == TerritoryFilters(year=2025)
    assert from_controls(None, None, None, "anio", 2024, "2025-01", "2025-03").year == 2024


def test_period_and_query_follow_the_filters():
    query = TerritoryFilters(area="social", year=2024).query("comuna", "05")
    assert query.period() == (date(2024, 1, 1), date(2024, 12, 1))
    assert (query.level, query.region, query.selection) == ("comuna", "05", Selection("social"))


def test_catalog_defaults_to_the_latest_year_and_describes_partial_years(con):
    catalog = td.cached_catalog(con)
    assert catalog.years == [2025, 2024]
    filters = TerritoryFilters().with_period(catalog)
    assert filters.year == 2025
    assert filters.period_text(catalog) == "2025 (datos de ene 2025 a may 2025)"
    assert TerritoryFilters(year=2024).period_text(catalog) == "2024"
    assert TerritoryFilters(year=2019).period_text(catalog) == "2019 (sin entregas registradas)"
    assert FilterCatalog.empty().default_year == date.today().year


def test_unknown_service_or_product_is_dropped_and_products_follow_the_area(con):
    catalog = td.cached_catalog(con)
    filters = TerritoryFilters(servicio="No existe", producto="Tampoco").valid_for(catalog)
    assert (filters.servicio, filters.producto) == (None, None)
    social = {o["value"] for o in product_options(catalog, "social", None)}
    every = {o["value"] for o in product_options(catalog, None, None)}
    assert social and social < every
    in_area = catalog.products[catalog.products["area_tematica"] == "social"]
    assert social == set(in_area["producto"])


# --------------------------------------------------------------------------- region codes


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("05", "05"), ("5", "05"), ("V", "05"), ("v", "05"), ("valparaiso", "05"),
        ("Región de Valparaíso", "05"), ("RM", "13"), ("santiago", "13"), ("XVI", "16"),
        ("Ñuble", "16"), ("nuble", "16"), ("araucania", "09"), ("O'Higgins", "06"),
        ("ohiggins", "06"), ("aysen", "11"), ("15", "15"),
        ("99", None), ("los", None), ("", None), ("XX", None), ("!!", None),
    ],
)  # fmt: skip
def test_regions_are_found_however_people_type_them(con, typed, code):
    assert td.resolve_region(typed, td.regions(con)) == code


# --------------------------------------------------------------------------- map views


@pytest.fixture(scope="module")
def chile(con) -> td.MapView:
    return td.map_view(con, td.MapState())


@pytest.fixture(scope="module")
def valparaiso(con) -> td.MapView:
    return td.map_view(con, td.parse_map_state({"region": "valparaiso", "indicador": "sinergia"}))


def test_map_state_round_trips_and_rejects_unknown_choices():
    state = td.parse_map_state(
        {"indicador": "metas_rojo", "clases": "cortes_naturales", "region": "05", "anio": "2024"}
    )
    assert td.parse_map_state(state.to_params()) == state
    odd = td.parse_map_state({"indicador": "pib", "clases": "otra"})
    assert (odd.indicator, odd.scheme, odd.region) == ("cobertura", "cuantiles", None)


def test_chile_map_sends_sixteen_regions_and_no_geometry(chile):
    figure = tv.map_figure(chile, GEO_URL)
    checked = as_figure(figure)
    trace = checked.data[0]
    assert trace.geojson == GEO_URL
    assert len(trace.locations) == 16
    assert list(trace.locations[:2]) == ["15", "01"]  # north to south
    assert len(to_json(figure)) < 20_000  # values only: the shapes are ~150 KB
    assert checked.layout.uirevision == "chile"
    assert tv.title(chile) == "Regiones de Chile"
    assert tv.show_islands(chile)


def test_comuna_map_of_valparaiso_frames_its_comunas(valparaiso):
    assert valparaiso.state.region == "05"
    assert valparaiso.region_name == "Valparaíso"
    figure = tv.map_figure(valparaiso, COMUNAS_URL)
    checked = as_figure(figure)
    locations = set(checked.data[0].locations)
    assert len(locations) == 38 and {"05101", "05109", "05201", "05104"} <= locations
    center = checked.layout.map.center
    assert -34 < center.lat < -32 and -72 < center.lon < -70  # mainland, not Rapa Nui
    assert checked.layout.uirevision == "05"  # another region reframes the map
    assert len(to_json(figure)) < 30_000
    assert tv.title(valparaiso) == "Comunas de Valparaíso"
    assert tv.legend(valparaiso) == td.COMUNA_SYNERGY_LEGEND
    assert tv.show_islands(valparaiso)


def test_island_insets_are_the_main_trace_cut_to_the_islands(chile, valparaiso):
    built = tv.map_figure(valparaiso, COMUNAS_URL)
    main = as_figure(built).data[0]
    inset = as_figure(tv.inset_figure(built, valparaiso, "Juan Fernández"))
    trace = inset.data[0]
    assert list(trace.locations) == ["05104"]
    where = list(main.locations).index("05104")
    assert list(trace.z) == [main.z[where]]  # same class, same colour scale
    assert trace.colorscale == main.colorscale and trace.hovertemplate == main.hovertemplate
    assert list(trace.customdata[0]) == list(main.customdata[where])
    assert trace.showscale is False and trace.geojson == COMUNAS_URL
    assert inset.layout.map.center.lon == pytest.approx(-79.8)
    assert inset.layout.uirevision == "Juan Fernández05"
    pascua = as_figure(tv.inset_figure(built, valparaiso, "Isla de Pascua"))
    assert list(pascua.data[0].locations) == ["05201"]
    national = tv.inset_figure(tv.map_figure(chile, GEO_URL), chile, "Isla de Pascua")
    assert list(as_figure(national).data[0].locations) == ["05"]  # Valparaíso's island part
    assert len(to_json(national)) < 3_000  # no shared template: values and framing only


def test_red_share_map_colours_regions_by_their_share_in_rojo(con):
    share = region_red_share(load_board(con, date(2025, 5, 1)))
    figure = as_figure(red_share_figure(share, GEO_URL))
    trace = figure.data[0]
    assert trace.geojson == GEO_URL and len(trace.locations) == 16
    assert trace.colorbar.title.text == "% de metas en rojo"
    assert trace.colorbar.ticktext[0] == "sin datos"
    no_goals = list(share["valor"].isna())
    assert [z == -1 for z in trace.z] == no_goals  # a region without goals is grey, not 0 %
    assert figure.layout.height == 560 and figure.layout.map.style == "white-bg"


def test_other_regions_show_no_islands(con):
    view = td.map_view(con, td.parse_map_state({"region": "13"}))
    assert not tv.show_islands(view)
    assert tv.title(view) == "Comunas de Metropolitana"


def test_table_has_true_values_for_sorting_and_chilean_texts(chile):
    rows = tv.table_rows(chile)
    assert len(rows) == 16
    table = chile.table.set_index("codigo")
    magallanes = next(r for r in rows if r["codigo"] == "12")
    assert magallanes["cobertura"] == pytest.approx(table.loc["12", "cobertura"])
    assert magallanes["cobertura_txt"] == tv.number_text(table.loc["12", "cobertura"], 1)
    assert "," in magallanes["cobertura_txt"]
    defs = tv.column_defs(chile)
    assert defs[0]["field"] == "nombre"
    selected = [d for d in defs if d.get("sort") == "desc"]
    assert [d["field"] for d in selected] == ["cobertura"]
    assert "metas_rojo" not in {d["field"] for d in defs}


def test_gap_names_the_highest_and_lowest_covered_territories(chile):
    gap = chile.report.brecha
    text = str(tv.gap_text(chile).children)
    names = dict(zip(chile.table["codigo"], chile.table["nombre"], strict=True))
    assert names[gap.codigo_max] in text and names[gap.codigo_min] in text
    assert tv.number_text(gap.brecha, 1) + " veces" in text
    assert gap.cobertura_max == pytest.approx(chile.table["cobertura"].max())


def test_each_indicator_maps_its_own_column(con):
    seen = {}
    for key in td.INDICATORS:
        view = td.map_view(con, td.MapState(indicator=key))
        data = tv.map_data(view)
        assert list(data.frame.columns) == ["codigo", "nombre", "valor"]
        seen[key] = tuple(data.frame["valor"].round(6))
    assert len(set(seen.values())) == len(seen)  # every indicator draws different values


def test_red_goals_share_counts_regional_goals_per_region(con):
    view = td.map_view(con, td.MapState(indicator="metas_rojo"))
    assert view.goals_month == date(2025, 5, 1)
    table = view.table.set_index("codigo")
    assert (table["rojas"] <= table["metas"]).all()
    assert table["metas_rojo"].between(0, 100).all()
    row = table.loc["05"]
    assert row["metas_rojo"] == pytest.approx(100 * row["rojas"] / row["metas"])
    texts = {r["codigo"]: r["metas_rojo_txt"] for r in tv.table_rows(view)}
    assert texts["05"].startswith(f"{int(row['rojas'])} de {int(row['metas'])}")
    assert "Semáforos de metas al mes" in tv.caption_filters(view)


def test_red_goals_have_no_comuna_figure_and_say_so(con):
    view = td.map_view(con, td.MapState(indicator="metas_rojo", region="05"))
    assert tv.map_data(view).frame["valor"].isna().all()
    assert any("por región" in note for note in tv.notes(view))


def test_synergy_values_by_region_and_comuna(chile, valparaiso):
    regions = synergy.synergy_values(chile.report, "region", None)
    assert len(regions) == 16 and regions["sinergia"].between(0, 100).all()
    comunas = valparaiso.table.set_index("codigo")["sinergia"]
    counts = valparaiso.report.sinergia_comunas
    expected = counts[counts["codigo_comuna"] == "05101"]["servicios"].max()
    assert comunas["05101"] == expected
    assert 0 <= synergy.national_synergy(chile.report, None) <= 100


def test_caption_says_indicator_territory_period_and_classes(con):
    state = td.parse_map_state(
        {"indicador": "gasto_inversion", "clases": "cortes_naturales", "area": "social",
         "anio": "2024", "region": "13"}
    )  # fmt: skip
    entries = tv.caption_filters(td.map_view(con, state))
    assert entries["Indicador"] == "Gasto de inversión per cápita"
    assert entries["Territorio"] == "Comunas de Metropolitana"
    assert entries["Periodo"] == "2024"
    assert entries["Área temática"] == AREA_LABELS["social"]
    assert entries["Clases"] == "Cortes naturales"


# --------------------------------------------------------------------------- region page


@pytest.fixture(scope="module")
def region(con) -> td.RegionView:
    view = td.region_view(con, "V", TerritoryFilters())
    assert view is not None
    return view


def test_region_view_resolves_codes_and_rejects_unknown_ones(con, region):
    assert (region.code, region.short_name) == ("05", "Valparaíso")
    assert td.region_view(con, "Atlántida", TerritoryFilters()) is None
    assert region.today == date(2025, 6, 16)  # the last load, not the wall clock


def test_region_products_add_up_to_the_region_figure(region):
    row = region.national.territorios.set_index("codigo").loc["05"]
    assert region.products["beneficiarios"].sum() == row["beneficiarios"]
    rows = rv.products_rows(region)
    assert rows[0]["cobertura"] == pytest.approx(1000 * rows[0]["beneficiarios"] / row["poblacion"])


def test_region_products_respect_the_selection(con):
    social = territory_catalog.region_products(
        con, "05", Selection(area="social"), date(2025, 1, 1), date(2025, 12, 1)
    )
    assert not social.empty and set(social["area_tematica"]) == {"social"}


def test_commitments_show_state_with_icon_and_days_overdue(region):
    assert set(region.commitments["region"]) == {"05"}
    assert len(region.commitments) == 8
    late = {"estado": "pendiente", "atrasado": True, "dias_atraso": 12.0}
    badge = rv.commitment_state(late)
    assert "Atrasado · 12 días" in str(badge.children) and "light-rojo" in badge.className
    done = rv.commitment_state({"estado": "cumplido", "atrasado": False, "dias_atraso": None})
    assert "Cumplido" in str(done.children) and "bi-check-circle-fill" in str(done.children)
    on_time = rv.commitment_state({"estado": "en_curso", "atrasado": False, "dias_atraso": None})
    assert "A tiempo (en curso)" in str(on_time.children)
    text = json.dumps(
        rv.commitments_table(region).to_plotly_json(), default=str, ensure_ascii=False
    )
    assert "GRA-05-00" in text


def test_key_figures_compare_the_region_with_chile(region):
    cards = rv.key_figures(region).children
    text = json.dumps([c.to_plotly_json() for c in cards], default=str, ensure_ascii=False)
    assert "Chile: " in text and "Compromisos atrasados" in text and "Metas en rojo" in text
    assert len(cards) == 5


def test_region_goals_are_the_regions_with_links(region):
    assert not region.goals.empty
    assert set(region.goals["region"]) == {"05"}
    grid = rv.goals_table(region, {"05": "Valparaíso"}, "g")
    assert all(r["href"].startswith("/meta/") for r in grid.rowData)


def test_stages_list_services_present_with_their_state(region):
    stages = region.stages
    assert not stages.empty and set(stages["codigo_region"]) == {"05"}
    text = json.dumps(rv.stages_table(region).to_plotly_json(), default=str, ensure_ascii=False)
    assert any(word in text for word in ("Cumplida", "Pendiente de validación", "No cumplida"))


def test_region_cards_list_sixteen_regions_north_to_south(con):
    overview = td.region_overview(con)
    cards = rv.region_cards(overview).children
    hrefs = [card.children.href for card in cards]
    assert len(hrefs) == 16
    assert hrefs[0] == "/region/15" and hrefs[-1] == "/region/12"


# --------------------------------------------------------------------------- cache


def test_reports_are_cached_per_version_of_the_data(con):
    query = TerritoryFilters(year=2024).query("region")
    first = cached.cached_report(con, query, date(2025, 6, 16))
    assert cached.cached_report(con, query, date(2025, 6, 16)) is first
    assert cached.cached_report(con, query, date(2025, 6, 17)) is not first
    assert territory_catalog.snapshot_identity(con)[1] > 0


# --------------------------------------------------------------------------- small data


def test_pages_data_hold_on_a_small_warehouse_without_goals_or_commitments(make_warehouse):
    connection = connect(make_warehouse(), read_only=True)
    try:
        view = td.map_view(connection, td.MapState())
        with_people = view.table[view.table["beneficiarios"] > 0]
        assert set(with_people["codigo"]) == {"05", "08", "13"}
        for key in td.INDICATORS:
            state = td.MapState(indicator=key, region="13")
            figure = tv.map_figure(td.map_view(connection, state), COMUNAS_URL)
            assert len(as_figure(figure).data[0].z) == 52
        region = td.region_view(connection, "13", TerritoryFilters())
        assert region is not None and region.commitments.empty and region.goals.empty
        cards = str(rv.key_figures(region))
        assert "kpi-neutral" in cards  # nothing to count is not "all good"
        assert "Chile: —" in cards  # unknown spending is not zero spending
        assert "Sin compromisos" in str(rv.commitments_table(region))
    finally:
        connection.close()


def test_missing_database_is_explained_on_both_pages(app_for, tmp_path):
    import dash

    from dashboard.ui import ids

    app = app_for(tmp_path / "no-existe.duckdb")
    pages = {page["path"]: page["layout"] for page in dash.page_registry.values()}
    with staff_request(app, "/mapa"):
        text = str(pages["/mapa"]())
        assert ids.MAP_ERROR in text and ids.MAP_GRAPH in text  # alert + hidden components
        for layout in (pages["/region"](code="05"), pages["/region"]()):
            assert ids.REGION_ERROR in str(layout) and ids.REGION_BODY in str(layout)
