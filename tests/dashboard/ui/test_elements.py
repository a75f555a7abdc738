"""Elements (dashboard.ui.elements) are exactly the JSON of the Dash components they stand for, so
the browser draws the same page whichever of the two built it."""

from __future__ import annotations

import json

from dash import html
from dash._utils import to_json

from dashboard.ui import components
from dashboard.ui import elements as el


def sent(tree: object) -> object:
    """What Dash sends to the browser for a tree."""
    return json.loads(to_json(tree))


def test_each_element_is_the_components_json():
    pairs = [
        (el.td("x", className="text-end"), html.Td("x", className="text-end")),
        (el.td(), html.Td()),
        (el.th("Mes"), html.Th("Mes")),
        (el.span(["a", 1], title="t"), html.Span(["a", 1], title="t")),
        (el.icon("bi bi-x"), html.I(className="bi bi-x", **{"aria-hidden": "true"})),
        (
            el.element("Div", className="m", style={"left": "5%"}),
            html.Div(className="m", style={"left": "5%"}),
        ),
    ]
    for element, component in pairs:
        assert sent(element) == sent(component)


def test_a_tree_mixing_elements_and_components_is_sent_as_the_components_tree():
    mixed = html.Table(html.Tbody([el.tr([el.td(el.span("a")), el.td(html.B("b"))])]))
    pure = html.Table(html.Tbody([html.Tr([html.Td(html.Span("a")), html.Td(html.B("b"))])]))
    assert sent(mixed) == sent(pure)


def test_props_read_like_a_components():
    cell = el.td("x", className="text-end")
    assert (cell.children, cell.className, cell.tag) == ("x", "text-end", "Td")
    assert cell.to_plotly_json() is cell
    assert not hasattr(cell, "href")  # a prop never given is missing, as on a component


def test_light_badge_and_thermometer_send_what_their_components_sent():
    badge = components.light_badge("rojo", small=True)
    assert sent(badge) == sent(
        html.Span(
            [html.I(className="bi bi-x-octagon-fill me-1", **{"aria-hidden": "true"}), "Rojo"],
            className="light light-rojo small",
            title=components.LIGHT_HELP["rojo"],
        )
    )
    assert components.light_badge("verde", title="propio").title == "propio"
    assert sent(components.light_badge(None)) == sent(html.Span("—", className="text-muted"))
    bar = components.thermometer(0.5, 0.75)
    title = "Avance 50 % · esperado hoy 75 %"
    assert sent(bar) == sent(
        html.Div(
            [
                html.Div(
                    [
                        html.Div(className="thermo-fill", style={"width": "50.0%"}),
                        html.Div(className="thermo-mark", style={"left": "75.0%"}),
                    ],
                    className="thermo-bar",
                    role="img",
                    **{"aria-label": title},
                ),
                html.Span("50 %", className="thermo-value"),
            ],
            className="thermometer",
            title=title,
        )
    )
