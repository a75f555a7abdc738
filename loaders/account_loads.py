"""Loading one file on behalf of an account: the browser upload on /datos and the write API.

The same loader as `python -m loaders ingest` (same rules, one transaction, quarantine), with
what a load by a person adds: the account's scope decides which kinds and which rows it may
send (warehouse.load_scope; one row outside refuses the whole file and nothing is written), the
load is logged with its channel and account (`ingestas.canal`, `ingestas.usuario`) and audited
in its own transaction, its size is bounded before it is read, and a change is published as a
new snapshot as the command line publishes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from loaders import limits
from loaders.contracts import KINDS, LOAD_ORDER
from loaders.headers import detect_kind
from loaders.ingest import load_file
from loaders.load_result import IngestResult, Progress
from loaders.readers import peek_headers
from loaders.source_table import RejectedFile
from warehouse import audit, snapshots
from warehouse.db import WarehouseError
from warehouse.load_scope import EVERY_KIND, UPLOAD_KINDS, may_load_kind, staged_rows_out_of_scope
from warehouse.scope import Scope

CHANGED = frozenset({"loaded", "partial"})  # outcomes that committed rows (as loaders.cli)
AUDIT_ACTION = "carga"


def upload_kinds(scope: Scope) -> tuple[str, ...]:
    """The kinds of file `scope` may load, in loading order (none for most roles)."""
    allowed = UPLOAD_KINDS.get(scope.role, ())
    if EVERY_KIND in allowed:
        return LOAD_ORDER
    return tuple(k for k in LOAD_ORDER if k in allowed)


def max_upload_bytes(megabytes: int | None = None) -> int:
    return (megabytes or limits.UPLOAD_MB) * limits.MB


def load_for_account(
    db: Path,
    path: str | Path,
    scope: Scope,
    *,
    kind: str | None = None,
    channel: str = audit.FILE,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    loaded_at: datetime | None = None,
    on_ingestion: Callable[[int], None] | None = None,
) -> IngestResult:
    """Load the file at `path` into the primary `db` as the account of `scope` sends it.

    The answer is the command line's (`result_json` gives its `--json` object); a file out of
    the account's scope, too large, or of a kind it may not send is `rejected` and nothing is
    written. `on_ingestion` is told the new load's id (`ingestas.id`) when rows were written."""
    path = Path(path)
    refusal = _refusal(path, scope, kind, max_bytes or max_upload_bytes())
    if refusal is not None:
        return refusal
    hooks = _AccountHooks(scope, channel, path.name)
    try:
        result = load_file(
            db,
            path,
            kind,
            loaded_at=loaded_at,
            progress=progress,
            channel=channel,
            user=scope.user,
            hooks=hooks,
        )
    except WarehouseError as exc:  # the database, not the file (as loaders.ingest answers)
        return IngestResult(path.name, kind, "error", message=str(exc))
    except Exception as exc:  # the file's transaction was rolled back
        reason = str(exc) or type(exc).__name__
        return IngestResult(
            path.name, kind, "error", message=f"Error inesperado; no se cambió nada: {reason}"
        )
    if result.status in CHANGED:
        if progress:
            progress("publicando")
        with snapshots.writer(db, publish_after=False) as con:
            snapshots.publish(con, db)  # as loaders.cli: holding the primary during the copy
        if on_ingestion is not None and hooks.ingestion_id is not None:
            on_ingestion(hooks.ingestion_id)
    return result


def result_json(result: IngestResult) -> dict[str, object]:
    """The object `python -m loaders ingest --json` prints for this result, as parsed JSON."""
    return json.loads(json.dumps(result.to_json(), ensure_ascii=False, default=str))


def _refusal(path: Path, scope: Scope, kind: str | None, max_bytes: int) -> IngestResult | None:
    """A file refused before it is read: no rights, too large, or a kind the account may not
    send (when its headers tell it; otherwise the check in the transaction refuses it)."""
    allowed = upload_kinds(scope)
    if not allowed:
        return _rejected(path, kind, "Su cuenta no puede cargar archivos.")
    if not path.is_file():
        return _rejected(path, kind, "No existe el archivo.")
    size = path.stat().st_size
    if size > max_bytes:
        return _rejected(
            path,
            kind,
            f"El archivo pesa {_mb(size)} MB y el máximo es {_mb(max_bytes)} MB; no se cargó nada.",
        )
    if kind is not None and kind not in KINDS:
        return _rejected(path, kind, f"Tipo de archivo desconocido: {kind}.")
    found = kind
    if found is None:
        try:
            match = detect_kind(peek_headers(path), None)
        except Exception:  # any file may come: the loader gives its real reason
            match = None
        found = match.kind.name if match else None
    if found is not None and not may_load_kind(scope, found):
        return _rejected(path, found, kind_refusal(scope, found))
    return None


def kind_refusal(scope: Scope, kind: str) -> str:
    label = KINDS[kind].label if kind in KINDS else kind
    allowed = ", ".join(upload_kinds(scope)) or "ninguno"
    return (
        f"Su cuenta no puede cargar archivos de {label} ({kind}); puede cargar: {allowed}. "
        "No se cargó nada."
    )


def _rejected(path: Path, kind: str | None, message: str) -> IngestResult:
    return IngestResult(path.name, kind, "rejected", message=message)


def _mb(size: int) -> str:
    return limits.thousands(max(1, round(size / limits.MB)))


class _AccountHooks:
    """The checks and the audit line of a load on an account's behalf, run by the loader
    inside the file's transaction (loaders.file_writer.WriteHooks)."""

    def __init__(self, scope: Scope, channel: str, file_name: str) -> None:
        self.scope, self.channel, self.file_name = scope, channel, file_name
        self.ingestion_id: int | None = None

    def check(self, con: duckdb.DuckDBPyConnection, kind: str) -> None:
        if not may_load_kind(self.scope, kind):
            raise RejectedFile(kind_refusal(self.scope, kind))
        outside = staged_rows_out_of_scope(con, self.scope, kind)
        if outside.total:
            lines = " ".join(f"Línea {line}: {reason}" for line, reason in outside.lines)
            more = outside.total - len(outside.lines)
            tail = f" (y {_rows(more)} más)" if more > 0 else ""
            raise RejectedFile(
                f"El archivo tiene {_rows(outside.total)} fuera del alcance de su cuenta; no se"
                f" cargó nada. {lines}{tail}"
            )

    def written(
        self,
        con: duckdb.DuckDBPyConnection,
        ingestion_id: int,
        loaded_at: datetime,
        result: IngestResult,
    ) -> None:
        self.ingestion_id = ingestion_id
        audit.record(
            con,
            at=loaded_at,
            user=self.scope.user or self.scope.role,
            channel=self.channel,
            action=AUDIT_ACTION,
            table=result.kind or "",
            key={"archivo": self.file_name, "ingesta": ingestion_id},
            before=None,
            after={
                "filas_leidas": result.rows_read,
                "filas_cargadas": result.rows_loaded,
                "filas_nuevas": result.rows_new,
                "filas_reemplazadas": result.rows_replaced,
                "filas_sin_cambio": result.rows_unchanged,
                "filas_en_cuarentena": result.rows_quarantined,
            },
        )


def _rows(count: int) -> str:
    return f"{limits.thousands(count)} fila" + ("" if count == 1 else "s")
