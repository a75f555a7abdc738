"""Queries behind the explorer: five datasets, their filters as data, and AG Grid's own filters.

Filters are data (datasette habit): each filter the user sets yields a `Clause` — an SQL
fragment over a constant column expression, its bound parameters, and a Spanish description
("Región = Valparaíso"). `build_query` turns a dataset, its URL arguments and the grid's
filterModel into one `ExploreQuery`; the grid shows its first rows and the CSV/Excel export
reads all of them through the same SQL, so what is shown and what is exported cannot disagree.

Shape of every query (values always bound, identifiers through `ident`):

    SELECT <visible columns> FROM (SELECT <dataset columns> FROM <source>
        WHERE <fixed conditions> AND <dataset filters> [GROUP BY ALL]) AS t
    WHERE <grid column filters> ORDER BY <order>

Grid column filters apply to the *output* columns, which hold exactly the values the grid holds
(codes already turned into words, months as 'AAAA-MM' text, percentages as 0-100 numbers), so
AG Grid's client-side filter and this server-side translation see the same values. The goal
scorecard is computed in Python (indicators.goal_report) and enters as a registered frame.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from warehouse import status
from warehouse.db import ident, scalar
from warehouse.versioned import Params, fetch
from warehouse.vocabulary import (
    AREA_LABELS,
    BOTTLENECK_TYPE_LABELS,
    COMMITMENT_STATE_LABELS,
    DIRECTION_LABELS,
    LEVEL_LABELS,
    PROGRESS_STATE_LABELS,
    SEVERITY_LABELS,
    parse_month,
)

SCORECARD = "explore_scorecard"  # name under which the scorecard frame is registered
LABELS: dict[str, str] = {
    **AREA_LABELS, **SEVERITY_LABELS, **PROGRESS_STATE_LABELS, **COMMITMENT_STATE_LABELS,
    **BOTTLENECK_TYPE_LABELS, **LEVEL_LABELS, **DIRECTION_LABELS,
    "cumplida": "Cumplida", "no_iniciada": "No iniciada", "sin_informacion": "Sin información",
    "sin_acceso": "Sin acceso",
    "nacional": "Nacional", "abierta": "Abierta", "resuelta": "Resuelta",
    "region": "Región", "comuna": "Comuna",
    "mes": "Por mes", "periodo": "Sumado en el período", "total": "Total del territorio",
    "filas": "Filas cargadas, con su origen", "validar": "Validado", "devolver": "Devuelto",
    "devuelto": "Devuelto",
}  # fmt: skip


_LABEL = re.compile(r"LABEL\(([a-z]\.[a-z_]+)\)")


def expand_labels(select: str) -> str:
    """Constant select lists write LABEL(t.col) for "this code column as its Spanish word";
    it becomes a lookup in two bound lists (LABELS), so no word is ever written into SQL."""
    return _LABEL.sub(
        r"coalesce(list_extract($label_words, list_position($label_codes, \1)), \1)", select
    )


def _label_params(sql: str) -> Params:
    if "$label_codes" not in sql:  # DuckDB rejects parameters the statement does not use
        return {}
    return {"label_codes": list(LABELS), "label_words": list(LABELS.values())}


# --------------------------------------------------------------------------- filters as data


@dataclass(frozen=True)
class Clause:
    """One condition: SQL over constant expressions, bound parameters, and how to say it."""

    sql: str
    params: Params
    label: str
    operator: str
    value: str

    @property
    def description(self) -> str:
        return " ".join(part for part in (self.label, self.operator, self.value) if part)


@dataclass(frozen=True)
class FilterSpec:
    """A dataset filter: URL key, Spanish label, constant SQL expression, how it compares, and
    the option list ('region', 'meta', …) its values and their names come from."""

    key: str
    label: str
    expr: str
    kind: str = "equals"  # equals | month_from | month_to | national | open
    options: str = ""

    def clause(self, value: str, names: Mapping[str, str]) -> Clause | None:
        """The condition for one value; None for a month that is not 'AAAA-MM'."""
        shown = names.get(value) or LABELS.get(value, value)
        param = {self.key: value}
        if self.kind in ("month_from", "month_to"):
            month = parse_month(value)
            if month is None:
                return None
            op = ">=" if self.kind == "month_from" else "<="
            return Clause(self.expr + " " + op + " $" + self.key, {self.key: month},
                          "Mes", "≥" if op == ">=" else "≤", value)  # fmt: skip
        if self.kind == "national" and value == "nacional":
            return Clause(self.expr + " IS NULL", {}, self.label, "=", "Nacional")
        if self.kind == "open":
            null = "IS NULL" if value == "abierta" else "IS NOT NULL"
            return Clause(self.expr + " " + null, {}, self.label, "=", shown)
        return Clause(self.expr + " = $" + self.key, param, self.label, "=", shown)


# --------------------------------------------------------------------------- datasets


@dataclass(frozen=True)
class Column:
    """An output column: name (= grid field and export header), Spanish label, text|number."""

    name: str
    label: str
    kind: str = "text"


@dataclass(frozen=True)
class Dataset:
    key: str
    label: str
    select: str  # constant select list, may hold hidden columns used by `order`
    source: str  # constant FROM … (with joins)
    columns: tuple[Column, ...]
    filters: tuple[FilterSpec, ...]
    order: str  # constant ORDER BY over the select list's names
    fixed: tuple[str, ...] = ()  # conditions always applied (current rows)
    grouped: bool = False
    settings: tuple[str, ...] = ()  # URL keys that shape the query without filtering
    # Names looked up after grouping: a select list over the grouped rows `g` and the joins it
    # needs (a grouped query then groups on codes only, and names each output row once).
    names: str = ""
    names_from: str = ""


def _cols(specs: str) -> tuple[Column, ...]:
    """'name:Label; name:Label:number; …' -> Columns (keeps the dataset tables compact)."""
    return tuple(Column(*s.strip().split(":")) for s in specs.split(";") if s.strip())


# --------------------------------------------------------------------------- lineage
# Where each row comes from (issue 16): the file and line it was loaded from and when, from
# `ingestas` (readable by every viewer). Times are stored in UTC and shown in Chile's time.
CHILE_TZ = "America/Santiago"


def chile_time(expr: str) -> str:
    """A UTC timestamp column as 'AAAA-MM-DD HH:MM' in Chile's time (sortable text)."""
    local = "timezone('" + CHILE_TZ + "', " + expr + " AT TIME ZONE 'UTC')"
    return "strftime(" + local + ", '%Y-%m-%d %H:%M')"


def lineage_select(row: str, prefix: str = "") -> str:
    """Select list of the file, line and load time of the rows of alias `row` (joined to `i`)."""
    return (
        "i.archivo AS " + prefix + "archivo, " + row + ".source_line AS " + prefix + "linea, "
        + chile_time("i.cargado_en") + " AS " + prefix + "cargado_en"
    )  # fmt: skip


def lineage_join(row: str) -> str:
    return " LEFT JOIN ingestas AS i ON i.id = " + row + ".ingestion_id"


LINEAGE_COLUMNS = (
    "archivo:Archivo de origen; linea:Línea del archivo:number; cargado_en:Cargado (hora de Chile)"
)
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
# Output columns that say where a row comes from: the grid hides them unless asked, the
# downloads always carry them.
PROVENANCE = frozenset(
    {"archivo", "linea", "cargado_en", "validacion", "validado_por", "validado_en",
     "meta_archivo", "meta_linea", "meta_cargado_en"}
)  # fmt: skip

CURRENT_GOALS = "(SELECT * FROM metas WHERE valid_to IS NULL)"
F_MINISTRY = FilterSpec("ministerio", "Ministerio", "m.ministerio", options="ministerio")
F_FROM = FilterSpec("desde", "Desde", "a.mes", "month_from", options="mes")
F_TO = FilterSpec("hasta", "Hasta", "a.mes", "month_to", options="mes")

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
    columns=_cols(
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
    columns=_cols(
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
        "FROM compromisos AS c LEFT JOIN territorios AS t ON t.codigo = c.region"
        + lineage_join("c")
    ),
    columns=_cols(
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
    columns=_cols(
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

# Months with deliveries in a row summed over the period. Every source has one row per month
# of its grain (the aggregates by construction, `entregas` by its natural key), and a row summed
# over the period groups by that whole grain but the month, so counting rows counts months;
# DuckDB's count(DISTINCT) would plan a second aggregation (2× the time). Totals per territory
# group coarser and count distinct months.
MONTHS_COUNTED = "count(*) AS meses"
MONTHS_DISTINCT = "count(DISTINCT a.mes) AS meses"


# Deliveries: (select expression, column spec, when it appears). `when` is '' (always), the
# level ('region'/'comuna'), 'detail' (not in totals), 'product', 'mes' (monthly breakdown) or
# 'summed' (over the period). Expressions over `a` are grouped; those over `g` (names, the
# area's word and the hidden `r.orden` that sorts regions north to south) are looked up once
# per grouped row (Dataset.names): joining names to every source row before grouping cost
# half of the explorer's time at 10 million deliveries (measured).
class _Part(NamedTuple):
    sql: str
    spec: str  # column spec ('' for a helper column the grid does not show)
    when: str
    named: bool = False  # over the grouped rows `g` (Dataset.names), not the source rows


_DELIVERY_PARTS = (
    _Part("a.codigo_region", "codigo_region:Código región", "region"),
    _Part("a.codigo_comuna", "codigo_comuna:Código comuna", "comuna"),
    _Part("c.nombre_corto AS comuna", "comuna:Comuna", "comuna", named=True),
    _Part("r.nombre_corto AS region", "region:Región", "", named=True),
    _Part("LABEL(g.codigo_area) AS area_tematica", "area_tematica:Área temática", "detail",
          named=True),
    _Part("a.area_tematica AS codigo_area", "", "detail"),
    _Part("a.servicio", "servicio:Servicio", "detail"),
    _Part("a.producto", "producto:Producto", "product"),
    _Part("strftime(a.mes, '%Y-%m') AS mes", "mes:Mes", "mes"),
    _Part("CAST(sum(a.beneficiarios) AS BIGINT) AS beneficiarios",
          "beneficiarios:Beneficiarios:number", ""),
    _Part("CAST(sum(a.beneficiarios_sin_comuna) AS BIGINT) AS beneficiarios_sin_comuna",
          "beneficiarios_sin_comuna:Beneficiarios sin comuna:number", "region"),
    _Part("sum(a.gasto_corriente) AS gasto_corriente",
          "gasto_corriente:Gasto corriente (CLP):number", ""),
    _Part("sum(a.gasto_inversion) AS gasto_inversion",
          "gasto_inversion:Gasto de inversión (CLP):number", ""),
    _Part(MONTHS_COUNTED, "meses:Meses con entregas:number", "summed"),
)  # fmt: skip
# One product at comuna level: the current rows of `entregas` at comuna codes.
_BY_PRODUCT = (
    "(SELECT territorio AS codigo_comuna, codigo_region, area_tematica, servicio, producto, mes,"
    " beneficiarios, gasto_corriente, gasto_inversion FROM v_entregas_actuales WHERE es_comuna)"
)
_ORDER_KEYS = ("codigo_region", "codigo_comuna", "area_tematica", "servicio", "producto", "mes")
_DELIVERY_FILTERS = (
    FilterSpec("region", "Región", "a.codigo_region", options="region"),
    FilterSpec("area", "Área temática", "a.area_tematica", options="area"),
    FilterSpec("servicio", "Servicio", "a.servicio", options="servicio"),
    FilterSpec("producto", "Producto", "a.producto", options="producto"),
    F_FROM,
    F_TO,
)


# The current rows of `entregas` as loaded, each with its file, line and load time: the
# breakdown that says where every delivery figure comes from (a sum over the period has no
# single line). Not grouped: the grid shows the first rows, the downloads all of them.
_LOADED_DELIVERIES = (
    "(SELECT e.*, t.codigo_region, t.nivel = 'comuna' AS es_comuna, p.area_tematica"
    " FROM entregas AS e JOIN territorios AS t ON t.codigo = e.territorio"
    " LEFT JOIN (SELECT servicio, producto, any_value(area_tematica) AS area_tematica"
    " FROM productos WHERE valid_to IS NULL GROUP BY servicio, producto) AS p"
    " ON p.servicio = e.servicio AND p.producto = e.producto WHERE e.valid_to IS NULL)"
)


def _delivery_rows(level: str) -> Dataset:
    """Deliveries one loaded row each (desglose=filas), at comuna level only comuna rows."""
    return Dataset(
        key="entregas",
        label="Entregas",
        select=(
            "a.codigo_region, r.nombre_corto AS region, r.orden, a.territorio,"
            " x.nombre_corto AS territorio_nombre, LABEL(a.area_tematica) AS area_tematica,"
            " a.servicio, a.producto, strftime(a.mes, '%Y-%m') AS mes, a.beneficiarios,"
            " a.unidades, a.gasto_corriente, a.gasto_inversion, " + lineage_select("a")
        ),
        source=(
            "FROM " + _LOADED_DELIVERIES + " AS a"
            " JOIN territorios AS r ON r.codigo = a.codigo_region"
            " JOIN territorios AS x ON x.codigo = a.territorio" + lineage_join("a")
        ),
        columns=_cols(
            "codigo_region:Código región; region:Región; territorio:Código territorio;"
            " territorio_nombre:Territorio; area_tematica:Área temática; servicio:Servicio;"
            " producto:Producto; mes:Mes; beneficiarios:Beneficiarios:number;"
            " unidades:Unidades:number; gasto_corriente:Gasto corriente (CLP):number;"
            " gasto_inversion:Gasto de inversión (CLP):number; " + LINEAGE_COLUMNS
        ),
        filters=_DELIVERY_FILTERS,
        order="orden, territorio, servicio, producto, mes",
        fixed=("a.es_comuna",) if level == "comuna" else (),
        settings=("nivel", "desglose"),
    )


def _deliveries(args: Mapping[str, object]) -> Dataset:
    """Deliveries from the pre-aggregated tables, at region or comuna level, by month, summed
    over the period (by service and product) or one total per territory. A product at comuna
    level reads the current `entregas` rows (the comuna aggregate has no product column).
    `desglose=filas` lists the loaded rows themselves, with their origin."""
    level = "comuna" if args.get("nivel") == "comuna" else "region"
    if args.get("desglose") == "filas":
        return _delivery_rows(level)
    breakdown = args.get("desglose") if args.get("desglose") in ("mes", "total") else "periodo"
    by_product = level == "region" or bool(args.get("producto"))
    shown = {"", level, "mes" if breakdown == "mes" else "summed"}
    if breakdown != "total":
        shown |= {"detail", "product"} if by_product else {"detail"}
    parts = [part for part in _DELIVERY_PARTS if part.when in shown]
    if breakdown == "total":
        parts = [p._replace(sql=MONTHS_DISTINCT) if p.sql == MONTHS_COUNTED else p for p in parts]
    columns = _cols(";".join(part.spec for part in parts if part.spec))
    grouped = [part.sql for part in parts if not part.named]
    if level == "comuna":  # the region of each comuna, for its name and order
        grouped.append("a.codigo_region")
    names = [part.sql for part in parts if part.named] + ["r.orden"]
    joins = "JOIN territorios AS r ON r.codigo = g.codigo_region"
    source = "FROM agg_entregas_region_mes AS a"
    if level == "comuna":
        source = "FROM " + (_BY_PRODUCT if by_product else "agg_entregas_comuna_mes") + " AS a"
        joins += " JOIN territorios AS c ON c.codigo = g.codigo_comuna"
    order = ["orden"] + [c.name for c in columns if c.name in _ORDER_KEYS]
    return Dataset(
        key="entregas",
        label="Entregas",
        select=", ".join(grouped),
        source=source,
        columns=columns,
        filters=_DELIVERY_FILTERS,
        order=", ".join(order),
        grouped=True,
        settings=("nivel", "desglose"),
        names=", ".join(names),
        names_from=joins,
    )


DATASETS = {
    "estado_metas": "Estado de metas",
    "avance_mensual": "Avance mensual",
    "entregas": "Entregas",
    "compromisos": "Compromisos",
    "restricciones": "Restricciones",
}
_FIXED = {d.key: d for d in (GOAL_STATUS, PROGRESS, COMMITMENTS, BOTTLENECKS)}
SETTING_LABELS = {"mes": "Mes de corte", "nivel": "Nivel territorial", "desglose": "Desglose"}
SETTING_DEFAULTS = {"nivel": "region", "desglose": "periodo"}


def dataset_for(key: str, args: Mapping[str, object] | None = None) -> Dataset:
    """The dataset named `key` (its shape may depend on the settings in `args`)."""
    if key == "entregas":
        return _deliveries(args or {})
    if key not in _FIXED:
        raise ValueError(f"conjunto de datos desconocido: {key!r}")
    return _FIXED[key]


# --------------------------------------------------------------------------- the query


@dataclass(frozen=True)
class ExploreQuery:
    """One explorer view: the SQL (all rows, ordered), its parameters and what produced it."""

    dataset: Dataset
    sql: str
    params: Params
    clauses: tuple[Clause, ...]  # dataset filters
    grid: tuple[Clause, ...]  # AG Grid column filters
    settings: tuple[tuple[str, str], ...]  # (label, value) of the query-shaping settings

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.dataset.columns

    def descriptions(self) -> list[str]:
        return [c.description for c in (*self.clauses, *self.grid)]


def build_query(
    key: str,
    args: Mapping[str, object],
    names: Mapping[str, Mapping[str, str]] | None = None,
    filter_model: Mapping[str, Any] | None = None,
) -> ExploreQuery:
    """The query for dataset `key` with the URL arguments `args` and the grid's filterModel.

    `names` maps an option list ('region', 'meta', …) to the names of its codes, so that
    descriptions say "Región = Valparaíso" rather than "Región = 05". Empty values are no filter."""
    ds = dataset_for(key, args)
    names = names or {}
    clauses = []
    for spec in ds.filters:
        value = args.get(spec.key)
        if value not in (None, ""):
            clause = spec.clause(str(value), names.get(spec.options, {}))
            if clause is not None:
                clauses.append(clause)
    grid = grid_clauses(ds.columns, filter_model or {})
    inner = (
        "SELECT " + expand_labels(ds.select) + " " + ds.source
        + where([*ds.fixed, *(c.sql for c in clauses)]) + (" GROUP BY ALL" if ds.grouped else "")
    )  # fmt: skip
    if ds.names:
        inner = (
            "SELECT g.*, " + expand_labels(ds.names) + " FROM (" + inner + ") AS g "
            + ds.names_from
        )  # fmt: skip
    visible = ", ".join(ident(c.name) for c in ds.columns)
    sql = (
        "SELECT " + visible + " FROM (" + inner + ") AS t"
        + where([c.sql for c in grid]) + " ORDER BY " + ds.order
    )  # fmt: skip
    params: Params = {}
    for clause in (*clauses, *grid):
        params |= clause.params
    settings = tuple(
        (SETTING_LABELS[k], LABELS.get(v, v))
        for k in ds.settings
        if (v := str(args.get(k) or SETTING_DEFAULTS.get(k, "")))
    )
    return ExploreQuery(ds, sql, params | _label_params(sql), tuple(clauses), grid, settings)


def where(conditions: Sequence[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


# --------------------------------------------------------------------------- AG Grid filters
# AG Grid's text filter is case-insensitive and lets blanks pass 'notEqual' and 'notContains';
# its number filter excludes blanks except for 'blank'. The grid is set up with an inclusive
# 'inRange' (dashboard.explore_views), so both sides agree on every operator listed here.


def _text(col: str, kind: str, param: str) -> tuple[str, str] | None:
    value, bound = "lower(CAST(" + col + " AS VARCHAR))", "lower($" + param + ")"
    return {
        "contains": ("contains(" + value + ", " + bound + ")", "contiene"),
        "notContains": (
            "(" + col + " IS NULL OR NOT contains(" + value + ", " + bound + "))",
            "no contiene",
        ),
        "equals": (value + " = " + bound, "="),
        "notEqual": ("(" + col + " IS NULL OR " + value + " <> " + bound + ")", "≠"),
        "startsWith": ("starts_with(" + value + ", " + bound + ")", "empieza con"),
        "endsWith": ("ends_with(" + value + ", " + bound + ")", "termina con"),
    }.get(kind)


NUMBER_OPS = {
    "equals": ("=", "="), "notEqual": ("<>", "≠"), "greaterThan": (">", ">"),
    "greaterThanOrEqual": (">=", "≥"), "lessThan": ("<", "<"), "lessThanOrEqual": ("<=", "≤"),
}  # fmt: skip


def _number_text(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    text = str(int(number)) if number.is_integer() else repr(number)
    return text.replace(".", ",")


def _condition(col: str, model: Mapping[str, Any], param: str) -> tuple[str, Params, str]:
    """(sql, params, 'contiene «x»') for one simple AG Grid filter condition."""
    ftype, kind = model.get("filterType"), model.get("type")
    if kind == "blank":
        blank = "trim(CAST(" + col + " AS VARCHAR)) = ''" if ftype == "text" else "FALSE"
        return "(" + col + " IS NULL OR " + blank + ")", {}, "está vacío"
    if kind == "notBlank":
        blank = "trim(CAST(" + col + " AS VARCHAR)) <> ''" if ftype == "text" else "TRUE"
        return "(" + col + " IS NOT NULL AND " + blank + ")", {}, "no está vacío"
    if ftype == "text" and isinstance(kind, str) and (found := _text(col, kind, param)):
        text = str(model.get("filter") or "")
        return found[0], {param: text}, found[1] + " «" + text + "»"
    if ftype == "number" and kind == "inRange":
        low, high = float(model["filter"]), float(model["filterTo"])
        sql = col + " BETWEEN $" + param + " AND $" + param + "_to"
        text = "entre " + _number_text(low) + " y " + _number_text(high)
        return sql, {param: low, param + "_to": high}, text
    if ftype == "number" and kind in NUMBER_OPS:
        op, word = NUMBER_OPS[kind]
        value = float(model["filter"])
        return col + " " + op + " $" + param, {param: value}, word + " " + _number_text(value)
    raise ValueError(f"filtro de columna no admitido: {ftype!r} {kind!r}")


def grid_clauses(columns: Sequence[Column], filter_model: Mapping[str, Any]) -> tuple[Clause, ...]:
    """AG Grid's filterModel ({field: model}) as clauses over the output columns.

    A combined model ({'operator': 'AND'|'OR', 'conditions': [...]}) becomes one clause."""
    by_name = {c.name: c for c in columns}
    clauses = []
    for index, (field, model) in enumerate(sorted(filter_model.items())):
        if field not in by_name:
            raise ValueError(f"columna desconocida en el filtro: {field!r}")
        col, param = "t." + ident(field), "g" + str(index)
        parts = model.get("conditions") or [model]
        built = [
            _condition(col, {**part, "filterType": model.get("filterType")}, param + "_" + str(i))
            for i, part in enumerate(parts)
        ]
        joiner = " OR " if model.get("operator") == "OR" else " AND "
        sql = "(" + joiner.join(b[0] for b in built) + ")"
        params = {k: v for b in built for k, v in b[1].items()}
        words = (" o " if joiner == " OR " else " y ").join(b[2] for b in built)
        clauses.append(Clause(sql, params, by_name[field].label, "", words))
    return tuple(clauses)


# --------------------------------------------------------------------------- running it


def fetch_rows(
    con: duckdb.DuckDBPyConnection,
    query: ExploreQuery,
    limit: int | None = None,
    scorecard: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The rows of `query` in order (the first `limit` when given)."""
    sql, params = query.sql, dict(query.params)
    if limit is not None:
        sql, params = sql + " LIMIT $limit", params | {"limit": int(limit)}
    with _registered(con, query, scorecard):
        return fetch(con, sql, params)


def count_rows(
    con: duckdb.DuckDBPyConnection, query: ExploreQuery, scorecard: pd.DataFrame | None = None
) -> int:
    with _registered(con, query, scorecard):
        frame = fetch(con, "SELECT count(*) AS filas FROM (" + query.sql + ")", query.params)
    return int(frame["filas"].iloc[0])


@contextlib.contextmanager
def _registered(con, query: ExploreQuery, scorecard: pd.DataFrame | None) -> Iterator[None]:
    """The goal scorecard registered on this cursor (only) while its query runs."""
    if query.dataset.key != GOAL_STATUS.key:
        yield
        return
    if scorecard is None:
        raise ValueError("el estado de metas necesita el tablero de metas calculado")
    con.register(SCORECARD, scorecard)
    try:
        yield
    finally:
        con.unregister(SCORECARD)


# --------------------------------------------------------------------------- menus and source

STATIC_OPTIONS: dict[str, tuple[str, ...]] = {
    "area": tuple(AREA_LABELS),
    "estado_meta": ("rojo", "amarillo", "verde", "cumplida", "sin_informacion", "no_iniciada"),
    "estado_avance": tuple(PROGRESS_STATE_LABELS),
    "estado_compromiso": tuple(COMMITMENT_STATE_LABELS),
    "tipo": tuple(BOTTLENECK_TYPE_LABELS),
    "severidad": ("rojo", "amarillo", "verde"),
    "nivel": tuple(LEVEL_LABELS),
    "situacion": ("abierta", "resuelta"),
}
OPTION_SQL = {
    "region": "SELECT codigo, nombre_corto FROM territorios WHERE nivel = 'region' ORDER BY orden",
    "ministerio": (
        "SELECT DISTINCT ministerio, ministerio FROM (SELECT ministerio FROM metas"
        " WHERE valid_to IS NULL UNION SELECT ministerio FROM instituciones"
        " WHERE valid_to IS NULL) ORDER BY 1"
    ),
    "servicio": (
        "SELECT DISTINCT servicio, servicio FROM (SELECT servicio FROM instituciones"
        " WHERE valid_to IS NULL UNION SELECT servicio FROM productos WHERE valid_to IS NULL)"
        " ORDER BY 1"
    ),
    "producto": (
        "SELECT DISTINCT producto, producto FROM productos WHERE valid_to IS NULL ORDER BY 1"
    ),
    "meta": (
        "SELECT codigo_meta, codigo_meta || ' · ' || nombre FROM metas WHERE valid_to IS NULL"
        " ORDER BY 1"
    ),
    "mes": (
        "SELECT DISTINCT strftime(mes, '%Y-%m') AS m, strftime(mes, '%Y-%m') FROM"
        " (SELECT mes FROM agg_entregas_region_mes UNION SELECT mes FROM avance_mensual"
        " WHERE valid_to IS NULL) ORDER BY 1 DESC"
    ),
}


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every option list the filters use: (value, name) pairs, in the order menus show them.

    Lists that name data (regions, services, goals, months) are read from the current rows;
    category lists come from the data contracts."""
    options = {
        key: [(str(code), str(name)) for code, name in con.execute(sql).fetchall()]
        for key, sql in OPTION_SQL.items()
    }
    options |= {
        key: [(c, LABELS.get(c, c)) for c in codes] for key, codes in STATIC_OPTIONS.items()
    }
    national = [("nacional", "Nacional"), *options["region"]]
    return options | {"region_nacional": national, "ambito": national}


@dataclass(frozen=True)
class SourceInfo:
    """Where the rows come from, for the export's second sheet."""

    database: str  # file name of the warehouse
    last_load: datetime | None  # UTC
    is_demo: bool


def source_info(con: duckdb.DuckDBPyConnection) -> SourceInfo:
    path = scalar(
        con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    return SourceInfo(
        Path(str(path)).name if path else "", status.last_load(con), status.is_demo(con)
    )
