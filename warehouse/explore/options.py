"""The explorer's menus: every option list its filters offer, as (value, name) pairs.

Lists that name data (regions, services, goals, months) are read from the current rows;
category lists come from the one vocabulary.
"""

from __future__ import annotations

import duckdb

from warehouse.explore.words import LABELS
from warehouse.vocabulary import (
    AREA_LABELS,
    BOTTLENECK_TYPE_LABELS,
    COMMITMENT_STATE_LABELS,
    LEVEL_LABELS,
    PROGRESS_STATE_LABELS,
)

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
