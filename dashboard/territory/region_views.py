"""Builders of the region page: the region against Chile, its comunas, services and products,
Gabinete Regional Ampliado commitments, PMG stages and goals.

Pure functions of a `territory.data.RegionView`; states are always icon + word.
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.territory import map_views as tv
from dashboard.territory.data import ROMAN_OF, RegionOverview, RegionView
from dashboard.territory.synergy import national_synergy, synergy_values
from dashboard.ui.components import kpi_card
from dashboard.ui.formatting import NO_ACCESS, NO_ACCESS_HELP, NO_DATA, format_int, source_text
from dashboard.ui.goals_grid import goals_grid, grid_row
from warehouse.vocabulary import AREA_LABELS

STAGES = {1: "1 · Diagnóstico", 2: "2 · Plan", 3: "3 · Ejecución", 4: "4 · Evaluación"}
# state -> (word, icon, css suffix of .light-*)
STAGE_STATES = {
    "cumplida": ("Cumplida", "bi-check-circle-fill", "verde"),
    "no_cumplida": ("No cumplida", "bi-x-octagon-fill", "rojo"),
    "pendiente": ("Pendiente de validación", "bi-hourglass-split", "neutral"),
    "sin_etapa": ("Sin etapa comprometida", "bi-dash-circle", "neutral"),
}
COMMITMENT_STATES = {"pendiente": "pendiente", "en_curso": "en curso"}
SOURCE = "region-fuente"  # the delivery files' line under the key figures


def state_badge(word: str, icon: str, css: str, help_text: str = "") -> html.Span:
    return html.Span(
        [html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), word],
        className=f"light light-{css}",
        title=help_text,
    )


def _ratio_note(region: float, country: float, digits: int, suffix: str = "") -> str:
    note = "Chile: " + tv.number_text(country, digits, suffix)
    if tv.is_missing(region) or tv.is_missing(country) or not country:
        return note
    change = (region / country - 1) * 100
    word = "sobre" if change >= 0 else "bajo"
    return note + f" · {tv.number_text(abs(change), 0)} % {word} el país"


def _totals(view: RegionView) -> tuple[pd.Series, dict[str, float]]:
    """The region's row of the national report and Chile's totals (population-weighted)."""
    table = view.national.territorios
    row = table[table["codigo"] == view.code].iloc[0]
    people = table["poblacion"].sum()
    chile = {
        "cobertura": 1000 * table["beneficiarios"].sum() / people if people else float("nan"),
        "gasto": table["gasto_total"].sum(min_count=1) / people if people else float("nan"),
    }
    return row, chile


def key_figures(view: RegionView) -> dbc.Row:
    """Coverage, spending per capita and service convergence against Chile; commitments and
    goals of the region."""
    row, chile = _totals(view)
    area = view.filters.area
    synergy = synergy_values(view.national, "region", area).set_index("codigo")["sinergia"]
    region_synergy = float(synergy.get(view.code, float("nan"))) if view.detail else float("nan")
    chile_synergy = national_synergy(view.national, area) if view.country_detail else float("nan")
    spending_note = (
        "Corriente " + tv.number_text(row["gasto_corriente_per_capita"]) + " · inversión "
        + tv.number_text(row["gasto_inversion_per_capita"])
    )  # fmt: skip
    cards = [
        kpi_card(
            "Cobertura (por 1.000 hab.)", tv.number_text(row["cobertura"], 1),
            _ratio_note(row["cobertura"], chile["cobertura"], 1),
        ),
        kpi_card(
            "Gasto per cápita ($)", tv.number_text(row["gasto_per_capita"]),
            _ratio_note(row["gasto_per_capita"], chile["gasto"], 0) + " · " + spending_note,
        ),
        _synergy_card(view, region_synergy, chile_synergy),
        _commitments_card(view),
        _red_goals_card(view),
    ]  # fmt: skip
    return dbc.Row([dbc.Col(card, xs=12, sm=6, xl=True) for card in cards], class_name="g-3 mb-3")


def _synergy_card(view: RegionView, region: float, chile: float) -> object:
    if not view.detail:
        return _no_access_card("Convergencia de servicios")
    note = _ratio_note(region, chile, 0, " %") if view.country_detail else "Chile: " + NO_ACCESS
    return kpi_card("Convergencia de servicios", tv.number_text(region, 0, " %"), note)


def _commitments_card(view: RegionView) -> object:
    if not view.detail:
        return _no_access_card("Compromisos atrasados")
    frame = view.commitments
    late = int(frame["atrasado"].sum()) if not frame.empty else 0
    done = int((frame["estado"] == "cumplido").sum()) if len(frame) else 0
    return kpi_card(
        "Compromisos atrasados", f"{late} de {len(frame)}", f"{done} cumplidos",
        accent=_accent(late, len(frame)),
    )  # fmt: skip


def _red_goals_card(view: RegionView) -> object:
    """Goals of the region in rojo; "sin acceso" when the light of one of them is not the
    viewer's to read (a count over the visible ones only would not be the region's)."""
    goals = view.goals
    month = "al mes " + view.goals_month.strftime("%m-%Y")
    hidden = int((goals["estado"] == "sin_acceso").sum()) if not goals.empty else 0
    red = int((goals["estado"] == "rojo").sum()) if not goals.empty else 0
    if hidden:
        return _no_access_card("Metas en rojo", f"al menos {red} de {len(goals)} · {month}")
    return kpi_card(
        "Metas en rojo", f"{red} de {len(goals)}", month, accent=_accent(red, len(goals))
    )


def _no_access_card(label: str, note: str = "") -> object:
    return html.Div(
        kpi_card(label, NO_ACCESS, note or "no visible para su perfil", accent="neutral"),
        title=NO_ACCESS_HELP,
        className="h-100",
    )


def _accent(bad: int, total: int) -> str:
    """Card border: rojo when any is late or red, verde when none, neutral with nothing to count."""
    if not total:
        return "neutral"
    return "rojo" if bad else "verde"


def products_rows(view: RegionView) -> list[dict[str, object]]:
    """Each service × product delivering in the region, with its coverage of the region."""
    row, _ = _totals(view)
    people = row["poblacion"]
    rows = []
    for record in view.products.to_dict("records"):
        coverage = 1000 * record["beneficiarios"] / people if people else float("nan")
        rows.append(
            {
                "codigo": record["servicio"] + "|" + record["producto"],
                "servicio": record["servicio"],
                "producto": record["producto"],
                "area": AREA_LABELS.get(record["area_tematica"] or "", record["area_tematica"]),
                "beneficiarios": int(record["beneficiarios"]),
                "beneficiarios_txt": format_int(int(record["beneficiarios"])),
                "cobertura": None if tv.is_missing(coverage) else coverage,
                "cobertura_txt": tv.number_text(coverage, 1),
                "gasto": _sum(record["gasto_corriente"], record["gasto_inversion"]),
                "gasto_txt": tv.number_text(
                    _sum(record["gasto_corriente"], record["gasto_inversion"])
                ),
            }
        )
    return rows


def _sum(*values: object) -> float | None:
    known = [float(v) for v in values if not tv.is_missing(v)]  # type: ignore[arg-type]
    return sum(known) if known else None


PRODUCT_COLUMNS = [
    {"headerName": "Servicio", "field": "servicio", "flex": 2, "minWidth": 200},
    {"headerName": "Producto", "field": "producto", "flex": 2, "minWidth": 200},
    {"headerName": "Área", "field": "area", "width": 170},
    *(
        {
            "headerName": header, "field": field, "type": "rightAligned", "width": 170,
            "valueFormatter": {"function": f"params.data.{field}_txt"},
            **({"sort": "desc"} if field == "beneficiarios" else {}),
        }
        for field, header in (
            ("beneficiarios", "Beneficiarios"),
            ("cobertura", "Cobertura (por 1.000 hab.)"),
            ("gasto", "Gasto total ($)"),
        )
    ),
]  # fmt: skip


def commitment_state(record: dict) -> html.Span:
    if record["estado"] == "cumplido":
        return state_badge("Cumplido", "bi-check-circle-fill", "verde")
    if record["atrasado"]:
        days = int(record["dias_atraso"])
        return state_badge(
            f"Atrasado · {days} días", "bi-x-octagon-fill", "rojo",
            "Vencido y no cumplido a la fecha de la última carga.",
        )  # fmt: skip
    word = COMMITMENT_STATES.get(record["estado"], record["estado"])
    return state_badge(f"A tiempo ({word})", "bi-hourglass-split", "neutral")


def _day(value: object) -> str:
    return (
        NO_DATA
        if tv.is_missing(value) or pd.isna(value)
        else pd.Timestamp(value).strftime("%d-%m-%Y")
    )


def commitments_table(view: RegionView) -> html.Div:
    """Overdue first (most days first), then on time by due date, then fulfilled."""
    frame = view.commitments
    if frame.empty:
        return html.P("Sin compromisos registrados para estos filtros.", className="text-muted")
    order = frame.assign(
        _rank=frame["estado"].eq("cumplido").astype(int) * 2 + (~frame["atrasado"]).astype(int),
        _late=-frame["dias_atraso"].fillna(0),
    ).sort_values(["_rank", "_late", "fecha_compromiso", "codigo_compromiso"])
    header = [
        "Código", "Servicio", "Comisión", "Compromiso", "Plazo", "Estado", "Seguimiento", "Fuente",
    ]  # fmt: skip
    sources = commitment_sources(view)
    body = [
        html.Tr(
            [
                html.Td(r["codigo_compromiso"], className="text-nowrap"),
                html.Td(r["servicio"]),
                html.Td(AREA_LABELS.get(r["comision"], r["comision"])),
                html.Td(r["descripcion"]),
                html.Td(_day(r["fecha_compromiso"]), className="text-nowrap"),
                html.Td(commitment_state(r)),
                html.Td(r["ultimo_seguimiento"] or NO_DATA, className="small"),
                html.Td(sources.get(r["codigo_compromiso"], NO_DATA), className="small"),
            ]
        )
        for r in order.to_dict("records")
    ]
    return _table(header, body)


def commitment_sources(view: RegionView) -> dict[str, str]:
    """Commitment code -> 'Fuente: archivo X, línea N, cargado el …' (warehouse.provenance)."""
    frame = view.commitment_sources
    if frame is None or frame.empty:
        return {}
    return {
        str(code): source_text(
            None if tv.is_missing(name) else str(name),
            None if tv.is_missing(line) or pd.isna(line) else int(line),
            None if pd.isna(loaded) else pd.Timestamp(loaded).to_pydatetime(),
        )
        for code, name, line, loaded in frame[
            ["codigo_compromiso", "archivo", "linea", "cargado_en"]
        ].itertuples(index=False)
    }


def delivery_source(view: RegionView) -> html.P | None:
    """The "Fuente" line under the region's figures: the delivery files behind them."""
    if view.deliveries is None:
        return None
    return html.P(tv.delivery_source(view.deliveries), id=SOURCE, className="small text-muted mb-0")


def _table(header: Sequence[str], body: list[html.Tr]) -> html.Div:
    return html.Div(
        dbc.Table(
            [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(body)],
            striped=True,
            hover=True,
            size="sm",
            class_name="align-middle mb-0",
        ),
        className="table-responsive",
    )


def stages_table(view: RegionView) -> html.Div:
    """The PMG stage of each service delivering in the region (year of the period's end)."""
    frame = view.stages
    if frame.empty:
        return html.P(
            "Ningún servicio entrega en la región en este periodo.", className="text-muted"
        )
    body = []
    for r in frame.to_dict("records"):
        word, icon, css = STAGE_STATES.get(r["estado_etapa"], STAGE_STATES["sin_etapa"])
        body.append(
            html.Tr(
                [
                    html.Td(r["servicio"]),
                    html.Td(_stage(r.get("etapa_comprometida"))),
                    html.Td(_stage(r.get("etapa_validada"))),
                    html.Td(state_badge(word, icon, css)),
                ]
            )
        )
    return _table(["Servicio", "Etapa comprometida", "Etapa validada", "Estado"], body)


def _stage(value: object) -> str:
    return NO_DATA if tv.is_missing(value) or pd.isna(value) else STAGES.get(int(value), str(value))


def goals_table(view: RegionView, region_names: dict[str, str], id_: str) -> html.Div:
    if view.goals.empty:
        return html.P("Ninguna meta tiene cifras para esta región.", className="text-muted")
    rows = [grid_row(r, region_names) for r in view.goals.to_dict("records")]
    return goals_grid(sorted(rows, key=lambda r: (r["semaforo_orden"], r["codigo_meta"])), id_=id_)


def region_cards(overview: RegionOverview) -> dbc.Row:
    """The 16 regions north to south, each a link to its page with its coverage."""
    coverage = overview.report.territorios.set_index("codigo")["cobertura"]
    late = overview.commitments.set_index("region")["atrasados"]
    cards = []
    for code, name, short in overview.regions.itertuples(index=False):
        body = [
            html.Div(f"{ROMAN_OF.get(code, '')} · {code}", className="small text-muted"),
            html.Div(short, className="h5 mb-1", title=name),
            html.Div(
                "Cobertura " + tv.number_text(coverage.get(code), 1) + " por 1.000 hab.",
                className="small",
            ),
            html.Div(
                "Compromisos atrasados: "
                + (str(int(late.get(code, 0))) if overview.reads_detail(code) else NO_ACCESS),
                className="small",
            ),
        ]
        card = dbc.Card(dbc.CardBody(body), class_name="h-100 region-card")
        link = dcc.Link(card, href=f"/region/{code}", className="text-reset text-decoration-none")
        cards.append(dbc.Col(link, xs=6, md=4, xl=3))
    return dbc.Row(cards, class_name="g-3")


def products_grid(view: RegionView, id_: str) -> object:
    if view.products.empty:
        return html.P("Ningún producto con entregas en este periodo.", className="text-muted")
    return tv.territory_table(id_, products_rows(view), PRODUCT_COLUMNS)
