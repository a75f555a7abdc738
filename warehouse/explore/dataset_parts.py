"""What an explorer dataset is, and the pieces several datasets share: output columns, where
each row comes from (file, line, load time) and the month filters.

Shape of every query (values always bound, identifiers through `ident`):

    SELECT <visible columns> FROM (SELECT <dataset columns> FROM <source>
        WHERE <fixed conditions> AND <dataset filters> [GROUP BY ALL]) AS t
    WHERE <column filters> ORDER BY <order>
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.explore.filters import FilterSpec

SCORECARD = "explore_scorecard"  # name under which the goal scorecard frame is registered


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


def column_list(specs: str) -> tuple[Column, ...]:
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
