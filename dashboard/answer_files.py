"""Kept answers shared by every serving process of a machine: one file per answer, in a folder
per published snapshot and day, next to the snapshots.

Why: each gunicorn worker kept its answers in its own memory (dashboard/responses.py), so
every page was built once per worker. Under the 200-person load test most of the server's
time went to first builds of pages that another worker had already built (a goal at another
month ~70 ms, a goal's first view ~50 ms); reading the file another worker wrote costs
~0.05 ms.

* Atomic: an answer is written to a temporary name and renamed, so a reader finds a whole
  answer or none; two workers building the same answer at once write the same bytes.
* Current: the folder is named by the snapshot's stamp and the day (the parts of the key
  that change), so a new snapshot or a new day starts an empty folder; the first process
  to write in it removes every other folder.
* Bounded: each process writes at most `max_bytes` into a folder (a flood of distinct
  requests fills memory caches' bounds, never the disk).
* Private: folders 0o700 and files 0o600 — an answer holds what one viewer's scope allowed,
  and the key (which includes that scope) is only ever a hash on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from warehouse import snapshots

FOLDER = "respuestas"
MAX_BYTES = 256 * 1024 * 1024  # per process and folder
_MIMETYPE_END = b"\n"


@dataclass(frozen=True)
class Answer:
    body: bytes
    mimetype: str


class AnswerFiles:
    """Answers on disk, shared by processes; `key` = (*request part, database, stamp, day)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._written: dict[Path, int] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Answer | None:
        try:
            raw = self._path(key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        mimetype, _, body = raw.partition(_MIMETYPE_END)
        return Answer(body, mimetype.decode("ascii"))

    def put(self, key: tuple[object, ...], answer: Answer) -> None:
        path = self._path(key)
        folder = path.parent
        with self._lock:
            written = self._written.get(folder)
            if written is None:
                _open_folder(folder)
                written = 0
            if written + len(answer.body) > self.max_bytes:
                return
            self._written[folder] = written + len(answer.body)
        staged = None
        try:  # the folder may be gone: another process saw a newer snapshot
            handle, staged = tempfile.mkstemp(dir=folder, prefix=".")
            with os.fdopen(handle, "wb") as out:
                out.write(answer.mimetype.encode("ascii") + _MIMETYPE_END + answer.body)
            os.replace(staged, path)
        except OSError:
            if staged is not None:
                with contextlib.suppress(OSError):
                    os.unlink(staged)

    def _path(self, key: tuple[object, ...]) -> Path:
        database, stamp, day = key[-3:]
        root = snapshots.snapshot_dir(Path(str(database))) / FOLDER
        name = hashlib.sha256(json.dumps(key, default=str).encode("utf-8")).hexdigest()
        return root / f"{stamp}-{day}" / name


def _open_folder(folder: Path) -> None:
    """Create the current folder, and remove the folders of older snapshots and days (a
    process still serving an older snapshot never removes a newer one)."""
    for private in (folder.parent.parent, folder.parent, folder):  # parents too, any umask
        snapshots.private_dir(private)
    current = _order(folder.name)
    for other in folder.parent.iterdir():
        if other.is_dir() and _order(other.name) < current:
            shutil.rmtree(other, ignore_errors=True)


def _order(name: str) -> tuple[int, str]:
    """'<stamp>-<day>' as (stamp, day); anything else sorts first (and is removed)."""
    stamp, _, day = name.partition("-")
    return (int(stamp), day) if stamp.isdigit() else (-1, "")
