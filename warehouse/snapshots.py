"""Published snapshots: how the dashboard keeps serving while files are loaded.

DuckDB lets one process write a database file, or many processes read it, never both: a
dashboard holding the file open read-only would block every load. So writers (the loaders,
validation actions, account changes) work on the *primary* file, and after each committed
change copy it, whole and consistent, to a new snapshot file next to it:

    data/tablero.duckdb                      primary: only writers open it
    data/tablero.snapshots/CURRENT           name of the newest snapshot (replaced atomically)
    data/tablero.snapshots/tablero.<n>.duckdb

Serving processes open the snapshot named by CURRENT read-only and switch to a newer one between
requests (a `stat` per request tells them). A request therefore reads one snapshot from start to
end: never a half-loaded file. The copy is taken while the writer still holds the primary's lock,
after a CHECKPOINT, so no other writer can change the file during the copy. Old snapshots are
deleted after a few generations; a process still reading one keeps its open file on POSIX.

Growing past one machine is the same move: ship the newest snapshot to read-only replicas.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from warehouse.db import WarehouseError, connect

POINTER = "CURRENT"
KEEP = 3  # snapshots kept: the newest, and older ones a slow request may still be reading
LOCK_WAIT_SECONDS = 60.0


def snapshot_dir(primary: Path) -> Path:
    return primary.with_name(primary.stem + ".snapshots")


def current(primary: Path) -> Path | None:
    """The newest published snapshot of `primary`, or None when none was published."""
    pointer = snapshot_dir(primary) / POINTER
    try:
        name = pointer.read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    path = pointer.parent / name
    return path if name and path.exists() else None


def pointer_stamp(primary: Path) -> int | None:
    """A cheap token that changes whenever a snapshot is published (nanosecond mtime)."""
    try:
        return os.stat(snapshot_dir(primary) / POINTER).st_mtime_ns
    except FileNotFoundError:
        return None


def publish(con: duckdb.DuckDBPyConnection, primary: Path) -> Path:
    """Copy the primary, as committed, to a new snapshot and point CURRENT at it.

    `con` must be a writable connection to `primary` with no open transaction: holding it keeps
    other writers out while the file is copied."""
    con.execute("CHECKPOINT")
    folder = snapshot_dir(primary)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{primary.stem}.{time.time_ns()}.duckdb"
    partial = folder / (name + ".partial")
    shutil.copyfile(primary, partial)
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, folder / name)
    _write_pointer(folder, name)
    _prune(folder, keep=name)
    return folder / name


def _write_pointer(folder: Path, name: str) -> None:
    staged = folder / (POINTER + ".partial")
    staged.write_text(name + "\n", "utf-8")
    os.replace(staged, folder / POINTER)


def _prune(folder: Path, keep: str) -> None:
    snapshots = sorted(folder.glob("*.duckdb"), key=lambda p: p.stat().st_mtime_ns)
    for old in snapshots[:-KEEP]:
        if old.name != keep:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()


@contextlib.contextmanager
def writer(
    primary: Path, *, wait: float = LOCK_WAIT_SECONDS, publish_after: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to the primary, waiting while another writer holds it; on a clean
    exit the change is published as a new snapshot."""
    con = _open_writable(Path(primary), wait)
    try:
        yield con
        if publish_after:
            publish(con, Path(primary))
    finally:
        con.close()


def _open_writable(primary: Path, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return connect(primary)
        except WarehouseError as exc:
            if "lock" not in exc.detail.lower() or time.monotonic() >= deadline:
                if "lock" in exc.detail.lower():
                    raise WarehouseError(
                        "La base de datos está ocupada por otra carga",
                        "intente de nuevo en unos minutos.",
                    ) from exc
                raise
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def ensure_published(primary: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Path | None:
    """The newest snapshot, publishing one first when the primary has none yet (a database
    built before snapshots existed, or by a test). None when there is no primary at all."""
    found = current(primary)
    if found is not None or not Path(primary).exists():
        return found
    with writer(primary, wait=wait):
        pass
    return current(primary)
