"""Plain, stable (JSON/CSV-ready) forms of the indicator results: the CLI prints these and
exports can reuse them. Keys are sorted, rows keep the order the indicators give (sorted by
code), NaN becomes null, dates ISO text and months 'YYYY-MM'."""

from __future__ import annotations

import dataclasses
import io
import json
import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pandas as pd

from indicators.frames import none_if_nan
from indicators.review import ReviewChanges
from indicators.territory_report import TerritoryReport
from warehouse import csv_safety

# Columns that hold a month (first day) and are written 'YYYY-MM'.
MONTH_COLUMNS = frozenset({"mes", "mes_reportado", "proyeccion", "mes_desde", "mes_hasta"})


def plain(value: Any, column: str = "") -> Any:
    value = none_if_nan(value)
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%Y-%m") if column in MONTH_COLUMNS else value.isoformat()
    if isinstance(value, float) and math.isinf(value):
        return None
    return value


def records(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
    columns = list(columns) if columns is not None else list(frame.columns)
    return [
        {c: plain(v, c) for c, v in zip(columns, row, strict=True)}
        for row in frame[columns].itertuples(index=False, name=None)
    ]


def dataclass_dict(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return {k: plain(v, k) for k, v in dataclasses.asdict(value).items()}


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2)


def to_csv(frame: pd.DataFrame, columns: list[str]) -> str:
    out = io.StringIO()
    csv_safety.to_csv(pd.DataFrame(records(frame, columns), columns=columns), out, index=False)
    return out.getvalue()


def changes_dict(changes: ReviewChanges) -> dict[str, Any]:
    frames = {
        "semaforos": changes.semaforos,
        "restricciones_nuevas": changes.restricciones_nuevas,
        "restricciones_resueltas": changes.restricciones_resueltas,
        "escalar_nuevas": changes.escalar_nuevas,
        "hitos_proximos": changes.hitos_proximos,
        "hitos_atrasados": changes.hitos_atrasados,
        "compromisos_atrasados": changes.compromisos_atrasados,
    }
    result: dict[str, Any] = {name: records(frame) for name, frame in frames.items()}
    for name in ("desde", "hasta", "mes_desde", "mes_hasta"):
        result[name] = plain(getattr(changes, name), name)
    return result


def territory_dict(report: TerritoryReport) -> dict[str, Any]:
    theil = dataclass_dict(report.theil) or {}
    return {
        "filtros": report.filtros,
        "territorios": records(report.territorios),
        "brecha": dataclass_dict(report.brecha),
        "theil": theil | {"grupos": report.theil_grupos},
        "gini": plain(report.gini),
        "cv": plain(report.cv),
        "sigma": {"serie": records(report.sigma), "pendiente": plain(report.sigma_pendiente)},
        "beta": dataclass_dict(report.beta),
        "sinergia": records(report.sinergia),
        "pares_servicios": records(report.pares),
        "compromisos": records(report.compromisos),
        "etapas_pmg": records(report.etapas),
        "beneficiarios_sin_comuna": report.beneficiarios_sin_comuna,
    }
