"""HTML elements built as the JSON Dash sends for them, for the many cells of a table.

Why: a `dash.html` component costs ~23 µs to build (its keyword arguments are checked) and
~25 µs more to serialise (a walk through `to_plotly_json`). A goal's page has a few hundred
table cells, built again for every goal and month it is asked for: ~25 ms of the server's
time per page under load. An `Element` is a dict in exactly the shape
`Component.to_plotly_json()` returns — `{"props": {...}, "type": "Td", "namespace":
"dash_html_components"}` — which Dash's renderer draws the same way, built and serialised
in about a microsecond (tests/test_elements.py checks the JSON is the component's).

Only for leaves and rows without ids or callbacks: anything a callback reads or writes stays
a Dash component, so Dash can check it. Reading works as on components (`cell.className`,
`cell.children`), so trees mixing both are walked the same way.
"""

from __future__ import annotations

from typing import Any

HTML = "dash_html_components"


class Element(dict[str, Any]):
    """A `dash.html` element as its JSON; props are readable as attributes, like a component."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self["props"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def tag(self) -> str:
        return str(self["type"])

    def to_plotly_json(self) -> dict[str, Any]:
        """Already JSON: what Dash's encoder asks of a component (json serialises a dict
        subclass as the dict itself, so this is only called by code walking a tree)."""
        return self


def element(tag: str, children: object = None, **props: object) -> Element:
    """`element("Td", "x", className="text-end")` is `html.Td("x", className="text-end")`'s
    JSON. Props whose names are not Python identifiers go as `**{"aria-hidden": "true"}`."""
    return Element(props=({"children": children} | props), type=tag, namespace=HTML)


def tr(cells: list[object], **props: object) -> Element:
    return element("Tr", cells, **props)


def td(children: object = None, **props: object) -> Element:
    return element("Td", children, **props)


def th(children: object = None, **props: object) -> Element:
    return element("Th", children, **props)


def span(children: object = None, **props: object) -> Element:
    return element("Span", children, **props)


def icon(css: str, **props: object) -> Element:
    """A Bootstrap icon (`<i class="bi …">`), hidden from screen readers: the word beside it
    says the same."""
    return element("I", None, className=css, **{"aria-hidden": "true"}, **props)
