"""The explorer's datasets: goal status, monthly progress, commitments and bottlenecks as
constant SQL, plus the deliveries, whose shape follows their settings (deliveries.py).

A select list writes LABEL(t.col) for a code column shown as its word (words.py). The goal
scorecard is computed in Python (indicators.goal_report) and enters as a registered frame.
"""

from __future__ import annotations

from collections.abc import Mapping

from warehouse.commitments import CURRENT_FOLLOWED
from warehouse.explore.dataset_parts import (
    CURRENT_GOALS,
    F_FROM,
    F_MINISTRY,
    F_TO,
    LINEAGE_COLUMNS,
    SCORECARD,
    Dataset,
    chile_time,
    column_list,
    lineage_join,
    lineage_select,
)
from warehouse.explore.deliveries import deliveries
from warehouse.explore.filters import FilterSpec

# Monthly progress: who validated (or returned) the figure and when. A figure validated in the
# file it came from has no action; one whose action this viewer may not read says so, never
# "validated in the file" (scope: `validaciones` is limited per role).
VALIDATION_SELECT = (
    "CASE WHEN v.id IS NOT NULL THEN LABEL(v.accion)"
    " WHEN a.validacion_id IS NOT NULL THEN 'Sin acceso al detalle'"
    " WHEN a.estado = 'validado' THEN 'Validado en el archivo' END AS validacion,"
    " v.usuario AS validado_por, " + chile_time("v.en") + " AS validado_en"
)
VALIDATION_COLUMNS = (
    "validacion:Validación; validado_por:Validado o devuelto por;"
    " validado_en:Fecha de validación (hora de Chile)"
)

GOAL_STATUS = Dataset(
    key="estado_metas",
    label="Estado de metas",
    select=(
        "s.codigo_meta, s.nombre AS meta, m.ministerio, m.servicio,"
        " LABEL(m.area_tematica) AS area_tematica,"
        " CASE WHEN m.ambito = 'nacional' THEN 'Nacional' ELSE t.nombre_corto END AS ambito,"
        " LABEL(s.estado) AS estado, LABEL(s.semaforo_trayectoria) AS semaforo_trayectoria,"
        " LABEL(s.semaforo_gestion) AS semaforo_gestion,"
        " round(100 * s.avance, 1) AS avance_pct, round(100 * s.esperado, 1) AS esperado_pct,"
        " round(100 * s.cumplimiento, 1) AS cumplimiento_pct, s.valor_actual,"
        " s.valor_programado, s.valor_meta, s.unidad,"
        " strftime(s.mes_reportado, '%Y-%m') AS mes_reportado,"
        " strftime(s.proyeccion, '%Y-%m') AS proyeccion,"
        " CASE WHEN s.en_riesgo THEN 'Sí' ELSE 'No' END AS en_riesgo,"
        " s.restricciones_abiertas, CASE WHEN s.escalar IS NULL THEN 'Sin acceso'"
        " WHEN s.escalar THEN 'Sí' ELSE 'No' END AS escalar, " + lineage_select("m", "meta_")
    ),
    source=(
        "FROM " + SCORECARD + " AS s LEFT JOIN " + CURRENT_GOALS + " AS m USING (codigo_meta)"
        " LEFT JOIN territorios AS t ON t.codigo = m.ambito" + lineage_join("m")
    ),
    columns=column_list(
        "codigo_meta:Código; meta:Meta; ministerio:Ministerio; servicio:Servicio;"
        " area_tematica:Área temática; ambito:Ámbito; estado:Estado;"
        " semaforo_trayectoria:Semáforo de trayectoria; semaforo_gestion:Semáforo de gestión;"
        " avance_pct:Avance (%):number; esperado_pct:Esperado (%):number;"
        " cumplimiento_pct:Cumplimiento de trayectoria (%):number;"
        " valor_actual:Valor actual:number; valor_programado:Valor programado:number;"
        " valor_meta:Valor meta:number; unidad:Unidad; mes_reportado:Último mes reportado;"
        " proyeccion:Proyección (mes); en_riesgo:En riesgo;"
        " restricciones_abiertas:Restricciones abiertas:number; escalar:Escalar;"
        # Computed rows: their origin is the goal's own row (name, target, dates, thresholds).
        " meta_archivo:Archivo de la meta; meta_linea:Línea de la meta:number;"
        " meta_cargado_en:Meta cargada (hora de Chile)"
    ),
    filters=(
        F_MINISTRY,
        FilterSpec("region", "Ámbito", "m.ambito", options="ambito"),
        FilterSpec("area", "Área temática", "m.area_tematica", options="area"),
        FilterSpec("semaforo", "Estado", "s.estado", options="estado_meta"),
    ),
    order="codigo_meta",
    settings=("mes",),
)

PROGRESS = Dataset(
    key="avance_mensual",
    label="Avance mensual",
    select=(
        "a.codigo_meta, m.nombre AS meta, m.ministerio, strftime(a.mes, '%Y-%m') AS mes,"
        " coalesce(t.nombre_corto, 'Nacional') AS region, coalesce(t.orden, -1) AS orden,"
        " a.valor_programado, a.valor_real, m.unidad, LABEL(a.estado) AS estado,"
        " a.reportado_por, a.comentario, " + lineage_select("a") + ", " + VALIDATION_SELECT
    ),
    source=(
        "FROM avance_mensual AS a LEFT JOIN " + CURRENT_GOALS + " AS m USING (codigo_meta)"
        " LEFT JOIN territorios AS t ON t.codigo = a.region"
        + lineage_join("a")
        + " LEFT JOIN validaciones AS v ON v.id = a.validacion_id"
    ),
    columns=column_list(
        "codigo_meta:Código; meta:Meta; ministerio:Ministerio; mes:Mes; region:Región;"
        " valor_programado:Valor programado:number; valor_real:Valor real:number;"
        " unidad:Unidad; estado:Estado del dato; reportado_por:Reportado por;"
        " comentario:Comentario; " + LINEAGE_COLUMNS + "; " + VALIDATION_COLUMNS
    ),
    filters=(
        F_MINISTRY,
        FilterSpec("meta", "Meta", "a.codigo_meta", options="meta"),
        FilterSpec("region", "Región", "a.region", "national", options="region_nacional"),
        F_FROM,
        F_TO,
        FilterSpec("estado", "Estado del dato", "a.estado", options="estado_avance"),
    ),
    order="codigo_meta, mes, orden",
    fixed=("a.valid_to IS NULL",),
)

COMMITMENTS = Dataset(
    key="compromisos",
    label="Compromisos",
    select=(
        "c.codigo_compromiso, t.nombre_corto AS region, t.orden, c.servicio,"
        " LABEL(c.comision) AS comision, c.descripcion,"
        " strftime(c.fecha_acuerdo, '%Y-%m-%d') AS fecha_acuerdo,"
        " strftime(c.fecha_compromiso, '%Y-%m-%d') AS fecha_compromiso,"
        " LABEL(c.estado) AS estado,"
        " strftime(c.fecha_cumplimiento, '%Y-%m-%d') AS fecha_cumplimiento, c.ultimo_seguimiento, "
        + lineage_select("c")
    ),
    source=(
        # Each commitment with its latest follow-up (warehouse.commitments, the rule every
        # screen reads), through the scope views of `compromisos` and `seguimientos`.
        "FROM (SELECT * FROM " + CURRENT_FOLLOWED + ") AS c"
        " LEFT JOIN territorios AS t ON t.codigo = c.region" + lineage_join("c")
    ),
    columns=column_list(
        "codigo_compromiso:Código; region:Región; servicio:Servicio; comision:Comisión;"
        " descripcion:Descripción; fecha_acuerdo:Fecha de acuerdo;"
        " fecha_compromiso:Fecha comprometida; estado:Estado;"
        " fecha_cumplimiento:Fecha de cumplimiento; ultimo_seguimiento:Último seguimiento; "
        + LINEAGE_COLUMNS
    ),
    filters=(
        FilterSpec("region", "Región", "c.region", options="region"),
        FilterSpec("servicio", "Servicio", "c.servicio", options="servicio"),
        FilterSpec("area", "Comisión", "c.comision", options="area"),
        FilterSpec("estado", "Estado", "c.estado", options="estado_compromiso"),
    ),
    order="orden, codigo_compromiso",
    fixed=("c.valid_to IS NULL",),
)

BOTTLENECKS = Dataset(
    key="restricciones",
    label="Restricciones",
    select=(
        "r.codigo_restriccion, r.codigo_meta, m.nombre AS meta, m.ministerio,"
        " LABEL(r.tipo) AS tipo, LABEL(r.severidad) AS severidad, LABEL(r.nivel) AS nivel,"
        " coalesce(t.nombre_corto, 'Nacional') AS region, r.descripcion, r.responsable,"
        " strftime(r.fecha_alerta, '%Y-%m-%d') AS fecha_alerta,"
        " strftime(r.fecha_resolucion, '%Y-%m-%d') AS fecha_resolucion,"
        " CASE WHEN r.fecha_resolucion IS NULL THEN 'Abierta' ELSE 'Resuelta' END AS situacion, "
        + lineage_select("r")
    ),
    source=(
        "FROM restricciones AS r LEFT JOIN " + CURRENT_GOALS + " AS m USING (codigo_meta)"
        " LEFT JOIN territorios AS t ON t.codigo = r.region" + lineage_join("r")
    ),
    columns=column_list(
        "codigo_restriccion:Código; codigo_meta:Código de meta; meta:Meta;"
        " ministerio:Ministerio; tipo:Tipo; severidad:Severidad; nivel:Nivel; region:Región;"
        " descripcion:Descripción; responsable:Responsable; fecha_alerta:Fecha de alerta;"
        " fecha_resolucion:Fecha de resolución; situacion:Situación; " + LINEAGE_COLUMNS
    ),
    filters=(
        F_MINISTRY,
        FilterSpec("meta", "Meta", "r.codigo_meta", options="meta"),
        FilterSpec("region", "Región", "r.region", "national", options="region_nacional"),
        FilterSpec("tipo", "Tipo", "r.tipo", options="tipo"),
        FilterSpec("semaforo", "Severidad", "r.severidad", options="severidad"),
        FilterSpec("nivel", "Nivel", "r.nivel", options="nivel"),
        FilterSpec("situacion", "Situación", "r.fecha_resolucion", "open", options="situacion"),
    ),
    order="codigo_restriccion",
    fixed=("r.valid_to IS NULL",),
)


DATASETS = {
    "estado_metas": "Estado de metas",
    "avance_mensual": "Avance mensual",
    "entregas": "Entregas",
    "compromisos": "Compromisos",
    "restricciones": "Restricciones",
}
_FIXED = {d.key: d for d in (GOAL_STATUS, PROGRESS, COMMITMENTS, BOTTLENECKS)}
SETTING_DEFAULTS = {"nivel": "region", "desglose": "periodo"}


def dataset_for(key: str, args: Mapping[str, object] | None = None) -> Dataset:
    """The dataset named `key` (its shape may depend on the settings in `args`)."""
    if key == "entregas":
        return deliveries(args or {})
    if key not in _FIXED:
        raise ValueError(f"conjunto de datos desconocido: {key!r}")
    return _FIXED[key]
