"""Tables of the goal page: bottlenecks, milestones, regional breakdown and the provenance of
every monthly figure (file, load time in Chilean time, line, validated or not).

Plain Bootstrap tables: a goal has tens of rows at most, they must print and project well, and
each state is an icon plus a word. Rows and cells are elements (dashboard.ui.elements): the page is
built again for every goal and month asked for, and its cells were most of that work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from dash import html

from dashboard.ui import components, ids
from dashboard.ui import elements as el
from dashboard.ui.components import empty_state, light_badge, percent
from dashboard.ui.elements import Element
from dashboard.ui.formatting import NO_DATA, format_datetime, source_text
from dashboard.ui.goal_charts import MILESTONE_STATES
from dashboard.ui.goal_format import format_date, format_value, is_missing, month_label
from indicators.frames import row_dicts
from warehouse.vocabulary import BOTTLENECK_TYPE_LABELS, LEVEL_LABELS

VALIDATED = ("bi-patch-check-fill text-success", "Validado")
UNVALIDATED = ("bi-hourglass-split text-secondary", "Reportado, sin validar")
RETURNED = ("bi-reply-fill text-warning", "Devuelto")
JUDGED = {"validado": VALIDATED, "devuelto": RETURNED}


def table(headers: Sequence[str], rows: list[Element], id_: str, numeric: set[str] = frozenset()):
    return components.table(headers, rows, id_, numeric, class_name="meta-table")


def _icon_word(icon: str, word: str) -> list:
    return [el.icon(f"bi {icon} me-1"), word]


def _text(value: object) -> str:
    return NO_DATA if is_missing(value) else str(value)


def _moment(value: object) -> datetime | None:
    return None if is_missing(value) or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def row_source(row: dict) -> str:
    """'Fuente: archivo X, línea N, cargado el …' of a row with archivo, linea, cargado_en."""
    line = row.get("linea")
    return source_text(
        None if is_missing(row.get("archivo")) else str(row["archivo"]),
        None if is_missing(line) or pd.isna(line) else int(line),
        _moment(row.get("cargado_en")),
    )


def validation_state(row: dict) -> tuple[str, str, str]:
    """(icon, word, detail) of a monthly figure's state: who validated or returned it and when
    (who only when the viewer may read the validation record), or that it awaits validation."""
    state = row.get("estado")
    if state not in JUDGED:
        icon, word = UNVALIDATED if state == "reportado" else (UNVALIDATED[0], _text(state))
        return icon, word, ""
    icon, word = JUDGED[state]
    who, when = row.get("validado_por"), _moment(row.get("validado_en"))
    when = when or _moment(row.get("estado_desde"))
    if when is None:  # the file itself said "validado": no action was recorded here
        return icon, word, "en el archivo de origen"
    by = "" if is_missing(who) else f"por {who} "
    return icon, word, f"{by}el {format_datetime(when)}"


def bottleneck_row(b: dict, region_names: dict[str, str]) -> Element:
    if b["abierta"]:
        state = _icon_word("bi-exclamation-circle", "Abierta")
        age = f"{int(b['dias_abierta'])} días"
    else:
        state = _icon_word("bi-check2-circle", "Resuelta el " + format_date(b["fecha_resolucion"]))
        age = NO_DATA
    escalate = (
        el.span(
            _icon_word("bi-arrow-up-circle-fill", "Escalar al Grupo de Estrategia"),
            className="fw-semibold semaforo-rojo",
        )
        if b["escalar"]
        else "No"
    )
    region = NO_DATA if is_missing(b["region"]) else region_names.get(b["region"], b["region"])
    return el.tr(
        [
            el.td(b["codigo_restriccion"]),
            el.td(b["descripcion"]),
            el.td(BOTTLENECK_TYPE_LABELS.get(b["tipo"], b["tipo"])),
            el.td(light_badge(b["severidad"], small=True)),
            el.td(LEVEL_LABELS.get(b["nivel"], b["nivel"])),
            el.td(region),
            el.td(_text(b["responsable"])),
            el.td(format_date(b["fecha_alerta"]), className="text-nowrap"),
            el.td(age, className="text-end text-nowrap"),
            el.td(escalate),
            el.td(state),
            el.td(row_source(b), className="small"),
        ]
    )


def bottlenecks_table(
    frame: pd.DataFrame, region_names: dict[str, str], *, complete: bool = True
) -> html.Div:
    """Open bottlenecks first (oldest first), then the resolved ones. `complete` is false when
    the viewer's role may not read every bottleneck of the goal: an empty table then says so
    instead of "none", and a partial one says whose rows it holds."""
    if frame.empty:
        text = (
            "Sin restricciones registradas a la fecha de corte."
            if complete
            else "Las restricciones de esta meta no son visibles para su perfil."
        )
        return html.Div(empty_state(text), id=ids.META_BOTTLENECKS)
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
        "Fuente",
    ]
    rows = [bottleneck_row(b, region_names) for b in row_dicts(ordered)]
    if complete:
        return table(headers, rows, ids.META_BOTTLENECKS, {"Antigüedad"})
    note = html.P(
        "Solo se muestran las restricciones visibles para su perfil; la meta puede tener otras.",
        className="small text-muted mb-1",
    )
    return html.Div(
        [note, components.table(headers, rows, None, {"Antigüedad"}, class_name="meta-table")],
        id=ids.META_BOTTLENECKS,
    )


def milestones_table(frame: pd.DataFrame) -> html.Div:
    if frame.empty:
        return html.Div(
            empty_state("Esta meta no tiene metas intermedias registradas."), id=ids.META_MILESTONES
        )
    rows = []
    for m in row_dicts(frame):
        word = MILESTONE_STATES[m["estado_hito"]][0]
        late = f"{int(m['dias_atraso'])} días" if m["dias_atraso"] > 0 else NO_DATA
        rows.append(
            el.tr(
                [
                    el.td(m["codigo_hito"]),
                    el.td(m["nombre"]),
                    el.td(format_date(m["fecha_programada"]), className="text-nowrap"),
                    el.td(format_date(m["fecha_cumplida"]), className="text-nowrap"),
                    el.td(word, className=f"hito-{m['estado_hito']} text-nowrap"),
                    el.td(late, className="text-end text-nowrap"),
                ]
            )
        )
    headers = ["Hito", "Nombre", "Programada", "Cumplida", "Estado", "Atraso"]
    return table(headers, rows, ids.META_MILESTONES, {"Atraso"})


def regions_table(frame: pd.DataFrame, digits: int) -> html.Div:
    """Regional figures in the region's own units; avance and lights on its implied plan."""
    rows = [
        el.tr(
            [
                el.td(r["nombre_region"]),
                el.td(format_value(r["valor_actual"], digits), className="text-end"),
                el.td(month_label(r["mes_reportado"], short=True), className="text-nowrap"),
                el.td(format_value(r["valor_programado"], digits), className="text-end"),
                el.td(percent(r["avance"]), className="text-end"),
                el.td(percent(r["esperado"]), className="text-end"),
                el.td(light_badge(r["estado"], small=True)),
            ]
        )
        for r in row_dicts(frame)
    ]
    headers = ["Región", "Valor real", "Mes", "Programado", "Avance", "Esperado", "Estado"]
    return table(
        headers, rows, ids.META_REGIONS, {"Valor real", "Programado", "Avance", "Esperado"}
    )


def _state_cell(icon: str, word: str, detail: str) -> list:
    """Icon and word on one line; who and when (if known) below, in small print."""
    first = el.span(_icon_word(icon, word), className="text-nowrap")
    if not detail:
        return [first]
    return [first, el.element("Div", detail, className="small text-muted")]


def provenance_table(series: pd.DataFrame, digits: int) -> html.Div:
    """'Procedencia de las cifras': for each month shown, where its figure came from."""
    if series.empty:
        return html.Div(
            empty_state("Aún no hay cifras mensuales cargadas para esta meta."),
            id=ids.META_PROVENANCE,
        )
    rows = []
    for r in row_dicts(series.sort_values("mes", ascending=False)):
        icon, word, detail = validation_state(r)
        reported = not is_missing(r["valor_real"])
        rows.append(
            el.tr(
                [
                    el.td(month_label(r["mes"]), className="text-nowrap"),
                    el.td(format_value(r["valor_programado"], digits), className="text-end"),
                    el.td(format_value(r["valor_real"], digits), className="text-end"),
                    el.td(_state_cell(icon, word, detail) if reported else "Sin cifra"),
                    el.td(_text(r["reportado_por"])),
                    el.td(_text(r["archivo"]), className="archivo"),
                    el.td(
                        format_datetime(None if is_missing(r["cargado_en"]) else r["cargado_en"]),
                        className="text-nowrap",
                    ),
                    el.td(_text(r["source_line"]), className="text-end"),
                    el.td(_text(r["comentario"]), className="small"),
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
