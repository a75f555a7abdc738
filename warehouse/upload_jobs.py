"""The queue of files uploaded in the browser, shared by every serving process of the machine.

An upload is saved in a private folder next to the database (`<db>.cargas/`, 0700) and queued
here, in a small SQLite file in that folder: every gunicorn worker sees the same queue, and it
survives a restart. One file loads at a time on the machine (the loader's writer lock would
serialise the writes anyway; this way the page can say "En cola"). Each job records its phase
(the loader's progress) and, once done, the loader's answer as JSON.

A job is `cargando` in one process: the process id and its start time are recorded, so a job
left loading by a process that died (a restart, kill -9) is found and marked failed; the
loader's single transaction guarantees the database was left as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from warehouse.snapshots import private_dir

FOLDER_SUFFIX = ".cargas"
STORE_NAME = "trabajos.sqlite"
QUEUED, LOADING, DONE, FAILED = "en_cola", "cargando", "terminada", "fallida"
RESTARTED = (
    "El servidor se reinició durante la carga; no se cambió nada. Vuelva a subir el archivo."
)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cargas (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " usuario TEXT NOT NULL, alcance TEXT NOT NULL, archivo TEXT NOT NULL, ruta TEXT NOT NULL,"
    " estado TEXT NOT NULL, fase TEXT, pid INTEGER, proceso TEXT, creada REAL NOT NULL,"
    " iniciada REAL, terminada REAL, resultado TEXT, ingesta INTEGER, mensaje TEXT)"
)
_COLUMNS = (
    "id, usuario, alcance, archivo, ruta, estado, fase, pid, proceso, creada, iniciada,"
    " terminada, resultado, ingesta, mensaje"
)


@dataclass(frozen=True)
class Job:
    id: int
    user: str
    scope: dict[str, object]  # the account's scope when it uploaded (role, ministries, region)
    file_name: str
    path: str
    state: str
    phase: str | None
    pid: int | None
    process: str | None
    created: float
    started: float | None
    finished: float | None
    result: dict[str, object] | None  # the loader's answer (`ingest --json`), once done
    ingestion_id: int | None
    message: str | None

    @property
    def is_finished(self) -> bool:
        return self.state in (DONE, FAILED)


def upload_dir(db_path: Path) -> Path:
    """The private folder next to the database holding the queue and the files waiting
    (created, 0700, when first used)."""
    db_path = Path(db_path).resolve()
    return db_path.with_name(db_path.name + FOLDER_SUFFIX)


def process_token(pid: int) -> str | None:
    """What tells process `pid` from a later one with the same id: its start time in clock
    ticks since boot (/proc); None when the process does not exist."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return ""  # no /proc: the id alone
    return None if fields[0] in ("Z", "X") else fields[19]


class JobStore:
    """The queue in `<db>.cargas/trabajos.sqlite`; safe across threads and forked processes."""

    def __init__(self, db_path: Path) -> None:
        self.folder = upload_dir(db_path)
        self.path = self.folder / STORE_NAME
        self._local = threading.local()

    def _con(self) -> sqlite3.Connection:
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        private_dir(self.folder)
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(_SCHEMA)
        self._local.held = (os.getpid(), con)
        return con

    def add(self, user: str, scope: dict[str, object], file_name: str, path: Path) -> int:
        row = (
            self._con()
            .execute(
                "INSERT INTO cargas (usuario, alcance, archivo, ruta, estado, fase, creada)"
                " VALUES (?, ?, ?, ?, ?, 'en cola', ?) RETURNING id",
                [user, json.dumps(scope), file_name, str(path), QUEUED, time.time()],
            )
            .fetchone()
        )
        return int(row[0])

    def claim(self) -> Job | None:
        """The oldest queued job, now loading in this process; None while another job loads
        (in a live process) or nothing waits. Jobs left loading by a dead process fail."""
        con = self._con()
        pid = os.getpid()
        con.execute("BEGIN IMMEDIATE")
        try:
            self._fail_dead(con)
            loading = con.execute("SELECT count(*) FROM cargas WHERE estado = ?", [LOADING])
            if loading.fetchone()[0]:
                con.execute("COMMIT")
                return None
            row = con.execute(
                "UPDATE cargas SET estado = ?, fase = 'iniciando', pid = ?, proceso = ?,"
                " iniciada = ? WHERE id = (SELECT min(id) FROM cargas WHERE estado = ?)"
                " RETURNING " + _COLUMNS,
                [LOADING, pid, process_token(pid), time.time(), QUEUED],
            ).fetchone()
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return _job(row) if row else None

    def set_phase(self, job_id: int, phase: str) -> None:
        self._con().execute(
            "UPDATE cargas SET fase = ? WHERE id = ? AND estado = ?", [phase, job_id, LOADING]
        )

    def finish(self, job_id: int, result: dict[str, object], ingestion_id: int | None) -> None:
        self._con().execute(
            "UPDATE cargas SET estado = ?, fase = NULL, terminada = ?, resultado = ?,"
            " ingesta = ? WHERE id = ?",
            [DONE, time.time(), json.dumps(result, ensure_ascii=False), ingestion_id, job_id],
        )

    def fail(self, job_id: int, message: str) -> None:
        self._con().execute(
            "UPDATE cargas SET estado = ?, fase = NULL, terminada = ?, mensaje = ? WHERE id = ?",
            [FAILED, time.time(), message, job_id],
        )

    def get(self, job_id: int) -> Job | None:
        con = self._con()
        self._fail_dead(con)
        row = con.execute("SELECT " + _COLUMNS + " FROM cargas WHERE id = ?", [job_id]).fetchone()
        return _job(row) if row else None

    def latest_for(self, user: str) -> Job | None:
        con = self._con()
        self._fail_dead(con)
        row = con.execute(
            "SELECT " + _COLUMNS + " FROM cargas WHERE usuario = ? ORDER BY id DESC LIMIT 1",
            [user],
        ).fetchone()
        return _job(row) if row else None

    def ahead_of(self, job_id: int) -> int:
        """Jobs that load before this queued one (the one loading now included)."""
        row = (
            self._con()
            .execute(
                "SELECT count(*) FROM cargas WHERE id < ? AND estado IN (?, ?)",
                [job_id, QUEUED, LOADING],
            )
            .fetchone()
        )
        return int(row[0])

    def has_queued(self) -> bool:
        found = self._con().execute("SELECT 1 FROM cargas WHERE estado = ? LIMIT 1", [QUEUED])
        return found.fetchone() is not None

    def _fail_dead(self, con: sqlite3.Connection) -> list[int]:
        """Fail the jobs whose loading process is gone (or is another process now)."""
        rows = con.execute(
            "SELECT id, pid, proceso, ruta FROM cargas WHERE estado = ?", [LOADING]
        ).fetchall()
        dead = [
            (job_id, path)
            for job_id, pid, token, path in rows
            if pid is None or process_token(int(pid)) != (token or "")
        ]
        for job_id, path in dead:
            con.execute(
                "UPDATE cargas SET estado = ?, fase = NULL, terminada = ?, mensaje = ?"
                " WHERE id = ? AND estado = ?",
                [FAILED, time.time(), RESTARTED, job_id, LOADING],
            )
            self.remove_upload(Path(path))
        return [job_id for job_id, _ in dead]

    def new_upload_path(self, file_name: str) -> Path:
        """Where to save an upload: its own private folder, keeping the sender's file name
        (the loader names the load after it)."""
        folder = private_dir(self.folder) / os.urandom(8).hex()
        folder.mkdir(mode=0o700)
        return folder / file_name

    def remove_upload(self, path: Path) -> None:
        """Delete a saved upload and its folder (only ever inside the queue's folder)."""
        folder = Path(path).parent
        if folder.parent == self.folder:
            with contextlib.suppress(FileNotFoundError):
                shutil.rmtree(folder)


def _job(row: tuple) -> Job:
    return Job(
        id=int(row[0]),
        user=row[1],
        scope=json.loads(row[2]),
        file_name=row[3],
        path=row[4],
        state=row[5],
        phase=row[6],
        pid=row[7],
        process=row[8],
        created=row[9],
        started=row[10],
        finished=row[11],
        result=json.loads(row[12]) if row[12] else None,
        ingestion_id=row[13],
        message=row[14],
    )
