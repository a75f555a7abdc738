"""Builders of the validation page (/validacion): the pending figures grid, the action panel,
the result of an action and the recent history of actions.

Pure functions of the frames of warehouse.validation, so unit tests assert the component tree
without a browser. The grid carries, for each figure, its key and the version shown
(`version`): that is all an action sends back, and the warehouse checks it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import components
from dashboard.components import empty_state, section
from dashboard.formatting import NO_DATA, format_datetime
from dashboard.goal_format import format_value, is_missing, month_label, value_digits
from dashboard.goal_views import goal_link
from warehouse.scope import PRESIDENCIA, Scope
from warehouse.validation import MAX_COMMENT, RETURN, Refusal, ValidationResult
from warehouse.vocabulary import PROGRESS_STATE_LABELS

# Component ids of this page (kept here, not in dashboard/ids.py: one page, one module).
TITLE = "validacion-titulo"
INTRO = "validacion-intro"
COUNT = "validacion-cantidad"
GRID = "validacion-grilla"
COMMENT = "validacion-comentario"
VALIDATE = "validacion-validar"
RETURN_BUTTON = "validacion-devolver"
RESULT = "validacion-resultado"
HISTORY = "validacion-historial"
NOT_ALLOWED = "validacion-sin-permiso"
ERROR = "validacion-error"
READ_ONLY = "validacion-solo-lectura"
HISTORY_GOAL = "validacion-historial-meta"

# Roles that read the pending figures and the history without acting on them (warehouse.scope
# gives presidencia every `validaciones` row; only a ministry validates, Scope.can_validate).
READ_ONLY_ROLES = frozenset({PRESIDENCIA})

HISTORY_ROWS = 50
NATIONAL = "Nacional"
ACTION_WORDS = {"validar": "Validó", "devolver": "Devolvió"}
STATE_WORDS = {**PROGRESS_STATE_LABELS, "devuelto": "Devuelto"}
STATE_ICONS = {
    "validado": "bi-patch-check-fill text-success",
    "devuelto": "bi-reply-fill text-warning",
    "reportado": "bi-hourglass-split text-secondary",
}
COMMENT_HELP = (
    "Obligatorio para devolver: explique qué debe corregir quien reportó la cifra. "
    "Al validar es opcional y queda en el historial."
)
INTRO_TEXT = (
    "Cifras mensuales reportadas y aún no validadas de las metas de {ministries}. Marque las "
    "que revisó y valídelas (pasan a ser las cifras oficiales que ven Presidencia y la "
    "ciudadanía), o devuélvalas con un comentario para quien las reportó."
)


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


def _plain(value: object) -> object:
    return None if is_missing(value) else value


def row_id(codigo_meta: str, mes: str, region: str | None) -> str:
    return f"{codigo_meta}|{mes}|{region or ''}"


def grid_row(row: Mapping[str, object]) -> dict[str, object]:
    """One pending figure as the grid shows it and as an action sends it back."""
    mes = pd.Timestamp(row["mes"]).date().isoformat()
    region = _plain(row.get("region"))
    digits = value_digits([row.get("valor_programado"), row.get("valor_real")])
    file_name, line = _plain(row.get("archivo")), _plain(row.get("linea"))
    loaded = _plain(row.get("cargado_en"))
    return {
        "id": row_id(str(row["codigo_meta"]), mes, region),  # type: ignore[arg-type]
        "codigo_meta": row["codigo_meta"],
        "nombre_meta": _plain(row.get("nombre_meta")),
        "ministerio": _plain(row.get("ministerio")),
        "mes": mes,
        "mes_texto": month_label(mes),
        "region": region,
        "region_texto": _plain(row.get("nombre_region")) or NATIONAL,
        "valor_programado": _plain(row.get("valor_programado")),
        "programado_texto": format_value(row.get("valor_programado"), digits),  # type: ignore[arg-type]
        "valor_real": _plain(row.get("valor_real")),
        "real_texto": format_value(row.get("valor_real"), digits),  # type: ignore[arg-type]
        "unidad": _plain(row.get("unidad")),
        "reportado_por": _plain(row.get("reportado_por")) or NO_DATA,
        "comentario": _plain(row.get("comentario")) or "",
        "origen": f"{file_name}, línea {int(line)}" if file_name and line else NO_DATA,  # type: ignore[arg-type]
        "cargado_texto": format_datetime(pd.Timestamp(loaded).to_pydatetime() if loaded else None),
        "version": row["version"],
    }


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


def action_panel(*, disabled: bool = False) -> dbc.Row:
    """The comment and the two actions; they apply to the figures marked in the grid."""
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(
                        "Comentario (obligatorio para devolver)",
                        html_for=COMMENT,
                        class_name="small mb-1",
                    ),
                    dbc.Textarea(
                        id=COMMENT,
                        rows=2,
                        maxLength=MAX_COMMENT,
                        placeholder="Por ejemplo: la cifra de Valparaíso no cuadra con el "
                        "registro del servicio; revise y vuelva a reportar.",
                        title=COMMENT_HELP,
                        disabled=disabled,
                    ),
                ],
                lg=8,
            ),
            dbc.Col(
                html.Div(
                    [
                        dbc.Button(
                            [html.I(className="bi bi-patch-check me-1"), "Validar seleccionadas"],
                            id=VALIDATE,
                            color="success",
                            disabled=disabled,
                            n_clicks=0,
                        ),
                        dbc.Button(
                            [html.I(className="bi bi-reply me-1"), "Devolver con comentario"],
                            id=RETURN_BUTTON,
                            color="warning",
                            disabled=disabled,
                            n_clicks=0,
                        ),
                    ],
                    className="d-flex flex-wrap gap-2",
                ),
                lg=4,
                class_name="d-flex align-items-end",
            ),
        ],
        class_name="g-2 my-2",
    )


def _figure_label(refusal: Refusal, names: Mapping[str | None, str]) -> str:
    figure = refusal.figure
    if isinstance(figure, Mapping):
        return refusal.label
    region = names.get(figure.region) or figure.region or NATIONAL
    return f"{figure.codigo_meta} · {month_label(figure.mes)} · {region}"


def result_alert(
    result: ValidationResult, names: Mapping[str | None, str] | None = None
) -> dbc.Alert:
    """What the action did: how many figures changed, and each one left as it was, with why."""
    names = names or {}
    returned = result.action == RETURN
    if result.accepted == 0:
        done = "No se modificó ninguna cifra."
    elif result.accepted == 1:
        done = "Se devolvió 1 cifra con su comentario." if returned else "Se validó 1 cifra."
    else:
        verb = "devolvieron" if returned else "validaron"
        done = f"Se {verb} {result.accepted} cifras" + (" con su comentario." if returned else ".")
    body: list[object] = [html.Strong(done)]
    if result.refused:
        items = [
            html.Li([html.Span(_figure_label(r, names), className="fw-semibold"), ": ", r.reason])
            for r in result.refused
        ]
        body.append(html.P("Quedaron sin cambios:", className="mb-1 mt-2"))
        body.append(html.Ul(items, className="mb-0"))
    color = "success" if not result.refused else ("warning" if result.accepted else "danger")
    icon = "bi-check-circle-fill" if color == "success" else "bi-exclamation-triangle-fill"
    return dbc.Alert(
        [html.I(className=f"bi {icon} me-2", **{"aria-hidden": "true"}), *body],
        color=color,
        id=RESULT + "-alerta",
        dismissable=True,
    )


def message_alert(title: str, detail: str, *, color: str = "warning") -> dbc.Alert:
    """A request that could not be carried out (nothing was written)."""
    return dbc.Alert(
        [
            html.I(className="bi bi-exclamation-triangle-fill me-2", **{"aria-hidden": "true"}),
            html.Strong(title),
            (": " + detail) if detail else "",
        ],
        color=color,
        id=RESULT + "-alerta",
        dismissable=True,
    )


def history_table(history: pd.DataFrame) -> html.Div:
    """Recent actions, newest first: who, when, what, state before → after, value, comment."""
    if history.empty:
        return empty_state("Aún no hay acciones de validación registradas.")
    rows = []
    for h in history.to_dict("records"):
        value = h.get("valor_real")
        rows.append(
            html.Tr(
                [
                    html.Td(
                        format_datetime(pd.Timestamp(h["en"]).to_pydatetime()),
                        className="text-nowrap",
                    ),
                    html.Td(h["usuario"]),
                    html.Td(ACTION_WORDS.get(h["accion"], h["accion"])),
                    html.Td(goal_link(h["codigo_meta"], _plain(h.get("nombre_meta")))),
                    html.Td(month_label(h["mes"]), className="text-nowrap"),
                    html.Td(_plain(h.get("nombre_region")) or NATIONAL),
                    html.Td(
                        format_value(value, value_digits([value])),  # type: ignore[arg-type]
                        className="text-end",
                    ),
                    html.Td(_state_change(h), className="text-nowrap"),
                    html.Td(_plain(h.get("comentario")) or NO_DATA, className="small"),
                ]
            )
        )
    headers = [
        "Fecha (hora de Chile)",
        "Usuario",
        "Acción",
        "Meta",
        "Mes",
        "Región",
        "Valor",
        "Estado",
        "Comentario",
    ]
    return components.table(
        headers, rows, HISTORY + "-tabla", {"Valor"}, class_name="validation-history"
    )


def _state_change(action: Mapping[str, object]) -> list[object]:
    """'Reportado → Devuelto', the state after with its icon (never colour alone)."""
    before, after = str(action["estado_antes"]), str(action["estado_despues"])
    icon = STATE_ICONS.get(after, "bi-circle")
    return [
        STATE_WORDS.get(before, before) + " → ",
        html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}),
        STATE_WORDS.get(after, after),
    ]


def history_section(history: pd.DataFrame, goal: str | None = None) -> html.Section:
    """The recent actions, of every goal in scope or of one (`?meta=` in the URL)."""
    children: list[object] = [html.Div(history_table(history), id=HISTORY)]
    title = "Acciones recientes"
    if goal:
        title = f"Historial de validación de la meta {goal}"
        children.insert(
            0,
            html.P(
                [
                    "Solo las acciones sobre ",
                    goal_link(goal),
                    ". ",
                    html.A("Ver las de todas las metas", href="/validacion"),
                    ".",
                ],
                id=HISTORY_GOAL,
                className="small mb-1",
            ),
        )
    return section(
        title,
        children,
        help_text="Cada acción queda registrada (quién, cuándo, qué y el estado antes → después);"
        " la cifra anterior se conserva como versión cerrada. Una cifra devuelta espera un nuevo"
        " reporte de su meta.",
    )


def intro(scope: Scope) -> html.P:
    ministries = ", ".join(scope.ministries) or "su ministerio"
    return html.P(INTRO_TEXT.format(ministries=ministries), id=INTRO, className="lead")


def reads_only(scope: Scope) -> bool:
    """A role that may read this page without validating (presidencia)."""
    return scope.role in READ_ONLY_ROLES and not scope.can_validate


def read_only_intro() -> html.Div:
    """What presidencia reads here, and that only each ministry validates its figures."""
    return html.Div(
        [
            html.P(
                "Cifras mensuales reportadas y aún no validadas de todas las metas, y el "
                "historial de validaciones y devoluciones.",
                id=INTRO,
                className="lead",
            ),
            dbc.Alert(
                [
                    html.I(className="bi bi-eye me-2", **{"aria-hidden": "true"}),
                    "Vista de solo lectura: la coordinación de cada ministerio valida o devuelve"
                    " las cifras de sus metas.",
                ],
                color="info",
                id=READ_ONLY,
                class_name="py-2",
            ),
        ]
    )


def not_allowed(scope: Scope) -> dbc.Alert:
    """A viewer who cannot validate: why, in words (the page's controls stay hidden)."""
    if scope.is_public:
        text = "Inicie sesión con una cuenta de coordinación ministerial para validar cifras."
    else:
        text = (
            "Su cuenta no valida cifras: solo la coordinación de un ministerio valida las cifras"
            " de las metas de su ministerio."
        )
    return dbc.Alert(
        [html.I(className="bi bi-shield-lock me-2", **{"aria-hidden": "true"}), text],
        color="warning",
        id=NOT_ALLOWED,
    )


def region_names(rows: Sequence[Mapping[str, object]]) -> dict[str | None, str]:
    """Region code → name, from grid rows (for the result's labels)."""
    return {
        r.get("region"): str(r.get("region_texto"))  # type: ignore[misc]
        for r in rows
        if isinstance(r, Mapping) and r.get("region_texto")
    }
