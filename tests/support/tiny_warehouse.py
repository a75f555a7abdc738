"""Tiny warehouses for the indicator and query tests, built without the loaders.

`load(con, table, rows, at)` plays one file load at instant `at`, as the loaders record it: an
`ingestas` row, and for every row whose natural key is current, the old version is closed
(valid_to = at) before the new one is inserted (valid_from = at). Columns a test does not care
about take the DEFAULTS below.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from warehouse.aggregates import refresh_aggregates
from warehouse.db import connect, ident

KEYS = {
    "instituciones": ("servicio",),
    "productos": ("servicio", "producto"),
    "metas": ("codigo_meta",),
    "metas_intermedias": ("codigo_meta", "codigo_hito"),
    "avance_mensual": ("codigo_meta", "mes", "region"),
    "restricciones": ("codigo_restriccion",),
    "entregas": ("servicio", "producto", "territorio", "mes"),
    "compromisos": ("codigo_compromiso",),
    "etapas_pmg": ("servicio", "anio"),
    "poblacion": ("territorio", "anio"),
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "metas": {
        "nombre": "Meta de prueba", "ministerio": "Ministerio", "servicio": None,
        "area_tematica": None, "gerente": "Gerente", "unidad": "unidades",
        "sentido": "ascendente", "ambito": "nacional", "umbral_verde": 0.9,
        "umbral_amarillo": 0.7,
    },
    "avance_mensual": {
        "region": None, "valor_programado": None, "valor_real": None, "estado": "validado",
        "reportado_por": None, "comentario": None,
    },
    "restricciones": {
        "tipo": "legal", "severidad": "rojo", "nivel": "institucional", "region": None,
        "descripcion": "Restricción", "responsable": None, "fecha_resolucion": None,
    },
    "metas_intermedias": {"nombre": "Hito", "fecha_cumplida": None, "peso": None},
    "compromisos": {
        "servicio": "SERVIU", "comision": "social", "descripcion": "Compromiso",
        "fecha_acuerdo": date(2025, 1, 1), "estado": "pendiente", "fecha_cumplimiento": None,
        "ultimo_seguimiento": None,
    },
    "entregas": {"unidades": None, "gasto_corriente": None, "gasto_inversion": None},
    "productos": {"unidad": None},
    "instituciones": {"sigla": None},
    "etapas_pmg": {"etapa_validada": None, "fecha_validacion": None},
    "poblacion": {},
}  # fmt: skip
T0 = datetime(2025, 1, 1, 12, 0)


def open_copy(
    reference_db: Path, tmp_path: Path, name: str = "t.duckdb"
) -> duckdb.DuckDBPyConnection:
    """A writable warehouse with schema + territory + census (a copy of the session one)."""
    path = tmp_path / name
    shutil.copyfile(reference_db, path)
    return connect(path)


def load(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Iterable[Mapping[str, Any]],
    at: datetime = T0,
) -> int:
    """One simulated file load of `rows` into `table` at instant `at`; returns its ingestion id."""
    rows = [DEFAULTS[table] | dict(row) for row in rows]
    ingestion = con.execute(
        "INSERT INTO ingestas (archivo, hash_contenido, tipo, formato, cargado_en, estado,"
        " filas_leidas, filas_cargadas, filas_nuevas, filas_reemplazadas, filas_sin_cambio,"
        " filas_en_cuarentena) VALUES (?, ?, ?, 'csv', ?, 'loaded', ?, ?, 0, 0, 0, 0)"
        " RETURNING id",
        [f"{table}.csv", f"{table}-{at.isoformat()}", table, at, len(rows), len(rows)],
    ).fetchone()[0]
    key = KEYS[table]
    close_sql = (
        "UPDATE " + ident(table) + " SET valid_to = ? WHERE valid_to IS NULL AND "
        + " AND ".join(ident(k) + " IS NOT DISTINCT FROM ?" for k in key)
    )  # fmt: skip
    for line, row in enumerate(rows, start=2):
        con.execute(close_sql, [at, *(row[k] for k in key)])
        columns = [*row, "valid_from", "valid_to", "ingestion_id", "source_line"]
        insert_sql = (
            "INSERT INTO " + ident(table) + " (" + ", ".join(map(ident, columns)) + ") VALUES ("
            + ", ".join("?" for _ in columns) + ")"
        )  # fmt: skip
        con.execute(insert_sql, [*row.values(), at, None, ingestion, line])
    if table in ("entregas", "productos"):
        refresh_aggregates(con, table)
    return ingestion


def month(year: int, month_number: int) -> date:
    return date(year, month_number, 1)


def frame(rows: list[dict[str, Any]], table: str) -> pd.DataFrame:
    """A frame shaped like a query result for `table` (defaults filled, dates as Timestamps)."""
    data = pd.DataFrame([DEFAULTS[table] | row for row in rows])
    for column in data.columns:
        if column.startswith(("fecha", "mes")):
            data[column] = pd.to_datetime(data[column])
    return data
