"""The goal page's main figure: planned vs actual by month, with the projection, the target,
the deadline and the cut; and the axis helpers the other goal figures (goal_charts) share.
Pure functions of frames, so unit tests check them without a browser.

Choices:
* A monthly figure is a level reached by the *end* of its month (indicators.months), so points
  are drawn at the month's last day and ticks sit on month ends: the December point then lies
  exactly on a 31 December deadline.
* Plotly would write month names in English without a locale bundle: ticks and hover texts are
  written here in Spanish.
* Validated figures are filled markers, figures reported but not validated are hollow; the
  legend says it in words. The line joins only the figures the lights count (the toggle).
* Figures are plain dicts in plotly's own shape (dashboard.figure_dict): a go.Figure cost this
  page ~50 ms of validation per render.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from dashboard.figure_dict import Figure, FigureDict, Trace, trace
from dashboard.goal_format import format_date, format_value, is_missing, month_label
from dashboard.theme import OKABE_ITO
from indicators.goals import Goal, interpolated_plan
from indicators.months import as_date, from_month_index, month_end, month_index
from indicators.projection import MAX_POINTS, MIN_POINTS, ols_line

BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, _YELLOW, BLACK = OKABE_ITO
GREY = "#6c757d"
PROJECTION_CAP_MONTHS = 12  # draw a late projection at most this far past the deadline


def month_ticks(first: date, last: date) -> tuple[list[date], list[str]]:
    """Month-end ticks from `first` to `last`, every 3, 6 or 12 months depending on the span."""
    start, stop = month_index(first), month_index(last)
    span = stop - start
    step = 3 if span <= 30 else 6 if span <= 72 else 12
    start -= start % step
    months = [from_month_index(i) for i in range(start, stop + 1, step)]
    return [month_end(m) for m in months], [month_label(m, short=True) for m in months]


def finish_layout(figure: FigureDict, height: int, ticks: tuple[list[date], list[str]]) -> Figure:
    """Height, margins, legend on top and Spanish month ticks; the figure as Dash sends it."""
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="closest",
    )
    figure.update_xaxes(tickvals=ticks[0], ticktext=ticks[1], type="date")
    return figure.to_dict()


def add_vline(figure: FigureDict, day: date, name: str, text: str, dash: str, color: str) -> None:
    figure.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=day,
        x1=day,
        y0=0,
        y1=1,
        name=name,
        line={"color": color, "width": 2, "dash": dash},
    )
    figure.add_annotation(
        x=day,
        y=1,
        xref="x",
        yref="paper",
        text=text,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        font={"size": 13, "color": color},
        name=name,
    )


def add_hline(figure: FigureDict, value: float, name: str, text: str, dash: str) -> None:
    figure.add_shape(
        type="line",
        xref="paper",
        yref="y",
        x0=0,
        x1=1,
        y0=value,
        y1=value,
        name=name,
        line={"color": BLACK, "width": 1.5, "dash": dash},
    )
    figure.add_annotation(
        x=0,
        y=value,
        xref="paper",
        yref="y",
        text=text,
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"size": 13},
        name=name,
    )


def plan_points(goal: Goal, series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(given, interpolated): the programmed values given in the files, and the plan the
    indicators use for the other months up to the deadline (linear baseline → target)."""
    planned = series[["mes", "valor_programado"]]
    given = planned[planned["valor_programado"].notna()]
    # The first value given for each month (series has one row per month).
    given_values: dict[date, float] = {}
    for month, value in zip(given["mes"], given["valor_programado"], strict=True):
        given_values.setdefault(as_date(month), float(value))
    first = month_index(goal.fecha_inicio)
    months = [from_month_index(i) for i in range(first, month_index(goal.fecha_meta) + 1)]
    last_given = max(given_values) if given_values else None
    rest = [m for m in months if m not in given_values and (last_given is None or m > last_given)]
    if last_given is not None and rest:
        rest.insert(0, last_given)  # join the dotted line to the last given value
    values = [given_values[m] if m in given_values else interpolated_plan(goal, m) for m in rest]
    return given, pd.DataFrame({"mes": rest, "valor_programado": values})


def projection_line(
    goal: Goal, months: Sequence[date], values: Sequence[float], until: date | None
) -> tuple[list[date], list[float]] | None:
    """The OLS line of indicators.projection through the same points, drawn from the first
    fitted month to `until` (the projected month, or the deadline when there is none), capped
    at PROJECTION_CAP_MONTHS past the deadline. None with fewer than MIN_POINTS points."""
    months, values = list(months)[-MAX_POINTS:], list(values)[-MAX_POINTS:]
    if len(months) < MIN_POINTS:
        return None
    x = np.array([month_index(m) for m in months], dtype=float)
    origin = x[-1]
    intercept, slope = ols_line(x - origin, np.asarray(values, dtype=float))
    cap = month_index(goal.fecha_meta) + PROJECTION_CAP_MONTHS
    end = min(max(month_index(until or goal.fecha_meta), int(origin)), cap)
    idx = range(int(x[0]), end + 1)
    return [month_end(from_month_index(i)) for i in idx], [
        intercept + slope * (i - origin) for i in idx
    ]


def _hover(months: Sequence[object], values: Sequence[float], label: str, digits: int) -> list:
    return [
        f"{month_label(m)}<br>{label}: {format_value(v, digits)}"
        for m, v in zip(months, values, strict=True)
    ]


def _scatter(
    name: str, months: Sequence[object], values: Sequence[float], hover: list, **kw: object
) -> Trace:
    """A monthly series drawn at month ends (`months` already at month end are left there)."""
    kw.setdefault("mode", "lines")
    return trace(
        "scatter", x=[month_end(m) for m in months], y=list(values), name=name,
        text=hover, hovertemplate="%{text}<extra></extra>", **kw,
    )  # fmt: skip


def _plan_traces(goal: Goal, series: pd.DataFrame, digits: int) -> list[Trace]:
    given, interpolated = plan_points(goal, series)
    traces = []
    for name, frame, dash in (
        ("Programado", given, "solid"),
        ("Programado (interpolado hasta la meta)", interpolated, "dot"),
    ):
        if len(frame):
            hover = _hover(frame["mes"], frame["valor_programado"], "programado", digits)
            line = {"color": GREY, "width": 2, "dash": dash}
            traces.append(_scatter(name, frame["mes"], frame["valor_programado"], hover, line=line))
    return traces


def _actual_traces(
    series: pd.DataFrame, as_of: date, validated_only: bool, digits: int
) -> list[Trace]:
    """A line through the figures the lights count, filled markers for validated figures and
    hollow ones for figures reported but not validated."""
    columns = series[["mes", "valor_real", "estado"]]  # filter three columns, not the lineage
    actual = columns[
        columns["valor_real"].notna() & (pd.to_datetime(columns["mes"]) <= pd.Timestamp(as_of))
    ]
    is_validated = actual["estado"] == "validado"
    counted = actual[is_validated] if validated_only else actual
    traces = [
        _scatter("Real", counted["mes"], counted["valor_real"], [""] * len(counted),
                 line={"color": BLUE, "width": 2}, hoverinfo="skip", showlegend=False)
    ]  # fmt: skip
    unvalidated = "Real reportado, sin validar" + (" (no cuenta)" if validated_only else "")
    for part, name, symbol, label in (
        (actual[is_validated], "Real validado (sello de calidad)", "circle", "real validado"),
        (actual[~is_validated], unvalidated, "circle-open", "real sin validar"),
    ):
        marker = {"color": BLUE, "size": 10, "symbol": symbol, "line": {"width": 2}}
        hover = _hover(part["mes"], part["valor_real"], label, digits)
        traces.append(
            _scatter(name, part["mes"], part["valor_real"], hover, mode="markers", marker=marker)
        )
    return traces


def timeline_figure(
    goal: Goal,
    series: pd.DataFrame,
    as_of: date,
    *,
    validated_only: bool,
    fit: tuple[Sequence[date], Sequence[float]],
    projected: date | None,
    digits: int = 0,
) -> Figure:
    """Planned vs actual by month up to `as_of`, projection, target, deadline and cut line.

    `series` has one row per month (mes, valor_programado, valor_real, estado); `fit` are the
    points the projection used and `projected` the month the scorecard projects."""
    figure = FigureDict(_plan_traces(goal, series, digits))
    figure.add_traces(_actual_traces(series, as_of, validated_only, digits))
    line = projection_line(goal, *fit, None if is_missing(projected) else projected)
    if line is not None:
        hover = _hover(line[0], line[1], "proyectado", digits)
        figure.add_trace(
            _scatter("Proyección (tendencia de las últimas cifras)", line[0], line[1], hover,
                     line={"color": ORANGE, "width": 2.5, "dash": "dash"})
        )  # fmt: skip
    base, target = format_value(goal.linea_base, digits), format_value(goal.valor_meta, digits)
    add_hline(figure, goal.linea_base, "linea_base", "Línea base: " + base, "dot")
    add_hline(figure, goal.valor_meta, "meta", "Meta: " + target, "solid")
    deadline = "Plazo " + format_date(goal.fecha_meta)
    add_vline(figure, goal.fecha_meta, "plazo", deadline, "solid", VERMILLION)
    cut = "Corte " + month_label(as_of, short=True)
    add_vline(figure, month_end(as_of), "corte", cut, "dot", BLACK)
    figure.update_yaxes(tickformat=f",.{digits}f")
    last = max([goal.fecha_meta, *(line[0] if line else [])])
    return finish_layout(figure, 460, month_ticks(goal.fecha_inicio, last))
