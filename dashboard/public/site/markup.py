"""The public pages' component trees written as plain HTML, for the static site.

The static site is the live /publico drawn by the same builders (dashboard.public.*_views), so a
number cannot differ between the two: only the writing changes. `html.*` elements keep their
tag; the few Bootstrap and core components those builders use become the markup Bootstrap's
CSS expects; a chart becomes a <div> with its figure as JSON, drawn in the browser by the site's
script with Plotly's JS. A choice control (a dropdown, radio buttons) becomes the list of links
to the pages of its choices, since the site has a page per choice. Any other component is
refused, so a new interactive control on the live page is noticed here, never silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

Href = Callable[[str], str]  # a live address (/publico/meta/X?region=05) → the site's file
# A choice control's id → the live address of each of its values (None: its placeholder's).
Choices = Mapping[str, Callable[[str | None], str]]

_VOID = frozenset({"Br", "Hr", "Img", "Wbr"})
# Component props that are not HTML attributes, or that the writer handles itself.
_SKIP = frozenset({"children", "className", "class_name", "style", "id", "key", "n_clicks",
                   "n_clicks_timestamp", "loading_state", "disable_n_clicks"})  # fmt: skip
_ATTRIBUTE_NAMES = {"htmlFor": "for", "html_for": "for", "colSpan": "colspan",
                    "rowSpan": "rowspan", "tabIndex": "tabindex"}  # fmt: skip
_BREAKPOINTS = ("xs", "sm", "md", "lg", "xl", "xxl")
_CHOICE_CONTROLS = frozenset({"Dropdown", "RadioItems"})
_TABLE_FLAGS = {"striped": "table-striped", "hover": "table-hover",
                "bordered": "table-bordered", "borderless": "table-borderless"}  # fmt: skip


def render(node: object, href: Href, choices: Choices | None = None) -> str:
    """HTML for a component, an element (dashboard.ui.elements), text, a number or a list."""
    return _Writer(href, choices or {}).node(node)


@dataclass(frozen=True)
class _Writer:
    href: Href
    choices: Choices

    def node(self, node: object) -> str:
        if node is None or node is False:
            return ""
        if isinstance(node, (list, tuple)):
            return "".join(self.node(child) for child in node)
        if isinstance(node, (str, int, float)):
            return str(escape(str(node)))
        data = node.to_plotly_json() if hasattr(node, "to_plotly_json") else node
        if not isinstance(data, Mapping) or "type" not in data:
            raise TypeError(f"no se sabe escribir {type(node).__name__} como HTML")
        props = dict(data.get("props") or {})
        namespace, kind = data["namespace"], data["type"]
        if namespace == "dash_html_components":
            return self.tag(kind.lower(), props, void=kind in _VOID)
        if kind in _CHOICE_CONTROLS and props.get("id") in self.choices:
            return self.choice_links(props)
        writer = _WRITERS.get((namespace, kind))
        if writer is None:
            raise TypeError(f"el sitio estático no escribe {namespace}.{kind}")
        return writer(self, props)

    def tag(
        self,
        tag: str,
        props: dict[str, Any],
        *,
        classes: tuple[str, ...] = (),
        extra: Mapping[str, object] | None = None,
        void: bool = False,
    ) -> str:
        names = [*classes, props.get("className") or "", props.get("class_name") or ""]
        attributes: dict[str, object] = {}
        if isinstance(props.get("id"), str):
            attributes["id"] = props["id"]
        joined = " ".join(n for n in names if n)
        if joined:
            attributes["class"] = joined
        if props.get("style"):
            attributes["style"] = "; ".join(f"{_css(k)}: {v}" for k, v in props["style"].items())
        for name, value in props.items():
            if name not in _SKIP and value is not None and value is not False:
                attributes[_ATTRIBUTE_NAMES.get(name, name)] = value
        attributes.update(extra or {})
        if tag == "a" and isinstance(attributes.get("href"), str):
            attributes["href"] = self.href(str(attributes["href"]))
        opening = "<" + tag + "".join(_attribute(k, v) for k, v in attributes.items()) + ">"
        if void:
            return opening
        return opening + self.node(props.get("children")) + f"</{tag}>"

    def choice_links(self, props: dict[str, Any]) -> str:
        """The control's choices as links, the current one marked."""
        address = self.choices[props["id"]]
        options: list[tuple[str | None, str]] = []
        if props.get("placeholder"):
            options.append((None, str(props["placeholder"])))
        for option in props.get("options") or []:
            if isinstance(option, Mapping):
                options.append((option["value"], str(option["label"])))
            else:
                options.append((str(option), str(option)))
        items = []
        for value, label in options:
            current = value == props.get("value")
            mark = ' class="active fw-bold" aria-current="page"' if current else ""
            link = f'<a href="{escape(self.href(address(value)))}"{mark}>{escape(label)}</a>'
            items.append(f'<li class="list-inline-item">{link}</li>')
        return (
            f'<ul class="list-inline static-choices mb-1" id="{escape(props["id"])}">'
            + "".join(items)
            + "</ul>"
        )


def _attribute(name: str, value: object) -> str:
    if value is True:
        return f" {name}"
    return f' {name}="{escape(str(value))}"'


def _css(name: str) -> str:
    """camelCase style keys (Dash's) → CSS property names."""
    return "".join("-" + c.lower() if c.isupper() else c for c in name)


def _row(write: _Writer, props: dict[str, Any]) -> str:
    for name in ("align", "justify"):
        props.pop(name, None)
    return write.tag("div", props, classes=("row",))


def _col(write: _Writer, props: dict[str, Any]) -> str:
    classes = []
    for point in _BREAKPOINTS:
        size = props.pop(point, None)
        if size is not None:
            infix = "" if point == "xs" else "-" + point
            classes.append(f"col{infix}" if size is True else f"col{infix}-{size}")
    props.pop("width", None)
    return write.tag("div", props, classes=tuple(classes) or ("col",))


def _classed(tag: str, *base: str) -> Callable[[_Writer, dict[str, Any]], str]:
    def write_it(write: _Writer, props: dict[str, Any]) -> str:
        return write.tag(tag, props, classes=base)

    return write_it


def _table(write: _Writer, props: dict[str, Any]) -> str:
    classes = ["table"]
    for flag, name in _TABLE_FLAGS.items():
        if props.pop(flag, False):
            classes.append(name)
    if props.pop("size", None) == "sm":
        classes.append("table-sm")
    responsive = props.pop("responsive", False)
    for name in ("color", "dark"):
        props.pop(name, None)
    table = write.tag("table", props, classes=tuple(classes))
    return f'<div class="table-responsive">{table}</div>' if responsive else table


def _alert(write: _Writer, props: dict[str, Any]) -> str:
    color = props.pop("color", None) or "primary"
    for name in ("is_open", "dismissable", "fade", "duration"):
        props.pop(name, None)
    return write.tag("div", props, classes=("alert", f"alert-{color}"), extra={"role": "alert"})


def _badge(write: _Writer, props: dict[str, Any]) -> str:
    color = props.pop("color", None) or "secondary"
    props.pop("pill", None)
    return write.tag("span", props, classes=("badge", f"text-bg-{color}"))


def _label(write: _Writer, props: dict[str, Any]) -> str:
    return write.tag("label", props)


def _link(write: _Writer, props: dict[str, Any]) -> str:
    props.pop("refresh", None)
    return write.tag("a", props)


def _graph(write: _Writer, props: dict[str, Any]) -> str:
    """The figure and its config as JSON in the page: the site's script draws it, offline."""
    figure = props.get("figure") or {}
    if hasattr(figure, "to_plotly_json"):
        figure = figure.to_plotly_json()
    payload = json.dumps(
        {"figure": figure, "config": props.get("config") or {}},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=_plain,
    ).replace("</", "<\\/")
    graph_id = f' id="{escape(props["id"])}"' if isinstance(props.get("id"), str) else ""
    return (
        f'<div class="static-chart"{graph_id}>'
        f'<script type="application/json" class="chart-data">{payload}</script></div>'
    )


def _plain(value: object) -> object:
    """What plotly's own encoder writes for numpy arrays and dates."""
    if hasattr(value, "tolist"):
        return value.tolist()  # type: ignore[attr-defined]
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[attr-defined]
    raise TypeError(f"{type(value).__name__} no es JSON")


_WRITERS: dict[tuple[str, str], Callable[[_Writer, dict[str, Any]], str]] = {
    ("dash_bootstrap_components", "Row"): _row,
    ("dash_bootstrap_components", "Col"): _col,
    ("dash_bootstrap_components", "Card"): _classed("div", "card"),
    ("dash_bootstrap_components", "CardBody"): _classed("div", "card-body"),
    ("dash_bootstrap_components", "CardHeader"): _classed("div", "card-header"),
    ("dash_bootstrap_components", "Table"): _table,
    ("dash_bootstrap_components", "Alert"): _alert,
    ("dash_bootstrap_components", "Badge"): _badge,
    ("dash_bootstrap_components", "Label"): _label,
    ("dash_core_components", "Link"): _link,
    ("dash_core_components", "Graph"): _graph,
}
