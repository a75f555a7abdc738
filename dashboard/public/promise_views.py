"""The history of a goal's promise on its public page: the original baseline, target and
deadline next to each later revision with its date, and progress measured against both.

When a target or deadline moves, the first promise must stay in sight: a page showing only the
current one would hide the change. Both progress figures come from `indicators.goals.
progress_share`, the formula of the page's thermometer, so they can differ only by the promise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.public.data import PublicGoal
from dashboard.public.parts import value_text
from dashboard.ui.components import percent, section
from dashboard.ui.goal_format import format_date, is_missing, month_label, value_digits
from dashboard.ui.goal_tables import Column, number, small_table
from indicators.goals import Goal, progress_share
from indicators.months import as_date

GOAL_PROMISES = "publico-meta-promesas"
GOAL_PROMISES_TABLE = "publico-meta-promesas-tabla"
GOAL_PROMISES_PROGRESS = "publico-meta-promesas-avance"
TITLE = "La promesa original y sus cambios"
# The parts of a promise, in the order the table shows them, with their words.
PARTS = {"linea_base": "línea base", "valor_meta": "meta", "fecha_meta": "plazo"}
CHANGED_TITLE = "Cambió respecto de la promesa anterior"


@dataclass(frozen=True)
class PromiseProgress:
    """The latest validated value's progress against the original and the current promise."""

    original: float | None  # None when that promise's target equals its baseline
    current: float | None


def promise_goal(goal: Goal, promise: Mapping[str, object]) -> Goal:
    """`goal` as it was promised in one row of `PublicGoal.promises`."""
    return dataclasses.replace(
        goal,
        linea_base=float(promise["linea_base"]),  # type: ignore[arg-type]
        valor_meta=float(promise["valor_meta"]),  # type: ignore[arg-type]
        fecha_meta=as_date(promise["fecha_meta"]),
    )


def promise_progress(page: PublicGoal) -> PromiseProgress | None:
    """Progress of the latest validated value against both promises, or None without one.
    The current promise is the goal the header and the thermometer show."""
    actual = page.national.score["valor_actual"]
    if is_missing(actual) or page.promises.empty:
        return None
    goal = page.national.goal
    original = promise_goal(goal, page.promises.iloc[0].to_dict())
    return PromiseProgress(
        original=number(progress_share(float(actual), original)),
        current=number(progress_share(float(actual), goal)),
    )


def _same(before: object, after: object) -> bool:
    if is_missing(before) or is_missing(after):
        return is_missing(before) and is_missing(after)
    if isinstance(before, float | int) and isinstance(after, float | int):
        return float(before) == float(after)
    return pd.Timestamp(before) == pd.Timestamp(after)  # type: ignore[arg-type]


def promise_rows(promises: pd.DataFrame) -> pd.DataFrame:
    """The promises with a label, which parts changed from the previous one (`cambio_<part>`)
    and which is current; oldest first."""
    rows = promises.reset_index(drop=True).copy()
    records = rows.to_dict("records")
    for part in PARTS:
        rows["cambio_" + part] = [
            i > 0 and not _same(records[i - 1][part], r[part]) for i, r in enumerate(records)
        ]
    rows["etiqueta"] = ["Promesa original"] + [f"Cambio {i}" for i in range(1, len(rows))]
    rows["que_cambio"] = [
        _changed_words([part for part in PARTS if r["cambio_" + part]]) if i else "—"
        for i, r in enumerate(rows.to_dict("records"))
    ]
    rows["vigente"] = [i == len(rows) - 1 for i in range(len(rows))]
    return rows


def _changed_words(parts: list[str]) -> str:
    words = [PARTS[p] for p in parts]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " y " + words[-1]
    return text[:1].upper() + text[1:]


def _cell(text: str, changed: bool) -> object:
    """A part of a promise; highlighted where it changed."""
    if not changed:
        return text
    return html.Mark(text, className="promise-changed fw-semibold", title=CHANGED_TITLE)


def promises_table(page: PublicGoal) -> html.Div:
    rows = promise_rows(page.promises)
    unit = page.record["unidad"]
    digits = max(
        page.national.digits,
        value_digits([*page.promises["linea_base"], *page.promises["valor_meta"]]),
    )

    def label(r: dict) -> object:
        if not r["vigente"]:
            return r["etiqueta"]
        return [r["etiqueta"], " ", dbc.Badge("vigente", color="primary", class_name="ms-1")]

    columns = [
        Column("Promesa", label, nowrap=True),
        Column("Desde", lambda r: format_date(r["desde"]), nowrap=True),
        Column(
            "Línea base",
            lambda r: _cell(value_text(r["linea_base"], unit, digits), r["cambio_linea_base"]),
            numeric=True,
            nowrap=True,
        ),
        Column(
            "Meta",
            lambda r: _cell(value_text(r["valor_meta"], unit, digits), r["cambio_valor_meta"]),
            numeric=True,
            nowrap=True,
        ),
        Column(
            "Plazo",
            lambda r: _cell(format_date(r["fecha_meta"]), r["cambio_fecha_meta"]),
            nowrap=True,
        ),
        Column("Qué cambió", lambda r: r["que_cambio"]),
    ]
    return small_table(rows, columns, id_=GOAL_PROMISES_TABLE, empty="Sin promesas registradas.")


def progress_text(page: PublicGoal) -> html.P:
    """'Avance respecto de la meta original: 45 %; respecto de la meta vigente: 60 %.'"""
    measured = promise_progress(page)
    if measured is None:
        text: list[object] = [
            "Aún no hay una cifra validada: el avance no se puede medir respecto de ninguna "
            "de las dos promesas."
        ]
    else:
        s = page.national.score
        text = [
            "Avance respecto de la meta original: ",
            html.Strong(percent(measured.original)),
            "; respecto de la meta vigente: ",
            html.Strong(percent(measured.current)),
            ". Con la última cifra validada, "
            f"{value_text(s['valor_actual'], page.record['unidad'], page.national.digits)}"
            f" ({month_label(s['mes_reportado'])}).",
        ]
    return html.P(text, id=GOAL_PROMISES_PROGRESS, className="mt-2 mb-0")


def promises_section(page: PublicGoal) -> html.Div | None:
    """The section, only for a goal whose promise was revised (nothing otherwise)."""
    if not page.revised:
        return None
    intro = html.P(
        "Esta meta cambió después de publicarse. Arriba se muestra la promesa vigente; aquí, "
        "la original y cada cambio, con la fecha en que se registró (lo que cambió, destacado).",
        className="small mb-2",
    )
    body = section(
        TITLE,
        [intro, promises_table(page), progress_text(page)],
        help_text="El avance se calcula con la misma fórmula respecto de ambas promesas: "
        "(cifra validada − línea base) / (meta − línea base).",
    )
    return html.Div(body, id=GOAL_PROMISES)
