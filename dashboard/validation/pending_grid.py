"""The pending figures grid of the validation page (/validacion) and its rows.

Pure functions of the frames of warehouse.validation, so unit tests assert the component tree
without a browser. The grid carries, for each figure, its key and the version shown
(`version`): that is all an action sends back, and the warehouse checks it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import dash_ag_grid as dag
import pandas as pd

from dashboard.ui.formatting import NO_DATA, format_datetime
from dashboard.ui.goal_format import format_value, is_missing, month_label, value_digits
from dashboard.validation.ids import GRID

NATIONAL = "Nacional"


def _text(field: str) -> dict[str, str]:
    """A valueFormatter showing a precomputed text column of the row."""
    return {"function": f"params.data.{field}"}


COLUMN_DEFS: list[dict[str, object]] = [
    {"headerName": "Meta", "field": "codigo_meta", "width": 105},
    {
        "headerName": "Nombre de la meta",
        "field": "nombre_meta",
        "flex": 2,
        "minWidth": 240,
        "wrapText": True,
        "autoHeight": True,
        "cellClass": "goal-cell",  # normal line height when wrapped (assets/review.css)
    },
    {"headerName": "Mes", "field": "mes", "valueFormatter": _text("mes_texto"), "width": 130},
    {"headerName": "Región", "field": "region_texto", "width": 150},
    {
        "headerName": "Programado",
        "field": "valor_programado",
        "valueFormatter": _text("programado_texto"),
        "type": "rightAligned",
        "width": 130,
    },
    {
        "headerName": "Real",
        "field": "valor_real",
        "valueFormatter": _text("real_texto"),
        "type": "rightAligned",
        "width": 130,
        "cellClass": "fw-semibold",
    },
    {"headerName": "Unidad", "field": "unidad", "width": 170, "tooltipField": "unidad"},
    {
        "headerName": "Reportado por",
        "field": "reportado_por",
        "flex": 1,
        "minWidth": 180,
        "tooltipField": "reportado_por",
    },
    {
        "headerName": "Comentario",
        "field": "comentario",
        "flex": 1,
        "minWidth": 180,
        "tooltipField": "comentario",
    },
    {
        "headerName": "Esperando",
        "field": "dias_esperando",
        "valueFormatter": _text("esperando_texto"),
        "type": "rightAligned",
        "width": 120,
        "headerTooltip": "Días desde que se reportó (o se corrigió) la cifra.",
    },
    {
        "headerName": "Archivo y línea",
        "field": "origen",
        "flex": 1,
        "minWidth": 220,
        "tooltipField": "origen",
        "headerTooltip": "Archivo y línea (como la muestra una planilla) de donde viene la cifra.",
    },
    {
        "headerName": "Cargado (hora de Chile)",
        "field": "cargado_texto",
        "width": 170,
    },
]
LOCALE_TEXT = {
    "noRowsToShow": "No hay cifras pendientes de validación.",
    "loadingOoo": "Cargando…",
    "ariaRowSelect": "Seleccionar la cifra",
    "ariaRowDeselect": "Quitar la cifra de la selección",
    "ariaRowSelectAll": "Seleccionar todas las cifras",
    "ariaRowToggleSelection": "Cambiar la selección",
    "ariaChecked": "marcada",
    "ariaUnchecked": "sin marcar",
}


def plain(value: object) -> object:
    """None for a missing value (pandas' NaN/NaT/NA), else the value as it is."""
    return None if is_missing(value) else value


def row_id(codigo_meta: str, mes: str, region: str | None) -> str:
    return f"{codigo_meta}|{mes}|{region or ''}"


def grid_row(row: Mapping[str, object]) -> dict[str, object]:
    """One pending figure as the grid shows it and as an action sends it back."""
    mes = pd.Timestamp(row["mes"]).date().isoformat()
    region = plain(row.get("region"))
    digits = value_digits([row.get("valor_programado"), row.get("valor_real")])
    file_name, line = plain(row.get("archivo")), plain(row.get("linea"))
    loaded = plain(row.get("cargado_en"))
    since = plain(row.get("desde"))
    waited = max(0, (_now() - pd.Timestamp(since).to_pydatetime()).days) if since else 0
    return {
        "id": row_id(str(row["codigo_meta"]), mes, region),  # type: ignore[arg-type]
        "codigo_meta": row["codigo_meta"],
        "nombre_meta": plain(row.get("nombre_meta")),
        "ministerio": plain(row.get("ministerio")),
        "mes": mes,
        "mes_texto": month_label(mes),
        "region": region,
        "region_texto": plain(row.get("nombre_region")) or NATIONAL,
        "valor_programado": plain(row.get("valor_programado")),
        "programado_texto": format_value(row.get("valor_programado"), digits),  # type: ignore[arg-type]
        "valor_real": plain(row.get("valor_real")),
        "real_texto": format_value(row.get("valor_real"), digits),  # type: ignore[arg-type]
        "unidad": plain(row.get("unidad")),
        "reportado_por": plain(row.get("reportado_por")) or NO_DATA,
        "comentario": plain(row.get("comentario")) or "",
        "origen": _origin(row, file_name, line),
        "dias_esperando": waited,
        "esperando_texto": "hoy" if waited == 0 else f"{waited} día{'s' if waited != 1 else ''}",
        "cargado_texto": format_datetime(pd.Timestamp(loaded).to_pydatetime() if loaded else None),
        "version": row["version"],
    }


ENTRY_CHANNELS = {"formulario": "formulario web", "api": "API"}


def _origin(row: Mapping[str, object], file_name: object, line: object) -> str:
    """Where the figure came from: a file and its line, or the web form / API and who sent it."""
    channel = ENTRY_CHANNELS.get(str(plain(row.get("canal"))))
    if channel:
        return f"{channel} · {plain(row.get('enviado_por')) or NO_DATA}"
    return f"{file_name}, línea {int(line)}" if file_name and line else NO_DATA  # type: ignore[call-overload]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def grid_rows(pending: pd.DataFrame) -> list[dict[str, object]]:
    return [grid_row(r) for r in pending.to_dict("records")]


MINISTRY_COLUMN: dict[str, object] = {
    "headerName": "Ministerio",
    "field": "ministerio",
    "width": 200,
    "tooltipField": "ministerio",
}
SELECTION = {
    "mode": "multiRow",
    "checkboxes": True,
    "headerCheckbox": True,
    "enableClickSelection": False,
}


def pending_grid(rows: list[dict[str, object]], *, selectable: bool = True) -> dag.AgGrid:
    """Checkbox selection (header box = all); a figure is identified by its key. Read-only
    (no checkboxes, the ministry shown) for a role that reads without validating."""
    columns = COLUMN_DEFS if selectable else [COLUMN_DEFS[0], MINISTRY_COLUMN, *COLUMN_DEFS[1:]]
    selection = {"rowSelection": SELECTION} if selectable else {}
    return dag.AgGrid(
        id=GRID,
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True},
        getRowId="params.data.id",
        selectedRows=[],
        dashGridOptions={
            **selection,
            "domLayout": "autoHeight",
            "tooltipShowDelay": 300,
            "localeText": LOCALE_TEXT,
            "suppressCellFocus": True,
        },
        className="goals-grid validation-grid",  # the goals grid's cell styles
        style={"width": "100%"},
    )


def count_text(count: int) -> str:
    if count == 0:
        return "Ninguna cifra pendiente de validación."
    if count == 1:
        return "1 cifra pendiente de validación."
    return f"{count} cifras pendientes de validación."


def region_names(rows: Sequence[Mapping[str, object]]) -> dict[str | None, str]:
    """Region code → name, from grid rows (for the result's labels)."""
    return {
        r.get("region"): str(r.get("region_texto"))  # type: ignore[misc]
        for r in rows
        if isinstance(r, Mapping) and r.get("region_texto")
    }
