"""Mapa territorial: a choropleth of the 16 regions, drilling into a region's comunas.

The URL holds the whole view (?indicador=cobertura&clases=cuantiles&region=05&anio=2025&area=…),
so a pasted link reproduces it. Clicking a region (or ?region=05) shows its comunas; "Volver a
Chile" returns. Interactions send values only: the figure names the cached GeoJSON asset by URL
(dashboard.ui.maps), so the ~1 MB of comuna shapes crosses the network once per browser.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.security import page_access
from dashboard.server import database, responses
from dashboard.territory import data as td
from dashboard.territory import map_views as tv
from dashboard.territory.filters import (
    FilterCatalog,
    FilterIds,
    control_text,
    controls,
    from_controls,
)
from dashboard.territory.filters import register_callbacks as register_filter_callbacks
from dashboard.ui import ids
from dashboard.ui.components import caption, dropdown, empty_state, error_alert
from dashboard.ui.shell import APP_TITLE
from warehouse.db import WarehouseError

dash.register_page(
    __name__, path="/mapa", name="Mapa", title="Mapa territorial · " + APP_TITLE,
    order=4,
)  # fmt: skip

FILTERS = FilterIds(ids.MAP_FILTERS)
HIDDEN, SHOWN = {"display": "none"}, {}
GRAPH_CONFIG = {"displaylogo": False, "scrollZoom": True, "modeBarButtonsToRemove": ["select2d"]}
INSET_CONFIG = {"displayModeBar": False, "scrollZoom": False}
BLANK = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def search_of(state: td.MapState) -> str:
    return "?" + urlencode(state.to_params())


def render(view: td.MapView) -> dict[str, object]:
    """Every output of the page for one view (the layout and the callback share it)."""
    geo = dash.get_asset_url(tv.geometry_file(view))
    islands = tv.show_islands(view)
    region_link = []
    if view.state.region:
        href = f"/region/{view.state.region}?" + urlencode(view.state.filters.to_params())
        region_link = [dcc.Link("Ver la ficha de la región", href=href, className="ms-3 fs-6")]
    figure = tv.map_figure(view, geo)
    return {
        "figure": figure,
        "pascua": tv.inset_figure(figure, view, "Isla de Pascua") if islands else BLANK,
        "juan_fernandez": tv.inset_figure(figure, view, "Juan Fernández") if islands else BLANK,
        "insets": SHOWN if islands else HIDDEN,
        "rows": tv.table_rows(view),
        "columns": tv.column_defs(view),
        "title": [tv.title(view), *region_link],
        "hint": tv.hint(view),
        "caption": caption(tv.caption_filters(view), view.last_load),
        "gap": tv.gap_text(view),
        "notes": [html.P(note, className="small text-muted mb-1") for note in tv.notes(view)],
        "back": SHOWN if view.state.region else HIDDEN,
        "region": view.state.region,
        "search": search_of(view.state),
    }


def indicator_controls(state: td.MapState) -> dbc.Row:
    indicators = [{"label": i.label, "value": key} for key, i in td.INDICATORS.items()]
    schemes = [{"label": label, "value": key} for key, label in td.SCHEMES.items()]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Indicador", html_for=ids.MAP_INDICATOR, class_name="small mb-0"),
                    dropdown(
                        id=ids.MAP_INDICATOR,
                        options=indicators,
                        value=state.indicator,
                        clearable=False,
                        searchable=False,
                    ),
                ],
                md=6,
                xl=4,
            ),
            dbc.Col(
                [
                    dbc.Label("Clases de la leyenda", class_name="small mb-0 d-block"),
                    dbc.RadioItems(
                        id=ids.MAP_SCHEME, options=schemes, value=state.scheme, inline=True
                    ),
                ],
                md=6,
                xl=4,
            ),
        ],
        class_name="g-2 mb-2",
    )


def page(state: td.MapState, catalog: FilterCatalog, out: dict[str, object]) -> list[object]:
    """Controls, map, islands, gap and table: every component the callback reads or writes."""
    back = dbc.Button(
        [html.I(className="bi bi-arrow-left me-1"), "Volver a Chile"],
        id=ids.MAP_BACK, color="secondary", outline=True, size="sm", style=out["back"],
    )  # fmt: skip
    insets = html.Div(
        [
            html.Div("Isla de Pascua", className="small text-muted"),
            dcc.Graph(id=ids.MAP_INSET_PASCUA, figure=out["pascua"], config=INSET_CONFIG),
            html.Div("Archipiélago Juan Fernández", className="small text-muted mt-2"),
            dcc.Graph(
                id=ids.MAP_INSET_JUAN_FERNANDEZ, figure=out["juan_fernandez"], config=INSET_CONFIG
            ),
        ],
        id=ids.MAP_INSETS, style=out["insets"], className="map-insets",
    )  # fmt: skip
    return [
        dcc.Location(id=ids.MAP_URL, refresh=False, search=out["search"]),
        dcc.Store(id=ids.MAP_REGION, data=out["region"]),
        html.Div(
            [html.H1(out["title"], id=ids.MAP_TITLE, className="h2 mt-2 mb-0"), back],
            className="d-flex align-items-center justify-content-between gap-2 flex-wrap",
        ),
        html.P(out["hint"], id=ids.MAP_HINT, className="text-muted mb-2"),
        indicator_controls(state),
        controls(FILTERS, state.filters, catalog),
        html.Div(out["caption"], id=ids.MAP_CAPTION),
        dbc.Row(
            [
                dbc.Col(
                    dcc.Loading(
                        dcc.Graph(id=ids.MAP_GRAPH, figure=out["figure"], config=GRAPH_CONFIG),
                        delay_show=300,
                    ),
                    lg=9,
                ),
                dbc.Col(insets, lg=3),
            ],
            class_name="g-2",
        ),
        html.Div(out["gap"], id=ids.MAP_GAP, className="mt-2"),
        html.Div(out["notes"], id=ids.MAP_NOTES),
        html.H2("Territorios", className="h5 mt-3"),
        tv.territory_table(ids.MAP_TABLE, out["rows"], out["columns"]),
    ]


def empty_outputs(state: td.MapState) -> dict[str, object]:
    return {
        "figure": BLANK, "pascua": BLANK, "juan_fernandez": BLANK, "insets": HIDDEN,
        "rows": [], "columns": [], "title": "Mapa territorial", "hint": "", "caption": None,
        "gap": None, "notes": [], "back": HIDDEN, "region": state.region,
        "search": search_of(state),
    }  # fmt: skip


def layout(**query_args: str) -> html.Div:
    # A regional account opens on its own region (other regions hold no data for it).
    state = td.parse_map_state({"region": page_access.home_region(), **query_args})
    try:
        view = database.run(td.map_view, state)
    except WarehouseError as exc:
        alert = error_alert(exc, ids.MAP_ERROR)
        hidden = html.Div(page(state, FilterCatalog.empty(), empty_outputs(state)), hidden=True)
        return html.Div([html.H1("Mapa territorial", className="h2 mt-2"), alert, hidden])
    return html.Div(page(view.state, view.catalog, render(view)), className="map-page")


OUTPUTS = {
    "figure": Output(ids.MAP_GRAPH, "figure"),
    "pascua": Output(ids.MAP_INSET_PASCUA, "figure"),
    "juan_fernandez": Output(ids.MAP_INSET_JUAN_FERNANDEZ, "figure"),
    "insets": Output(ids.MAP_INSETS, "style"),
    "rows": Output(ids.MAP_TABLE, "rowData"),
    "columns": Output(ids.MAP_TABLE, "columnDefs"),
    "title": Output(ids.MAP_TITLE, "children"),
    "hint": Output(ids.MAP_HINT, "children"),
    "caption": Output(ids.MAP_CAPTION, "children"),
    "gap": Output(ids.MAP_GAP, "children"),
    "notes": Output(ids.MAP_NOTES, "children"),
    "back": Output(ids.MAP_BACK, "style"),
    "region": Output(ids.MAP_REGION, "data"),
    "search": Output(ids.MAP_URL, "search"),
}
CLICKS = (ids.MAP_GRAPH, ids.MAP_INSET_PASCUA, ids.MAP_INSET_JUAN_FERNANDEZ)


def next_region(trigger: object, clicks: dict[str, object], current: str | None) -> str | None:
    """A click on a region drills into it; the back button returns to Chile. A click that
    names no point (a crafted one) changes nothing."""
    if trigger == ids.MAP_BACK:
        return None
    click = clicks.get(trigger) if isinstance(trigger, str) else None
    if isinstance(click, dict) and current is None:
        points = click.get("points")
        point = points[0] if isinstance(points, list) and points else None
        return (control_text(point.get("location")) if isinstance(point, dict) else None) or current
    return current


@dash.callback(
    output=OUTPUTS,
    inputs={
        "indicator": Input(ids.MAP_INDICATOR, "value"),
        "scheme": Input(ids.MAP_SCHEME, "value"),
        "filters": FILTERS.inputs(),
        "clicks": {key: Input(key, "clickData") for key in CLICKS},
        "back": Input(ids.MAP_BACK, "n_clicks"),
        "region": State(ids.MAP_REGION, "data"),
    },
    prevent_initial_call=True,
)
def update_map(indicator, scheme, filters, clicks, back, region):
    """Controls, clicks or the back button -> one map view -> every output, values only."""
    region = control_text(region)
    if ctx.triggered_id in CLICKS and region:
        raise PreventUpdate  # a click on a comuna: nothing to drill into
    indicator, scheme, default = control_text(indicator), control_text(scheme), td.MapState()
    state = td.MapState(
        from_controls(*filters),
        indicator if indicator in td.INDICATORS else default.indicator,
        scheme if scheme in td.SCHEMES else default.scheme,
        next_region(ctx.triggered_id, clicks, region),
    )
    try:
        view = database.run(td.map_view, state)
    except WarehouseError as exc:
        return empty_outputs(state) | {"notes": [empty_state(exc.title)]}
    responses.may_keep()
    return render(view)


register_filter_callbacks(FILTERS, load=td.cached_catalog)
tv.register_map_fit(ids.MAP_GRAPH)
