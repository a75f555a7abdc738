"""The decisions grid (dash-ag-grid) and its rows: pure functions of warehouse.decisions'
frame, so unit tests assert them without a browser. Dates and states arrive as text, written
the Chilean way; overdue decisions are flagged "Vencida" with the days overdue."""

from __future__ import annotations

from collections.abc import Mapping

import dash_ag_grid as dag
import pandas as pd

from dashboard.decisions.ids import GRID
from dashboard.ui.formatting import NO_DATA, format_datetime
from dashboard.ui.goal_tables import day_text, is_missing
from warehouse.decisions import OVERDUE, STATE_LABELS

COLUMN_DEFS: list[dict[str, object]] = [
    {"headerName": "N.º", "field": "id", "width": 80, "type": "rightAligned"},
    {
        "headerName": "Estado",
        "field": "estado_texto",
        "width": 170,
        "cellClassRules": {"text-danger fw-semibold": "params.data.estado === 'vencida'"},
    },
    {"headerName": "Restricción", "field": "codigo_restriccion", "width": 120},
    {"headerName": "Meta", "field": "codigo_meta", "width": 105, "tooltipField": "nombre_meta"},
    {"headerName": "Ministerio", "field": "ministerio", "width": 200, "tooltipField": "ministerio"},
    {
        "headerName": "Decisión",
        "field": "texto",
        "flex": 2,
        "minWidth": 260,
        "wrapText": True,
        "autoHeight": True,
        "cellClass": "goal-cell",
    },
    {
        "headerName": "Responsable",
        "field": "responsable",
        "width": 200,
        "tooltipField": "responsable",
    },
    {
        "headerName": "Vence",
        "field": "vence",
        "valueFormatter": {"function": "params.data.vence_texto"},
        "width": 120,
    },
    {"headerName": "Registrada", "field": "registrada_texto", "width": 210},
    {"headerName": "Cerrada", "field": "cerrada_texto", "width": 210},
    {
        "headerName": "Resultado",
        "field": "resultado",
        "flex": 1,
        "minWidth": 200,
        "wrapText": True,
        "autoHeight": True,
        "cellClass": "goal-cell",
    },
]
LOCALE_TEXT = {"noRowsToShow": "Ninguna decisión con estos filtros.", "loadingOoo": "Cargando…"}


def _plain(value: object) -> object:
    return None if is_missing(value) else value


def _when(value: object, who: object) -> str:
    if is_missing(value):
        return NO_DATA
    return f"{format_datetime(pd.Timestamp(value).to_pydatetime())} · {_plain(who) or NO_DATA}"


def state_text(state: str, late: object) -> str:
    """'Abierta', 'Cerrada', or 'Vencida (hace 3 días)'."""
    label = STATE_LABELS.get(state, state)
    if state != OVERDUE or is_missing(late):
        return label
    days = int(late)  # type: ignore[call-overload]
    return f"{label} (hace {days} día{'s' if days != 1 else ''})"


def grid_row(row: Mapping[str, object]) -> dict[str, object]:
    """One decision as the grid shows it."""
    due = _plain(row.get("vence"))
    return {
        "id": int(row["id"]),  # type: ignore[call-overload]
        "estado": row["estado"],
        "estado_texto": state_text(str(row["estado"]), row.get("dias_vencida")),
        "codigo_restriccion": row["codigo_restriccion"],
        "codigo_meta": row["codigo_meta"],
        "nombre_meta": _plain(row.get("nombre_meta")),
        "ministerio": _plain(row.get("ministerio")),
        "texto": row["texto"],
        "responsable": row["responsable"],
        "vence": pd.Timestamp(due).date().isoformat() if due is not None else None,  # type: ignore[arg-type]
        "vence_texto": day_text(due),
        "registrada_texto": _when(row.get("creada_en"), row.get("creada_por")),
        "cerrada_texto": _when(row.get("cerrada_en"), row.get("cerrada_por")),
        "resultado": _plain(row.get("resultado")) or "",
    }


def grid_rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [grid_row(r) for r in frame.to_dict("records")]


def count_text(count: int) -> str:
    if count == 0:
        return "Ninguna decisión con estos filtros."
    return "1 decisión." if count == 1 else f"{count} decisiones."


def decisions_grid(rows: list[dict[str, object]]) -> dag.AgGrid:
    return dag.AgGrid(
        id=GRID,
        rowData=rows,
        columnDefs=COLUMN_DEFS,
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True},
        getRowId="params.data.id",
        dashGridOptions={
            "domLayout": "autoHeight",
            "tooltipShowDelay": 300,
            "localeText": LOCALE_TEXT,
            "suppressCellFocus": True,
        },
        className="goals-grid decisions-grid",
        style={"width": "100%"},
    )
