"""Writing a read and checked file into the warehouse in one transaction: its log entry, its
quarantined rows with their reasons and its good rows as new versions, or nothing at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from loaders.headers import HeaderMatch
from loaders.limits import active
from loaders.load_result import IngestResult, Progress
from loaders.resolve_cells import Reference
from loaders.source_table import RejectedFile, SourceTable
from loaders.validate import CheckedRows, check_rows, stage_file, unregister_reference
from warehouse import ingestion, staging, staging_results
from warehouse.aggregates import refresh_aggregates
from warehouse.db import transaction

ERRORS_SHOWN = 100
# Fact tables stay sorted by month and service so that selective queries skip blocks.
INSERT_ORDER = {"entregas": ("mes", "servicio")}


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class WriteHooks(Protocol):
    """What a caller loading on someone's behalf adds inside the file's one transaction: a
    check of the staged rows (raise RejectedFile to refuse the whole file, nothing written)
    and a last step once the rows are written (its audit line)."""

    def check(self, con: duckdb.DuckDBPyConnection, kind: str) -> None: ...

    def written(
        self,
        con: duckdb.DuckDBPyConnection,
        ingestion_id: int,
        loaded_at: datetime,
        result: IngestResult,
    ) -> None: ...


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
    channel: str = "archivo"  # how it came: archivo, formulario or api (ingestas.canal)
    user: str | None = None  # the account that sent it; None for the command line
    hooks: WriteHooks | None = None  # checks and audit of a load on an account's behalf


def write_prepared(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedFile,
    *,
    loaded_at: datetime | None = None,
    demo: bool = False,
    progress: Progress | None = None,
) -> IngestResult:
    """Write a prepared file in one transaction (the caller holds the write lock); the file's
    hooks run inside it, and whatever they raise rolls the whole file back."""
    step = progress or (lambda _phase: None)
    path, kind, source, match = prepared.path, prepared.kind, prepared.source, prepared.match
    try:
        loaded_at = _check_load_time(con, loaded_at)
    except RejectedFile as exc:  # unless these bytes were loaded: that says more
        earlier = already_loaded(con, path, kind, prepared.content_hash())
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
                con, prepared, checked, loaded_at, demo, result, step,
            )  # fmt: skip
    except _SameBytes as same:
        return already_loaded(con, path, kind, same.content_hash) or result
    except RejectedFile as exc:  # a hook refused the rows: the transaction was rolled back
        return IngestResult(path.name, match.kind.name, "rejected", message=str(exc))
    finally:
        with contextlib.suppress(duckdb.Error):
            staging_results.drop_staging(con)
        for name in (staging.SOURCE, staging.SORTED):
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)
        unregister_reference(con)
    return result


class _SameBytes(Exception):
    """These very bytes were loaded before: the file's transaction is rolled back."""

    def __init__(self, content_hash: str) -> None:
        super().__init__(content_hash)
        self.content_hash = content_hash


def already_loaded(
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
    prepared: PreparedFile,
    checked: CheckedRows,
    loaded_at: datetime,
    demo: bool,
    result: IngestResult,
    step: Progress,
) -> None:
    source, match, hashed = prepared.source, prepared.match, prepared.content_hash
    kind = match.kind
    step("revisando")
    order_by = INSERT_ORDER.get(kind.name, ())
    staged = stage_file(con, checked, match, source.decimal_comma, order_by)
    final = staging_results.stage_final(
        con,
        kind.key,
        kind.column_names,
        keys_distinct=staged.keys_distinct,
        order_by=order_by,
        presorted=staged.presorted,
    )
    result.rows_repeated = final.repeated
    if prepared.hooks is not None:
        prepared.hooks.check(con, kind.name)
    content_hash = hashed()
    if ingestion.find_loaded(con, content_hash):
        raise _SameBytes(content_hash)
    step("guardando")
    ingestion_id = ingestion.insert_ingestion(
        con,
        file_name=prepared.path.name,
        content_hash=content_hash,
        kind=kind.name,
        fmt=source.fmt,
        loaded_at=loaded_at,
        demo=demo,
        channel=prepared.channel,
        user=prepared.user,
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
    if prepared.hooks is not None:
        prepared.hooks.written(con, ingestion_id, loaded_at, result)


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
