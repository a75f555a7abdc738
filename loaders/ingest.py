"""Loading files into the warehouse: one file, one transaction, nothing lost.

For each file: recognise it (same bytes already loaded → nothing to do), read its cells within
the reading limits (loaders.limits), check every row against its kind's contract, and in one
transaction log the file, quarantine the bad rows with their reasons, and write the good ones
as new versions (loaders.file_writer). Any failure rolls the whole file back, so the database is
never half-written.

Reading and checking need no write lock: `load_file` (the command line) holds the primary's
lock only for a glance at what the cells refer to, and then to write. A hostile or slow file
therefore never keeps a coordinator's validation or an urgent `accounts disable` waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import duckdb

from loaders.contracts import KINDS, LOAD_ORDER
from loaders.file_writer import (
    INSERT_ORDER,
    PreparedFile,
    WriteHooks,
    already_loaded,
    write_prepared,
)
from loaders.headers import HeaderMatch, detect_kind
from loaders.load_result import IngestResult, Progress
from loaders.readers import file_hash, peek_headers, read_source
from loaders.reference import ensure_reference
from loaders.resolve_cells import Reference
from loaders.source_table import RejectedFile
from loaders.validate import check_rows, resolved_sources
from warehouse import snapshots
from warehouse.db import WarehouseError

HASH_FIRST_BYTES = 64 * 1024**2  # files up to this size are recognised before being read


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str | None = None,
    *,
    loaded_at: datetime | None = None,
    demo: bool = False,
    progress: Progress | None = None,
) -> IngestResult:
    """Load one file through an open writable connection (the demo, tests, benchmarks)."""
    path = Path(path)
    step = progress or (lambda _phase: None)
    if not path.is_file():
        return IngestResult(path.name, kind, "rejected", message="No existe el archivo.")
    content_hash = _small_file_hash(path)
    if content_hash is not None:
        earlier = already_loaded(con, path, kind, content_hash)
        if earlier is not None:
            return earlier
    prepared = prepare_file(path, kind, Reference.read(con), content_hash, step)
    if isinstance(prepared, IngestResult):
        return prepared
    return write_prepared(con, prepared, loaded_at=loaded_at, demo=demo, progress=step)


def load_file(
    db: Path,
    path: str | Path,
    kind: str | None = None,
    *,
    loaded_at: datetime | None = None,
    demo: bool = False,
    progress: Progress | None = None,
    channel: str = "archivo",
    user: str | None = None,
    hooks: WriteHooks | None = None,
) -> IngestResult:
    """Load one file into the primary `db`, holding its write lock only to write.

    The lock is taken twice, briefly first: to seed the reference data, answer a file whose
    bytes were loaded already, and read what the cells refer to (`Reference`). The file is
    then read and checked with no lock held, and the lock is taken again to write it
    (`write_prepared` confirms that the reference data did not change meanwhile). `channel`,
    `user` and `hooks` are for a load on an account's behalf (loaders.account_loads)."""
    path = Path(path)
    step = progress or (lambda _phase: None)
    if not path.is_file():
        return IngestResult(path.name, kind, "rejected", message="No existe el archivo.")
    content_hash = _small_file_hash(path)
    with snapshots.writer(db, publish_after=False) as con:
        ensure_reference(con)
        if content_hash is not None:
            earlier = already_loaded(con, path, kind, content_hash)
            if earlier is not None:
                return earlier
        reference = Reference.read(con)
    prepared = prepare_file(path, kind, reference, content_hash, step)
    if isinstance(prepared, IngestResult):
        return prepared
    prepared.channel, prepared.user, prepared.hooks = channel, user, hooks
    step("esperando turno para escribir")
    with snapshots.writer(db, publish_after=False) as con:
        return write_prepared(con, prepared, loaded_at=loaded_at, demo=demo, progress=step)


def _small_file_hash(path: Path) -> str | None:
    """A small file is hashed first, so that a file sent twice is never read again."""
    return file_hash(path) if path.stat().st_size <= HASH_FIRST_BYTES else None


def prepare_file(
    path: Path,
    kind: str | None,
    reference: Reference,
    content_hash: str | None = None,
    progress: Progress | None = None,
) -> PreparedFile | IngestResult:
    """Read the file within the limits and check its rows: no connection, no lock. A file
    that cannot be loaded at all comes back as its rejection."""
    step = progress or (lambda _phase: None)
    step("leyendo")
    try:
        source = read_source(path, kind, repeated=_resolved_headers(path, kind))
        match = detect_kind(source.headers, kind)
        if source.table.num_rows == 0 and not source.problems:
            raise RejectedFile("El archivo no tiene filas de datos.")
    except RejectedFile as exc:
        return IngestResult(path.name, kind, "rejected", message=str(exc))
    hashed: Callable[[], str]
    if content_hash is None:
        # A large file is hashed once read, on the core that resolving and ordering its rows
        # leave idle (hashlib releases the GIL; a 10-million-row CSV: ~0.8 s of CPU, which
        # slowed pyarrow's reading on two cores by ~0.5 s), and checked before anything is
        # written.
        pool = ThreadPoolExecutor(max_workers=1)
        hashed = pool.submit(file_hash, path).result
        pool.shutdown(wait=False)
    else:
        hashed = lambda: content_hash  # noqa: E731
    step("validando")
    order_by = INSERT_ORDER.get(match.kind.name, ())
    checked = check_rows(source, match, reference, order_by)
    return PreparedFile(path, kind, source, match, reference, checked, hashed)


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[str | Path],
    kind: str | None = None,
    *,
    loaded_at: datetime | None = None,
    demo: bool = False,
    progress: Callable[[Path], Progress] | None = None,
) -> list[IngestResult]:
    """Several files in dependency order (services before products before deliveries)."""
    return _each_file(
        lambda path, step: ingest_file(
            con, path, kind, loaded_at=loaded_at, demo=demo, progress=step
        ),
        paths,
        kind,
        progress,
    )


def load_files(
    db: Path,
    paths: Iterable[str | Path],
    kind: str | None = None,
    *,
    loaded_at: datetime | None = None,
    progress: Callable[[Path], Progress] | None = None,
) -> list[IngestResult]:
    """`load_file` for several files, in dependency order: each one read and checked with no
    lock held, after the one before it was written."""
    return _each_file(
        lambda path, step: load_file(db, path, kind, loaded_at=loaded_at, progress=step),
        paths,
        kind,
        progress,
    )


def _each_file(
    load: Callable[[Path, Progress | None], IngestResult],
    paths: Iterable[str | Path],
    kind: str | None,
    progress: Callable[[Path], Progress] | None,
) -> list[IngestResult]:
    ordered = sorted((Path(p) for p in paths), key=lambda p: _load_rank(p, kind))
    results = []
    for path in ordered:
        try:
            results.append(load(path, progress(path) if progress else None))
        except WarehouseError as exc:  # the database, not the file: e.g. busy for too long
            results.append(IngestResult(path.name, kind, "error", message=str(exc)))
        except Exception as exc:  # the file was rolled back; report and go on with the others
            reason = str(exc) or type(exc).__name__
            results.append(
                IngestResult(
                    path.name,
                    kind,
                    "error",
                    message=f"Error inesperado; no se cambió nada: {reason}",
                )
            )
    return results


def _load_rank(path: Path, kind: str | None) -> int:
    """Where a file goes in LOAD_ORDER, from its headers; unreadable files go last."""
    if kind in LOAD_ORDER:
        return LOAD_ORDER.index(kind)
    match = _peeked_kind(path)
    return LOAD_ORDER.index(match.kind.name) if match else len(KINDS)


def _resolved_headers(path: Path, kind: str | None) -> list[str]:
    """The headers of the columns that `stage_file` resolves by their distinct cells, for the
    reader to deliver as dictionary arrays (csv_reader._arrow_csv): CSV only, whose headers are
    seen without reading the file. A file whose kind is not recognised gets none here and its
    real error when it is read."""
    if path.suffix.lower() not in (".csv", ".txt"):
        return []
    match = _peeked_kind(path, kind)
    return resolved_sources(match) if match else []


def _peeked_kind(path: Path, kind: str | None = None) -> HeaderMatch | None:
    try:
        return detect_kind(peek_headers(path), kind)
    except Exception:  # any file may come: its real error comes when it is read
        return None
