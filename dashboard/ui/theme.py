"""Colours and the Plotly template: safe for colour-blind readers and legible on a projector.

Categorical colours are the Okabe-Ito palette (distinguishable under the common forms of colour
blindness). Traffic lights use Okabe-Ito's bluish green, orange and vermillion rather than pure
green/yellow/red, and every screen also writes the state as text or an icon, never colour alone.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow (fills only: too light for lines on white)
    "#000000",  # black
)

TRAFFIC_LIGHT = {"verde": "#009E73", "amarillo": "#E69F00", "rojo": "#D55E00"}
TRAFFIC_LIGHT_ICON = {
    "verde": "bi-check-circle-fill",
    "amarillo": "bi-exclamation-triangle-fill",
    "rojo": "bi-x-octagon-fill",
}
SEQUENTIAL_SCALE = "Viridis"  # perceptually uniform and colour-blind safe; for choropleths
NO_DATA_COLOR = "#D9D9D9"

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans",'
    ' "Liberation Sans", Arial, sans-serif'
)
TEMPLATE_NAME = "tablero"


def register_plotly_template() -> None:
    """Make 'plotly_white + tablero' the default template for every figure in the process."""
    ours = go.layout.Template(
        layout={
            "colorway": list(OKABE_ITO),
            "font": {"family": FONT_FAMILY, "size": 15, "color": "#212529"},
            "title": {"font": {"size": 18}},
            "separators": ",.",  # decimal comma, thousands dot, as read in Chile
        }
    )
    # Merged once here: a "plotly_white+tablero" default would be merged again for every new
    # figure (~36 ms each, measured), on every callback.
    pio.templates[TEMPLATE_NAME] = pio.templates.merge_templates(
        pio.templates["plotly_white"], ours
    )
    pio.templates.default = TEMPLATE_NAME
