"""Región: the intendente's page (/region/05, /region/V, /region/valparaiso all work).

Without a code (/region, the navbar's "Regiones") it lists the 16 regions north to south.
With one: the region's comunas on a map, its key figures against Chile, the services and
products delivering there, the Gabinete Regional Ampliado commitments, the PMG stages and the
goals with regional figures. Period, area, service and product filters are the map page's
(dashboard.territory.filters) and live in the URL (?anio=2025&area=social).
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Output, State, dcc, html

from dashboard.security import page_access
from dashboard.server import database, responses
from dashboard.territory import data as td
from dashboard.territory import follow_ups
from dashboard.territory import map_views as tv
from dashboard.territory import region_views as rv
from dashboard.territory.filters import (
    FilterCatalog,
    FilterIds,
    TerritoryFilters,
    control_text,
    controls,
    from_controls,
    parse,
)
from dashboard.territory.filters import register_callbacks as register_filter_callbacks
from dashboard.ui import ids
from dashboard.ui.components import caption, empty_state, error_alert, section
from dashboard.ui.shell import APP_TITLE
from warehouse.db import WarehouseError


def page_title(code: str | None = None) -> str:
    """The browser tab: 'Valparaíso · Tablero…' (the region's name however the URL wrote it)."""
    if not code:
        return "Regiones · " + APP_TITLE
    try:
        names = dict(zip(*database.run(_region_names), strict=True))
        region = database.run(_resolve, code)
    except WarehouseError:
        region, names = None, {}
    return names.get(region, "Región " + code) + " · " + APP_TITLE


dash.register_page(
    __name__,
    path="/region",
    path_template="/region/<code>",
    name="Regiones",
    title=page_title,
    order=5,
)

FILTERS = FilterIds(ids.REGION_FILTERS)
MAP_CONFIG = {"displaylogo": False, "scrollZoom": True}
INSET_CONFIG = {"displayModeBar": False, "scrollZoom": False}


def comuna_map(view: td.RegionView) -> dbc.Row:
    """The comunas' coverage, framed on the mainland; Valparaíso adds its islands."""
    mapped = td.comuna_map_view(view)
    geo = dash.get_asset_url(tv.geometry_file(mapped))
    figure = tv.map_figure(mapped, geo)
    main = dcc.Graph(id=ids.REGION_MAP, figure=figure, config=MAP_CONFIG)
    if not tv.show_islands(mapped):
        return dbc.Row(dbc.Col(main))
    islands = [
        html.Div(
            [
                html.Div(name, className="small text-muted"),
                dcc.Graph(figure=tv.inset_figure(figure, mapped, name), config=INSET_CONFIG),
            ]
        )
        for name in ("Isla de Pascua", "Juan Fernández")
    ]
    return dbc.Row([dbc.Col(main, lg=9), dbc.Col(islands, lg=3)], class_name="g-2")


def body(view: td.RegionView, region_names: dict[str, str]) -> list[object]:
    """Key figures and every section, for one set of filters."""
    mapped = td.comuna_map_view(view)
    comunas = tv.territory_table(ids.REGION_COMUNAS, tv.table_rows(mapped), tv.column_defs(mapped))
    return [
        html.Div([rv.key_figures(view), rv.delivery_source(view)], id=ids.REGION_KPIS),
        section(
            "Comunas", [comuna_map(view), html.Div(tv.gap_text(mapped), className="mt-2"), comunas]
        ),
        section(
            "Servicios y productos en la región",
            html.Div(rv.products_grid(view, ids.REGION_PRODUCTS + "-grid"), id=ids.REGION_PRODUCTS),
            help_text="Cobertura: beneficiarios del periodo por 1.000 habitantes de la región.",
        ),
        section(
            "Compromisos del Gabinete Regional Ampliado",
            html.Div(rv.commitments_table(view), id=ids.REGION_COMMITMENTS),
            help_text="Atrasado: plazo vencido sin cumplir a la fecha de la última carga "
            f"({view.today.strftime('%d-%m-%Y')}).",
        ),
        section(
            "Seguimiento de los compromisos",
            follow_ups.panel(view.code),
            help_text="El estado de un compromiso es el de su último seguimiento, por fecha.",
        ),
        section(
            f"Etapas PMG {view.filters.period()[1].year} de los servicios presentes",
            html.Div(rv.stages_table(view), id=ids.REGION_STAGES),
        ),
        section(
            "Metas con cifras regionales",
            html.Div(
                rv.goals_table(view, region_names, ids.REGION_GOALS + "-grid"), id=ids.REGION_GOALS
            ),
            help_text="Metas cuyo ámbito es la región y metas nacionales con desglose regional.",
        ),
    ]


def view_caption(view: td.RegionView) -> html.P:
    return caption(
        {"Región": view.short_name, **view.filters.describe(view.catalog)}, view.last_load
    )


def skeleton(filters: TerritoryFilters, catalog: FilterCatalog, code: str | None) -> list[object]:
    """The components the region callbacks read or write (hidden on the list and error views:
    Dash checks every callback against the layouts)."""
    return [
        dcc.Location(id=ids.REGION_URL, refresh=False, search="?" + urlencode(filters.to_params())),
        dcc.Store(id=ids.REGION_CODE, data=code),
        controls(FILTERS, filters, catalog),
    ]


def hidden_skeleton() -> html.Div:
    return html.Div(
        [*skeleton(TerritoryFilters(), FilterCatalog.empty(), None),
         html.Div(id=ids.REGION_CAPTION), html.Div(id=ids.REGION_BODY)],
        hidden=True,
    )  # fmt: skip


def error_view(exc: WarehouseError) -> html.Div:
    """The problem in words, with the callbacks' components kept (hidden) in the page."""
    alert = error_alert(exc, ids.REGION_ERROR)
    return html.Div([html.H1("Regiones", className="h2 mt-2"), alert, hidden_skeleton()])


def region_list(extra: list[object] | None = None) -> html.Div:
    try:
        overview = database.run(td.region_overview)
    except WarehouseError as exc:
        return error_view(exc)
    return html.Div(
        [
            html.H1("Regiones", id=ids.REGION_TITLE, className="h2 mt-2"),
            *(extra or []),
            caption(overview.filters.describe(), overview.last_load),
            html.Div(rv.region_cards(overview), id=ids.REGION_LIST),
            html.Div(
                [
                    *skeleton(TerritoryFilters(), FilterCatalog.empty(), None),
                    html.Div(id=ids.REGION_CAPTION),
                    html.Div(id=ids.REGION_BODY),
                ],
                hidden=True,
            ),
        ]
    )


def region_header(view: td.RegionView) -> list[object]:
    map_href = "/mapa?" + urlencode({"region": view.code, **view.filters.to_params()})
    roman = td.ROMAN_OF.get(view.code, "")
    return [
        html.Nav(
            [dcc.Link("Regiones", href="/region"), html.Span(" › " + view.short_name)],
            className="small mt-2",
            **{"aria-label": "Ruta"},
        ),
        html.Div(
            [
                html.H1(f"Región de {view.short_name}", id=ids.REGION_TITLE, className="h2 mb-0"),
                html.Span(f"{roman} Región · código {view.code}", className="text-muted"),
                dcc.Link(
                    [html.I(className="bi bi-map me-1"), "Ver en el mapa territorial"],
                    href=map_href,
                    className="ms-auto",
                ),
            ],
            className="d-flex align-items-baseline gap-3 flex-wrap mb-2",
        ),
    ]


def layout(code: str | None = None, **query_args: str) -> html.Div:
    code = code or page_access.home_region()  # a regional account goes straight to its region
    if not code:
        return region_list()
    filters = parse(query_args)
    try:
        view = database.run(td.region_view, code, filters)
        names = dict(zip(*database.run(_region_names), strict=True))
    except WarehouseError as exc:
        return error_view(exc)
    home = page_access.home_region()
    if view is not None and home and view.code != home:
        return region_list([out_of_scope(home, names.get(home, home))])
    if view is None:
        missing = dbc.Alert(
            f"No encontramos la región «{code}». Elija una de la lista.",
            color="warning", id=ids.REGION_NOT_FOUND,
        )  # fmt: skip
        return region_list([missing])
    return html.Div(
        [
            *region_header(view),
            *skeleton(view.filters, view.catalog, view.code),
            html.Div(view_caption(view), id=ids.REGION_CAPTION),
            dcc.Loading(html.Div(body(view, names), id=ids.REGION_BODY), delay_show=300),
        ],
        className="region-page",
    )


def out_of_scope(home: str, name: str) -> dbc.Alert:
    """A regional account asking for another region: said plainly, with the way back."""
    return dbc.Alert(
        [
            html.I(className="bi bi-shield-lock me-2"),
            "Su cuenta ve los datos territoriales de su región. ",
            html.A(f"Ir a {name}", href=f"/region/{home}"),
        ],
        color="warning",
        id=ids.REGION_OUT_OF_SCOPE,
    )


def _resolve(con, code: str) -> str | None:
    return td.resolve_region(code, td.regions(con))


def _region_names(con) -> tuple[list[str], list[str]]:
    regions = td.regions(con)
    return list(regions["codigo"]), list(regions["nombre_corto"])


@dash.callback(
    Output(ids.REGION_BODY, "children"),
    Output(ids.REGION_CAPTION, "children"),
    Output(ids.REGION_URL, "search"),
    *FILTERS.inputs(),
    State(ids.REGION_CODE, "data"),
    prevent_initial_call=True,
)
def update_region(area, servicio, producto, mode, year, first, last, code):
    """New filters -> the region's view -> the page body, caption and URL."""
    filters = from_controls(area, servicio, producto, mode, year, first, last)
    try:
        view = database.run(td.region_view, control_text(code), filters)
        names = dict(zip(*database.run(_region_names), strict=True))
    except WarehouseError as exc:
        return empty_state(exc.title), None, dash.no_update
    if view is None:
        return empty_state("Región desconocida."), None, dash.no_update
    responses.may_keep()
    return body(view, names), view_caption(view), "?" + urlencode(view.filters.to_params())


register_filter_callbacks(FILTERS, load=td.cached_catalog)
tv.register_map_fit(ids.REGION_MAP)
follow_ups.register_callbacks()
