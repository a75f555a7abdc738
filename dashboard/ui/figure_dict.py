"""Plotly figures built as plain dicts, in the exact shape plotly's graph objects would send.

Why not `go.Figure`: every property set on a graph object goes through plotly's validators and
path machinery. The goal page's timeline (five traces, four shapes, four annotations) took
33 ms to build as a `go.Figure` and 0.04 ms as the same dict, and serialising the dict is 3×
faster (measured, issue 6); under 200 users figure building was a fifth of the server's CPU.
Dash sends a dict figure as it is, so the browser receives the same JSON.

What the graph objects did for free is checked by the tests instead: every figure function's
dict, passed through `go.Figure(...)`, must come back unchanged (tests/figure_checks.py,
`as_figure`) — so property names, enumerated values and nesting are plotly's own (e.g. an axis
title is `{"text": ...}`, not a bare string).

Only what the dashboard's figures use: one x and one y axis, traces given as dicts
(`trace("scatter", x=..., ...)`), shapes and annotations appended, layout deep-merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.io as pio
from _plotly_utils.utils import to_typed_array_spec

Trace = dict[str, Any]
Figure = dict[str, Any]  # {"data": [traces], "layout": {...}}: what dcc.Graph takes
_TEMPLATES: dict[str, dict[str, Any]] = {}


def template(name: str | None = None) -> dict[str, Any] | None:
    """A template (the process's default, which dashboard.ui.theme registers, when no name is
    given) as plotly serialises it into a figure's layout. Converted once per template name
    and shared by every figure: never mutate it."""
    name = name or pio.templates.default
    if not name:
        return None
    if name not in _TEMPLATES:
        _TEMPLATES[name] = pio.templates[name].to_plotly_json()
    return _TEMPLATES[name]


def trace(kind: str, **props: Any) -> Trace:
    """One trace: `trace("scatter", x=[...], y=[...], mode="lines")`."""
    return {"type": kind, **props}


def merge(into: dict[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `props` into `into` as plotly's `update_layout` does: nested dicts merge,
    anything else (lists included) replaces."""
    for key, value in props.items():
        current = into.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            merge(current, value)
        elif isinstance(value, Mapping):
            into[key] = merge({}, value)
        else:
            into[key] = value
    return into


def typed_arrays(props: dict[str, Any]) -> dict[str, Any]:
    """Numeric numpy arrays and Series (also in nested dicts such as `marker`) as plotly's
    typed arrays. Lists are left alone: plotly's own walk (`convert_to_base64`) tests every
    element of every list, 3 ms per goal figure for nothing."""
    out = {}
    for key, value in props.items():
        if isinstance(value, pd.Series | pd.Index):
            value = value.to_numpy()
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            value = to_typed_array_spec(value)
        elif isinstance(value, dict):
            value = typed_arrays(value)
        out[key] = value
    return out


class FigureDict:
    """Accumulates traces and layout; `to_dict()` is the figure Dash sends."""

    def __init__(self, traces: Iterable[Trace] = (), layout: Mapping[str, Any] | None = None):
        self.data: list[Trace] = list(traces)
        self.layout: dict[str, Any] = merge({}, layout or {})

    def add_trace(self, one: Trace) -> FigureDict:
        self.data.append(one)
        return self

    def add_traces(self, many: Iterable[Trace]) -> FigureDict:
        self.data.extend(many)
        return self

    def add_shape(self, **shape: Any) -> FigureDict:
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_annotation(self, **annotation: Any) -> FigureDict:
        self.layout.setdefault("annotations", []).append(annotation)
        return self

    def update_layout(self, **props: Any) -> FigureDict:
        merge(self.layout, props)
        return self

    def update_xaxes(self, **props: Any) -> FigureDict:
        return self.update_layout(xaxis=props)

    def update_yaxes(self, **props: Any) -> FigureDict:
        return self.update_layout(yaxis=props)

    def to_dict(self) -> Figure:
        """Numeric numpy arrays become plotly's typed arrays ({dtype, bdata}), as `go.Figure`
        sends them: smaller than JSON lists and read by plotly.js as they are."""
        figure = {"data": [typed_arrays(one) for one in self.data], "layout": dict(self.layout)}
        layout = figure["layout"]
        shared = template()
        if shared is not None:
            layout["template"] = shared
        return figure
