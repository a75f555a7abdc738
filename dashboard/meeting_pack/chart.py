"""A red goal's trajectory as a small SVG drawn here: planned, actual, projection, target and
deadline, from the same numbers and helpers as the goal page's chart (dashboard.ui.
goal_trajectory). Plotly's static export would need kaleido and a browser on the server for
one line chart per page; WeasyPrint draws SVG itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

import numpy as np
import pandas as pd

from dashboard.ui.goal_format import format_date, format_value, is_missing
from dashboard.ui.goal_trajectory import (
    BLACK,
    BLUE,
    GREY,
    ORANGE,
    VERMILLION,
    month_ticks,
    plan_points,
    projection_line,
)
from indicators.goals import Goal
from indicators.months import as_date, month_end

WIDTH, HEIGHT = 680, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 34

Point = tuple[date, float]


def trajectory_svg(
    goal: Goal,
    series: pd.DataFrame,
    as_of: date,
    fit: tuple[Sequence[date], Sequence[float]],
    projected: object,
    digits: int = 0,
) -> str:
    """The SVG element (text) of the goal's trajectory up to `as_of` (validated figures)."""
    given, interpolated = plan_points(goal, series)
    planned = _points(given["mes"], given["valor_programado"]) + _points(
        interpolated["mes"], interpolated["valor_programado"]
    )
    planned.sort()
    actual = _actual(series, as_of)
    until = None if is_missing(projected) else as_date(projected)
    line = projection_line(goal, *fit, until)
    projection = list(zip(line[0], line[1], strict=True)) if line else []
    days = [month_end(goal.fecha_inicio), goal.fecha_meta, *(d for d, _ in projection)]
    values = [goal.linea_base, goal.valor_meta, *(v for _, v in planned + actual + projection)]
    scale = _Scale(min(days), max(days), min(values), max(values))
    parts = [
        _axes(scale, goal, digits),
        _hline(scale, goal.valor_meta, "target", "Meta: " + format_value(goal.valor_meta, digits)),
        _deadline(scale, goal.fecha_meta),
        _polyline(scale, planned, "planned", GREY, "4 3"),
        _polyline(scale, projection, "projection", ORANGE, "7 4"),
        _polyline(scale, actual, "actual", BLUE, None),
        *(_dot(scale, p) for p in actual),
        _legend(),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trajectory" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="Trayectoria de '
        f'{escape(goal.codigo_meta)}">' + "".join(parts) + "</svg>"
    )


def _points(months: pd.Series, values: pd.Series) -> list[Point]:
    return [
        (month_end(as_date(m)), float(v))
        for m, v in zip(months, values, strict=True)
        if not is_missing(v)
    ]


def _actual(series: pd.DataFrame, as_of: date) -> list[Point]:
    """Validated figures up to the as-of month: those the lights count."""
    validated = series["estado"].to_numpy(dtype=object, na_value=None) == "validado"
    months = series["mes"].to_numpy()
    shown = validated & (months <= np.datetime64(as_of))
    picked = series[shown]
    return _points(picked["mes"], picked["valor_real"])


class _Scale:
    def __init__(self, first: date, last: date, low: float, high: float) -> None:
        pad = (high - low) * 0.08 or 1.0
        self.first, self.span = first.toordinal(), max(last.toordinal() - first.toordinal(), 1)
        self.low, self.high = low - pad, high + pad

    def x(self, day: date) -> float:
        return LEFT + (day.toordinal() - self.first) / self.span * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)


def _polyline(scale: _Scale, points: list[Point], kind: str, color: str, dash: str | None) -> str:
    if len(points) < 2:
        return ""
    coords = " ".join(f"{scale.x(d):.1f},{scale.y(v):.1f}" for d, v in points)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline class="{kind}" points="{coords}" fill="none" stroke="{color}" '
        f'stroke-width="2"{dashed}/>'
    )


def _dot(scale: _Scale, point: Point) -> str:
    return (
        f'<circle cx="{scale.x(point[0]):.1f}" cy="{scale.y(point[1]):.1f}" r="3" fill="{BLUE}"/>'
    )


def _hline(scale: _Scale, value: float, kind: str, label: str) -> str:
    y = scale.y(value)
    return (
        f'<line class="{kind}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
        f'stroke="{BLACK}" stroke-width="1"/>'
        f'<text x="{LEFT + 4}" y="{y - 4:.1f}" font-size="10">{escape(label)}</text>'
    )


def _deadline(scale: _Scale, deadline: date) -> str:
    x = scale.x(deadline)
    return (
        f'<line class="deadline" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="{VERMILLION}" stroke-width="2"/>'
        f'<text x="{x - 4:.1f}" y="{TOP + 10}" font-size="10" text-anchor="end" '
        f'fill="{VERMILLION}">Plazo {format_date(deadline)}</text>'
    )


def _axes(scale: _Scale, goal: Goal, digits: int) -> str:
    bottom = HEIGHT - BOTTOM
    parts = [
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="{GREY}"/>'
    ]
    last = date.fromordinal(scale.first + scale.span)
    for day, label in zip(*month_ticks(goal.fecha_inicio, last), strict=True):
        if scale.first <= day.toordinal() <= scale.first + scale.span:
            parts.append(
                f'<text x="{scale.x(day):.1f}" y="{bottom + 14}" font-size="9" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.extend(
        f'<text x="{LEFT - 4}" y="{scale.y(value) + 3:.1f}" font-size="9" '
        f'text-anchor="end">{format_value(value, digits)}</text>'
        for value in np.linspace(scale.low, scale.high, 5)[1:-1]
    )
    return "".join(parts)


def _legend() -> str:
    items = (
        ("Programado", GREY, "4 3"),
        ("Real validado", BLUE, ""),
        ("Proyección", ORANGE, "7 4"),
        ("Plazo", VERMILLION, ""),
    )
    parts, x = [], LEFT
    for label, color, dash in items:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x}" x2="{x + 18}" y1="10" y2="10" stroke="{color}" stroke-width="2"'
            f'{dashed}/><text x="{x + 22}" y="13" font-size="10">{label}</text>'
        )
        x += 30 + 7 * len(label)
    return "".join(parts)
