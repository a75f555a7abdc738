"""Entries made on the web or through the API, written exactly as a one-row file would be.

A goal manager's monthly report, a bottleneck raised or updated, a milestone marked done: each
becomes a one-row table of text cells in the kind's columns and goes through the loader itself
— the same cell parsers and row rules (loaders.validate.ROW_RULES), the same versioned write,
an `ingestas` entry whose lineage reads "formulario web · account · time" (or "API") where a
file's reads "file, line". There is no second rule set to drift from the loader's.

`write_entry` runs on the writable primary inside the single writer (warehouse.snapshots) and
decides, in this order: may this account write that goal; did the row change since the person
read it (a conflict, never a silent overwrite); do the rules accept it (refused entries save
nothing); then it writes the row and its audit line in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from loaders.contracts import KINDS
from loaders.file_writer import INSERT_ORDER, PreparedFile, utc_now, write_prepared
from loaders.headers import detect_kind
from loaders.load_result import IngestResult
from loaders.resolve_cells import Reference
from loaders.source_table import LINE, RejectedFile, SourceTable
from loaders.validate import check_rows, stage_file, unregister_reference
from warehouse import audit, ingestion, staging_results
from warehouse.commitments import commitment_region
from warehouse.current_rows import CurrentRow, current_row
from warehouse.db import transaction
from warehouse.figure_access import may_write_goal
from warehouse.scope import REGION, Scope

GOAL_KINDS = ("avance_mensual", "restricciones", "metas_intermedias")
FOLLOW_UP_KIND = "seguimientos"  # written by the regional account of the commitment's region
SOURCE_NAMES = {audit.FORM: "formulario web", audit.API: "API"}
ENTRY_LINE = 1  # an entry is a file of one row; its "line" is 1
ANY_VERSION = "*"  # only for entries that create a row nobody could have read

SAVED = "guardada"
UNCHANGED = "sin_cambios"
REFUSED = "rechazada"
CONFLICT = "conflicto"
FORBIDDEN = "sin_permiso"

NOT_YOURS = "Su cuenta no puede ingresar cifras de la meta {codigo}: no es gerente de esa meta."
NOT_YOUR_COMMITMENT = (
    "Su cuenta no puede registrar seguimientos del compromiso {codigo}: no es un compromiso de"
    " su región."
)
CHANGED_MEANWHILE = (
    "Otra persona cambió este registro después de que usted lo abrió (versión {current}). "
    "Vuelva a abrirlo, revise lo que cambió y vuelva a enviar; no se guardó nada."
)
VERSION_MISSING = (
    "Este registro ya existe: envíe la versión que leyó (campo «version») para no "
    "sobrescribir sin saberlo lo que otra persona ingresó."
)
FIX_FIELDS = "Revise los campos marcados; no se guardó nada."
NOTHING_NEW = "No había nada que cambiar."
NOTE_ONLY = "Nota registrada; el registro no cambió."


@dataclass(frozen=True)
class Entry:
    """One row as a person or a system entered it: the fields they set, the rest comes from
    the stored row (`cells` use the kind's column names; values as typed or as JSON gives)."""

    kind: str
    key: Mapping[str, object]  # the kind's key columns → values
    cells: Mapping[str, object]  # the fields entered (key columns need not repeat)
    channel: str  # audit.FORM or audit.API
    user: str
    action: str  # what the audit line calls it: "informar mes", "levantar restricción"…
    read_version: str | None = None  # the version read; None = "there was no row"
    comment: str | None = None  # a note for the audit line (a follow-up, a confirmation)


@dataclass(frozen=True)
class EntryResult:
    status: str  # SAVED, UNCHANGED, REFUSED, CONFLICT or FORBIDDEN
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # column → reason (Spanish)
    version: str | None = None  # the row's version after the write
    ingestion_id: int | None = None
    # Several rows sent together: each row's errors and version, in the order sent.
    row_errors: tuple[dict[str, str], ...] = ()
    versions: tuple[str | None, ...] = ()

    @property
    def written(self) -> bool:
        return self.status == SAVED


def write_entry(
    con: duckdb.DuckDBPyConnection, scope: Scope, entry: Entry, at: datetime | None = None
) -> EntryResult:
    """Check and write one entry on the writable primary (the caller holds the write lock)."""
    return write_entries(con, scope, [entry], at)


def write_entries(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    entries: Sequence[Entry],
    at: datetime | None = None,
) -> EntryResult:
    """Rows of one kind sent together (a month's national and regional figures) are one
    "file": all checked first, then written in one transaction, or none of them."""
    if not entries or len({e.kind for e in entries}) != 1:
        raise ValueError("entries of one kind, at least one")
    if len({tuple(sorted(e.key.items(), key=repr)) for e in entries}) != len(entries):
        return EntryResult(REFUSED, "El mismo registro viene dos veces en el envío.")
    stored = [current_row(con, e.kind, e.key) for e in entries]
    for entry, row in zip(entries, stored, strict=True):
        forbidden = _forbidden(scope, entry, row, con)
        if forbidden:
            return EntryResult(FORBIDDEN, forbidden)
    for entry, row in zip(entries, stored, strict=True):
        conflict = _conflict(entry, row)
        if conflict:
            return EntryResult(CONFLICT, conflict, version=row.version if row else None)
    if all(_repeats(e, row) for e, row in zip(entries, stored, strict=True)):
        versions = tuple(row.version if row else None for row in stored)
        return EntryResult(UNCHANGED, NOTHING_NEW, version=versions[0], versions=versions)
    kind = entries[0].kind
    rows = [entry_cells(e, row) for e, row in zip(entries, stored, strict=True)]
    reference = Reference.read(con)
    row_errors = check_rows_of(kind, rows, reference)
    if any(row_errors):
        first = next(e for e in row_errors if e)
        return EntryResult(REFUSED, FIX_FIELDS, first, row_errors=tuple(row_errors))
    return _write(con, entries, stored, rows, reference, at or utc_now())


def _repeats(entry: Entry, stored: CurrentRow | None) -> bool:
    """Whether the entry only repeats what is stored. A figure sent again with its own values
    is not a new report: it keeps its state (a validated figure stays validated), unless it
    was returned, when sending it back is the point."""
    if stored is None or entry.comment or stored.values.get("estado") == "devuelto":
        return False
    return all(same_value(value, stored.values.get(name)) for name, value in entry.cells.items())


def same_value(entered: object, stored: object) -> bool:
    """Whether a value entered equals the stored one, as the loader reads both (text, numbers
    and dates in any of their written forms; blanks equal only blanks)."""
    left, right = as_cell(entered), as_cell(stored)
    if left is None or right is None:
        return left is right
    try:
        return float(left) == float(right)
    except ValueError:
        return left == right


def _write(
    con: duckdb.DuckDBPyConnection,
    entries: Sequence[Entry],
    stored: list[CurrentRow | None],
    rows: list[dict[str, str | None]],
    reference: Reference,
    at: datetime,
) -> EntryResult:
    first = entries[0]
    source = _rows_table(KINDS[first.kind].column_names, rows)
    match = detect_kind(source.headers, first.kind)
    checked = check_rows(source, match, reference, INSERT_ORDER.get(first.kind, ()))
    audit_lines = _AuditLines(entries, stored)
    prepared = PreparedFile(
        Path(SOURCE_NAMES[first.channel]), first.kind, source, match, reference, checked,
        lambda: _entries_hash(entries, at), channel=first.channel, user=first.user,
        hooks=audit_lines,
    )  # fmt: skip
    try:
        result = write_prepared(con, prepared, loaded_at=at)
    except _NotWritten as nothing:
        if not nothing.result.rows_quarantined and any(e.comment for e in entries):
            return _note_only(con, entries, stored, at)
        return _not_written(con, entries, nothing.result)
    if result.status == "rejected" or audit_lines.load_id is None:  # e.g. the load clock
        return EntryResult(REFUSED, result.message or FIX_FIELDS)
    versions = _versions(con, entries)
    return EntryResult(
        SAVED,
        "Guardado.",
        version=versions[0],
        ingestion_id=audit_lines.load_id,
        versions=versions,
    )


def _note_only(
    con: duckdb.DuckDBPyConnection,
    entries: Sequence[Entry],
    stored: list[CurrentRow | None],
    at: datetime,
) -> EntryResult:
    """A follow-up note on a row that did not change: recorded in the audit trail alone."""
    with transaction(con):
        for entry, row in zip(entries, stored, strict=True):
            if entry.comment and row is not None:
                audit.record(
                    con, at=at, user=entry.user, channel=entry.channel, action=entry.action,
                    table=entry.kind, key=dict(entry.key), before=row.values, after=row.values,
                    comment=entry.comment,
                )  # fmt: skip
    versions = _versions(con, entries)
    return EntryResult(SAVED, NOTE_ONLY, version=versions[0], versions=versions)


def _versions(con: duckdb.DuckDBPyConnection, entries: Sequence[Entry]) -> tuple[str | None, ...]:
    rows = (current_row(con, e.kind, e.key) for e in entries)
    return tuple(row.version if row else None for row in rows)


class _AuditLines:
    """The loader's hooks for entries: one audit line per row that changed, in the write's
    transaction; an entry that changed nothing is rolled back (no empty load in the log)."""

    def __init__(self, entries: Sequence[Entry], stored: list[CurrentRow | None]) -> None:
        self.entries, self.stored = entries, stored
        self.load_id: int | None = None

    def check(self, con: duckdb.DuckDBPyConnection, kind: str) -> None:
        """Entries were checked before (`check_rows_of`) and authorised (`_forbidden`)."""

    def written(
        self, con: duckdb.DuckDBPyConnection, load_id: int, at: datetime, result: IngestResult
    ) -> None:
        if result.rows_quarantined or not (result.rows_new or result.rows_replaced):
            raise _NotWritten(result)
        for entry, before in zip(self.entries, self.stored, strict=True):
            after = current_row(con, entry.kind, entry.key)
            if before is not None and after is not None and after.version == before.version:
                continue  # this row was unchanged
            audit.record(
                con, at=at, user=entry.user, channel=entry.channel, action=entry.action,
                table=entry.kind, key=dict(entry.key), before=before.values if before else None,
                after=after.values if after else None, comment=entry.comment,
            )  # fmt: skip
        self.load_id = load_id


class _NotWritten(Exception):
    """Raised inside the write transaction when the entry changed nothing or was refused."""

    def __init__(self, result: IngestResult) -> None:
        super().__init__(result.status)
        self.result = result


def _not_written(
    con: duckdb.DuckDBPyConnection, entries: Sequence[Entry], result: IngestResult
) -> EntryResult:
    if result.rows_quarantined:  # what the cells refer to changed between check and write
        errors: list[dict[str, str]] = [{} for _ in entries]
        for problem in result.errors:
            index = int(problem["line"]) - ENTRY_LINE
            if 0 <= index < len(errors):
                errors[index].setdefault(str(problem["column"]), str(problem["reason"]))
        first = next((e for e in errors if e), {})
        return EntryResult(REFUSED, FIX_FIELDS, first, row_errors=tuple(errors))
    versions = _versions(con, entries)
    return EntryResult(UNCHANGED, NOTHING_NEW, version=versions[0], versions=versions)


def _forbidden(
    scope: Scope,
    entry: Entry,
    stored: CurrentRow | None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> str | None:
    """Goals' figures only, and only the goals the account manages — the stored row's goal
    too, so a crafted entry cannot move another manager's bottleneck to its own goal. A
    commitment's follow-up only by the regional account of the commitment's region, as the
    primary holds it."""
    if entry.kind == FOLLOW_UP_KIND:
        return _follow_up_forbidden(scope, entry, con)
    if entry.kind not in GOAL_KINDS:
        return "Este tipo de dato no se ingresa por formulario: se carga como archivo."
    named = entry.cells.get("codigo_meta") or entry.key.get("codigo_meta")
    goals = {str(named)} if named else set()
    if stored is not None:
        goals.add(str(stored.values.get("codigo_meta") or ""))
    goals = goals or {""}
    for codigo in sorted(goals):
        if not may_write_goal(scope, codigo):
            return NOT_YOURS.format(codigo=codigo or "(sin código)")
    return None


def _follow_up_forbidden(
    scope: Scope, entry: Entry, con: duckdb.DuckDBPyConnection | None
) -> str | None:
    codigo = str(entry.cells.get("codigo_compromiso") or entry.key.get("codigo_compromiso") or "")
    region = commitment_region(con, codigo) if con is not None and codigo else None
    if scope.role != REGION or scope.region is None or region != scope.region:
        return NOT_YOUR_COMMITMENT.format(codigo=codigo or "(sin código)")
    return None


def _conflict(entry: Entry, stored: CurrentRow | None) -> str | None:
    if entry.read_version == ANY_VERSION and stored is None:
        return None
    if stored is None:
        return None if entry.read_version is None else CHANGED_MEANWHILE.format(current="borrada")
    if entry.read_version is None:
        return VERSION_MISSING
    if entry.read_version != stored.version:
        return CHANGED_MEANWHILE.format(current=stored.version)
    return None


def entry_cells(entry: Entry, stored: CurrentRow | None) -> dict[str, str | None]:
    """The row to write, as text cells: the stored row, the key, then the fields entered. A
    progress report is always 'reportado' by the account that sends it: only validation
    changes that state."""
    kind = KINDS[entry.kind]
    values: dict[str, object] = dict(stored.values) if stored else {}
    values.update(entry.key)
    values.update(entry.cells)
    if entry.kind == "avance_mensual":
        values.update(estado="reportado", reportado_por=entry.user)
    return {name: as_cell(values.get(name)) for name in kind.column_names}


def as_cell(value: object) -> str | None:
    """A value as the loader reads a cell: numbers without exponent, dates in ISO."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | np.integer | np.floating):
        return np.format_float_positional(float(value), trim="-")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def check_cells(kind: str, cells: Mapping[str, str | None], reference: Reference) -> dict[str, str]:
    """The loader's verdict on one row, column → reason (empty: accepted), without writing."""
    return check_rows_of(kind, [cells], reference)[0]


def check_rows_of(
    kind: str, rows: Sequence[Mapping[str, str | None]], reference: Reference
) -> list[dict[str, str]]:
    """The loader's verdict on each row (column → reason; empty: accepted), without writing:
    the rules run on a scratch in-memory database, so a form can ask as often as it likes."""
    verdicts: list[dict[str, str]] = [{} for _ in rows]
    try:
        source = _rows_table(KINDS[kind].column_names, rows)
        match = detect_kind(source.headers, kind)
    except RejectedFile as exc:
        return [{"": str(exc)} for _ in rows]
    checked = check_rows(source, match, reference, INSERT_ORDER.get(kind, ()))
    scratch = duckdb.connect()
    try:
        stage_file(scratch, checked, match, source.decimal_comma, INSERT_ORDER.get(kind, ()))
        problems = ingestion.staged_errors(scratch, 100 * len(rows))
    finally:
        staging_results.drop_staging(scratch)
        unregister_reference(scratch)
        scratch.close()
    for problem in problems:
        index = int(problem["line"]) - ENTRY_LINE  # type: ignore[call-overload]
        verdicts[index].setdefault(str(problem["column"]), str(problem["reason"]))
    return verdicts


def _rows_table(columns: Sequence[str], rows: Sequence[Mapping[str, str | None]]) -> SourceTable:
    data = {name: pa.array([row.get(name) for row in rows], pa.string()) for name in columns}
    data[LINE] = pa.array(range(ENTRY_LINE, ENTRY_LINE + len(rows)), pa.int64())
    return SourceTable(pa.table(data), fmt="formulario")


def _entries_hash(entries: Sequence[Entry], at: datetime) -> str:
    """The entries' "file hash": unique per sending, so the same values sent again are a new
    report (a correction re-sent unchanged), never "this file was loaded already"."""
    body = json.dumps(
        [[e.kind, dict(e.key), dict(e.cells), e.user, e.channel, e.read_version] for e in entries]
        + [at],
        default=str,
        sort_keys=True,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
