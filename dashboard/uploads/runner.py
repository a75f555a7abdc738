"""The background runner: loads queued uploads one at a time, in a thread of a serving process.

Never in the request thread: the upload route queues the file and answers at once; a thread of
the process (started when something is queued or a page asks about a job, ended when the queue
is empty) claims jobs from the shared queue (warehouse.upload_jobs), runs the loader on the
account's behalf (loaders.account_loads) and records each phase for the progress bar.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from loaders.account_loads import load_for_account, result_json
from warehouse.scope import Scope
from warehouse.upload_jobs import Job, JobStore

POLL_SECONDS = 0.5  # how often a waiting runner looks at the queue again
_log = logging.getLogger(__name__)


@dataclass
class Uploads:
    """What the routes and the page share: the database, the queue, the size limit."""

    db_path: Path
    store: JobStore
    max_bytes: int
    runner: Runner

    @classmethod
    def create(cls, db_path: Path, max_bytes: int) -> Uploads:
        store = JobStore(db_path)
        return cls(db_path, store, max_bytes, Runner(db_path, store, max_bytes))


def scope_record(scope: Scope) -> dict[str, object]:
    """The uploading account's scope, kept with its job."""
    return {
        "role": scope.role,
        "ministries": list(scope.ministries),
        "region": scope.region,
        "user": scope.user,
    }


def scope_of(job: Job) -> Scope:
    saved = job.scope
    return Scope(
        str(saved["role"]),
        tuple(saved.get("ministries") or ()),  # type: ignore[arg-type]
        saved.get("region"),  # type: ignore[arg-type]
        user=job.user,
    )


class Runner:
    """One thread per process at most; several processes share the queue, one job loads."""

    def __init__(self, db_path: Path, store: JobStore, max_bytes: int) -> None:
        self.db_path, self.store, self.max_bytes = db_path, store, max_bytes
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._wanted = False

    def kick(self) -> None:
        """Make sure a thread of this process looks at the queue (after a new upload, or
        while a page waits on a job another process queued and may have left)."""
        with self._lock:
            self._wanted = True
            alive = self._thread is not None and self._thread.is_alive()
            if alive and self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._loop, name="cargas", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                self._wanted = False
            job = self.store.claim()
            if job is not None:
                self.run(job)
                continue
            if self.store.has_queued():  # another process is loading one: wait for it
                time.sleep(POLL_SECONDS)
                continue
            with self._lock:
                if not self._wanted:
                    self._thread = None
                    return

    def run(self, job: Job) -> None:
        """Load one claimed job; whatever happens, the job ends done or failed."""
        try:
            ingestion: list[int] = []
            result = load_for_account(
                self.db_path,
                Path(job.path),
                scope_of(job),
                max_bytes=self.max_bytes,
                progress=lambda phase: self.store.set_phase(job.id, phase),
                on_ingestion=ingestion.append,
            )
            self.store.finish(job.id, result_json(result), ingestion[0] if ingestion else None)
        except Exception as exc:  # the loader's transaction was rolled back
            _log.exception("La carga %s falló", job.id)
            self.store.fail(job.id, f"Error inesperado; no se cambió nada: {exc}")
        finally:
            self.store.remove_upload(Path(job.path))
