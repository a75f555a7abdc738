"""dashboard.ui.figure_dict: the dict a figure builds is the one plotly's graph objects send."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import pytest

from dashboard.ui import theme
from dashboard.ui.figure_dict import FigureDict, merge, template, trace
from tests.support.figures import as_figure, sent


@pytest.fixture(autouse=True)
def _tablero_template() -> None:
    theme.register_plotly_template()


def _both() -> tuple[FigureDict, go.Figure]:
    days = [date(2026, 1, 31), date(2026, 2, 28)]
    lines = {"color": "#000000", "width": 2, "dash": "dot"}
    built = FigureDict([trace("scatter", x=days, y=[1.0, 2.5], name="a", line=lines)])
    graph = go.Figure([go.Scatter(x=days, y=[1.0, 2.5], name="a", line=lines)])
    for figure in (built, graph):
        figure.add_shape(type="line", xref="paper", yref="y", x0=0, x1=1, y0=2, y1=2)
        figure.add_annotation(x=0, y=2, text="Meta", showarrow=False)
        figure.update_layout(height=300, legend={"orientation": "h"})
        figure.update_layout(legend={"x": 0}, margin={"l": 10})
        figure.update_xaxes(tickvals=days, ticktext=["ene", "feb"], type="date")
        figure.update_yaxes(title={"text": "personas"}, tickformat=",.0f")
    return built, graph


def test_the_dict_is_what_the_graph_objects_send() -> None:
    built, graph = _both()
    assert sent(built.to_dict()) == sent(graph)
    assert as_figure(built.to_dict()).layout.legend.orientation == "h"


def test_a_shape_plotly_would_change_is_caught() -> None:
    figure = FigureDict().update_xaxes(title="personas")  # plotly makes it {"text": ...}
    with pytest.raises(AssertionError, match="differently"):
        as_figure(figure.to_dict())


def test_the_template_is_the_process_default_shared_by_every_figure() -> None:
    first, second = FigureDict().to_dict(), FigureDict().to_dict()
    assert first["layout"]["template"] is second["layout"]["template"] is template()
    assert template()["layout"]["separators"] == ",."


def test_merge_nests_dicts_and_replaces_lists() -> None:
    into = {"legend": {"x": 0}, "shapes": [1]}
    assert merge(into, {"legend": {"y": 1}, "shapes": [2]}) == {
        "legend": {"x": 0, "y": 1},
        "shapes": [2],
    }
