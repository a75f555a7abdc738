"""Explorar y exportar: five datasets in a filterable grid, downloadable as CSV or Excel.

The URL holds the dataset, its filters and the grid's column filters
(?conjunto=entregas&nivel=comuna&region=05&filtros={…}), so a pasted link reproduces the view.
The grid's own column filters (AG Grid's filterModel) refine it; the server applies them too,
so the count, the grid and both downloads always hold the same rows (dashboard.explore.views,
warehouse.explore). Every row says where it comes from (file, line, load time; validation of
monthly figures): those columns are hidden until asked for, and always in the downloads.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.explore import views as ev
from dashboard.server import database, responses
from dashboard.ui import ids
from dashboard.ui.components import empty_state, error_alert
from dashboard.ui.shell import APP_TITLE
from indicators.frames import row_dicts
from warehouse.db import WarehouseError
from warehouse.explore.datasets import DATASETS, dataset_for

dash.register_page(
    __name__, path="/explorar", name="Explorar", title="Explorar y exportar · " + APP_TITLE,
    order=7,
)  # fmt: skip

FILTER_IDS = {"type": ids.EXPLORE_FILTER, "key": ALL, "dataset": ALL}
GRID_OPTIONS = {
    "localeText": ev.LOCALE_TEXT,
    "tooltipShowDelay": 300,
    "enableCellTextSelection": True,
    "ensureDomOrder": True,
}
DEFAULT_COL = {"sortable": True, "resizable": True, "floatingFilter": True, "minWidth": 110}


def dataset_selector(dataset: str) -> html.Div:
    options = [{"label": label, "value": key} for key, label in DATASETS.items()]
    return html.Div(
        [
            dbc.Label("Conjunto de datos", html_for=ids.EXPLORE_DATASET, class_name="me-2 mb-0"),
            dbc.RadioItems(
                id=ids.EXPLORE_DATASET, options=options, value=dataset, inline=True,
                class_name="btn-group explore-datasets", input_class_name="btn-check",
                label_class_name="btn btn-outline-primary", label_checked_class_name="active",
            ),
        ],
        className="d-flex align-items-center flex-wrap gap-2 mb-2",
    )  # fmt: skip


def download_buttons() -> html.Div:
    return html.Div(
        [
            dbc.Button([html.I(className="bi bi-filetype-csv me-1"), "Descargar CSV"],
                       id=ids.EXPLORE_CSV, color="primary", outline=True, size="sm",
                       title="UTF-8 con BOM, separado por punto y coma: se abre en Excel."),
            dbc.Button([html.I(className="bi bi-file-earmark-excel me-1"), "Descargar Excel"],
                       id=ids.EXPLORE_XLSX, color="primary", outline=True, size="sm",
                       title="Hoja «Datos» y hoja «Filtros» con los filtros y la fuente."),
            # A spinner while the file is written (an Excel of 100.000 rows takes seconds).
            dcc.Loading(dcc.Download(id=ids.EXPLORE_DOWNLOAD), type="circle", delay_show=300),
            html.Span(id=ids.EXPLORE_DOWNLOAD_ERROR, className="text-danger small"),
        ],
        className="d-flex gap-2 align-items-center",
    )  # fmt: skip


def provenance_switch(shown: bool) -> dbc.Switch:
    return dbc.Switch(
        id=ids.EXPLORE_PROVENANCE, value=shown, label="Mostrar el origen de cada fila",
        class_name="mb-0 small", label_class_name="small",
        input_class_name="me-1",
    )  # fmt: skip


def layout(**query_args: str) -> html.Div:
    request = ev.parse_request(query_args)
    header = [
        dcc.Location(id=ids.EXPLORE_URL, refresh=False),
        html.H1("Explorar y exportar", id=ids.EXPLORE_TITLE, className="h2 mt-2"),
        html.P(
            "Filtre un conjunto de datos, refine con los filtros de cada columna y descargue "
            "exactamente las filas filtradas.",
            className="text-muted mb-2",
        ),
    ]
    try:
        controls = database.run(ev.read_controls, request)  # the rows come with the first callback
    except WarehouseError as exc:
        alert = error_alert(exc, ids.EXPLORE_ERROR)
        return html.Div([*header, alert])
    return html.Div(
        [
            *header,
            dataset_selector(request.dataset),
            html.Div(ev.filter_controls(controls), id=ids.EXPLORE_FILTERS),
            html.Div(id=ids.EXPLORE_CAPTION),
            html.Div(
                [
                    html.Span(id=ids.EXPLORE_COUNT, className="fw-semibold"),
                    provenance_switch(controls.request.provenance),
                    download_buttons(),
                ],
                className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2",
            ),
            # Columns and the URL's column filters from the start: the grid applies the
            # filterModel to the columns it has, and the first rows come with the callback.
            dag.AgGrid(
                id=ids.EXPLORE_GRID,
                rowData=[],
                columnDefs=ev.column_defs(
                    dataset_for(controls.request.dataset, controls.request.args).columns,
                    ev.shows_provenance(controls.request),
                ),
                defaultColDef=DEFAULT_COL,
                dashGridOptions=GRID_OPTIONS,
                filterModel=dict(controls.request.filter_model),
                className="explore-grid",
                style={"height": "65vh", "minHeight": "420px"},
            ),
        ],
        className="explore-page",
    )


@dash.callback(
    Output(ids.EXPLORE_FILTERS, "children"),
    Output(ids.EXPLORE_GRID, "filterModel"),
    Input(ids.EXPLORE_DATASET, "value"),
    State(FILTER_IDS, "value"),
    State(FILTER_IDS, "id"),
    prevent_initial_call=True,
)
def change_dataset(dataset, values, control_ids):
    """Another dataset: its own controls, keeping the filters it shares with the previous one
    (ministry, region, period), the rest at their defaults, and no column filter."""
    if not isinstance(dataset, str) or dataset not in DATASETS:
        raise PreventUpdate
    previous = ev.request_from_controls(control_ids, values, {})
    controls = database.run(ev.read_controls, ev.carried_to(previous, dataset))
    return ev.filter_controls(controls), {}


@dash.callback(
    Output(ids.EXPLORE_GRID, "rowData"),
    Output(ids.EXPLORE_GRID, "columnDefs"),
    Output(ids.EXPLORE_COUNT, "children"),
    Output(ids.EXPLORE_CAPTION, "children"),
    Output(ids.EXPLORE_URL, "search"),
    Input(FILTER_IDS, "value"),
    Input(ids.EXPLORE_GRID, "filterModel"),
    Input(ids.EXPLORE_PROVENANCE, "value"),
    State(FILTER_IDS, "id"),
    State(ids.EXPLORE_GRID, "columnDefs"),
)
def show(values, model, provenance, control_ids, shown_columns):
    """Controls or column filters -> one query -> grid rows, count, caption and URL.

    The columns are sent only when they change: new column definitions make AG Grid rebuild
    its filters, and a link's column filter, applied as the page opened, was then lost."""
    request = ev.request_from_controls(control_ids, values, model, provenance)
    try:
        view = database.run(ev.load_view, request)
    except (WarehouseError, ValueError) as exc:
        return [], [], "", empty_state(str(exc)), ev.search_of(request)
    responses.may_keep()
    columns = ev.column_defs(view.query.columns, ev.shows_provenance(view.request))
    if columns == shown_columns:
        columns = dash.no_update
    return (
        row_dicts(view.rows), columns, ev.count_text(view), ev.caption_of(view),
        ev.search_of(view.request),
    )  # fmt: skip


@dash.callback(
    Output(ids.EXPLORE_DOWNLOAD, "data"),
    Output(ids.EXPLORE_DOWNLOAD_ERROR, "children"),
    Input(ids.EXPLORE_CSV, "n_clicks"),
    Input(ids.EXPLORE_XLSX, "n_clicks"),
    State(FILTER_IDS, "value"),
    State(FILTER_IDS, "id"),
    State(ids.EXPLORE_GRID, "filterModel"),
    prevent_initial_call=True,
)
def download(_csv, _xlsx, values, control_ids, model):
    """All the filtered rows (not only those the grid holds) as a file."""
    if ctx.triggered_id not in (ids.EXPLORE_CSV, ids.EXPLORE_XLSX):
        raise PreventUpdate
    kind = "csv" if ctx.triggered_id == ids.EXPLORE_CSV else "xlsx"
    request = ev.request_from_controls(control_ids, values, model)
    try:
        content, name = database.run(ev.export_file, request, kind)
    except (WarehouseError, ValueError) as exc:  # e.g. more rows than an Excel sheet holds
        return dash.no_update, str(exc)
    return dcc.send_bytes(content, name), ""
