"""The goals table of /metas as a dash-ag-grid: column definitions and row data.

Cells that need markup (goal link, light, thermometer) use the renderers in
assets/dashAgGridComponentFunctions.js; the words, icons, classes and formatted numbers they
show are computed here, with the same helpers as every other screen, so the grid cannot
disagree with a card or a tooltip. Numeric columns keep the true value (sorting works on it)
and show the Chilean-formatted text.
"""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd

from dashboard.server.board import BREAKDOWN, NATIONAL, GoalBoard
from dashboard.ui.components import LIGHT_HELP, LIGHT_ORDER, LIGHTS, percent
from dashboard.ui.goal_tables import goal_href, number
from warehouse.vocabulary import AREA_LABELS

_RANK = {light: i for i, light in enumerate(LIGHT_ORDER)}


def _text(field: str) -> dict[str, str]:
    """A valueFormatter showing a precomputed text column of the row."""
    return {"function": f"params.data.{field}"}


COLUMN_DEFS: list[dict[str, object]] = [
    {
        "headerName": "Meta",
        "field": "nombre",
        "cellRenderer": "GoalLink",
        "flex": 3,
        "minWidth": 280,
        "wrapText": True,
        "autoHeight": True,
        "cellClass": "goal-cell",
    },
    {
        "headerName": "Semáforo",
        "field": "semaforo_orden",
        "cellRenderer": "LightBadge",
        "width": 170,
        "headerTooltip": "Estado general: el peor entre trayectoria y gestión (restricciones).",
    },
    {
        "headerName": "Avance",
        "field": "avance",
        "cellRenderer": "Thermometer",
        "width": 230,
        "headerTooltip": "Avance hacia la meta; la marca negra indica dónde debería estar hoy.",
    },
    {
        "headerName": "Esperado",
        "field": "esperado",
        "valueFormatter": _text("esperado_texto"),
        "type": "rightAligned",
        "width": 115,
    },
    {
        "headerName": "Cumplimiento",
        "field": "cumplimiento",
        "valueFormatter": _text("cumplimiento_texto"),
        "type": "rightAligned",
        "width": 140,
        "headerTooltip": "Avance logrado sobre el avance programado a la fecha.",
    },
    {
        "headerName": "Cifras de",
        "field": "alcance",
        "width": 180,
        "headerTooltip": "Nacional, la región de una meta regional, o el desglose regional "
        "de una meta nacional (con un filtro de región).",
    },
    {"headerName": "Ministerio", "field": "ministerio", "flex": 2, "minWidth": 200},
    {"headerName": "Gerente", "field": "gerente", "flex": 1, "minWidth": 170},
    {"headerName": "Área", "field": "area", "width": 160},
]


def scope_text(row: dict, region_names: dict[str, str]) -> str:
    """Whose figures the row shows: 'Nacional', 'Valparaíso', 'Valparaíso (desglose)'."""
    if row.get("cifras") == BREAKDOWN:
        return region_names.get(row["region"], row["region"]) + " (desglose)"
    ambito = row.get("ambito")
    return "Nacional" if ambito in (None, NATIONAL) else region_names.get(ambito, ambito)


def grid_row(row: dict, region_names: dict[str, str]) -> dict[str, object]:
    """One goal as the grid's renderers and formatters read it."""
    light = row.get("estado")
    word, icon, css = LIGHTS.get(light, ("", "", "neutral"))
    avance, esperado = number(row.get("avance")), number(row.get("esperado"))
    help_text = "Avance " + percent(avance)
    if esperado is not None:
        help_text += " · esperado hoy " + percent(esperado)
    return {
        "codigo_meta": row["codigo_meta"],
        "nombre": row.get("nombre"),
        "href": goal_href(row["codigo_meta"]),
        "semaforo": light,
        "semaforo_orden": _RANK.get(light, len(_RANK)),
        "semaforo_texto": word,
        "semaforo_icono": icon,
        "semaforo_clase": css,
        "semaforo_ayuda": LIGHT_HELP.get(light, ""),
        "avance": avance,
        "avance_texto": percent(avance),
        "esperado": esperado,
        "esperado_texto": percent(esperado),
        "cumplimiento": number(row.get("cumplimiento")),
        "cumplimiento_texto": percent(number(row.get("cumplimiento"))),
        "termometro_ayuda": help_text,
        "ministerio": row.get("ministerio"),
        "gerente": row.get("gerente"),
        "area": AREA_LABELS.get(row.get("area_tematica") or "", row.get("area_tematica")),
        "alcance": scope_text(row, region_names),
    }


def grid_rows(goals: pd.DataFrame, board: GoalBoard) -> list[dict[str, object]]:
    """Rows for the grid, worst light first (rojo before amarillo…), then by code."""
    names = board.region_names
    rows = [grid_row(r, names) for r in goals.to_dict("records")]
    return sorted(rows, key=lambda r: (r["semaforo_orden"], r["codigo_meta"]))


def goals_grid(rows: list[dict[str, object]], *, id_: str) -> dag.AgGrid:
    """The grid: all rows rendered (autoHeight: a few hundred goals at most), sortable and
    resizable columns, a goal's row identified by its code."""
    return dag.AgGrid(
        id=id_,
        rowData=rows,
        columnDefs=COLUMN_DEFS,
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True},
        getRowId="params.data.codigo_meta",
        dashGridOptions={
            "domLayout": "autoHeight",
            "tooltipShowDelay": 300,
            "localeText": {"noRowsToShow": "Ninguna meta cumple los filtros elegidos."},
            "suppressCellFocus": True,
        },
        className="goals-grid",
        style={"width": "100%"},
    )
