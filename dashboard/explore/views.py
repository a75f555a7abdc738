"""The explorer's state, data and builders: request <-> URL, one view per render, grid and controls.

A request is the dataset, the values of its controls (filters and settings, keyed as in the
URL) and AG Grid's filterModel. `load_view` and `export_file` are what the page passes to
`dashboard.server.database.run`; both build the query with `warehouse.explore.build_query`, so
the grid and the files read the same SQL. The grid holds the first GRID_LIMIT rows, files all.

The URL holds the grid's filterModel too, as compact JSON in `filtros` (a shared link must
reproduce the filtered rows, issue 16), and `origen=si` when the provenance columns are shown.
Values a dataset cannot take (another dataset's filter, a code outside its list, a column
filter the grid could not have produced) are dropped when the URL is read, never an error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import duckdb
import pandas as pd
from dash import html

from dashboard.explore import cached, exports, grid_filters
from dashboard.server import defaults
from dashboard.ui import ids
from dashboard.ui.components import caption, dropdown
from dashboard.ui.formatting import format_int
from warehouse import vocabulary
from warehouse.explore.dataset_parts import PROVENANCE, Column
from warehouse.explore.datasets import DATASETS, SETTING_DEFAULTS, dataset_for
from warehouse.explore.options import filter_options
from warehouse.explore.queries import ExploreQuery, SourceInfo, count_rows, fetch_rows

GRID_LIMIT = 5000
DATASET_PARAM = "conjunto"
FILTERS_PARAM = "filtros"  # the grid's filterModel, compact JSON
PROVENANCE_PARAM = "origen"  # 'si': the provenance columns are shown
MAX_FILTERS_CHARS = 4000  # a longer `filtros` was not written by this page
DEFAULT_DATASET = "estado_metas"
SETTING_CHOICES = {
    "nivel": [("region", "Región"), ("comuna", "Comuna")],
    "desglose": [
        ("periodo", "Sumado en el período"), ("mes", "Por mes"), ("total", "Total"),
        ("filas", "Filas cargadas, con su origen"),
    ],
}  # fmt: skip
SETTING_HELP = {
    "mes": "Mes en que se evalúan las metas (avance, semáforos, restricciones abiertas).",
    "nivel": "Región: todas las entregas. Comuna: solo las informadas por comuna.",
    "desglose": "Por mes, sumado en el período (por servicio y producto), total por territorio,"
    " o cada fila cargada con su archivo, línea y hora de carga.",
}
# Help of a dataset's own filter, by (dataset, key): a key may mean something else elsewhere
# ("nivel" of deliveries is the territorial level; of bottlenecks, where it is resolved).
FILTER_HELP = {
    ("restricciones", "nivel"): "Dónde se resuelve: en la Coordinación Institucional del"
    " ministerio o escalada al Grupo de Estrategia.",
}


@dataclass(frozen=True)
class ExploreRequest:
    dataset: str = DEFAULT_DATASET
    args: Mapping[str, str] = field(default_factory=dict)  # non-empty control values
    filter_model: Mapping[str, object] = field(default_factory=dict)
    provenance: bool = False  # show the columns that say where each row comes from


def control_keys(dataset: str, args: Mapping[str, object] | None = None) -> list[str]:
    """URL keys of a dataset's controls: its settings first, then its filters."""
    ds = dataset_for(dataset, args or {})
    return [*ds.settings, *(f.key for f in ds.filters)]


def parse_request(query_args: Mapping[str, object]) -> ExploreRequest:
    """The request a URL asks for; an unknown dataset falls back to the default."""
    dataset = str(query_args.get(DATASET_PARAM) or "")
    dataset = dataset if dataset in DATASETS else DEFAULT_DATASET
    keys = control_keys(dataset, query_args)
    args = {k: str(v).strip() for k in keys if (v := query_args.get(k)) not in (None, "")}
    model = parse_filter_model(query_args.get(FILTERS_PARAM))
    shown = str(query_args.get(PROVENANCE_PARAM) or "") == "si"
    return ExploreRequest(dataset, args, model, shown)


def parse_filter_model(text: object) -> dict[str, object]:
    """The grid's filterModel from the URL's compact JSON; {} for anything else."""
    if not isinstance(text, str) or not text or len(text) > MAX_FILTERS_CHARS:
        return {}
    try:
        model = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(model, dict):
        return {}
    return {k: v for k, v in model.items() if isinstance(k, str) and isinstance(v, dict)}


def filter_model_text(model: Mapping[str, object]) -> str:
    """Compact, stable JSON of a filterModel (sorted keys, no spaces)."""
    return json.dumps(model, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def request_from_controls(
    control_ids: Sequence[Mapping[str, str]],
    values: Sequence[object],
    model: object,
    provenance: object = False,
) -> ExploreRequest:
    """The request from the pattern-matched controls (each id names its dataset). Read as
    the URL is: what no control sends (an unknown dataset, a list for a value, a model that
    is not a dict of dicts) is dropped, never an error."""
    pairs = zip(_as_list(control_ids), _as_list(values), strict=False)  # crafted: any lengths
    entries = [(i, v) for i, v in pairs if isinstance(i, Mapping) and isinstance(i.get("key"), str)]
    dataset = entries[0][0].get("dataset") if entries else None
    if not (isinstance(dataset, str) and dataset in DATASETS):
        dataset = DEFAULT_DATASET
    args = {
        i["key"]: str(v).strip()
        for i, v in entries
        if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip()
    }
    model = model if isinstance(model, dict) else {}
    model = {k: v for k, v in model.items() if isinstance(v, dict)}
    return ExploreRequest(dataset, args, model, provenance is True)


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def carried_to(request: ExploreRequest, dataset: str) -> ExploreRequest:
    """Another dataset, keeping the filters it has too (a ministry, a region, a period);
    settings and the other filters are reset. Values it cannot take are dropped later
    (read_controls): a region code stays, "Nacional" does not where there is no national row."""
    old = dataset_for(request.dataset, request.args)
    new = dataset_for(dataset)
    shared = {f.key for f in old.filters} & {f.key for f in new.filters}
    args = {k: v for k, v in request.args.items() if k in shared}
    return ExploreRequest(dataset, args, {}, request.provenance)


def search_of(request: ExploreRequest) -> str:
    query = {DATASET_PARAM: request.dataset, **request.args}
    if request.filter_model:
        query[FILTERS_PARAM] = filter_model_text(request.filter_model)
    if request.provenance:
        query[PROVENANCE_PARAM] = "si"
    return "?" + urlencode(query)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class ExploreView:
    request: ExploreRequest  # with the defaults filled in
    query: ExploreQuery
    rows: pd.DataFrame  # the first `limit` rows
    total: int
    source: SourceInfo


@dataclass(frozen=True)
class Controls:
    """What the controls offer and hold: the request with its defaults, option lists, months."""

    request: ExploreRequest
    options: dict[str, list[tuple[str, str]]]
    months: tuple[str, ...]  # as-of months with national progress ('AAAA-MM', newest first)


def read_controls(con: duckdb.DuckDBPyConnection, request: ExploreRequest) -> Controls:
    """The request with its defaults (as-of month = latest month with progress) and the
    choices of every control. Values outside a control's choices are dropped (an old link's
    `nivel=region` on bottlenecks read 0 rows), and so are column filters of columns the
    dataset lacks or that the grid could not have produced."""
    base = defaults.read_defaults(con)
    months = tuple(defaults.format_month(m) for m in base.months)
    options = cached.per_version(con, "explore-options", lambda: filter_options(con))
    args = valid_args(request.dataset, request.args, options)
    if request.dataset == "estado_metas" and vocabulary.parse_month(args.get("mes")) is None:
        args["mes"] = defaults.format_month(base.as_of)
    columns = dataset_for(request.dataset, args).columns
    model = valid_filter_model(columns, request.filter_model)
    request = replace(request, args=args, filter_model=model)
    return Controls(request, options, months)


def valid_args(
    dataset: str, args: Mapping[str, str], options: Mapping[str, list[tuple[str, str]]]
) -> dict[str, str]:
    """The settings and filter values the dataset's controls offer (months: any 'AAAA-MM')."""
    ds = dataset_for(dataset, args)
    kept = {}
    for key in ds.settings:
        value = args.get(key)
        offered = {v for v, _ in SETTING_CHOICES.get(key, [])}
        if value and (value in offered or (key == "mes" and vocabulary.parse_month(value))):
            kept[key] = value
    for spec in ds.filters:
        value = args.get(spec.key)
        if not value:
            continue
        if spec.kind in ("month_from", "month_to"):
            ok = vocabulary.parse_month(value) is not None
        else:
            ok = value in {v for v, _ in options.get(spec.options, [])}
        if ok:
            kept[spec.key] = value
    return kept


def valid_filter_model(columns: Sequence[Column], model: Mapping[str, object]) -> dict[str, object]:
    """The column filters that name a column of the grid and translate to SQL."""
    kept = {}
    for name, entry in model.items():
        try:
            grid_filters.grid_clauses(columns, {name: entry})
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        kept[name] = entry
    return kept


def _prepare(con: duckdb.DuckDBPyConnection, request: ExploreRequest):
    controls = read_controls(con, request)
    request, options = controls.request, controls.options
    names = {key: dict(pairs) for key, pairs in options.items()}
    query = grid_filters.build_query(request.dataset, request.args, names, request.filter_model)
    scorecard = None
    if request.dataset == "estado_metas":
        scorecard = cached.scorecard(con, request.args["mes"])
    return controls, query, scorecard


def load_view(
    con: duckdb.DuckDBPyConnection, request: ExploreRequest, limit: int = GRID_LIMIT
) -> ExploreView:
    """The first `limit` rows of the request and how many there are in all."""
    controls, query, scorecard = _prepare(con, request)
    rows = fetch_rows(con, query, limit, scorecard)
    total = len(rows) if len(rows) < limit else count_rows(con, query, scorecard)
    return ExploreView(controls.request, query, rows, total, cached.source(con))


def export_file(
    con: duckdb.DuckDBPyConnection, request: ExploreRequest, kind: str
) -> tuple[bytes, str]:
    """(file content, file name) of ALL the rows of the request, as 'csv' or 'xlsx'."""
    controls, query, scorecard = _prepare(con, request)
    rows = fetch_rows(con, query, None, scorecard)
    now = datetime.now(UTC).replace(tzinfo=None)
    name = exports.file_name(controls.request.dataset, now, kind)
    if kind == "csv":
        return exports.csv_bytes(rows, query.columns), name
    info = exports.ExportInfo(
        dataset=query.dataset.label, settings=query.settings, filters=query.descriptions(),
        source=cached.source(con), generated_at=now, rows=len(rows),
        provenance=provenance_text(query.columns),
    )  # fmt: skip
    return exports.xlsx_bytes(rows, query.columns, info), name


def provenance_text(columns: Sequence[Column]) -> str:
    """'Columnas «Archivo de origen», «Línea del archivo», …' for the export's second sheet."""
    labels = [c.label for c in columns if c.name in PROVENANCE]
    return ("Columnas " + ", ".join(f"«{label}»" for label in labels)) if labels else ""


# --------------------------------------------------------------------------- builders

# AG Grid's menus in Spanish (the filter options people read most).
LOCALE_TEXT = {
    "contains": "Contiene", "notContains": "No contiene", "equals": "Igual a",
    "notEqual": "Distinto de", "startsWith": "Empieza con", "endsWith": "Termina con",
    "blank": "Vacío", "notBlank": "No vacío", "lessThan": "Menor que",
    "greaterThan": "Mayor que", "lessThanOrEqual": "Menor o igual que",
    "greaterThanOrEqual": "Mayor o igual que", "inRange": "Entre", "inRangeStart": "Desde",
    "inRangeEnd": "Hasta", "andCondition": "Y", "orCondition": "O", "filterOoo": "Filtrar…",
    "applyFilter": "Aplicar", "resetFilter": "Restablecer", "clearFilter": "Limpiar",
    "noRowsToShow": "Ninguna fila cumple los filtros.", "loadingOoo": "Cargando…",
}  # fmt: skip
# Numbers as read in Chile (1.234,5): the grid keeps the number, so sorting and filters use it.
NUMBER_FORMAT = {"function": "params.value == null ? '' : params.value.toLocaleString('es-CL')"}


WIDE = frozenset({"meta", "descripcion", "comentario", "ultimo_seguimiento", "servicio",
                  "producto", "ministerio", "responsable"})  # fmt: skip


def shows_provenance(request: ExploreRequest) -> bool:
    """The provenance columns are in view when asked, or when the rows were chosen for it."""
    return request.provenance or (
        request.dataset == "entregas" and request.args.get("desglose") == "filas"
    )


def column_defs(
    columns: Sequence[Column], show_provenance: bool = False
) -> list[dict[str, object]]:
    """Text and number columns with AG Grid's own filters (translated server-side on export).
    The first column (a code or a territory) stays in view when scrolling sideways. The
    provenance columns (file, line, load time, validation) are hidden unless asked: the
    downloads always hold them."""
    defs = []
    for index, column in enumerate(columns):
        spec: dict[str, object] = {
            "field": column.name,
            "headerName": column.label,
            "headerTooltip": column.label,
        }
        if column.name in PROVENANCE:
            spec["hide"] = not show_provenance
        if index == 0:
            spec["pinned"] = "left"
        if column.name in WIDE:
            spec |= {"minWidth": 240, "tooltipField": column.name}
        if column.kind == "number":
            spec |= {
                "filter": "agNumberColumnFilter",
                "filterParams": {"inRangeInclusive": True},
                "type": "rightAligned",
                "valueFormatter": NUMBER_FORMAT,
            }
        else:
            spec["filter"] = "agTextColumnFilter"
        defs.append(spec)
    return defs


def count_text(view: ExploreView) -> str:
    shown = len(view.rows)
    if view.total > shown:
        return (
            f"{format_int(view.total)} filas; se muestran las primeras {format_int(shown)}. "
            "La descarga incluye todas."
        )
    return f"{format_int(view.total)} fila" + ("" if view.total == 1 else "s")


def caption_of(view: ExploreView) -> html.P:
    """'Conjunto: Entregas · Nivel territorial: Región · Región: Valparaíso · …'."""
    items: dict[str, object] = {"Conjunto": view.query.dataset.label}
    items |= dict(view.query.settings)
    for clause in (*view.query.clauses, *view.query.grid):
        value = clause.value if clause.operator == "=" else f"{clause.operator} {clause.value}"
        key = clause.label
        while key in items:  # two conditions on one column (Mes ≥ …, Mes ≤ …)
            key += " "
        items[key] = value.strip()
    return caption(items, view.source.last_load)


def _choices(key: str, options: Mapping[str, list[tuple[str, str]]], months: Sequence[str],
             spec_options: str, selected: str | None,
             is_setting: bool) -> list[dict[str, str]]:  # fmt: skip
    if is_setting and key in SETTING_CHOICES:
        pairs = SETTING_CHOICES[key]
    elif is_setting and key == "mes":
        listed = list(months) + ([selected] if selected and selected not in months else [])
        pairs = [(m, m) for m in listed]
    else:
        pairs = options.get(spec_options, [])
    if (is_setting and key == "mes") or spec_options == "mes":
        pairs = [(v, _month_label(v)) for v, _ in pairs]
    return [{"label": label, "value": value} for value, label in pairs]


def _month_label(value: str) -> str:
    month = vocabulary.parse_month(value)
    return defaults.month_label(month) if month else value


def filter_controls(controls: Controls) -> dbc.Row:
    """One dropdown per setting and filter of the dataset, ids pattern-matched by key.

    Defaults, choices and help come from the control's role in *this* dataset: deliveries'
    setting `nivel` (Región/Comuna) once filled the bottlenecks' filter `nivel` too."""
    dataset, args = controls.request.dataset, controls.request.args
    options, months = controls.options, controls.months
    ds = dataset_for(dataset, args)
    specs = [(k, grid_filters.SETTING_LABELS[k], "", True) for k in ds.settings]
    specs += [(f.key, f.label, f.options, False) for f in ds.filters]
    cols = []
    for key, label, spec_options, is_setting in specs:
        id_ = {"type": ids.EXPLORE_FILTER, "key": key, "dataset": dataset}
        value = args.get(key) or (SETTING_DEFAULTS.get(key) if is_setting else None)
        control = dropdown(
            id=id_,
            options=_choices(key, options, months, spec_options, value, is_setting),
            value=value,
            clearable=not is_setting,
            placeholder="Todos",
        )
        help_text = SETTING_HELP.get(key, "") if is_setting else FILTER_HELP.get((dataset, key), "")
        title = html.Span(label, title=help_text)
        cols.append(dbc.Col([dbc.Label(title, class_name="small mb-0"), control], md=4, xl=2))
    return dbc.Row(cols, class_name="g-2 mb-2 explore-filters")
