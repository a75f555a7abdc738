"""Reading a Dash layout as a person would: its text, and the components with a given id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(component: Any) -> Iterator[Any]:
    """Every component and element (dashboard.ui.elements) in a tree, depth first."""
    if isinstance(component, list | tuple):
        for item in component:
            yield from walk(item)
        return
    if not hasattr(component, "to_plotly_json"):
        return
    yield component
    yield from walk(getattr(component, "children", None))


def text_of(component: Any) -> str:
    """The text a tree shows, its pieces joined by spaces (titles and tooltips not included)."""
    if component is None or isinstance(component, bool):
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(filter(None, (text_of(c) for c in component)))
    return text_of(getattr(component, "children", None))


def by_id(tree: Any, id_: str) -> Any:
    """The one component with this id."""
    found = [c for c in walk(tree) if getattr(c, "id", None) == id_]
    assert len(found) == 1, f"{len(found)} components with id {id_!r}"
    return found[0]


def kind(component: Any) -> str:
    """A component's type ("Tr"), or an element's (dashboard.ui.elements) tag."""
    return getattr(component, "tag", type(component).__name__)


def browser_text(component: Any) -> str:
    """The visible text of a component with its pieces joined as the browser joins inline text
    (no separator), e.g. a goal link's code and name."""
    children = getattr(component, "children", component)
    if isinstance(children, list | tuple):
        return "".join(browser_text(child) for child in children)
    if hasattr(children, "to_plotly_json"):
        return browser_text(children)
    return "" if children is None else str(children)
