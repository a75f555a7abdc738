"""The explorer's deliveries: read from the pre-aggregated tables at region or comuna level, by
month, summed over the period or one total per territory, or one loaded row each with its
origin. Their columns, grouping and order follow the settings `nivel` and `desglose`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from warehouse.explore.dataset_parts import (
    F_FROM,
    F_TO,
    LINEAGE_COLUMNS,
    Dataset,
    column_list,
    lineage_join,
    lineage_select,
)
from warehouse.explore.filters import FilterSpec

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
        columns=column_list(
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


def deliveries(args: Mapping[str, object]) -> Dataset:
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
    columns = column_list(";".join(part.spec for part in parts if part.spec))
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
