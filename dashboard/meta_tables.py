"""Tables of the goal page: bottlenecks, milestones, regional breakdown and the provenance of
every monthly figure (file, load time in Chilean time, line, validated or not).

Plain Bootstrap tables: a goal has tens of rows at most, they must print and project well, and
each state is an icon plus a word.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from dash import html

from dashboard import components, ids
from dashboard.components import empty_state, light_badge, percent
from dashboard.formatting import NO_DATA, format_datetime
from dashboard.goal_charts import MILESTONE_STATES
from dashboard.goal_format import format_date, format_value, is_missing, month_label

TYPE_WORDS = {
    "financiera": "Financiera",
    "legal": "Legal",
    "politica": "Política",
    "comunicacional": "Comunicacional",
    "tecnico_administrativa": "Técnico-administrativa",
}
LEVEL_WORDS = {"institucional": "Coordinación Institucional", "estrategia": "Grupo de Estrategia"}
VALIDATED = ("bi-patch-check-fill text-success", "Validado")
UNVALIDATED = ("bi-hourglass-split text-secondary", "Reportado, sin validar")


def table(headers: Sequence[str], rows: list[html.Tr], id_: str, numeric: set[str] = frozenset()):
    return components.table(headers, rows, id_, numeric, class_name="meta-table")


def _icon_word(icon: str, word: str) -> list:
    return [html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), word]


def _text(value: object) -> str:
    return NO_DATA if is_missing(value) else str(value)


def bottleneck_row(b: pd.Series, region_names: dict[str, str]) -> html.Tr:
    if b["abierta"]:
        state = _icon_word("bi-exclamation-circle", "Abierta")
        age = f"{int(b['dias_abierta'])} días"
    else:
        state = _icon_word("bi-check2-circle", "Resuelta el " + format_date(b["fecha_resolucion"]))
        age = NO_DATA
    escalate = (
        html.Span(
            _icon_word("bi-arrow-up-circle-fill", "Escalar al Grupo de Estrategia"),
            className="fw-semibold semaforo-rojo",
        )
        if b["escalar"]
        else "No"
    )
    region = NO_DATA if is_missing(b["region"]) else region_names.get(b["region"], b["region"])
    return html.Tr(
        [
            html.Td(b["codigo_restriccion"]),
            html.Td(b["descripcion"]),
            html.Td(TYPE_WORDS.get(b["tipo"], b["tipo"])),
            html.Td(light_badge(b["severidad"], small=True)),
            html.Td(LEVEL_WORDS.get(b["nivel"], b["nivel"])),
            html.Td(region),
            html.Td(_text(b["responsable"])),
            html.Td(format_date(b["fecha_alerta"]), className="text-nowrap"),
            html.Td(age, className="text-end text-nowrap"),
            html.Td(escalate),
            html.Td(state),
        ]
    )


def bottlenecks_table(frame: pd.DataFrame, region_names: dict[str, str]) -> html.Div:
    """Open bottlenecks first (oldest first), then the resolved ones."""
    if frame.empty:
        return html.Div(
            empty_state("Sin restricciones registradas a la fecha de corte."),
            id=ids.META_BOTTLENECKS,
        )
    ordered = frame.sort_values(["abierta", "fecha_alerta"], ascending=[False, True])
    headers = [
        "Código",
        "Descripción",
        "Tipo",
        "Severidad",
        "Nivel",
        "Región",
        "Responsable",
        "Alerta",
        "Antigüedad",
        "Escalar",
        "Estado",
    ]
    rows = [bottleneck_row(b, region_names) for _, b in ordered.iterrows()]
    return table(headers, rows, ids.META_BOTTLENECKS, {"Antigüedad"})


def milestones_table(frame: pd.DataFrame) -> html.Div:
    if frame.empty:
        return html.Div(
            empty_state("Esta meta no tiene metas intermedias registradas."), id=ids.META_MILESTONES
        )
    rows = []
    for _, m in frame.iterrows():
        word = MILESTONE_STATES[m["estado_hito"]][0]
        late = f"{int(m['dias_atraso'])} días" if m["dias_atraso"] > 0 else NO_DATA
        rows.append(
            html.Tr(
                [
                    html.Td(m["codigo_hito"]),
                    html.Td(m["nombre"]),
                    html.Td(format_date(m["fecha_programada"]), className="text-nowrap"),
                    html.Td(format_date(m["fecha_cumplida"]), className="text-nowrap"),
                    html.Td(word, className=f"hito-{m['estado_hito']} text-nowrap"),
                    html.Td(late, className="text-end text-nowrap"),
                ]
            )
        )
    headers = ["Hito", "Nombre", "Programada", "Cumplida", "Estado", "Atraso"]
    return table(headers, rows, ids.META_MILESTONES, {"Atraso"})


def regions_table(frame: pd.DataFrame, digits: int) -> html.Div:
    """Regional figures in the region's own units; avance and lights on its implied plan."""
    rows = [
        html.Tr(
            [
                html.Td(r["nombre_region"]),
                html.Td(format_value(r["valor_actual"], digits), className="text-end"),
                html.Td(month_label(r["mes_reportado"], short=True), className="text-nowrap"),
                html.Td(format_value(r["valor_programado"], digits), className="text-end"),
                html.Td(percent(r["avance"]), className="text-end"),
                html.Td(percent(r["esperado"]), className="text-end"),
                html.Td(light_badge(r["estado"], small=True)),
            ]
        )
        for _, r in frame.iterrows()
    ]
    headers = ["Región", "Valor real", "Mes", "Programado", "Avance", "Esperado", "Estado"]
    return table(
        headers, rows, ids.META_REGIONS, {"Valor real", "Programado", "Avance", "Esperado"}
    )


def provenance_table(series: pd.DataFrame, digits: int) -> html.Div:
    """'Procedencia de las cifras': for each month shown, where its figure came from."""
    if series.empty:
        return html.Div(
            empty_state("Aún no hay cifras mensuales cargadas para esta meta."),
            id=ids.META_PROVENANCE,
        )
    rows = []
    for r in series.sort_values("mes", ascending=False).to_dict("records"):
        icon, word = VALIDATED if r["estado"] == "validado" else UNVALIDATED
        reported = not is_missing(r["valor_real"])
        rows.append(
            html.Tr(
                [
                    html.Td(month_label(r["mes"]), className="text-nowrap"),
                    html.Td(format_value(r["valor_programado"], digits), className="text-end"),
                    html.Td(format_value(r["valor_real"], digits), className="text-end"),
                    html.Td(
                        _icon_word(icon, word) if reported else "Sin cifra", className="text-nowrap"
                    ),
                    html.Td(_text(r["reportado_por"])),
                    html.Td(_text(r["archivo"]), className="archivo"),
                    html.Td(
                        format_datetime(None if is_missing(r["cargado_en"]) else r["cargado_en"]),
                        className="text-nowrap",
                    ),
                    html.Td(_text(r["source_line"]), className="text-end"),
                    html.Td(_text(r["comentario"]), className="small"),
                ]
            )
        )
    headers = [
        "Mes",
        "Programado",
        "Real",
        "Validación",
        "Reportado por",
        "Archivo",
        "Cargado (hora de Chile)",
        "Línea",
        "Comentario",
    ]
    return table(headers, rows, ids.META_PROVENANCE, {"Programado", "Real", "Línea"})
