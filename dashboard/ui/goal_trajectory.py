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
* Figures are plain dicts in plotly's own shape (dashboard.ui.figure_dict): a go.Figure cost this
  page ~50 ms of validation per render.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from dashboard.ui.figure_dict import Figure, FigureDict, Trace, trace
from dashboard.ui.goal_format import format_date, format_value, is_missing, month_label
from dashboard.ui.theme import OKABE_ITO
from indicators.goals import Goal, month_dates, plan_line
from indicators.months import from_month_index, moments, month_end, month_ends, month_index
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


def add_vline(
    figure: FigureDict,
    day: date,
    name: str,
    text: str,
    dash: str,
    color: str,
    *,
    top: bool = True,
    side: str = "left",
) -> None:
    """A vertical line across the plot, labelled at its top or bottom, the text on `side` of
    the line; on a white ground, so a line it crosses does not make it unreadable."""
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
        y=1 if top else 0,
        xref="x",
        yref="paper",
        text=text,
        showarrow=False,
        xanchor=side,
        yanchor="top" if top else "bottom",
        xshift=3 if side == "left" else -3,
        bgcolor="rgba(255, 255, 255, 0.7)",
        font={"size": 13, "color": color},
        name=name,
    )


def add_cut_and_deadline(figure: FigureDict, cut: date, deadline: date, cut_month: str) -> None:
    """The deadline labelled at the top, the cut at the bottom: a month apart (a cut in
    November, a deadline on 31 December) both labels at the top printed over each other.
    Each text sits on the side of its line that stays inside the plot: the deadline's to
    its left, the cut's towards the deadline (to its left once the deadline has passed)."""
    add_vline(figure, deadline, "plazo", "Plazo " + format_date(deadline), "solid", VERMILLION,
              top=True, side="right")  # fmt: skip
    add_vline(figure, cut, "corte", "Corte " + cut_month, "dot", BLACK,
              top=False, side="left" if cut < deadline else "right")  # fmt: skip


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
    months = _Months.of(series["mes"])
    planned = _floats(series["valor_programado"])
    given, rest, values = _plan(goal, months, planned)
    frame = series[["mes", "valor_programado"]]
    return frame.iloc[given], pd.DataFrame({"mes": rest, "valor_programado": values})


class _Months:
    """A column of months read once per figure: the days (dates) and the month ends the
    points are drawn at. Per-point calls on pandas values (month_end, month_label) were half
    of the timeline's cost."""

    def __init__(self, values: np.ndarray) -> None:
        self.moments = values  # datetime64, to compare with the cut
        days = values.astype("datetime64[D]")
        self.days: list[date] = days.tolist()
        self.ends: list[date] = month_ends(days).tolist()

    @classmethod
    def of(cls, column: pd.Series) -> _Months:
        return cls(moments(column))

    def take(self, positions: np.ndarray) -> tuple[list[date], list[date]]:
        """(days, month ends) of the rows at `positions`."""
        picked = positions.tolist()
        return [self.days[i] for i in picked], [self.ends[i] for i in picked]


def _floats(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype=float, na_value=np.nan)


def _plan(
    goal: Goal, months: _Months, planned: np.ndarray
) -> tuple[np.ndarray, list[date], list[float]]:
    """(positions of the given values, the months of the interpolated line, its values)."""
    given = np.flatnonzero(~np.isnan(planned))
    # The first value given for each month (series has one row per month).
    given_values: dict[date, float] = {}
    for month, value in zip([months.days[i] for i in given.tolist()], planned[given].tolist(),
                            strict=True):  # fmt: skip
        given_values.setdefault(month, value)
    first = month_index(goal.fecha_inicio)
    span = month_dates(np.arange(first, month_index(goal.fecha_meta) + 1))
    last_given = max(given_values) if given_values else None
    rest = [m for m in span if m not in given_values and (last_given is None or m > last_given)]
    if last_given is not None and rest:
        rest.insert(0, last_given)  # join the dotted line to the last given value
    line = iter(plan_line(goal, [m for m in rest if m not in given_values]).tolist())
    values = [given_values[m] if m in given_values else next(line) for m in rest]
    return given, rest, values


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
    return [month_end(day) for day in month_dates(np.array(idx))], [
        intercept + slope * (i - origin) for i in idx
    ]


def _hover(months: Sequence[date], values: Sequence[float], label: str, digits: int) -> list:
    return [
        f"{month_label(m)}<br>{label}: {format_value(v, digits)}"
        for m, v in zip(months, values, strict=True)
    ]


def _scatter(name: str, ends: list[date], values: list[float], hover: list, **kw: object) -> Trace:
    """A monthly series drawn at month ends (`ends`: the months' last days)."""
    kw.setdefault("mode", "lines")
    return trace(
        "scatter", x=ends, y=values, name=name,
        text=hover, hovertemplate="%{text}<extra></extra>", **kw,
    )  # fmt: skip


def _plan_traces(goal: Goal, months: _Months, column: pd.Series, digits: int) -> list[Trace]:
    given, rest, values = _plan(goal, months, _floats(column))
    given_days, given_ends = months.take(given)
    traces = []
    for name, days, ends, ys, dash in (
        ("Programado", given_days, given_ends, column.to_numpy()[given].tolist(), "solid"),
        ("Programado (interpolado hasta la meta)", rest, [month_end(m) for m in rest], values,
         "dot"),
    ):  # fmt: skip
        if len(days):
            hover = _hover(days, ys, "programado", digits)
            line = {"color": GREY, "width": 2, "dash": dash}
            traces.append(_scatter(name, ends, ys, hover, line=line))
    return traces


def _actual_traces(
    months: _Months,
    column: pd.Series,
    validated: np.ndarray,
    as_of: date,
    validated_only: bool,
    digits: int,
) -> list[Trace]:
    """A line through the figures the lights count, filled markers for validated figures and
    hollow ones for figures reported but not validated."""
    # The values drawn keep the column's own type (list(column) did); masks read it as floats.
    actual = column.to_numpy()
    shown = ~np.isnan(_floats(column)) & (months.moments <= np.datetime64(as_of))
    is_validated = shown & validated
    counted = np.flatnonzero(is_validated if validated_only else shown)
    ends = months.take(counted)[1]
    traces = [
        _scatter("Real", ends, actual[counted].tolist(), [""] * len(counted),
                 line={"color": BLUE, "width": 2}, hoverinfo="skip", showlegend=False)
    ]  # fmt: skip
    unvalidated = "Real reportado, sin validar" + (" (no cuenta)" if validated_only else "")
    for part, name, symbol, label in (
        (is_validated, "Real validado (sello de calidad)", "circle", "real validado"),
        (shown & ~validated, unvalidated, "circle-open", "real sin validar"),
    ):
        picked = np.flatnonzero(part)
        days, ends = months.take(picked)
        values = actual[picked].tolist()
        marker = {"color": BLUE, "size": 10, "symbol": symbol, "line": {"width": 2}}
        hover = _hover(days, values, label, digits)
        traces.append(_scatter(name, ends, values, hover, mode="markers", marker=marker))
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
    # The columns are read once for every trace (a pandas step costs more than drawing a point).
    months = _Months.of(series["mes"])
    figure = FigureDict(_plan_traces(goal, months, series["valor_programado"], digits))
    # Missing as None: pd.NA would refuse the comparison.
    validated = series["estado"].to_numpy(dtype=object, na_value=None) == "validado"
    figure.add_traces(
        _actual_traces(months, series["valor_real"], validated, as_of, validated_only, digits)
    )
    line = projection_line(goal, *fit, None if is_missing(projected) else projected)
    if line is not None:
        hover = _hover(line[0], line[1], "proyectado", digits)
        figure.add_trace(
            _scatter("Proyección (tendencia de las últimas cifras)", list(line[0]), line[1],
                     hover, line={"color": ORANGE, "width": 2.5, "dash": "dash"})
        )  # fmt: skip
    base, target = format_value(goal.linea_base, digits), format_value(goal.valor_meta, digits)
    add_hline(figure, goal.linea_base, "linea_base", "Línea base: " + base, "dot")
    add_hline(figure, goal.valor_meta, "meta", "Meta: " + target, "solid")
    add_cut_and_deadline(figure, month_end(as_of), goal.fecha_meta, month_label(as_of, short=True))
    figure.update_yaxes(tickformat=f",.{digits}f")
    last = max([goal.fecha_meta, *(line[0] if line else [])])
    return finish_layout(figure, 460, month_ticks(goal.fecha_inicio, last))
