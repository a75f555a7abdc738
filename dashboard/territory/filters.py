"""The territorial filters (área, servicio, producto, periodo): controls, URL state, caption.

Every territorial screen filters the same way, so the filters live here as data: a frozen
`TerritoryFilters` parsed leniently from the URL (a pasted link never breaks a page: an unknown
value is dropped), written back to the URL, turned into the indicators' `Selection` and
`TerritoryQuery`, and described in Spanish for the screen's caption. Controls are built per
page from an id prefix, because only one page's components may carry a given id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

import dash
import dash_bootstrap_components as dbc
import duckdb
import pandas as pd
from dash import Input, Output, State, html

from dashboard.server import database
from dashboard.ui.components import dropdown
from indicators.territory_report import TerritoryQuery
from warehouse import territory_catalog as catalog_queries
from warehouse.territory import Selection
from warehouse.vocabulary import AREA_LABELS, format_month, month_label, parse_month

PERIOD_YEAR, PERIOD_MONTHS = "anio", "meses"
HIDDEN, SHOWN = {"display": "none"}, {}


def _month_text(month: date | None) -> str | None:
    return None if month is None else format_month(month)


def _short(month: date) -> str:
    """'may 2025', as the territory menus and captions write a month."""
    return month_label(month, short=True)


@dataclass(frozen=True)
class FilterCatalog:
    """The choices that exist in the data: services, products and months with deliveries."""

    services: pd.DataFrame  # ministerio, servicio, sigla
    products: pd.DataFrame  # servicio, producto, area_tematica, unidad
    months: tuple[date, ...]

    @property
    def years(self) -> list[int]:
        return sorted({m.year for m in self.months}, reverse=True)

    @cached_property
    def service_names(self) -> frozenset[str]:
        """Kept: every map render checks its filters against the catalogue (~1,700 products
        at 10 million deliveries cost ~5 ms to turn into a set)."""
        return frozenset(self.services["servicio"])

    @cached_property
    def product_names(self) -> frozenset[str]:
        return frozenset(self.products["producto"])

    @property
    def default_year(self) -> int:
        """The latest year with deliveries (the data's own 'now', not the wall clock)."""
        return self.years[0] if self.months else date.today().year

    @classmethod
    def empty(cls) -> FilterCatalog:
        """No choices: what a layout shows outside a request (Dash validating callbacks)."""
        return cls(
            services=pd.DataFrame(columns=["ministerio", "servicio", "sigla"]),
            products=pd.DataFrame(columns=["servicio", "producto", "area_tematica", "unidad"]),
            months=(),
        )

    def months_in(self, first: date, last: date) -> list[date]:
        return [m for m in self.months if first <= m <= last]


def load_catalog(con: duckdb.DuckDBPyConnection) -> FilterCatalog:
    return FilterCatalog(
        services=catalog_queries.services(con),
        products=catalog_queries.products(con),
        months=tuple(catalog_queries.delivery_months(con)),
    )


@dataclass(frozen=True)
class TerritoryFilters:
    """What is selected and when: a year, or a month range (first day of each month)."""

    area: str | None = None
    servicio: str | None = None
    producto: str | None = None
    year: int | None = None
    first_month: date | None = None
    last_month: date | None = None

    @property
    def by_months(self) -> bool:
        return self.first_month is not None and self.last_month is not None

    def selection(self) -> Selection:
        return Selection(area=self.area, servicio=self.servicio, producto=self.producto)

    def with_period(self, catalog: FilterCatalog) -> TerritoryFilters:
        """The same filters with a period: the latest year with data when none was chosen."""
        if self.by_months or self.year is not None:
            return self
        return replace(self, year=catalog.default_year)

    def period(self) -> tuple[date, date]:
        if self.by_months:
            return self.first_month, self.last_month  # type: ignore[return-value]
        year = self.year or date.today().year
        return date(year, 1, 1), date(year, 12, 1)

    def query(self, level: str = "region", region: str | None = None) -> TerritoryQuery:
        first, last = self.period()
        return TerritoryQuery(
            first_month=first, last_month=last, level=level, region=region,
            selection=self.selection(),
        )  # fmt: skip

    def to_params(self) -> dict[str, str]:
        """URL query parameters, in a stable order, without the empty ones."""
        params = {"area": self.area, "servicio": self.servicio, "producto": self.producto}
        if self.by_months:
            params["desde"] = format_month(self.first_month)
            params["hasta"] = format_month(self.last_month)
        elif self.year is not None:
            params["anio"] = str(self.year)
        return {key: value for key, value in params.items() if value}

    def valid_for(self, catalog: FilterCatalog) -> TerritoryFilters:
        """Drop a service or product that the data do not know (a mistyped or stale link)."""
        if self.servicio is None and self.producto is None:
            return self
        return replace(
            self,
            servicio=self.servicio if self.servicio in catalog.service_names else None,
            producto=self.producto if self.producto in catalog.product_names else None,
        )

    def describe(self, catalog: FilterCatalog | None = None) -> dict[str, str | None]:
        """Caption entries: 'Periodo: 2025 (datos de ene a may)', 'Área temática: Social'…"""
        return {
            "Periodo": self.period_text(catalog),
            "Área temática": AREA_LABELS.get(self.area or "", self.area),
            "Servicio": self.servicio,
            "Producto": self.producto,
        }

    def period_text(self, catalog: FilterCatalog | None = None) -> str:
        first, last = self.period()
        text = f"{_short(first)} a {_short(last)}" if self.by_months else str(first.year)
        if catalog is None:
            return text
        with_data = catalog.months_in(first, last)
        expected = (last.year - first.year) * 12 + last.month - first.month + 1
        if not with_data:
            return text + " (sin entregas registradas)"
        if len(with_data) < expected:
            return text + f" (datos de {_short(with_data[0])} a {_short(with_data[-1])})"
        return text


def _text(args: Mapping[str, object], key: str) -> str | None:
    value = args.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    text = str(value).strip() if value is not None else ""
    return text or None


def _month(text: str | None) -> date | None:
    return parse_month(text)


def _year(text: str | None) -> int | None:
    # isascii: "²" is a digit to str.isdigit but not to int()
    ok = text and text.isascii() and text.isdigit()
    return int(text) if ok and 1990 <= int(text) <= 2100 else None  # type: ignore[arg-type]


MAX_CONTROL_CHARS = 200  # no control of these pages offers a longer value


def control_text(value: object) -> str | None:
    """A control's value as text; None for what no control sends (a list, a dict, a long
    string): callbacks read a crafted value as "no value", as the URL parsers do."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text if text and len(text) <= MAX_CONTROL_CHARS else None


def control_year(value: object) -> int | None:
    """A year control's value (1990–2100), None for anything else."""
    return _year(control_text(value))


def parse(args: Mapping[str, object]) -> TerritoryFilters:
    """Filters from URL query parameters; anything unreadable is ignored, never an error."""
    area = _text(args, "area")
    first, last = _month(_text(args, "desde")), _month(_text(args, "hasta"))
    if first and last and first > last:
        first, last = last, first
    if not (first and last):
        first = last = None
    return TerritoryFilters(
        area=area if area in AREA_LABELS else None,
        servicio=_text(args, "servicio"),
        producto=_text(args, "producto"),
        year=None if first else _year(_text(args, "anio")),
        first_month=first,
        last_month=last,
    )


def from_controls(
    area: str | None,
    servicio: str | None,
    producto: str | None,
    mode: str | None,
    year: object,
    first: str | None,
    last: str | None,
) -> TerritoryFilters:
    """Filters from the control values, in the order of `FilterIds.inputs()`."""
    args = {"area": control_text(area), "servicio": control_text(servicio),
            "producto": control_text(producto), "anio": control_text(year)}  # fmt: skip
    if control_text(mode) == PERIOD_MONTHS:
        args |= {"desde": control_text(first), "hasta": control_text(last)}
    return parse(args)


@dataclass(frozen=True)
class FilterIds:
    """Component ids of one page's filter controls, all starting with the page's prefix."""

    prefix: str

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return f"{self.prefix}-{name}"

    def inputs(self) -> list[Input]:
        """The controls as callback inputs, in the order `from_controls` takes them."""
        names = ("area", "servicio", "producto", "modo", "anio", "desde", "hasta")
        return [Input(getattr(self, name), "value") for name in names]


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for value, label in pairs]


def service_options(catalog: FilterCatalog) -> list[dict[str, str]]:
    frame = catalog.services
    labels = [
        f"{name} ({sigla})" if isinstance(sigla, str) and sigla else name
        for name, sigla in zip(frame["servicio"], frame["sigla"], strict=True)
    ]
    return _options(list(zip(frame["servicio"], labels, strict=True)))


def product_options(
    catalog: FilterCatalog, area: str | None, servicio: str | None
) -> list[dict[str, str]]:
    """Products of the chosen area and service (all when none is chosen)."""
    frame = catalog.products
    if area:
        frame = frame[frame["area_tematica"] == area]
    if servicio:
        frame = frame[frame["servicio"] == servicio]
    names = sorted(set(frame["producto"]))
    return _options([(name, name) for name in names])


def month_options(catalog: FilterCatalog) -> list[dict[str, str]]:
    return _options([(format_month(m), _short(m)) for m in catalog.months])  # type: ignore[misc]


def _dropdown(id_: str, label: str, options: list, value: object, **kwargs: object) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=id_, class_name="small mb-0"),
            dropdown(
                id=id_,
                options=options,
                value=value,
                placeholder=kwargs.pop("placeholder", "Todos"),
                **kwargs,
            ),
        ]
    )


def controls(fids: FilterIds, filters: TerritoryFilters, catalog: FilterCatalog) -> dbc.Row:
    """Área, servicio, producto and periodo (a year, or a range of months)."""
    areas = _options(list(AREA_LABELS.items()))
    mode = PERIOD_MONTHS if filters.by_months else PERIOD_YEAR
    first, last = (_month_text(filters.first_month), _month_text(filters.last_month))
    months = month_options(catalog)
    years = [{"label": str(y), "value": y} for y in catalog.years]
    year = filters.year if filters.year is not None else catalog.default_year
    period = [
        dbc.Label("Periodo", class_name="small mb-0 d-block"),
        dbc.RadioItems(
            id=fids.modo,
            options=[
                {"label": "Año", "value": PERIOD_YEAR},
                {"label": "Meses", "value": PERIOD_MONTHS},
            ],
            value=mode,
            inline=True,
            class_name="small",
        ),
        html.Div(
            dropdown(id=fids.anio, options=years, value=year, clearable=False),
            id=fids.anio_box,
            style=SHOWN if mode == PERIOD_YEAR else HIDDEN,
        ),
        html.Div(  # the flex box inside: Bootstrap's d-flex would override display: none
            html.Div(
                [
                    dropdown(id=fids.desde, options=months, value=first, placeholder="Desde"),
                    dropdown(id=fids.hasta, options=months, value=last, placeholder="Hasta"),
                ],
                className="d-flex gap-1 period-months",
            ),
            id=fids.meses_box,
            style=SHOWN if mode == PERIOD_MONTHS else HIDDEN,
        ),
    ]
    return dbc.Row(
        [
            dbc.Col(_dropdown(fids.area, "Área temática", areas, filters.area), md=6, xl=2),
            dbc.Col(
                _dropdown(fids.servicio, "Servicio", service_options(catalog), filters.servicio),
                md=6,
                xl=3,
            ),
            dbc.Col(
                _dropdown(
                    fids.producto,
                    "Producto",
                    product_options(catalog, filters.area, filters.servicio),
                    filters.producto,
                ),
                md=6,
                xl=3,
            ),
            dbc.Col(period, md=6, xl=4),
        ],
        class_name="g-2 mb-2 territory-filters",
    )


def register_callbacks(
    fids: FilterIds, load: Callable[[duckdb.DuckDBPyConnection], FilterCatalog] = load_catalog
) -> None:
    """Products follow the chosen area and service; the period shows the year or month boxes.
    `load` reads the catalogue (a page may pass a cached reader)."""

    @dash.callback(
        Output(fids.producto, "options"),
        Output(fids.producto, "value"),
        Output(fids.anio_box, "style"),
        Output(fids.meses_box, "style"),
        Input(fids.area, "value"),
        Input(fids.servicio, "value"),
        Input(fids.modo, "value"),
        State(fids.producto, "value"),
        prevent_initial_call=True,
    )
    def _follow(area, servicio, mode, producto):
        options = product_options(database.run(load), control_text(area), control_text(servicio))
        keep = control_text(producto)
        keep = keep if keep in {o["value"] for o in options} else None
        by_months = control_text(mode) == PERIOD_MONTHS
        return options, keep, HIDDEN if by_months else SHOWN, SHOWN if by_months else HIDDEN
