"""Loading files into the warehouse: one file, one transaction, nothing lost.

For each file: recognise it (same bytes already loaded → nothing to do), read its cells within
the reading limits (loaders.limits), check every row against its kind's contract, and in one
transaction log the file, quarantine the bad rows with their reasons, and write the good ones
as new versions. Any failure rolls the whole file back, so the database is never half-written.

Reading and checking need no write lock: `load_file` (the command line) holds the primary's
lock only for a glance at what the cells refer to, and then to write. A hostile or slow file
therefore never keeps a coordinator's validation or an urgent `accounts disable` waiting.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders.contracts import KINDS, LOAD_ORDER
from loaders.headers import HeaderMatch, detect_kind
from loaders.limits import active
from loaders.readers import RejectedFile, SourceTable, file_hash, peek_headers, read_source
from loaders.reference import ensure_reference
from loaders.validate import CheckedRows, Reference, check_rows, resolved_sources, stage_file
from warehouse import ingestion, snapshots, staging
from warehouse.aggregates import refresh_aggregates
from warehouse.db import WarehouseError, transaction

ERRORS_SHOWN = 100
HASH_FIRST_BYTES = 64 * 1024**2  # files up to this size are recognised before being read
# Fact tables stay sorted by month and service so that selective queries skip blocks.
INSERT_ORDER = {"entregas": ("mes", "servicio")}

Progress = Callable[[str], None]


@dataclass
class IngestResult:
    file: str
    kind: str | None
    status: str  # loaded | partial | rejected | already_loaded | error
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    rows_new: int = 0
    rows_replaced: int = 0
    rows_unchanged: int = 0
    rows_repeated: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def exit_code(self) -> int:
        return {"loaded": 0, "already_loaded": 0, "partial": 3, "rejected": 2}.get(self.status, 1)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
        earlier = _already_loaded(con, path, kind, content_hash)
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
) -> IngestResult:
    """Load one file into the primary `db`, holding its write lock only to write.

    The lock is taken twice, briefly first: to seed the reference data, answer a file whose
    bytes were loaded already, and read what the cells refer to (`Reference`). The file is
    then read and checked with no lock held, and the lock is taken again to write it
    (`write_prepared` confirms that the reference data did not change meanwhile)."""
    path = Path(path)
    step = progress or (lambda _phase: None)
    if not path.is_file():
        return IngestResult(path.name, kind, "rejected", message="No existe el archivo.")
    content_hash = _small_file_hash(path)
    with snapshots.writer(db, publish_after=False) as con:
        ensure_reference(con)
        if content_hash is not None:
            earlier = _already_loaded(con, path, kind, content_hash)
            if earlier is not None:
                return earlier
        reference = Reference.read(con)
    prepared = prepare_file(path, kind, reference, content_hash, step)
    if isinstance(prepared, IngestResult):
        return prepared
    step("esperando turno para escribir")
    with snapshots.writer(db, publish_after=False) as con:
        return write_prepared(con, prepared, loaded_at=loaded_at, demo=demo, progress=step)


def _small_file_hash(path: Path) -> str | None:
    """A small file is hashed first, so that a file sent twice is never read again."""
    return file_hash(path) if path.stat().st_size <= HASH_FIRST_BYTES else None


@dataclass
class PreparedFile:
    """A file read and checked against `reference`, ready to be written (`write_prepared`)."""

    path: Path
    kind: str | None
    source: SourceTable
    match: HeaderMatch
    reference: Reference
    checked: CheckedRows
    content_hash: Callable[[], str]


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


def write_prepared(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedFile,
    *,
    loaded_at: datetime | None = None,
    demo: bool = False,
    progress: Progress | None = None,
) -> IngestResult:
    """Write a prepared file in one transaction (the caller holds the write lock)."""
    step = progress or (lambda _phase: None)
    path, kind, source, match = prepared.path, prepared.kind, prepared.source, prepared.match
    try:
        loaded_at = _check_load_time(con, loaded_at)
    except RejectedFile as exc:  # unless these bytes were loaded: that says more
        earlier = _already_loaded(con, path, kind, prepared.content_hash())
        return earlier or IngestResult(path.name, kind, "rejected", message=str(exc))
    checked = prepared.checked
    reference = Reference.read(con)
    if reference != prepared.reference:  # another load changed what the cells refer to
        step("validando de nuevo")
        order_by = INSERT_ORDER.get(match.kind.name, ())
        checked = check_rows(source, match, reference, order_by)
    result = IngestResult(
        path.name,
        match.kind.name,
        "loaded",
        rows_read=source.table.num_rows + len(source.problems),
        ignored_columns=list(match.extra),
    )
    try:
        with transaction(con):
            _load_checked(
                con, path.name, prepared.content_hash, source, match, checked, loaded_at, demo,
                result, step,
            )  # fmt: skip
    except _SameBytes as same:
        return _already_loaded(con, path, kind, same.content_hash) or result
    finally:
        with contextlib.suppress(duckdb.Error):
            staging.drop_staging(con)
        for name in (staging.SOURCE, staging.SORTED):
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)
    return result


class _SameBytes(Exception):
    """These very bytes were loaded before: the file's transaction is rolled back."""

    def __init__(self, content_hash: str) -> None:
        super().__init__(content_hash)
        self.content_hash = content_hash


def _already_loaded(
    con: duckdb.DuckDBPyConnection, path: Path, kind: str | None, content_hash: str
) -> IngestResult | None:
    """The answer for a file whose very bytes were loaded before (nothing changes)."""
    earlier = ingestion.find_loaded(con, content_hash)
    if not earlier:
        return None
    return IngestResult(
        path.name,
        kind,
        "already_loaded",
        message=f"Este mismo archivo ya se cargó el {earlier[1]} (carga n.º {earlier[0]}); "
        "no se cambió nada.",
    )


def _check_load_time(con: duckdb.DuckDBPyConnection, loaded_at: datetime | None) -> datetime:
    """Versions must follow each other in time, or "as known on D" would lie."""
    when = loaded_at or utc_now()
    last = ingestion.last_load_time(con)
    if last and when < last:
        raise RejectedFile(
            f"La fecha de carga {when:%Y-%m-%d %H:%M} es anterior a la última carga "
            f"({last:%Y-%m-%d %H:%M}); el historial debe avanzar en el tiempo."
        )
    return when


def _load_checked(
    con: duckdb.DuckDBPyConnection,
    file_name: str,
    hashed: Callable[[], str],
    source: SourceTable,
    match: HeaderMatch,
    checked: CheckedRows,
    loaded_at: datetime,
    demo: bool,
    result: IngestResult,
    step: Progress,
) -> None:
    kind = match.kind
    step("revisando")
    order_by = INSERT_ORDER.get(kind.name, ())
    staged = stage_file(con, checked, match, source.decimal_comma, order_by)
    final = staging.stage_final(
        con,
        kind.key,
        kind.column_names,
        keys_distinct=staged.keys_distinct,
        order_by=order_by,
        presorted=staged.presorted,
    )
    result.rows_repeated = final.repeated
    content_hash = hashed()
    if ingestion.find_loaded(con, content_hash):
        raise _SameBytes(content_hash)
    step("guardando")
    ingestion_id = ingestion.insert_ingestion(
        con,
        file_name=file_name,
        content_hash=content_hash,
        kind=kind.name,
        fmt=source.fmt,
        loaded_at=loaded_at,
        demo=demo,
    )
    ingestion.quarantine_staged_errors(con, ingestion_id, source.headers, active().cell_chars)
    ingestion.quarantine_rows(con, ingestion_id, _problems_frame(source))
    counts = ingestion.write_versioned(
        con,
        kind.name,
        kind.key,
        kind.column_names,
        loaded_at=loaded_at,
        ingestion_id=ingestion_id,
        order_by=order_by,
        in_order=final.in_order,
    )
    _refresh_aggregates(con, kind.name, ingestion_id)
    quarantined = ingestion.staged_error_lines(con) + len(source.problems)
    ingestion.finish_ingestion(
        con, ingestion_id, rows_read=result.rows_read, counts=counts, rows_quarantined=quarantined
    )
    result.status = "partial" if quarantined else "loaded"
    result.rows_quarantined = quarantined
    result.rows_new, result.rows_replaced, result.rows_unchanged = (
        counts.new,
        counts.replaced,
        counts.unchanged,
    )
    result.rows_loaded = counts.new + counts.replaced + counts.unchanged
    result.errors = (_problem_errors(source) + ingestion.staged_errors(con, ERRORS_SHOWN))[
        :ERRORS_SHOWN
    ]


def _refresh_aggregates(con: duckdb.DuckDBPyConnection, kind: str, ingestion_id: int) -> None:
    """Only the months this file wrote are re-aggregated (a full rebuild costs seconds)."""
    refresh_aggregates(con, kind, ingestion_id=ingestion_id)


def _problems_frame(source: SourceTable) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "linea": [p.line for p in source.problems],
            "motivo": [p.reason for p in source.problems],
            "texto": [p.raw for p in source.problems],
        }
    )


def _problem_errors(source: SourceTable) -> list[dict[str, object]]:
    return [
        {"line": p.line, "column": None, "value": p.raw, "reason": p.reason}
        for p in source.problems
    ]


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
    reader to deliver as dictionary arrays (readers._arrow_csv): CSV only, whose headers are
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
