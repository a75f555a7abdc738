"""Loading files into the warehouse: one file, one transaction, nothing lost.

For each file: recognise it (same bytes already loaded → nothing to do), read its cells, check
every row against its kind's contract, and in one transaction log the file, quarantine the bad
rows with their reasons, and write the good ones as new versions. Any failure rolls the whole
file back, so the database is never half-written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders.contracts import KINDS, LOAD_ORDER
from loaders.headers import HeaderMatch, detect_kind
from loaders.readers import RejectedFile, SourceTable, file_hash, peek_headers, read_source
from loaders.validate import resolved_sources, stage_file
from warehouse import ingestion, staging
from warehouse.aggregates import refresh_aggregates
from warehouse.db import transaction

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
    path = Path(path)
    step = progress or (lambda _phase: None)
    if not path.is_file():
        return IngestResult(path.name, kind, "rejected", message="No existe el archivo.")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # A small file is hashed first, so that a file sent twice is never read again. A large
        # one is hashed once read, on the core that resolving and ordering its rows leave idle
        # (hashlib releases the GIL; a 10-million-row CSV: ~0.8 s of CPU, which slowed
        # pyarrow's reading on two cores by ~0.5 s), and checked before anything is written.
        hashing: Future[str] | None = None
        if path.stat().st_size <= HASH_FIRST_BYTES:
            hashing = pool.submit(file_hash, path)
            earlier = _already_loaded(con, path, kind, hashing.result())
            if earlier is not None:
                return earlier
        step("leyendo")
        try:
            source = read_source(path, kind, repeated=_resolved_headers(path, kind))
            match = detect_kind(source.headers, kind)
            if source.table.num_rows == 0 and not source.problems:
                raise RejectedFile("El archivo no tiene filas de datos.")
        except RejectedFile as exc:
            return IngestResult(path.name, kind, "rejected", message=str(exc))
        hashing = hashing or pool.submit(file_hash, path)
        try:
            loaded_at = _check_load_time(con, loaded_at)
        except RejectedFile as exc:  # unless these bytes were loaded: that says more
            earlier = _already_loaded(con, path, kind, hashing.result())
            return earlier or IngestResult(path.name, kind, "rejected", message=str(exc))
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
                    con, path.name, hashing.result, source, match, loaded_at, demo, result, step
                )
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
    match,
    loaded_at: datetime,
    demo: bool,
    result: IngestResult,
    step: Progress,
) -> None:
    kind = match.kind
    step("validando")
    order_by = INSERT_ORDER.get(kind.name, ())
    staged = stage_file(con, source, match, order_by)
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
    ingestion.quarantine_staged_errors(con, ingestion_id, source.headers)
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
    ordered = sorted((Path(p) for p in paths), key=lambda p: _load_rank(p, kind))
    results = []
    for path in ordered:
        try:
            results.append(
                ingest_file(
                    con,
                    path,
                    kind,
                    loaded_at=loaded_at,
                    demo=demo,
                    progress=progress(path) if progress else None,
                )
            )
        except Exception as exc:  # the file was rolled back; report and go on with the others
            results.append(
                IngestResult(
                    path.name, kind, "error", message=f"Error inesperado; no se cambió nada: {exc}"
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
    except (RejectedFile, OSError, ValueError, IndexError):
        return None
