"""The pack's trajectory SVG: planned, actual (validated only), projection, target and deadline
drawn from the goal page's own helpers."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

import pandas as pd

from dashboard.meeting_pack.chart import trajectory_svg
from indicators.goals import Goal

GOAL = Goal("G1", "ascendente", 0.0, 120.0, date(2025, 1, 1), date(2025, 12, 31), 0.9, 0.7)
SERIES = pd.DataFrame(
    {
        "mes": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]),
        "valor_programado": [10.0, 20.0, 30.0, 40.0],
        "valor_real": [8.0, 15.0, 20.0, 99.0],
        "estado": ["validado", "validado", "validado", "reportado"],
    }
)
NS = {"s": "http://www.w3.org/2000/svg"}


def draw(as_of: date = date(2025, 4, 1)) -> ElementTree.Element:
    fit = ([date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)], [8.0, 15.0, 20.0])
    return ElementTree.fromstring(trajectory_svg(GOAL, SERIES, as_of, fit, pd.NaT))


def points(svg: ElementTree.Element, kind: str) -> list[tuple[float, float]]:
    line = svg.find(f"s:polyline[@class='{kind}']", NS)
    assert line is not None, kind
    return [tuple(map(float, p.split(","))) for p in line.get("points").split()]


def test_every_line_of_the_trajectory_is_drawn():
    svg = draw()
    for kind in ("planned", "actual", "projection"):
        assert len(points(svg, kind)) >= 2
    assert svg.find("s:line[@class='deadline']", NS) is not None
    assert svg.find("s:line[@class='target']", NS) is not None
    labels = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "Plazo 31-12-2025" in labels and "Meta: 120" in labels


def test_only_validated_figures_are_drawn_as_actual_and_higher_is_up():
    actual = points(draw(), "actual")
    assert len(actual) == 3  # April's 99 is reported, not validated: the lights do not count it
    ys = [y for _, y in actual]
    assert ys == sorted(ys, reverse=True)  # 8 < 15 < 20 rise on the page


def test_the_deadline_line_is_right_of_every_actual_point():
    svg = draw()
    deadline = float(svg.find("s:line[@class='deadline']", NS).get("x1"))
    assert all(x < deadline for x, _ in points(svg, "actual"))
    assert re.fullmatch(r"\d+", svg.get("width"))
