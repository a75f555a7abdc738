"""Checks for figures built as dicts (dashboard.ui.figure_dict): plotly's graph objects must
accept them unchanged, and tests read them through `as_figure`, with plotly's attribute names."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash._utils import to_json


def _plain(value: Any) -> Any:
    """JSON as the browser reads it: plotly's typed arrays ({dtype, bdata}) become lists."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            raw = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            return raw.reshape(value["shape"]).tolist() if "shape" in value else raw.tolist()
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def sent(figure: Any) -> Any:
    """What Dash sends for `figure`, decoded."""
    return _plain(json.loads(to_json(figure)))


def as_figure(figure: dict[str, Any]) -> go.Figure:
    """The dict as a validated go.Figure, after checking that validation changed nothing:
    every property name, value and nesting is plotly's own. Typed arrays are read back as
    lists, so tests read `trace.y` as they would have from a go.Figure."""
    validated = go.Figure(_plain(figure))
    assert sent(validated) == sent(figure), "plotly would send this figure differently"
    return validated
