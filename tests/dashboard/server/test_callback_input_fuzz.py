"""Malformed callback input answers 400 (or is read as a default), never 500 with a traceback.

A crafted request to /_dash-update-component may carry anything where a control's value goes:
None, a word no control offers, a number, a list, a dict, a 100k-character string. Every
callback on every page gets each of those in each input and state in turn (the others keep the
values the page's own layout gives them, read through Dash's page router), as presidencia.
The answer must be 200, 204 or 400, and the log must hold no traceback: at most one line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from dash._utils import split_callback_id

from tests.support.apps import app_on
from tests.support.sessions import signed_in

HOSTILE = (None, "bogus", 12, [], {"x": 1}, "x" * 100_000)
PAGES = (
    "/", "/metas", "/meta/SAL-01", "/mapa", "/region/05", "/ministerio", "/convergencia",
    "/explorar", "/explorar?conjunto=entregas", "/datos", "/validacion", "/publico",
    "/publico/meta/SAL-01",
)  # fmt: skip
ROUTER = "_pages_location"
ALLOWED = {200, 204, 400}


@pytest.fixture(scope="module")
def client(demo_db):
    with app_on(demo_db) as app:
        yield signed_in(app, "presidencia")


def post(client, body: object):
    return client.http.post(
        "/_dash-update-component",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token or ""},
    )


def router_key(app) -> str:
    return next(k for k, spec in app.callback_map.items()
                if any(i["id"] == ROUTER for i in spec["inputs"]))  # fmt: skip


def _components(node: object) -> Iterator[dict]:
    """Every component (as the JSON Dash sends) in a layout."""
    if isinstance(node, list):
        for item in node:
            yield from _components(item)
    elif isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
            for value in node["props"].values():
                yield from _components(value)
        else:
            for value in node.values():
                yield from _components(value)


@pytest.fixture(scope="module")
def page_props(client) -> dict[str, dict]:
    """{component id (JSON text for dict ids): props} over the layouts of every page."""
    app = client.app
    key = router_key(app)
    spec = app.callback_map[key]
    found: dict[str, dict] = {ROUTER: {"pathname": "/metas", "search": ""}}
    for component in _components(client.get("/_dash-layout").get_json()):
        if isinstance(cid := component["props"].get("id"), str):
            found.setdefault(cid, component["props"])
    for address in PAGES:
        path, _, query = address.partition("?")
        given = {"pathname": path, "search": "?" + query if query else ""}
        inputs = [{**i, "value": given.get(i["property"])} for i in spec["inputs"]]
        state = [{**s, "value": None} for s in spec.get("state", [])]
        answer = post(client, {"output": key, "outputs": split_callback_id(key),
                               "inputs": inputs, "state": state,
                               "changedPropIds": [f"{ROUTER}.pathname"]})  # fmt: skip
        assert answer.status_code == 200, (address, answer.get_data(as_text=True)[:300])
        for component in _components(answer.get_json()):
            cid = component["props"].get("id")
            if cid is not None:
                text = cid if isinstance(cid, str) else json.dumps(cid, sort_keys=True)
                found.setdefault(text, component["props"])
    return found


def _matches(pattern: dict, cid: object) -> bool:
    if not isinstance(cid, dict) or set(cid) != set(pattern):
        return False
    return all(isinstance(v, list) or cid[k] == v for k, v in pattern.items())


def base_value(item: dict, props: dict[str, dict]) -> object:
    """What the page's layout gives an input: a value, or the list of a pattern's matches."""
    if not item["id"].startswith("{"):
        return {**item, "value": props.get(item["id"], {}).get(item["property"])}
    pattern = json.loads(item["id"])
    entries = []
    for text, component in props.items():
        if text.startswith("{") and _matches(pattern, cid := json.loads(text)):
            entries.append({"id": cid, "property": item["property"],
                            "value": component.get(item["property"])})  # fmt: skip
    return entries


def variants(item: dict, base: object) -> Iterator[tuple[str, object]]:
    """The hostile versions of one input: each value in place of a plain input's value; for
    a pattern input, in place of the whole list, of each entry's value and of each entry's id."""
    for bad in HOSTILE:
        if isinstance(base, dict):
            yield repr(bad)[:20], {**base, "value": bad}
            continue
        yield f"list={repr(bad)[:20]}", bad
        for n, entry in enumerate(base):
            yield (
                f"[{n}].value={repr(bad)[:20]}",
                [{**e, "value": bad} if i == n else e for i, e in enumerate(base)],
            )
            if n == 0:  # a forged id: one entry is enough
                yield f"[0].id={repr(bad)[:20]}", [{**entry, "id": bad}, *base[1:]]


def server_callbacks(app) -> list[str]:
    return [key for key, spec in app.callback_map.items() if "callback" in spec]


def test_every_callback_answers_malformed_input_without_500(client, page_props, caplog):
    app = client.app
    failures = []
    sent = 0
    caplog.set_level(logging.INFO)
    for key in server_callbacks(app):
        spec = app.callback_map[key]
        items = spec["inputs"] + spec.get("state", [])
        n_inputs = len(spec["inputs"])
        bases = [base_value(item, page_props) for item in items]
        body = {"output": key, "outputs": split_callback_id(key), "inputs": bases[:n_inputs],
                "state": bases[n_inputs:], "changedPropIds": []}  # fmt: skip
        answer = post(client, body)  # what the page itself sends: never refused
        if answer.status_code not in (200, 204):
            failures.append((key[:70], "página", "", "", answer.status_code))
        for index, item in enumerate(items):
            for label, hostile in variants(item, bases[index]):
                values = [hostile if i == index else b for i, b in enumerate(bases)]
                changed = [f"{item['id']}.{item['property']}"] if index < n_inputs else []
                body = {"output": key, "outputs": split_callback_id(key),
                        "inputs": values[:n_inputs], "state": values[n_inputs:],
                        "changedPropIds": changed}  # fmt: skip
                answer = post(client, body)
                sent += 1
                if answer.status_code not in ALLOWED:
                    failures.append((key[:70], item["id"][:60], item["property"], label,
                                     answer.status_code))  # fmt: skip
    assert sent > 300, sent
    assert failures == [], "\n".join(map(str, failures))
    assert_no_traceback(caplog)


def assert_no_traceback(caplog) -> None:
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()[:300]
        text = record.getMessage()
        assert "Traceback" not in text, text[:300]
        assert "\n" not in text.strip(), text[:300]
        assert len(text) < 500, text[:300]


@pytest.mark.parametrize(
    "body",
    [
        "no es json",
        [],
        {"output": "no-existe.children", "outputs": {}, "inputs": [], "state": []},
        {"inputs": []},
        {"output": 12},
    ],
    ids=["text", "list", "unknown-output", "no-output", "output-number"],
)
def test_a_malformed_request_body_answers_400_in_spanish(client, body, caplog):
    caplog.set_level(logging.INFO)
    if isinstance(body, str):
        answer = client.http.post(
            "/_dash-update-component", data=body, content_type="application/json",
            headers={"X-CSRFToken": client.csrf_token or ""},
        )  # fmt: skip
    else:
        answer = post(client, body)
    assert answer.status_code == 400
    assert "Solicitud no válida" in answer.get_data(as_text=True)
    assert_no_traceback(caplog)
    lines = [r.getMessage() for r in caplog.records if "rechazada (400)" in r.getMessage()]
    assert len(lines) == 1


def test_clientside_callbacks_posted_to_the_server_answer_400(client, caplog):
    app = client.app
    clientside = [key for key, spec in app.callback_map.items() if "callback" not in spec]
    assert clientside
    for key in clientside:
        spec = app.callback_map[key]
        body = {"output": key, "outputs": split_callback_id(key),
                "inputs": [{**i, "value": None} for i in spec["inputs"]],
                "state": [{**s, "value": None} for s in spec.get("state", [])]}  # fmt: skip
        assert post(client, body).status_code == 400, key
    assert_no_traceback(caplog)


def test_the_reported_cases_are_read_as_defaults(client, page_props):
    """The cases of issue 17 item 7: the page answers (200) with its defaults, no error."""
    callbacks = client.app.callback_map
    map_key = next(k for k in callbacks if "mapa-grafico.figure" in k)
    conv_key = next(k for k in callbacks if "convergencia-cifras.children" in k)
    grid_key = next(k for k in callbacks if "explorar-grilla.rowData" in k)
    dataset_key = next(k for k in callbacks if "explorar-filtros.children" in k)
    number = next(c["field"] for c in page_props["explorar-grilla"]["columnDefs"]
                  if c.get("filter") == "agNumberColumnFilter")  # fmt: skip
    no_upper_bound = {number: {"filterType": "number", "type": "inRange", "filter": 1}}
    for key, control, prop, value, status in [
        (map_key, "mapa-indicador", "value", "bogus", 200),
        (map_key, "mapa-indicador", "value", None, 200),
        (conv_key, "convergencia-nivel", "value", "bogus", 200),
        (grid_key, "explorar-grilla", "filterModel", no_upper_bound, 200),
        (grid_key, "explorar-grilla", "filterModel", "texto", 200),
        (dataset_key, "explorar-conjunto", "value", "cuentas", 204),
    ]:
        spec = callbacks[key]
        inputs = [base_value(i, page_props) for i in spec["inputs"]]
        inputs = [
            {**i, "value": value} if isinstance(i, dict) and i["id"] == control else i
            for i in inputs
        ]
        body = {"output": key, "outputs": split_callback_id(key), "inputs": inputs,
                "state": [base_value(s, page_props) for s in spec.get("state", [])],
                "changedPropIds": [f"{control}.{prop}"]}  # fmt: skip
        answer = post(client, body)
        assert answer.status_code == status, (control, value, answer.get_data(as_text=True)[:300])


def test_a_real_bug_in_a_callback_still_shows_as_500(client, monkeypatch, caplog):
    """Only malformed input is answered 400: an error of the code stays an error."""

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("bug")

    key = next(k for k in client.app.callback_map if "metas-grid.rowData" in k)
    spec = client.app.callback_map[key]
    monkeypatch.setitem(spec, "callback", broken)
    body = {"output": key, "outputs": split_callback_id(key),
            "inputs": [{**i, "value": None} for i in spec["inputs"]],
            "state": [{**s, "value": None} for s in spec.get("state", [])]}  # fmt: skip
    assert post(client, body).status_code == 500
