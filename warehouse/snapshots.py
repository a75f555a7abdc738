"""Published snapshots: how the dashboard keeps serving while files are loaded.

DuckDB lets one process write a database file, or many processes read it, never both: a
dashboard holding the file open read-only would block every load. So writers (the loaders,
validation actions, account changes) work on the *primary* file, and after each committed
change copy it, whole and consistent, to a new snapshot file next to it:

    data/tablero.duckdb                      primary: only writers open it
    data/tablero.snapshots/CURRENT           name of the newest snapshot (replaced atomically)
                                             and the primary's stamp when it was copied
    data/tablero.snapshots/tablero.<n>.duckdb

Serving processes open the snapshot named by CURRENT read-only and switch to a newer one between
requests (a `stat` per request tells them). A request therefore reads one snapshot from start to
end: never a half-loaded file. The copy is taken while the writer still holds the primary's lock,
after a CHECKPOINT, so no other writer can change the file during the copy. Old snapshots are
deleted after a few generations; a process still reading one keeps its open file on POSIX.

A committed change is always published, even when its writer dies before publishing (kill -9,
power cut): CURRENT records the primary's stamp (inode, size, mtime, DuckDB's header bytes),
and every start (`ensure_published`) and every writer's turn (`catch_up`) compares it with the
primary's and publishes when they differ. Publishing the same state twice copies nothing.
A copy in progress is `<name>.<pid>.partial`; one whose process is gone is removed. Every file
here is private to the service's user (0600, folder 0700): they hold password hashes and
unvalidated figures.

Growing past one machine is the same move: ship the newest snapshot to read-only replicas.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from warehouse.db import WarehouseError, connect
from warehouse.public_site import request_export

POINTER = "CURRENT"
KEEP = 3  # snapshots kept: the newest, and older ones a slow request may still be reading
LOCK_WAIT_SECONDS = 60.0
WRITER_LOCK_SUFFIX = ".writer.lock"  # beside the primary: the writers' turn
BUSY_TITLE = "La base de datos está ocupada por otra carga"
BUSY_DETAIL = "intente de nuevo en unos minutos."
PARTIAL = ".partial"
# DuckDB's file header and its two database headers; a checkpoint rewrites one of the latter.
HEADER_BYTES = 3 * 4096


def snapshot_dir(primary: Path) -> Path:
    return primary.with_name(primary.stem + ".snapshots")


def current(primary: Path) -> Path | None:
    """The newest published snapshot of `primary`, or None when none was published."""
    name = _pointer_lines(primary)[0]
    path = snapshot_dir(primary) / name
    return path if name and path.exists() else None


def pointer_stamp(primary: Path) -> int | None:
    """A cheap token that changes whenever a snapshot is published (nanosecond mtime)."""
    try:
        return os.stat(snapshot_dir(primary) / POINTER).st_mtime_ns
    except FileNotFoundError:
        return None


def primary_stamp(primary: Path) -> str | None:
    """What the primary's committed state looks like, cheaply: its inode, size, mtime and the
    bytes of DuckDB's headers (whose checkpoint counter changes at every checkpoint, finer
    than a file system's mtime). None while committed changes wait in the WAL, which a
    snapshot copy would miss."""
    primary = Path(primary)
    return None if _wal_state(primary)[0] > 0 else _file_stamp(primary)


def _file_stamp(primary: Path) -> str | None:
    try:
        with open(primary, "rb") as handle:
            info = os.fstat(handle.fileno())
            header = hashlib.blake2b(handle.read(HEADER_BYTES), digest_size=8).hexdigest()
    except FileNotFoundError:
        return None
    return f"{info.st_ino}-{info.st_size}-{info.st_mtime_ns}-{header}"


def _wal_state(primary: Path) -> tuple[int, int]:
    try:
        info = os.stat(primary.with_name(primary.name + ".wal"))
    except FileNotFoundError:
        return 0, 0
    return info.st_size, info.st_mtime_ns


def _state(primary: Path) -> tuple[str | None, tuple[int, int]]:
    """The primary and its WAL as they are now, committed changes in the WAL included."""
    return _file_stamp(primary), _wal_state(primary)


# Primaries this process's own writers left committed but not yet published, and how they
# left them: their caller publishes once at the end (a load of several files), so the next
# writer's turn must not publish each file on its own. Anything else found unpublished was
# left by a writer that died: that one is caught up.
_LEFT_UNPUBLISHED: dict[str, tuple[str | None, tuple[int, int]]] = {}


def published_stamp(primary: Path) -> str | None:
    """The primary's stamp when the snapshot named by CURRENT was copied (None if unknown)."""
    return _pointer_lines(primary)[1] or None


def is_behind(primary: Path) -> bool:
    """True when the primary holds committed changes that no snapshot serves yet (or none was
    published): a crash between a commit and its publication leaves it so."""
    primary = Path(primary)
    if not primary.exists():
        return False
    if current(primary) is None:
        return True
    stamp = primary_stamp(primary)
    return stamp is None or stamp != published_stamp(primary)


def _pointer_lines(primary: Path) -> tuple[str, str]:
    """CURRENT's two lines: the snapshot's name and the primary's stamp it was copied at."""
    try:
        text = (snapshot_dir(primary) / POINTER).read_text("utf-8")
    except FileNotFoundError:
        return "", ""
    name, _, rest = text.strip().partition("\n")
    return name.strip(), rest.strip()


def publish(con: duckdb.DuckDBPyConnection, primary: Path) -> Path:
    """Copy the primary, as committed, to a new snapshot and point CURRENT at it; when the
    snapshot CURRENT names already is that state, nothing is copied (publishing is idempotent).

    `con` must be a writable connection to `primary` with no open transaction: holding it keeps
    other writers out while the file is copied. Every file is private to the service's user:
    snapshots hold password hashes and unvalidated figures."""
    primary = Path(primary)
    con.execute("CHECKPOINT")
    _LEFT_UNPUBLISHED.pop(str(primary.absolute()), None)
    folder = private_dir(snapshot_dir(primary))
    remove_stale_partials(folder)
    stamp = primary_stamp(primary)
    found = current(primary)
    if found is not None and stamp is not None and stamp == published_stamp(primary):
        return found
    with contextlib.suppress(OSError):  # the primary holds the same data (best effort)
        os.chmod(primary, 0o600)
    name = f"{primary.stem}.{time.time_ns()}.duckdb"
    partial = folder / f"{name}.{os.getpid()}{PARTIAL}"
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.chmod(partial, 0o600)  # whatever the umask: copyfile keeps an existing file's mode
        shutil.copyfile(primary, partial)
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    _write_pointer(folder, name, stamp or "")
    _prune(folder, keep=name)
    request_export(primary)
    return folder / name


def _write_pointer(folder: Path, name: str, stamp: str) -> None:
    handle, staged = tempfile.mkstemp(  # mode 0o600, a name no other thread uses
        dir=folder, prefix=POINTER + ".", suffix=f".{os.getpid()}{PARTIAL}"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(f"{name}\n{stamp}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(staged, folder / POINTER)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(staged)
        raise


def private_dir(folder: Path) -> Path:
    """`folder`, created if needed, readable by the service's user only (0700, any umask)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(os.stat(folder).st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return folder


def remove_stale_partials(folder: Path) -> None:
    """Remove `.partial` files left by a publisher that died (kill -9, power cut): the pid in
    their name is gone, or belongs to a process started after the file was last written. A
    live publisher's file (another process or thread copying now) is left alone."""
    with contextlib.suppress(FileNotFoundError):
        for path in folder.glob("*" + PARTIAL):
            owner = path.name[: -len(PARTIAL)].rpartition(".")[2]
            if owner.isdigit() and _alive_since(int(owner), path):
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _alive_since(pid: int, path: Path) -> bool:
    """Whether process `pid` runs and may have written `path` (started before its mtime)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    try:
        written = os.stat(path).st_mtime
    except FileNotFoundError:
        return True
    started = _start_time(pid)
    return started is None or started <= written + 1.0


def _start_time(pid: int) -> float | None:
    """When process `pid` started (epoch seconds), None where /proc cannot tell; a zombie
    counts as started never (it cannot write)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, IndexError, ValueError):
        return None
    if fields[0] in ("Z", "X"):
        return float("inf")
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


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
    exit the change is published as a new snapshot.

    Writers take turns on a lock of their own (`_WriterTurn`) before DuckDB's: DuckDB locks the
    file with POSIX record locks, which a process loses as soon as it closes *any* descriptor
    of that file — and a writer reads the primary (its stamp, the snapshot copy) while it
    writes. The turn is held for the whole write, in every process and thread."""
    with _turn(Path(primary)).taken(wait):
        con = _open_writable(Path(primary), wait)
        try:
            catch_up(con, Path(primary))
            yield con
            if publish_after:
                publish(con, Path(primary))
        finally:
            con.close()
            if not publish_after:  # the caller publishes; until then, not a dead writer's
                _LEFT_UNPUBLISHED[str(Path(primary).absolute())] = _state(Path(primary))


class _WriterTurn:
    """One writer at a time for a primary: `flock` on `<primary>.writer.lock` between
    processes (tied to its own open file, so closing other descriptors never drops it), and a
    re-entrant lock between this process's threads (a writer may publish through
    `ensure_published` within its own turn)."""

    def __init__(self, primary: Path) -> None:
        self.path = primary.with_name(primary.name + WRITER_LOCK_SUFFIX)
        self.threads = threading.RLock()
        self.depth = 0
        self.handle: int | None = None

    @contextlib.contextmanager
    def taken(self, wait: float) -> Iterator[None]:
        deadline = time.monotonic() + wait
        if not self.threads.acquire(timeout=max(0.0, wait)):
            raise WarehouseError(BUSY_TITLE, BUSY_DETAIL)
        try:
            if self.depth == 0:
                self.handle = self._lock_file(deadline)
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
                if self.depth == 0 and self.handle is not None:
                    os.close(self.handle)  # releases the flock
                    self.handle = None
        finally:
            self.threads.release()

    def _lock_file(self, deadline: float) -> int:
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        delay = 0.02
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(handle)
                    raise WarehouseError(BUSY_TITLE, BUSY_DETAIL) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)


_TURNS: dict[str, _WriterTurn] = {}
_TURNS_GUARD = threading.Lock()


def _turn(primary: Path) -> _WriterTurn:
    with _TURNS_GUARD:
        key = str(primary.absolute())
        if key not in _TURNS:
            _TURNS[key] = _WriterTurn(primary.absolute())
        return _TURNS[key]


def _open_writable(primary: Path, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return connect(primary)
        except WarehouseError as exc:
            if "lock" not in exc.detail.lower() or time.monotonic() >= deadline:
                if "lock" in exc.detail.lower():
                    raise WarehouseError(BUSY_TITLE, BUSY_DETAIL) from exc
                raise
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def ensure_published(primary: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Path | None:
    """The newest snapshot, publishing first when the primary is ahead of it: nothing was
    published yet (a database built before snapshots existed, or by a test), or a writer died
    between its commit and its publication. Run at every start; cheap when nothing is due
    (a stat and 12 KiB read). Stale `.partial` files are removed. None when there is no
    primary at all."""
    primary = Path(primary)
    if not primary.exists():
        return current(primary)
    if snapshot_dir(primary).is_dir():
        remove_stale_partials(snapshot_dir(primary))
    if is_behind(primary):
        with writer(primary, wait=wait):
            pass  # the writer's turn catches up, and its clean exit publishes if still due
    return current(primary)


def catch_up(con: duckdb.DuckDBPyConnection, primary: Path) -> None:
    """At a writer's turn: publish what an earlier writer committed but did not publish (it
    died in between), so a re-sent file that is `already_loaded` still ends up served. Never
    stops the writer: a failure here is retried at its own publication or the next start."""
    if current(primary) is None or not is_behind(primary):
        return
    if _LEFT_UNPUBLISHED.get(str(Path(primary).absolute())) == _state(Path(primary)):
        return  # this process's own load of several files: published once, at its end
    with contextlib.suppress(OSError, duckdb.Error):
        publish(con, primary)
