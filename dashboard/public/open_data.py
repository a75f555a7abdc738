"""The open data of the public site: metas, avance (CSV and JSON) and their dictionary.

Everything is read through a cursor of the *public* scope (refused otherwise) and from
`load_board`, so a file holds exactly what /publico shows: validated figures, the plan, and
the trajectory light; never a bottleneck or a figure awaiting validation.

The bytes are a pure function of the data: rows sorted, columns in a fixed order, no
generation time. The stamp each JSON file carries is the last load (`ultima_actualizacion`)
and the as-of month (`mes_de_corte`), so two exports of the same data are byte-identical and
a proxy can cache them by their hash.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from dashboard.public.data import VALIDATED, PublicBoard, load_board, validated_progress
from warehouse import csv_safety, goal_revisions, status
from warehouse import goals as goal_queries
from warehouse.scope import PUBLICO, cursor_scope_key

# CSV dialect of the explorer's exports (dashboard/explore/exports.py), for Excel in Chile:
# UTF-8 with a byte-order mark (without it Excel shows "RegiÃ³n"), `;` between fields because
# the regional setting's decimal mark is `,` (a `,`-separated file opens as one column), and a
# decimal comma. Programs read it naming both (pandas: `sep=";", decimal=","`); the JSON files
# carry the same rows with numbers as numbers for those who prefer them.
CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
CSV_ENCODING = "utf-8-sig"

TEXT, NUMBER, INTEGER, DATE = "texto", "número", "entero", "fecha (AAAA-MM-DD)"
GOAL_UNIT = "unidad de la meta (columna «unidad» de metas)"
SHARE = "proporción (1 = 100 %)"
LIGHTS = {
    "verde": "cumple al menos el umbral verde de su trayectoria (por omisión 90 %)",
    "amarillo": "cumple entre el umbral amarillo (por omisión 70 %) y el verde",
    "rojo": "cumple menos que el umbral amarillo de su trayectoria",
    "cumplida": "alcanzó su valor meta",
    "no_iniciada": "aún no llega su fecha de inicio",
    "sin_informacion": "sin cifra validada para el mes de corte ni el anterior",
}


@dataclass(frozen=True)
class Field:
    """One column of an open-data file, as the dictionary describes it."""

    name: str
    kind: str
    unit: str | None
    meaning: str


METAS = (
    Field("codigo_meta", TEXT, None, "Código de la meta."),
    Field("nombre", TEXT, None, "Nombre de la meta."),
    Field("ministerio", TEXT, None, "Ministerio responsable."),
    Field("ambito", TEXT, None,
          "«nacional», o el código de región (DPA) de una meta regional."),
    Field("unidad", TEXT, None, "Unidad en que se miden la línea base, la meta y los valores."),
    Field("sentido", TEXT, None,
          "«ascendente» (se busca subir el valor) o «descendente» (bajarlo)."),
    Field("linea_base", NUMBER, GOAL_UNIT, "Valor de partida vigente de la meta."),
    Field("valor_meta", NUMBER, GOAL_UNIT, "Valor comprometido vigente."),
    Field("fecha_meta", DATE, None, "Plazo vigente para alcanzar la meta."),
    Field("valor_actual", NUMBER, GOAL_UNIT,
          "Último valor validado hasta el mes de corte (vacío si no hay ninguno)."),
    Field("mes_reportado", DATE, None,
          "Mes de ese valor validado (primer día del mes)."),
    Field("avance", NUMBER, SHARE,
          "(valor_actual − linea_base) / (valor_meta − linea_base), sin recortar."),
    Field("semaforo", TEXT, None,
          "Semáforo de trayectoria al mes de corte, de cifras validadas: "
          + "; ".join(f"«{k}»: {v}" for k, v in LIGHTS.items()) + "."),
    Field("linea_base_original", NUMBER, GOAL_UNIT, "Línea base de la primera versión de la meta."),
    Field("valor_meta_original", NUMBER, GOAL_UNIT,
          "Valor comprometido en la primera versión de la meta (la promesa original)."),
    Field("fecha_meta_original", DATE, None, "Plazo de la primera versión de la meta."),
    Field("revisiones", INTEGER, None,
          "Cuántas veces cambió la línea base, el valor comprometido o el plazo desde la"
          " promesa original (0: nunca)."),
    Field("avance_meta_original", NUMBER, SHARE,
          "Avance medido contra la promesa original: (valor_actual − linea_base_original) /"
          " (valor_meta_original − linea_base_original)."),
)  # fmt: skip

AVANCE = (
    Field("codigo_meta", TEXT, None, "Código de la meta (ver metas)."),
    Field("mes", DATE, None, "Mes de la cifra (primer día del mes)."),
    Field("region", TEXT, None, "Código de región (DPA); vacío: cifra nacional."),
    Field("nombre_region", TEXT, None, "Nombre de la región; vacío: cifra nacional."),
    Field("valor_real", NUMBER, GOAL_UNIT,
          "Valor validado del mes; vacío si el mes no tiene cifra validada."),
    Field("valor_programado", NUMBER, GOAL_UNIT,
          "Valor que la trayectoria programada fija para el mes."),
)  # fmt: skip

DESCRIPTIONS = {
    "metas": "Una fila por meta vigente: su promesa vigente y la original, y su situación al"
    " mes de corte calculada solo con cifras validadas.",
    "avance": "Serie mensual de cada meta hasta el mes de corte, nacional y por región: el valor"
    " programado y el valor validado (nunca una cifra sin validar).",
}
STAMP = {
    "ultima_actualizacion": "Hora (UTC, ISO 8601) de la última carga de datos del tablero.",
    "mes_de_corte": "Último mes con una cifra nacional validada: los semáforos y avances se"
    " calculan a ese mes (primer día del mes, AAAA-MM-DD).",
    "datos_de_demostracion": "true cuando las cifras son ficticias (base de demostración).",
    "filas": "Las filas del archivo, con las columnas que describe diccionario.json.",
}


class NotPublicCursor(ValueError):
    """Open data read through a cursor that is not the public scope's."""


def open_data_files(con: duckdb.DuckDBPyConnection) -> dict[str, bytes]:
    """File name → bytes of metas.csv, metas.json, avance.csv, avance.json, diccionario.json,
    read through `con`, which must be a cursor limited to `Scope.public()`."""
    if cursor_scope_key(con)[0] != PUBLICO:
        raise NotPublicCursor("los datos abiertos se leen solo con el alcance público")
    board = load_board(con)
    stamp = _stamp(board, status.is_demo(con))
    metas = metas_rows(con, board)
    avance = avance_rows(con, board)
    return {
        "metas.csv": csv_bytes(metas, METAS),
        "metas.json": json_bytes(stamp, metas, METAS),
        "avance.csv": csv_bytes(avance, AVANCE),
        "avance.json": json_bytes(stamp, avance, AVANCE),
        "diccionario.json": _dump({**stamp, "filas": dictionary_rows(), **_dictionary_notes()}),
    }


def metas_rows(con: duckdb.DuckDBPyConnection, board: PublicBoard) -> pd.DataFrame:
    """One row per current goal (METAS columns), sorted by code."""
    columns = [f.name for f in METAS]
    if board.goals.empty:
        return pd.DataFrame(columns=columns)
    goals = board.goals.copy()
    goals["ambito"] = goals["ambito"].fillna("nacional")
    original = goal_revisions.original_promises(goal_revisions.promises(con))
    rows = goals.merge(original, on="codigo_meta", how="left")
    rows["revisiones"] = rows["revisiones"].fillna(0).astype("int64")
    span = rows["valor_meta_original"] - rows["linea_base_original"]
    rows["avance_meta_original"] = ((rows["valor_actual"] - rows["linea_base_original"])
                                    / span.where(span != 0))  # fmt: skip
    return rows.sort_values("codigo_meta", kind="stable")[columns].reset_index(drop=True)


def avance_rows(con: duckdb.DuckDBPyConnection, board: PublicBoard) -> pd.DataFrame:
    """The monthly series up to the as-of month (AVANCE columns), national first, sorted."""
    columns = [f.name for f in AVANCE]
    if board.as_of is None:
        return pd.DataFrame(columns=columns)
    rows = validated_progress(goal_queries.progress(con, board.as_of))
    # Again, here: an actual value only on a validated row, whatever the cursor returned.
    rows["valor_real"] = rows["valor_real"].where(rows["estado"] == VALIDATED)
    rows = rows[rows["codigo_meta"].isin(set(board.goals["codigo_meta"]))]
    rows = rows[rows["valor_real"].notna() | rows["valor_programado"].notna()].copy()
    rows["region"] = rows["region"].fillna("").astype(str)
    names = board.region_names
    rows["nombre_region"] = rows["region"].map(lambda code: names.get(code, code))
    rows = rows.sort_values(["codigo_meta", "mes", "region"], kind="stable")
    return rows[columns].reset_index(drop=True)


def dictionary_rows() -> list[dict[str, Any]]:
    """One row per (file, column): archivo, columna, tipo, unidad, significado."""
    return [
        {"archivo": name, "columna": f.name, "tipo": f.kind, "unidad": f.unit,
         "significado": f.meaning}
        for name, fields in (("metas", METAS), ("avance", AVANCE))
        for f in fields
    ]  # fmt: skip


def _dictionary_notes() -> dict[str, Any]:
    return {
        "archivos": {
            name: {"descripcion": text, "formatos": [f"{name}.csv", f"{name}.json"]}
            for name, text in DESCRIPTIONS.items()
        },
        "cabecera_json": STAMP,
        "formato_csv": {
            "codificacion": "UTF-8 con marca de orden de bytes (BOM)",
            "separador": CSV_SEPARATOR,
            "separador_decimal": CSV_DECIMAL,
            "fin_de_linea": "CRLF",
            "vacio": "celda vacía: sin dato",
        },
        "formato_json": "números como números, fechas como texto AAAA-MM-DD, sin dato: null",
        "semaforo": LIGHTS,
    }


def _stamp(board: PublicBoard, demo: bool) -> dict[str, Any]:
    return {
        "ultima_actualizacion": _utc(board.last_load),
        "mes_de_corte": _day(board.as_of),
        "datos_de_demostracion": bool(demo),
    }


def _utc(moment: datetime | None) -> str | None:
    """The load time (stored as naive UTC) as ISO 8601 with a Z."""
    if moment is None:
        return None
    return pd.Timestamp(moment).tz_localize(None).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: object) -> str | None:
    if _missing(value):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]


def _typed(frame: pd.DataFrame, fields: tuple[Field, ...]) -> dict[str, list[Any]]:
    """Each column as Python values: dates as ISO text, numbers as float (int for
    INTEGER), text as str, missing as None."""
    columns: dict[str, list[Any]] = {}
    for f in fields:
        values = frame[f.name].tolist()
        if f.kind == DATE:
            columns[f.name] = [_day(v) for v in values]
        elif f.kind == NUMBER:
            columns[f.name] = [None if _missing(v) else float(v) for v in values]
        elif f.kind == INTEGER:
            columns[f.name] = [None if _missing(v) else int(v) for v in values]
        else:
            columns[f.name] = [None if _missing(v) or v == "" else str(v) for v in values]
    return columns


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def csv_bytes(frame: pd.DataFrame, fields: tuple[Field, ...]) -> bytes:
    """The rows as CSV in the explorer's dialect (see CSV_SEPARATOR), headers = column names."""
    typed = pd.DataFrame(_typed(frame, fields), columns=[f.name for f in fields])
    for f in fields:
        if f.kind == NUMBER:
            typed[f.name] = typed[f.name].astype("float64")
        elif f.kind == INTEGER:
            typed[f.name] = typed[f.name].astype("Int64")
        else:
            typed[f.name] = typed[f.name].astype(object)
    text = csv_safety.to_csv(
        typed, index=False, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL, na_rep="",
        lineterminator=csv_safety.CRLF,
    )  # fmt: skip
    return text.encode(CSV_ENCODING)


def json_bytes(stamp: dict[str, Any], frame: pd.DataFrame, fields: tuple[Field, ...]) -> bytes:
    """{ultima_actualizacion, mes_de_corte, datos_de_demostracion, filas: [...]}."""
    columns = _typed(frame, fields)
    names = [f.name for f in fields]
    rows = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    return _dump({**stamp, "filas": rows})


def _dump(document: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, keys in the order built (fixed), no NaN, one final newline."""
    text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")
