"""Ministerios: the list of ministries (/ministerio) and one ministry (/ministerio/<slug>).

A ministry coordinator opens their ministry to see its goals and lights, the open bottlenecks
to resolve inside the institution, and its services with their PMG stages. The slug is the
ministry's name without "Ministerio de" (warehouse.catalog.slugify): /ministerio/salud. The
as-of month may be given as ?mes=AAAA-MM; without it, the latest month with progress.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import duckdb
from dash import dcc, html

from dashboard.ministry.data import MinistryPage, load_list, load_ministry, ministry_summary
from dashboard.ministry.views import STAGE_HELP, bottlenecks_table, ministries_table, services_table
from dashboard.server import database
from dashboard.server.board import bottleneck_reach
from dashboard.server.defaults import (
    MONTH_PARAM,
    Defaults,
    format_month,
    month_label,
    parse_month,
    read_defaults,
)
from dashboard.ui import components, ids
from dashboard.ui.components import caption, section
from dashboard.ui.goal_tables import goals_href, goals_table, light_cards
from dashboard.ui.shell import APP_TITLE
from warehouse.db import WarehouseError

dash.register_page(
    __name__,
    path="/ministerio",
    path_template="/ministerio/<slug>",
    name="Ministerios",
    title="Ministerios · " + APP_TITLE,
    order=2,
)

OPEN_HELP = (
    "Restricciones abiertas de las metas del ministerio: alertadas y sin resolver a la fecha "
    "indicada. 'Escalar' = roja, institucional y abierta por más de 30 días."
)


def read_list(con: duckdb.DuckDBPyConnection, args: dict[str, object]):
    defaults = read_defaults(con)
    as_of = parse_month(args.get(MONTH_PARAM), defaults.as_of)
    return defaults, load_list(con, defaults, as_of)


def read_ministry(con: duckdb.DuckDBPyConnection, slug: str, args: dict[str, object]):
    defaults = read_defaults(con)
    as_of = parse_month(args.get(MONTH_PARAM), defaults.as_of)
    return defaults, load_ministry(con, defaults, as_of, slug)


def error_alert(exc: WarehouseError) -> dbc.Alert:
    return components.error_alert(exc, ids.MINISTRY_ERROR)


def list_page(args: dict[str, object]) -> html.Div:
    title = html.H1("Ministerios", id=ids.MINISTRY_TITLE, className="h2 mt-2")
    try:
        defaults, board = database.run(read_list, args)
    except WarehouseError as exc:
        return html.Div([title, error_alert(exc)])
    return html.Div(
        [
            title,
            html.P(
                "Metas por semáforo, restricciones abiertas y servicios de cada ministerio. "
                "Elija un ministerio para ver el detalle.",
                className="lead",
            ),
            caption({"Mes de corte": month_label(board.as_of)}, defaults.last_load),
            ministries_table(ministry_summary(board)),
        ]
    )


def not_found(slug: str) -> dbc.Alert:
    return dbc.Alert(
        [
            html.H4("No se encontró el ministerio", className="alert-heading"),
            html.P(f"Ningún ministerio corresponde a «{slug}». Elija uno de la lista:"),
            dcc.Link("Ver todos los ministerios", href="/ministerio", className="alert-link"),
        ],
        id=ids.MINISTRY_ERROR,
        color="warning",
    )


def ministry_page(slug: str, args: dict[str, object]) -> html.Div:
    try:
        defaults, page = database.run(read_ministry, slug, args)
    except WarehouseError as exc:
        return html.Div(
            [html.H1("Ministerio", id=ids.MINISTRY_TITLE, className="h2 mt-2"), error_alert(exc)]
        )
    if page.ministerio is None:
        return html.Div(
            [html.H1("Ministerio", id=ids.MINISTRY_TITLE, className="h2 mt-2"), not_found(slug)]
        )
    return html.Div([*ministry_header(defaults, page, slug), *ministry_sections(page)])


def ministry_header(defaults: Defaults, page: MinistryPage, slug: str) -> list[object]:
    month = format_month(page.board.as_of)
    shown = {"Ministerio": page.ministerio, "Mes de corte": month_label(page.board.as_of)}
    return [
        dcc.Link(
            [html.I(className="bi bi-arrow-left me-1"), "Todos los ministerios"],
            href="/ministerio",
            className="small",
        ),
        html.H1(page.ministerio, id=ids.MINISTRY_TITLE, className="h2 mt-1"),
        html.P(
            [
                f"{len(page.goals)} metas y {len(page.services['servicio'].unique())} servicios. ",
                dcc.Link(
                    "Ver sus metas en la tabla de metas",
                    href=goals_href(mes=month, ministerio=slug),
                ),
            ],
            className="lead",
        ),
        caption(shown, defaults.last_load),
        light_cards(
            page.goals,
            id_=ids.MINISTRY_CARDS,
            href_for=lambda light: goals_href(mes=month, ministerio=slug, semaforo=light),
        ),
    ]


def ministry_sections(page: MinistryPage) -> list[object]:
    goals = page.goals.assign(
        _o=page.goals["estado"].map({"rojo": 0, "amarillo": 1, "verde": 2}).fillna(3)
    )
    goals = goals.sort_values(["_o", "codigo_meta"], ignore_index=True)
    day = page.bottlenecks_at.strftime("%d-%m-%Y")
    return [
        section(
            "Metas",
            goals_table(goals, id_=ids.MINISTRY_GOALS, empty="El ministerio no tiene metas."),
        ),
        section(
            f"Restricciones abiertas al {day}",
            bottlenecks_table(page.bottlenecks, bottleneck_reach(page.goals)),
            help_text=OPEN_HELP,
        ),
        section("Servicios y etapas PMG", services_table(page.services), help_text=STAGE_HELP),
    ]


def layout(slug: str | None = None, **query_args: str) -> html.Div:
    """Without a slug, the list; with one, that ministry."""
    if not slug:
        return list_page(query_args)
    return ministry_page(slug, query_args)
