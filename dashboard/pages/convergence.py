"""Convergencia: is territorial coverage becoming more even (σ, β), how unequal is it (Theil,
Gini), and where do services already work together (synergy)?

The URL holds the view (?nivel=comuna&region=05&anio=2025&anio_inicial=2024&area=social…), so a
pasted link reproduces it. Every number comes from one territorial report
(indicators.territory_report, cached per version of the data by dashboard.territory.data); the
territory filters (área, servicio, producto, periodo) are the shared ones of
dashboard.territory.filters.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from dashboard.server import database, responses
from dashboard.territory import convergence as cf
from dashboard.territory import convergence_data as cd
from dashboard.territory import data as td
from dashboard.territory.filters import (
    FilterIds,
    control_text,
    control_year,
    controls,
    from_controls,
)
from dashboard.territory.filters import register_callbacks as register_filter_callbacks
from dashboard.ui import ids
from dashboard.ui.components import caption, dropdown, empty_state, error_alert, kpi_card, section
from dashboard.ui.formatting import NO_ACCESS, NO_ACCESS_HELP, format_int
from dashboard.ui.shell import APP_TITLE
from warehouse.db import WarehouseError

dash.register_page(
    __name__, path="/convergencia", name="Convergencia",
    title="Convergencia territorial · " + APP_TITLE, order=6,
)  # fmt: skip

FILTERS = FilterIds(ids.CONV_FILTERS)
GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": False}
LEVELS = {"region": "Regiones", "comuna": "Comunas"}


def notes(view: cd.ConvergenceView) -> list[str]:
    """What the reader must know to read the figures right (partial years, unplaced rows)."""
    found = []
    partial = view.report.sigma[view.report.sigma["meses"] < 12]
    for year, months in zip(partial["anio"], partial["meses"], strict=True):
        found.append(
            f"{year} tiene entregas en {months} de 12 meses: su cobertura anual es menor que la "
            "de un año completo. El CV no cambia si todas las coberturas bajan en la misma "
            "proporción; el crecimiento del gráfico β sí incluye esa baja (afecta a α, no a β)."
        )
    unplaced = view.report.beneficiarios_sin_comuna
    if view.state.level == "comuna" and unplaced:
        found.append(
            f"{format_int(unplaced)} beneficiarios informados solo por región no se pueden "
            "ubicar en una comuna y no se cuentan aquí."
        )
    return found


def caption_items(view: cd.ConvergenceView) -> dict[str, object]:
    state = view.state
    region = dict(zip(view.regions["codigo"], view.regions["nombre_corto"], strict=True))
    where = "Regiones de Chile"
    if state.level == "comuna":
        where = f"Comunas de {region[state.region]}" if state.region else "Comunas de Chile"
    sigma = view.report.sigma["anio"]
    years = f"{sigma.min()}–{sigma.max()}" if len(sigma) else None
    return {"Territorios": where, "σ y β": years} | state.filters.describe(view.catalog)


NO_ACCESS_FIGURE = "Sin acceso: su perfil ve las comunas de su región"


def render(view: cd.ConvergenceView) -> dict[str, object]:
    """Every output of the page for one view (the layout and the callback share it)."""
    if view.access == cd.NOTHING:
        return no_access(view)
    report, level = view.report, view.state.level
    cards = [
        dbc.Col(html.Div(kpi_card(label, value, note), title=help_), xs=6, lg=3)
        for label, value, note, help_ in cf.cards(report)
    ]
    out = {
        "caption": caption(caption_items(view), view.last_load),
        "cards": cards,
        "sigma": cf.sigma_figure(report),
        "sigma_text": cf.sigma_sentence(report),
        "beta": cf.beta_figure(report, view.names),
        "beta_text": cf.beta_sentence(report, level),
        "theil": cf.theil_figure(report),
        "theil_text": cf.theil_sentence(report),
        "synergy": cf.synergy_figure(report, view.regions, view.state.filters.area),
        "synergy_text": cf.synergy_sentence(report, view.regions, view.state.filters.area),
        "pairs": cf.pairs_table(report),
        "notes": [html.P(n, className="small text-muted mb-1") for n in notes(view)],
        "search": "?" + urlencode(view.state.to_params()),
        "region_disabled": level != "comuna",
    }
    if view.access == cd.TOTALS_ONLY:
        # Service convergence is counted per comuna: only the viewer's region is in scope.
        out |= {
            "synergy": cf.empty_figure(NO_ACCESS_FIGURE),
            "synergy_text": NO_ACCESS_HELP,
            "pairs": html.P(NO_ACCESS_HELP, className="text-muted"),
        }
    return out


def no_access(view: cd.ConvergenceView) -> dict[str, object]:
    """Comunas outside a regional account's region: every figure would be computed on rows it
    may not read, so none is shown (warehouse.figure_access.FIGURE_ACCESS)."""
    empty = cf.empty_figure(NO_ACCESS_FIGURE)
    cards = [
        dbc.Col(html.Div(kpi_card(label, NO_ACCESS, ""), title=NO_ACCESS_HELP), xs=6, lg=3)
        for label, *_ in cf.cards(view.report)
    ]
    return {
        "caption": caption(caption_items(view), view.last_load),
        "cards": cards,
        **dict.fromkeys(("sigma", "beta", "theil", "synergy"), empty),
        **dict.fromkeys(("sigma_text", "beta_text", "theil_text", "synergy_text"), NO_ACCESS_HELP),
        "pairs": html.P(NO_ACCESS_HELP, className="text-muted"),
        "notes": [],
        "search": "?" + urlencode(view.state.to_params()),
        "region_disabled": view.state.level != "comuna",
    }


def level_controls(view: cd.ConvergenceView) -> dbc.Row:
    state = view.state
    pairs = zip(view.regions["codigo"], view.regions["nombre_corto"], strict=True)
    regions = [{"label": name, "value": code} for code, name in pairs]
    years = [{"label": str(y), "value": y} for y in view.years]
    return dbc.Row(
        [
            dbc.Col([dbc.Label("Territorios", class_name="small mb-0 d-block"),
                     dbc.RadioItems(id=ids.CONV_LEVEL, value=state.level, inline=True,
                                    options=[{"label": v, "value": k} for k, v in LEVELS.items()])],
                    md=4, xl=3),
            dbc.Col([dbc.Label("Región (comunas de)", html_for=ids.CONV_REGION,
                               class_name="small mb-0"),
                     dropdown(id=ids.CONV_REGION, options=regions, value=state.region,
                                  placeholder="Todas las comunas de Chile",
                                  disabled=state.level != "comuna")], md=4, xl=3),
            dbc.Col([dbc.Label("Año inicial de σ y β", html_for=ids.CONV_FROM_YEAR,
                               class_name="small mb-0"),
                     dropdown(id=ids.CONV_FROM_YEAR, options=years, value=state.from_year,
                                  placeholder="Primer año con datos")], md=4, xl=3),
        ],
        class_name="g-2 mb-2",
    )  # fmt: skip


def graph(id_: str, figure: object) -> dcc.Graph:
    return dcc.Graph(id=id_, figure=figure, config=GRAPH_CONFIG)


def page(view: cd.ConvergenceView, out: dict[str, object]) -> list[object]:
    text = "lead-sentence mb-1"
    sigma = [
        graph(ids.CONV_SIGMA, out["sigma"]),
        html.P(out["sigma_text"], id=ids.CONV_SIGMA_TEXT, className=text),
    ]
    beta = [
        graph(ids.CONV_BETA, out["beta"]),
        html.P(out["beta_text"], id=ids.CONV_BETA_TEXT, className=text),
    ]
    theil = [graph(ids.CONV_THEIL, out["theil"]),
             html.P(out["theil_text"], id=ids.CONV_THEIL_TEXT, className=text)]  # fmt: skip
    return [
        dcc.Location(id=ids.CONV_URL, refresh=False, search=out["search"]),
        html.H1("Convergencia territorial", id=ids.CONV_TITLE, className="h2 mt-2"),
        html.P("¿Se acortan las brechas de cobertura entre territorios, y dónde ya trabajan "
               "juntos los servicios?", className="text-muted mb-2"),
        level_controls(view),
        controls(FILTERS, view.state.filters, view.catalog),
        html.Div(out["caption"], id=ids.CONV_CAPTION),
        dbc.Row(out["cards"], id=ids.CONV_CARDS, class_name="g-3 mb-2"),
        dbc.Row([
            dbc.Col(section("σ-convergencia: dispersión de la cobertura por año", sigma,
                            help_text=cf.HELP["sigma"]), lg=6),
            dbc.Col(section("β-convergencia: ¿crecen más los rezagados?", beta,
                            help_text=cf.HELP["beta"]), lg=6),
        ]),
        section("Desigualdad: índice de Theil (entre + dentro = total) y Gini", theil,
                help_text=cf.HELP["theil"] + " " + cf.HELP["gini"]),
        dbc.Row([
            dbc.Col(section("Sinergia de servicios: población en comunas que convergen",
                            [html.P(out["synergy_text"], id=ids.CONV_SYNERGY_TEXT,
                                    className="small text-muted mb-0"),
                             graph(ids.CONV_SYNERGY, out["synergy"])],
                            help_text=cf.HELP["synergy"]), lg=6),
            dbc.Col(section("Pares de servicios que más entregan juntos",
                            html.Div(out["pairs"], id=ids.CONV_PAIRS),
                            help_text=cf.HELP["pairs"]), lg=6),
        ]),
        html.Div(out["notes"], id=ids.CONV_NOTES, className="mt-2"),
    ]  # fmt: skip


def layout(**query_args: str) -> html.Div:
    state = cd.parse_state(query_args)
    try:
        view = database.run(cd.convergence_view, state)
    except WarehouseError as exc:
        alert = error_alert(exc, ids.CONV_ERROR)
        return html.Div([html.H1("Convergencia territorial", className="h2 mt-2"), alert])
    return html.Div(page(view, render(view)), className="convergence-page")


OUTPUTS = {
    "caption": Output(ids.CONV_CAPTION, "children"),
    "cards": Output(ids.CONV_CARDS, "children"),
    "sigma": Output(ids.CONV_SIGMA, "figure"),
    "sigma_text": Output(ids.CONV_SIGMA_TEXT, "children"),
    "beta": Output(ids.CONV_BETA, "figure"),
    "beta_text": Output(ids.CONV_BETA_TEXT, "children"),
    "theil": Output(ids.CONV_THEIL, "figure"),
    "theil_text": Output(ids.CONV_THEIL_TEXT, "children"),
    "synergy": Output(ids.CONV_SYNERGY, "figure"),
    "synergy_text": Output(ids.CONV_SYNERGY_TEXT, "children"),
    "pairs": Output(ids.CONV_PAIRS, "children"),
    "notes": Output(ids.CONV_NOTES, "children"),
    "search": Output(ids.CONV_URL, "search"),
    "region_disabled": Output(ids.CONV_REGION, "disabled"),
}


@dash.callback(
    output=OUTPUTS,
    inputs={
        "filters": FILTERS.inputs(),
        "level": Input(ids.CONV_LEVEL, "value"),
        "region": Input(ids.CONV_REGION, "value"),
        "from_year": Input(ids.CONV_FROM_YEAR, "value"),
    },
    prevent_initial_call=True,
)
def update(filters, level, region, from_year):
    """Controls -> one report (cached) -> every figure and sentence, and the URL."""
    level = "comuna" if control_text(level) == "comuna" else "region"  # as the URL is read
    state = cd.ConvergenceState(
        from_controls(*filters), level, control_text(region), control_year(from_year)
    )
    try:
        view = database.run(cd.convergence_view, state)
    except WarehouseError as exc:  # keep the last figures; say why they did not change
        return dict.fromkeys(OUTPUTS, dash.no_update) | {"notes": [empty_state(exc.title)]}
    responses.may_keep()
    return render(view)


register_filter_callbacks(FILTERS, load=td.cached_catalog)
