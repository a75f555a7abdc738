"""Figures and sentences of the convergence page: σ, β, Theil, Gini, synergy.

The page's state and report are read in dashboard.territory.convergence_data; the builders
here are pure functions of an `indicators.territory_report.TerritoryReport` (no database):
every number comes from the report; the figures only place it. The β scatter draws each territory's
(ln c_t0, g) from the report's yearly panel, the same inputs the report's β was fitted on.
Definitions (indicators.md) are repeated in HELP, shown as tooltips next to each title.
Figures are plain dicts in plotly's own shape, built with dashboard.ui.figure_dict: graph objects
cost far more CPU to build than the dict Dash sends anyway (see figure_dict.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from dash import html

from dashboard.ui.figure_dict import Figure, FigureDict, trace
from dashboard.ui.formatting import NO_DATA
from dashboard.ui.maps import number
from dashboard.ui.theme import OKABE_ITO
from indicators.synergy import ALL_AREAS
from indicators.territory import coverage_in_year
from indicators.territory_report import TerritoryReport
from warehouse.vocabulary import AREA_LABELS

BLUE, ORANGE, GREEN, GREY = OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], "#6c757d"
HELP = {
    "sigma": (
        "σ-convergencia: coeficiente de variación de la cobertura entre territorios, ponderado "
        "por población, año a año: CV = √(Σ qᵢ (cᵢ − c̄)²) / c̄. Si la dispersión cae en el "
        "tiempo (pendiente MCO negativa del CV sobre el año), hay σ-convergencia."
    ),
    "beta": (
        "β-convergencia: entre territorios con cobertura > 0 en el año inicial y el final, "
        "crecimiento anual g = ln(c_final / c_inicial) / años, regresión MCO g = α + β ln "
        "c_inicial. β < 0: los territorios rezagados crecen más rápido y alcanzan a los demás."
    ),
    "theil": (
        "Índice de Theil T = Σ sᵢ ln(sᵢ / qᵢ), con sᵢ la parte de los beneficiarios y qᵢ la "
        "parte de la población: 0 si los beneficiarios se reparten igual que la población. "
        "Se descompone en T entre grupos (calculado sobre los totales de cada grupo) + T "
        "dentro de los grupos (Σ S_g T_g)."
    ),
    "gini": (
        "Gini de la cobertura entre territorios, ponderado por población: 0 = igual cobertura "
        "en todos, 1 = máxima desigualdad."
    ),
    "synergy": (
        "Una comuna converge en un área temática cuando al menos dos servicios distintos "
        "entregan beneficios allí en el periodo. Índice de sinergia de una región = parte de su "
        "población que vive en comunas que convergen."
    ),
    "pairs": (
        "Pares de servicios que entregan en una misma comuna y área temática, contados en "
        "comunas: dónde ya hay coordinación posible."
    ),
}
LEVEL_WORDS = {"region": "regiones", "comuna": "comunas"}
GROUP_WORDS = {"region": ("entre regiones", "dentro de las regiones"),
               "provincia": ("entre provincias", "dentro de las provincias")}  # fmt: skip


# --------------------------------------------------------------------------- figures


def decimal(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return NO_DATA
    return number(value, digits)


def _layout(fig: FigureDict, height: int = 340, **kwargs: Any) -> Figure:
    """The margins, height and hidden legend every figure of the page shares, then the dict."""
    layout = {"margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "showlegend": False} | kwargs
    return fig.update_layout(height=height, **layout).to_dict()


def empty_figure(text: str) -> Figure:
    """A blank plot that says why there is nothing to draw, instead of empty axes."""
    fig = FigureDict().add_annotation(
        text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    fig.update_xaxes(visible=False).update_yaxes(visible=False)
    return _layout(fig, height=220)


# --------------------------------------------------------------------------- σ


def sigma_figure(report: TerritoryReport) -> Figure:
    """CV per year with the OLS trend; a year with fewer than 12 months of data says so."""
    series = report.sigma
    if series.empty:
        return empty_figure("Sin entregas en los años elegidos")
    years, cv = series["anio"].to_numpy(float), series["cv"].to_numpy(float)
    labels = [
        decimal(v) + ("" if m >= 12 else f" ({m} meses)")
        for v, m in zip(cv, series["meses"], strict=True)
    ]
    fig = FigureDict([
        trace(
            "scatter", x=years, y=cv, mode="lines+markers+text", text=labels,
            textposition="top center", line={"color": BLUE, "width": 3}, marker={"size": 10},
            name="CV", hovertemplate="%{x}: CV %{y:.3f}<extra></extra>",
        )
    ])  # fmt: skip
    slope = report.sigma_pendiente
    if math.isfinite(slope):  # the OLS line passes through the means
        trend = cv.mean() + slope * (years - years.mean())
        line = {"color": ORANGE, "dash": "dash"}
        fig.add_trace(trace("scatter", x=years, y=trend, mode="lines", line=line, hoverinfo="skip"))
    fig.update_xaxes(
        title={"text": "Año"},
        tickmode="array",
        tickvals=years,
        tickformat="d",
        range=[float(years.min()) - 0.5, float(years.max()) + 0.5],
    )  # room for the labels
    fig.update_yaxes(title={"text": "Coeficiente de variación"}, rangemode="tozero")
    return _layout(fig, margin={"l": 10, "r": 10, "t": 30, "b": 10})  # room for the labels


def sigma_sentence(report: TerritoryReport) -> str:
    slope = report.sigma_pendiente
    if not math.isfinite(slope):
        return "Se necesitan al menos dos años con entregas para saber si la dispersión cae."
    trend = "cae" if slope < 0 else "sube" if slope > 0 else "no cambia"
    verdict = "hay" if slope < 0 else "no hay"
    years = report.sigma["anio"]
    return (
        f"Entre {years.min()} y {years.max()} la dispersión {trend} "
        f"(pendiente {decimal(slope, 4)} por año): {verdict} σ-convergencia."
    )


# --------------------------------------------------------------------------- β


def beta_points(report: TerritoryReport, names: Mapping[str, str]) -> pd.DataFrame:
    """(codigo, nombre, x = ln c_inicial, g) of the territories β was fitted on."""
    beta = report.beta
    if beta is None:
        return pd.DataFrame(columns=["codigo", "nombre", "x", "g"])
    codes = report.territorios["codigo"]
    c0 = np.asarray(coverage_in_year(report.anual, beta.anio_inicial, codes), float)
    c1 = np.asarray(coverage_in_year(report.anual, beta.anio_final, codes), float)
    keep = np.isfinite(c0) & np.isfinite(c1) & (c0 > 0) & (c1 > 0)
    years = beta.anio_final - beta.anio_inicial
    frame = pd.DataFrame({"codigo": codes.to_numpy()[keep]})
    frame["nombre"] = frame["codigo"].map(names).fillna(frame["codigo"])
    frame["x"] = np.log(c0[keep])
    frame["g"] = np.log(c1[keep] / c0[keep]) / years
    return frame


def beta_figure(report: TerritoryReport, names: Mapping[str, str]) -> Figure:
    """Each territory's (ln c_t0, g) and the fitted line; its slope is the report's β."""
    beta = report.beta
    if beta is None:
        return empty_figure("β requiere dos años distintos y al menos 3 territorios con cobertura")
    points = beta_points(report, names)
    x = points["x"].to_numpy(float)  # arrays, not pandas: the figure is plain data
    fig = FigureDict([
        trace(
            "scatter", x=x, y=points["g"].to_numpy(float), mode="markers",
            text=points["nombre"].tolist(), marker={"size": 9, "color": BLUE, "opacity": 0.8},
            hovertemplate="%{text}<br>ln cobertura inicial %{x:.2f}<br>"
            "crecimiento anual %{y:.3f}<extra></extra>",
        )
    ])  # fmt: skip
    xs = np.linspace(x.min(), x.max(), 2)
    fig.add_trace(trace("scatter", x=xs, y=beta.alfa + beta.beta * xs, mode="lines",
                        line={"color": ORANGE, "width": 3}, hoverinfo="skip"))  # fmt: skip
    fig.update_xaxes(title={"text": f"ln cobertura {beta.anio_inicial} (por 1.000 hab.)"})
    fig.update_yaxes(title={"text": f"Crecimiento anual {beta.anio_inicial}–{beta.anio_final}"})
    return _layout(fig)


def beta_sentence(report: TerritoryReport, level: str) -> str:
    beta = report.beta
    if beta is None:
        return (
            "No se puede estimar β: elija un año inicial anterior al del periodo, con al menos "
            "tres territorios con cobertura en ambos años."
        )
    catch_up = beta.beta < 0
    words = (
        f"β = {decimal(beta.beta)} (error estándar {decimal(beta.error_estandar)}; "
        f"R² = {decimal(beta.r2, 2)}; n = {beta.n} {LEVEL_WORDS.get(level, 'territorios')} "
        f"con cobertura en {beta.anio_inicial} y {beta.anio_final}). "
    )
    words += (
        "Los territorios con menor cobertura inicial crecieron más rápido: hay β-convergencia."
        if catch_up
        else "Los territorios con menor cobertura inicial no crecieron más rápido: "
        "no hay β-convergencia."
    )
    if math.isfinite(beta.error_estandar) and abs(beta.beta) < 2 * beta.error_estandar:
        words += " La estimación es imprecisa: β está a menos de dos errores estándar de cero."
    return words


# --------------------------------------------------------------------------- Theil and Gini


def theil_figure(report: TerritoryReport) -> Figure:
    """T between + T within = T, as a stacked bar next to the total."""
    theil = report.theil
    if not math.isfinite(theil.total):
        return empty_figure("Sin beneficiarios en el periodo")
    if report.theil_grupos is None or not math.isfinite(theil.between):
        bars = [("T total", theil.total, BLUE)]
    else:
        between, within = GROUP_WORDS.get(report.theil_grupos, ("entre grupos", "dentro"))
        bars = [(f"T {between}", theil.between, GREEN), (f"T {within}", theil.within, ORANGE)]
    fig = FigureDict([
        trace("bar", y=["Theil"], x=[float(value)], name=name, orientation="h",
              marker={"color": color}, text=[f"{name}: {decimal(value, 4)}"],
              textposition="inside", insidetextanchor="middle",
              hovertemplate=name + ": %{x:.4f}<extra></extra>")
        for name, value, color in bars
    ])  # fmt: skip
    total = float(theil.total)
    fig.add_annotation(x=total, y="Theil", text=f"T = {decimal(total, 4)}",
                       showarrow=False, xanchor="left", xshift=6)  # fmt: skip
    fig.update_xaxes(title={"text": "Índice de Theil"}, range=[0, total * 1.35])
    fig.update_yaxes(visible=False)
    return _layout(fig, height=170, barmode="stack")


def theil_sentence(report: TerritoryReport) -> str:
    theil = report.theil
    if not math.isfinite(theil.total):
        return "Sin beneficiarios en el periodo: no hay desigualdad que medir."
    if report.theil_grupos is None or not math.isfinite(theil.between):
        return (
            f"T = {decimal(theil.total, 4)}. El desglose entre y dentro de grupos se calcula al "
            "mirar comunas (agrupadas por región, o por provincia dentro de una región)."
        )
    between, within = GROUP_WORDS.get(report.theil_grupos, ("entre grupos", "dentro"))
    share = theil.between / theil.total if theil.total > 0 else math.nan
    return (
        f"T = {decimal(theil.total, 4)} = {decimal(theil.between, 4)} {between} + "
        f"{decimal(theil.within, 4)} {within}. La desigualdad {between} explica "
        f"{decimal(share * 100, 0)} % del total."
    )


# --------------------------------------------------------------------------- synergy


def synergy_rows(report: TerritoryReport, regions: pd.DataFrame, area: str | None) -> pd.DataFrame:
    """(nombre, indice %) per region north to south, or per area when one region is in view."""
    rows = report.sinergia
    if rows.empty:
        return pd.DataFrame(columns=["nombre", "indice"])
    if len(set(rows["codigo_region"])) == 1:
        labels = {**AREA_LABELS, ALL_AREAS: "Todas las áreas"}
        names = rows["area_tematica"].map(labels).fillna(rows["area_tematica"])
        return pd.DataFrame({"nombre": names, "indice": rows["indice_sinergia"] * 100})
    chosen = rows[rows["area_tematica"] == (area or ALL_AREAS)]
    ordered = regions[["codigo", "nombre_corto"]].merge(
        chosen, left_on="codigo", right_on="codigo_region"
    )
    return pd.DataFrame(
        {"nombre": ordered["nombre_corto"], "indice": ordered["indice_sinergia"] * 100}
    )


def synergy_sentence(report: TerritoryReport, regions: pd.DataFrame, area: str | None) -> str:
    """What the bars are: regions north to south, or the areas of the one region in view."""
    rows = report.sinergia
    if rows.empty:
        return ""
    if len(set(rows["codigo_region"])) == 1:
        names = dict(zip(regions["codigo"], regions["nombre_corto"], strict=True))
        code = rows["codigo_region"].iloc[0]
        return f"Por área temática, en {names.get(code, code)}."
    chosen = AREA_LABELS.get(area or "", "todas las áreas temáticas")
    return f"Por región, de norte a sur; área: {chosen}."


def synergy_figure(report: TerritoryReport, regions: pd.DataFrame, area: str | None) -> Figure:
    """One bar per region (north at the top) or per area; the height grows with the rows."""
    rows = synergy_rows(report, regions, area)
    if rows.empty:
        return empty_figure("Sin entregas por comuna en el periodo")
    index = rows["indice"].to_numpy(float)
    fig = FigureDict([
        trace(
            "bar", x=index, y=rows["nombre"].tolist(), orientation="h", marker={"color": GREEN},
            text=[decimal(v, 0) + " %" for v in index], textposition="outside",
            hovertemplate="%{y}: %{x:.1f} % de la población<extra></extra>",
        )
    ])  # fmt: skip
    fig.update_xaxes(title={"text": "Población en comunas que convergen (%)"}, range=[0, 112])
    fig.update_yaxes(autorange="reversed")  # north at the top; no title (the names say it)
    return _layout(fig, height=max(220, 32 * len(rows) + 60))


def pairs_table(report: TerritoryReport, top: int = 10) -> html.Div:
    """The service pairs that most often deliver together (comunas where both deliver)."""
    pairs = report.pares.head(top)
    if pairs.empty:
        return html.P("Ningún par de servicios entrega en una misma comuna y área.",
                      className="text-muted")  # fmt: skip
    titles = [html.Th(t) for t in ("Área temática", "Servicio", "Servicio")]
    head = html.Thead(html.Tr([*titles, html.Th("Comunas", className="text-end")]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(AREA_LABELS.get(r.area_tematica, r.area_tematica)),
                    html.Td(r.servicio_a),
                    html.Td(r.servicio_b),
                    html.Td(number(r.comunas), className="text-end"),
                ]
            )
            for r in pairs.itertuples(index=False)
        ]
    )
    return html.Div(
        html.Table([head, body], className="table table-sm table-striped align-middle mb-0"),
        className="table-responsive",
    )


def cards(report: TerritoryReport) -> list[tuple[str, str, str, str]]:
    """(label, value, note, help) of the headline figures."""
    slope = report.sigma_pendiente
    beta = report.beta
    trend = (
        "sin tendencia (un año)" if not math.isfinite(slope)
        else ("la dispersión cae" if slope < 0 else "la dispersión sube")
    )  # fmt: skip
    return [
        ("Coeficiente de variación", decimal(report.cv), trend, HELP["sigma"]),
        ("β-convergencia", decimal(beta.beta) if beta else NO_DATA,
         f"error estándar {decimal(beta.error_estandar)}" if beta else "no estimable",
         HELP["beta"]),
        ("Índice de Theil", decimal(report.theil.total, 4), "0 = como la población", HELP["theil"]),
        ("Gini", decimal(report.gini), "0 = igual cobertura", HELP["gini"]),
    ]  # fmt: skip
