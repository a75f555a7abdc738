"""Whole answers kept for what many viewers ask again: a page's content and the app frame.

Serialising a page's content (0.1–1 MB of JSON) costs more CPU than anything else a request
does, and with 200 people on two cores the server queued. Both answers are pure functions of
the request and `cache.data_version` (snapshot, viewer's scope, Chilean day), so their bytes
are kept in the store every serving process of the machine shares
(dashboard/server/answer_files.py, layer "archivos" of docs/caching.md) and sent again as they
are.

What may be kept is decided where answers are built (`may_keep`): a page layout
(dashboard/security/page_access.py), and the filter callbacks that only read (goals table,
map, region, convergence, explorer grid) once they have an answer to show. Pages that act
(validation), downloads (their file name carries the time), refusals and errors are never
kept; every other callback runs as always. The frame is kept per account (it names the
signed-in person). A new snapshot or a new day changes every key.

The callback endpoint also refuses requests no page could have sent (`refuse_malformed`): a
body that is not the shape Dash's renderer sends, an output with no server function, a forged
id, or a router address that is not text. Those, and any `BadCallbackInput` a callback raises,
answer 400 with a short Spanish message and one log line; any other error stays a 500 with
its traceback, so a real bug is still seen.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

import flask

from dashboard.server import cache, database
from dashboard.server.answer_files import Answer, AnswerFiles

CALLBACKS = "/_dash-update-component"
FRAME = "/_dash-layout"
_MAY_KEEP = "tablero_respuesta_guardable"
BAD_INPUT_MESSAGE = "Solicitud no válida: los valores enviados no corresponden a esta página."
# Dash's page router reads these as text (a path, a query string): anything else breaks it.
ROUTER_TEXT = {("_pages_location", "pathname"), ("_pages_location", "search")}
SHARED = AnswerFiles()  # what every worker built, read by the others


def may_keep() -> None:
    """The answer being built depends only on the request, the viewer's scope, the snapshot
    and the day, and may be kept: called by cacheable page layouts and read-only callbacks."""
    if flask.has_request_context():
        setattr(flask.g, _MAY_KEEP, True)


def install(server: flask.Flask, version: Callable[[], tuple[object, ...] | None]) -> None:
    """Keep the answers of the callback and frame endpoints; `version` is what else they
    depend on (cache.current_version; None: nothing published, nothing kept)."""
    _wrap(server, CALLBACKS, version, _callback_key, keep_always=False)
    _wrap(server, FRAME, version, _frame_key, keep_always=True)


def _callback_key() -> tuple[object, ...]:
    """The exact request the renderer sent (output, inputs, state) and the viewer's scope."""
    digest = hashlib.sha256(flask.request.get_data(cache=True)).hexdigest()
    return (digest, database.viewer().key)


def _frame_key() -> tuple[object, ...]:
    viewer = database.viewer()
    return (viewer.key, viewer.user)


def _wrap(
    server: flask.Flask,
    endpoint: str,
    version: Callable[[], tuple[object, ...] | None],
    key_of: Callable[[], tuple[object, ...]],
    *,
    keep_always: bool,
) -> None:
    view = server.view_functions[endpoint]

    @functools.wraps(view)
    def keeping_view(*args: Any, **kwargs: Any) -> Any:
        current = version() if cache.enabled(cache.ANSWER_FILES) else None
        if current is None:
            return view(*args, **kwargs)
        key = (endpoint, *key_of(), *current)
        kept = SHARED.get(key)
        if kept is not None:
            return flask.Response(kept.body, status=200, mimetype=kept.mimetype)
        setattr(flask.g, _MAY_KEEP, keep_always)
        response = flask.make_response(view(*args, **kwargs))
        if getattr(flask.g, _MAY_KEEP, False) and response.status_code == 200:
            SHARED.put(key, Answer(response.get_data(), response.mimetype or "application/json"))
        return response

    server.view_functions[endpoint] = keeping_view


# --------------------------------------------------------------------------- malformed requests


class BadCallbackInput(ValueError):
    """A callback request no page of this app sends: answered 400, logged in one line."""


def refuse_malformed(server: flask.Flask, callback_map: Callable[[], dict[str, Any]]) -> None:
    """Check each callback request's shape before Dash reads it, and answer BadCallbackInput
    with 400 (`callback_map` gives the app's map: Dash fills it at the first request)."""
    view = server.view_functions[CALLBACKS]

    @functools.wraps(view)
    def checked_view(*args: Any, **kwargs: Any) -> Any:
        check_request(callback_map(), flask.request.get_json(silent=True))
        return view(*args, **kwargs)

    server.view_functions[CALLBACKS] = checked_view
    server.register_error_handler(BadCallbackInput, _bad_input)


def _bad_input(error: BadCallbackInput) -> flask.Response:
    reason = " ".join(str(error).split())[:200]
    flask.current_app.logger.warning("Solicitud de callback rechazada (400): %s", reason)
    return flask.Response(BAD_INPUT_MESSAGE, status=400, mimetype="text/plain")


def check_request(callback_map: dict[str, Any], body: object) -> None:
    """Raise BadCallbackInput unless `body` has the shape the renderer sends for a server
    callback: values themselves are the callbacks' to read (tolerantly)."""
    if not isinstance(body, dict):
        raise BadCallbackInput("el cuerpo no es un objeto JSON")
    output = body.get("output")
    spec = callback_map.get(output) if isinstance(output, str) else None
    if spec is None or "callback" not in spec:
        raise BadCallbackInput(f"ninguna función responde a la salida {_short(output)}")
    if not isinstance(body.get("outputs", []), dict | list):
        raise BadCallbackInput("'outputs' no es una lista")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadCallbackInput("'changedPropIds' no es una lista de textos")
    for part in ("inputs", "state"):
        expected, given = spec.get(part, []), body.get(part, [])
        if not isinstance(given, list) or len(given) != len(expected):
            raise BadCallbackInput(f"'{part}' no tiene {len(expected)} elementos")
        for wanted, item in zip(expected, given, strict=True):
            _check_item(wanted, item)


def _check_item(wanted: dict[str, Any], item: object) -> None:
    if wanted["id"].startswith("{"):
        pattern = json.loads(wanted["id"])
        entries = item if isinstance(item, list) else [item]
        for entry in entries:
            if not (isinstance(entry, dict) and _matches(pattern, entry.get("id"))
                    and entry.get("property") == wanted["property"]):  # fmt: skip
                raise BadCallbackInput(f"un elemento de {_short(wanted['id'])} no es un control")
        return
    if not (isinstance(item, dict) and item.get("id") == wanted["id"]
            and item.get("property") == wanted["property"]):  # fmt: skip
        raise BadCallbackInput(f"se esperaba {wanted['id']}.{wanted['property']}")
    if (wanted["id"], wanted["property"]) in ROUTER_TEXT:
        value = item.get("value")
        if wanted["property"] == "search" and value is None:
            return
        if not isinstance(value, str) or (wanted["property"] == "pathname" and value[:1] != "/"):
            raise BadCallbackInput(f"dirección no válida: {_short(value)}")


def _matches(pattern: dict[str, Any], given: object) -> bool:
    """A pattern-matching id: same keys, the fixed ones equal, the wildcards plain values."""
    if not isinstance(given, dict) or set(given) != set(pattern):
        return False
    return all(
        isinstance(given[k], str | int | float | bool) if isinstance(v, list) else given[k] == v
        for k, v in pattern.items()
    )


def _short(value: object) -> str:
    return repr(value)[:60]
