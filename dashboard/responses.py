"""Whole answers kept for what many viewers ask again: a page's content and the app frame.

The load test showed a page already rendered (dashboard/access.py keeps page layouts) still
costing 20–30 ms of CPU per request to serialise 0.1–1 MB of JSON, and the frame
(`/_dash-layout`) 5 ms: with 200 people on two cores the server queued. Both answers are pure
functions of the request, the viewer's scope, the published snapshot and the day, so their
bytes are kept and sent again as they are (~1 ms).

What may be kept is decided where answers are built (`may_keep`): a page layout that access.py
caches, and the filter callbacks that only read (goals table, map, region, convergence,
explorer grid) once they have an answer to show. Pages that act (validation), downloads (their
file name carries the time), refusals and errors are never kept; every other callback runs as
always. The frame is kept per
account (it names the signed-in person). A new snapshot or a new day changes every key. The
kept bytes are bounded per process (MAX_BYTES), least recently used first out; each answer is
also written to a file that the other serving processes read (dashboard/answer_files.py), so
a page is built once per machine, not once per worker.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import flask

from dashboard import data
from dashboard.answer_files import Answer, AnswerFiles

MAX_BYTES = 64 * 1024 * 1024
CALLBACKS = "/_dash-update-component"
FRAME = "/_dash-layout"
_MAY_KEEP = "tablero_respuesta_guardable"


class Kept:
    """A thread-safe LRU of answers bounded by their total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        if len(answer.body) > self.max_bytes // 4:
            return  # one answer may not push out most of the others
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes -= len(old.body) if old else 0
            self._items[key] = answer
            self._bytes += len(answer.body)
            while self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


ANSWERS = Kept(MAX_BYTES)
SHARED = AnswerFiles()  # what every worker built, read by the others (dashboard/answer_files.py)


def may_keep() -> None:
    """The answer being built depends only on the request, the viewer's scope, the snapshot
    and the day, and may be kept: called by cacheable page layouts and read-only callbacks."""
    if flask.has_request_context():
        setattr(flask.g, _MAY_KEEP, True)


def install(server: flask.Flask, version: Callable[[], tuple[object, ...] | None]) -> None:
    """Keep the answers of the callback and frame endpoints; `version` is what else they
    depend on (access.page_version: database, snapshot, day)."""
    _wrap(server, CALLBACKS, version, _callback_key, keep_always=False)
    _wrap(server, FRAME, version, _frame_key, keep_always=True)


def _callback_key() -> tuple[object, ...]:
    """The exact request the renderer sent (output, inputs, state) and the viewer's scope."""
    digest = hashlib.sha256(flask.request.get_data(cache=True)).hexdigest()
    return (digest, data.viewer().key)


def _frame_key() -> tuple[object, ...]:
    viewer = data.viewer()
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
        current = version()
        if current is None:
            return view(*args, **kwargs)
        key = (endpoint, *key_of(), *current)
        kept = ANSWERS.get(key)
        if kept is None:
            kept = SHARED.get(key)
            if kept is not None:
                ANSWERS.put(key, kept)
        if kept is not None:
            return flask.Response(kept.body, status=200, mimetype=kept.mimetype)
        setattr(flask.g, _MAY_KEEP, keep_always)
        response = flask.make_response(view(*args, **kwargs))
        if getattr(flask.g, _MAY_KEEP, False) and response.status_code == 200:
            answer = Answer(response.get_data(), response.mimetype or "application/json")
            ANSWERS.put(key, answer)
            SHARED.put(key, answer)
        return response

    server.view_functions[endpoint] = keeping_view
