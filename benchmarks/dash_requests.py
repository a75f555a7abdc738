"""Dash callback requests as the browser's renderer builds them, for the load test and its tests.

A page view in a browser is: GET the address, GET /_dash-layout and /_dash-dependencies, then
POST /_dash-update-component for the page content (pathname + search), then one POST per
callback that fires on load or on a click. The payload of a callback lists *every* input and
state of that callback with its current value, so a load test that typed payloads by hand
would break whenever a page gains a control. Instead, as the renderer does, the values come
from the components the server just sent, and the callback's shape from /_dash-dependencies;
a scenario only says what the person changes ("mapa-indicador.value" = "gasto_per_capita").

Plain Python (json only): imported by the locustfile under gevent, and by pytest without it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

UPDATE_PATH = "/_dash-update-component"
LAYOUT_PATH = "/_dash-layout"
DEPENDENCIES_PATH = "/_dash-dependencies"
PAGES_CONTENT = "_pages_content.children"
WILDCARDS = ("ALL", "MATCH", "ALLSMALLER")
NOT_FOUND = "404 - Page not found"  # Dash pages' answer for an unknown address
PROBLEM_ALERTS = frozenset({"danger", "warning"})  # errors, "not found", "no access"

Props = dict[str, dict[str, Any]]  # stringified component id -> its props


def id_key(component_id: object) -> str:
    """A component id as Dash writes it in dependencies: dict ids as compact sorted JSON."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


@dataclass(frozen=True)
class Callback:
    """One server callback, from /_dash-dependencies."""

    output: str  # "id.prop" or "..a.p...b.q.." (several outputs)
    inputs: tuple[tuple[str, str], ...]  # (id key, property); pattern ids as JSON
    state: tuple[tuple[str, str], ...]
    on_load: bool = False  # fires when its inputs appear (no prevent_initial_call)

    @property
    def outputs(self) -> list[tuple[str, str]]:
        names = self.output.strip(".").split("...") if self.multi else [self.output]
        return [tuple(name.rsplit(".", 1)) for name in names]  # type: ignore[misc]

    @property
    def multi(self) -> bool:
        return self.output.startswith("..")

    def writes(self, target: str) -> bool:
        """Whether one of the outputs is `target` ("id.prop")."""
        return any(f"{i}.{p}" == target for i, p in self.outputs)


def callbacks(dependencies: list[dict[str, Any]]) -> list[Callback]:
    """The server-side callbacks of an app (clientside ones never reach the server)."""
    return [
        Callback(
            dep["output"],
            tuple((d["id"], d["property"]) for d in dep["inputs"]),
            tuple((d["id"], d["property"]) for d in dep.get("state", [])),
            on_load=not dep.get("prevent_initial_call"),
        )
        for dep in dependencies
        if not dep.get("clientside_function")
    ]


def find(all_callbacks: list[Callback], target: str) -> Callback:
    """The callback that writes `target` ("id.prop")."""
    found = [cb for cb in all_callbacks if cb.writes(target)]
    if len(found) != 1:
        raise LookupError(f"{len(found)} callbacks escriben {target!r}")
    return found[0]


def fired_by(all_callbacks: list[Callback], props: Props, arrived: set[str]) -> list[Callback]:
    """Callbacks the renderer fires when the components `arrived` appear: those without
    prevent_initial_call whose inputs are all on screen, one at least among the new ones
    (the page content callback itself is `page_request`)."""

    def among(key: str, keys: object) -> bool:
        if key.startswith("{"):
            return any(_matches(json.loads(key), k) for k in keys)  # type: ignore[attr-defined]
        return key in keys  # type: ignore[operator]

    return [
        cb
        for cb in all_callbacks
        if cb.on_load
        and not cb.writes(PAGES_CONTENT)
        and all(among(key, props) for key, _ in cb.inputs)
        and any(among(key, arrived) for key, _ in cb.inputs)
    ]


# --------------------------------------------------------------------------- component values


def components(tree: object) -> Iterator[dict[str, Any]]:
    """Every component (type, namespace, props) in a layout or a callback answer, in order."""
    if isinstance(tree, dict):
        if "props" in tree and "type" in tree:
            yield tree
            for value in tree["props"].values():
                yield from components(value)
        else:
            for value in tree.values():
                yield from components(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from components(item)


def collect(tree: object, into: Props | None = None) -> Props:
    """The props of every component with an id (later answers update earlier values)."""
    found: Props = {} if into is None else into
    for component in components(tree):
        props = component["props"]
        if "id" in props:
            found.setdefault(id_key(props["id"]), {}).update(props)
    return found


def apply(answer: Mapping[str, Any], props: Props) -> set[str]:
    """Fold a callback answer ({"response": {id: {prop: value}}}) into the known values, as
    the renderer does; returns the ids of the components the answer brought.

    Components an answer replaces are not forgotten: scenarios open a page afresh (new
    `props`) rather than switch what a pattern-matching callback would read."""
    return Reading.of(answer).fold(props)


@dataclass(frozen=True)
class Reading:
    """What the load test takes from one callback answer: the answer, what a person would read
    as a failure in it, and the components it brings. Read-only: `fold` copies into a page."""

    answer: Mapping[str, Any]
    problems: tuple[str, ...]
    changed: Props  # the answer's outputs: {id: {prop: value}}
    arrived: Props  # every component with an id inside them

    @classmethod
    def of(cls, answer: Mapping[str, Any]) -> Reading:
        changed = answer.get("response") or {}
        arrived: Props = {}
        for values in changed.values():
            collect(values, arrived)
        return cls(answer, tuple(problems(answer)), changed, arrived)

    def fold(self, props: Props) -> set[str]:
        for source in (self.changed, self.arrived):
            for key, values in source.items():
                props.setdefault(key, {}).update(values)
        return set(self.arrived)


# The load generator shares the server's two cores, and reading answers (JSON, then a walk of
# every component) was most of its CPU. Kept answers make most bodies byte-identical, so each
# distinct body is read once per locust process; what is sent and measured does not change.
@functools.lru_cache(maxsize=512)
def read(body: bytes) -> Reading:
    """`Reading` of a callback answer's body (ValueError when it is not JSON)."""
    return Reading.of(json.loads(body))


@functools.lru_cache(maxsize=64)
def read_callbacks(body: bytes) -> tuple[Callback, ...]:
    """`callbacks` of a /_dash-dependencies body."""
    return tuple(callbacks(json.loads(body)))


@functools.lru_cache(maxsize=64)
def _layout_props(body: bytes) -> Props:
    return collect(json.loads(body))


def layout_props(body: bytes) -> Props:
    """`collect` of a /_dash-layout body, as a page's own copy of the values."""
    return {key: dict(values) for key, values in _layout_props(body).items()}


def _matches(pattern: dict[str, Any], key: str) -> bool:
    if not key.startswith("{"):
        return False
    candidate = json.loads(key)
    if set(candidate) != set(pattern):
        return False
    return all(
        (isinstance(want, list) and want and want[0] in WILDCARDS) or candidate[k] == want
        for k, want in pattern.items()
    )


def _item(key: str, prop: str, props: Props) -> dict[str, Any]:
    component_id: object = json.loads(key) if key.startswith("{") else key
    return {"id": component_id, "property": prop, "value": props.get(key, {}).get(prop)}


def _values(pairs: tuple[tuple[str, str], ...], props: Props) -> list[Any]:
    out: list[Any] = []
    for key, prop in pairs:
        if key.startswith("{"):  # a pattern: every matching component, in layout order
            pattern = json.loads(key)
            out.append([_item(k, prop, props) for k in props if _matches(pattern, k)])
        else:
            out.append(_item(key, prop, props))
    return out


def request(
    callback: Callback, props: Props, changes: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The body of POST /_dash-update-component after the person changed `changes`
    ({"id.prop": value}; dict ids as id_key JSON), every other value as last shown."""
    changes = dict(changes or {})
    for name, value in changes.items():
        key, prop = name.rsplit(".", 1)
        props.setdefault(key, {})[prop] = value
    outputs = [{"id": i, "property": p} for i, p in callback.outputs]
    return {
        "output": callback.output,
        "outputs": outputs if callback.multi else outputs[0],
        "inputs": _values(callback.inputs, props),
        "state": _values(callback.state, props),
        "changedPropIds": list(changes),
        "parsedChangedPropsIds": list(changes),
    }


def page_request(pathname: str, search: str = "") -> dict[str, Any]:
    """The page content request the renderer sends for an address (Dash pages)."""
    changed = ["_pages_location.pathname", "_pages_location.search"]
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
    }


# --------------------------------------------------------------------------- answers


def _text(node: object) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return " ".join(_text(n) for n in node)
    if isinstance(node, dict) and "props" in node:
        return _text(node["props"].get("children"))
    return ""


def problems(answer: object) -> list[str]:
    """What a person would read as a failure in an answer: an error or warning alert (database
    error, no access, goal not found) or Dash's 404 page. Empty when the answer is sound."""
    found = []
    for component in components(answer):
        props = component["props"]
        if component["type"] == "Alert" and props.get("color") in PROBLEM_ALERTS:
            found.append(_text(props.get("children")).strip()[:200] or "alerta")
        elif props.get("children") == NOT_FOUND:
            found.append(NOT_FOUND)
    return found
