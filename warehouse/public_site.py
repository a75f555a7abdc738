"""After each publish, the static public site is brought up to date in a process of its own.

With TABLERO_SITIO_PUBLICO set (the path the web server serves), every published snapshot
leaves a request next to it and starts `python -m dashboard.public export --pendientes` unless
one is already running: that process exports while requests keep arriving, so a burst of writes
costs one or two exports, and the writer (a load, a validation, a form) never waits for it. An
export whose bytes equal the site's changes nothing (dashboard.public.site.export).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SETTING = "TABLERO_SITIO_PUBLICO"
REPO = Path(__file__).resolve().parents[1]


def site_target() -> Path | None:
    value = os.environ.get(SETTING, "").strip()
    return Path(value).expanduser().absolute() if value else None


def pending_file(target: Path) -> Path:
    return target.with_name(f".{target.name}.pendiente")


def lock_file(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def log_file(target: Path) -> Path:
    return target.with_name(f"{target.name}.log")


def request_export(primary: Path) -> None:
    """Ask for an export of the site from `primary`'s published data (no-op when unset)."""
    target = site_target()
    if target is None:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    pending_file(target).write_text(str(Path(primary).absolute()))
    with exclusive(target, wait=False) as free:
        if not free:
            return  # the running export sees the request when it finishes
    with log_file(target).open("ab") as log:
        subprocess.Popen(
            [sys.executable, "-m", "dashboard.public", "export", str(target), "--pendientes"],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not the writer's child: a worker's exit does not stop it
        )


@contextlib.contextmanager
def exclusive(target: Path, *, wait: bool) -> Iterator[bool]:
    """The site's export lock (flock: released when the process dies); yields whether held."""
    descriptor = os.open(lock_file(target), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def take_request(target: Path) -> Path | None:
    """The primary of the latest request, removing it (None: nothing pending)."""
    pending = pending_file(target)
    try:
        primary = pending.read_text().strip()
        pending.unlink()
    except FileNotFoundError:
        return None
    return Path(primary) if primary else None
