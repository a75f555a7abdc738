"""The API's monthly figures: a JSON body into an entry (shape only: the values themselves are
judged by the loader's rules in loaders.entries), its result as JSON, and a goal's series."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from dashboard.server import database
from loaders.entries import Entry, EntryResult, write_entry
from loaders.values import parse_month
from warehouse import goal_detail, reporting
from warehouse.audit import API
from warehouse.scope import Scope

FIELDS = {"codigo_meta", "mes", "region", "valor_real", "comentario", "pronostico", "version"}
REGION_CODE = re.compile(r"^\d{2}$")
MAX_TEXT = 2000


def entry_from_json(body: object, user: str) -> tuple[Entry | None, dict[str, str]]:
    """The entry a body asks for, or the reasons (field → Spanish) it cannot be one."""
    if not isinstance(body, dict):
        return None, {"": "El cuerpo debe ser un objeto JSON."}
    problems = {name: "Campo desconocido." for name in body if name not in FIELDS}
    code = body.get("codigo_meta")
    if not isinstance(code, str) or not code.strip():
        problems["codigo_meta"] = "Obligatorio: el código de la meta, por ejemplo «SAL-01»."
    month = _month(body.get("mes"), problems)
    region = body.get("region")
    if region is not None and not (isinstance(region, str) and REGION_CODE.match(region)):
        problems["region"] = (
            "Código de región de dos dígitos («05»), o nulo para la cifra nacional."
        )
    for name, required in (("valor_real", True), ("pronostico", False)):
        value = body.get(name)
        if value is None and not required:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            problems[name] = (
                "Debe ser un número." if value is not None else "Obligatorio: un número."
            )
    for name in ("comentario", "version"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
            problems[name] = f"Debe ser texto de a lo más {MAX_TEXT} caracteres."
    if problems or month is None or not isinstance(code, str):
        return None, problems
    cells = {"valor_real": body["valor_real"]}
    cells |= {name: body[name] for name in ("comentario", "pronostico") if name in body}
    entry = Entry(
        "avance_mensual",
        {"codigo_meta": code.strip(), "mes": month, "region": region},
        cells,
        API,
        user,
        "informar mes",
        read_version=body.get("version"),
    )
    return entry, {}


def _month(value: object, problems: dict[str, str]) -> date | None:
    if not isinstance(value, str):
        problems["mes"] = "Obligatorio: el mes como «AAAA-MM»."
        return None
    month, reason = parse_month(value)
    if reason:
        problems["mes"] = reason
    return month if isinstance(month, date) else None


def write(con: duckdb.DuckDBPyConnection, scope: Scope, entry: Entry) -> EntryResult:
    return write_entry(con, scope, entry)


def result_json(entry: Entry, result: EntryResult) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resultado": result.status,
        "mensaje": result.message,
        "codigo_meta": entry.key["codigo_meta"],
        "mes": f"{entry.key['mes']:%Y-%m}",
        "region": entry.key["region"],
        "version": result.version,
    }
    if result.errors:
        body["errores"] = result.errors
    return body


def series(scope: Scope, codigo: str) -> dict[str, Any] | None:
    """The goal's current monthly rows as `scope` reads them (None: no such goal for it)."""
    return database.current_database().run(scope, _series, codigo)


def _series(con: duckdb.DuckDBPyConnection, codigo: str) -> dict[str, Any] | None:
    goal = goal_detail.goal(con, codigo)
    if goal.empty:
        return None
    figures = reporting.goal_figures(con, codigo)
    columns = ["mes", "region", "valor_programado", "valor_real", "estado", "pronostico", "version"]
    rows = [{name: _plain(row[name]) for name in columns} for row in figures.to_dict("records")]
    for row in rows:
        row["mes"] = str(row["mes"])[:7]
    return {"codigo_meta": codigo, "unidad": goal.iloc[0]["unidad"], "avance": rows}


def _plain(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return None
    if hasattr(value, "item"):
        return value.item()  # type: ignore[union-attr]
    return value
