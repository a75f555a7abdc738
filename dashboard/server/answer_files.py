"""Kept answers shared by every serving process of a machine, in a `diskcache` store next to
the snapshots (docs/caching.md, layer "archivos").

Why: each gunicorn worker would otherwise build every page once for itself; reading what
another worker already built costs a fraction of a millisecond.

* Whole or absent: diskcache writes in SQLite transactions, so a reader finds a whole answer
  or none, and any number of processes may read and write at once.
* Current: the key ends with `cache.data_version` (snapshot, scope, Chilean day), so an answer
  of an older snapshot or day is never asked for again; it ages out, least recently stored
  first, within the bound, and expires after a day anyway.
* Bounded: the store holds at most `max_bytes` per machine (a flood of distinct requests
  evicts old answers, it never fills the disk).
* Private: the folder and everything above it up to the snapshots are 0o700 and the store's
  file 0o600 (SQLite gives its journal files the same mode) — an answer holds what one
  viewer's scope allowed, and the key (which includes that scope) is only ever a hash on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import diskcache

from warehouse import snapshots

FOLDER = "respuestas"
MAX_BYTES = 512 * 1024 * 1024  # per machine
EXPIRE_SECONDS = 26 * 3600  # a day, whatever the daylight-saving change
_STORE_FILE = "cache.db"


@dataclass(frozen=True)
class Answer:
    body: bytes
    mimetype: str


class AnswerFiles:
    """Answers on disk, shared by processes; `key` = (*request part, *cache.data_version)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._stores: dict[Path, diskcache.Cache] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Answer | None:
        folder, name = _place(key)
        if not (folder / _STORE_FILE).exists():
            return None
        kept = self._store(folder).get(name)
        return Answer(kept[1], kept[0]) if kept else None

    def put(self, key: tuple[object, ...], answer: Answer) -> None:
        if len(answer.body) > self.max_bytes // 4:
            return  # one answer may not push out most of the others
        folder, name = _place(key)
        self._store(folder).set(name, (answer.mimetype, answer.body), expire=EXPIRE_SECONDS)

    def _store(self, folder: Path) -> diskcache.Cache:
        with self._lock:
            store = self._stores.get(folder)
            if store is None:
                for private in (folder.parent, folder):  # parents too, any umask
                    snapshots.private_dir(private)
                # Made 0600 before SQLite opens it: its journal files then get the same mode.
                os.close(os.open(folder / _STORE_FILE, os.O_CREAT | os.O_WRONLY, 0o600))
                os.chmod(folder / _STORE_FILE, 0o600)
                store = diskcache.Cache(
                    str(folder), size_limit=self.max_bytes, disk_min_file_size=2**31
                )  # every answer inside the one SQLite file, whose size is the bound
                self._stores[folder] = store
            return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()


def _place(key: tuple[object, ...]) -> tuple[Path, str]:
    """The store's folder (beside the snapshot the key's version names) and the key's hash."""
    snapshot = key[-5]  # cache.data_version: (file, ingestion, loaded at, scope, day)
    folder = Path(str(snapshot)).parent / FOLDER
    return folder, hashlib.sha256(json.dumps(key, default=str).encode("utf-8")).hexdigest()
