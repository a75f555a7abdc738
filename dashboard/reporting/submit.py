"""From the manager's forms to entries (loaders.entries), written through the single writer.

The forms send what the person typed and the versions they read; this module decides which
rows a sending changes (a validated figure left as it was is not sent again, or it would go
back to validation), asks for a confirmation when a value jumps out of the goal's trajectory,
and turns the loader's verdict into what the screen shows next to each field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from dashboard.reporting.bottleneck_forms import plain
from dashboard.reporting.data import GoalWork, first_day
from dashboard.reporting.month_form import region_key
from dashboard.server import database
from indicators.figure_steps import unusual_jump
from loaders import entries
from loaders.entries import Entry, EntryResult
from warehouse.accounts import now_utc
from warehouse.audit import FORM
from warehouse.db import WarehouseError
from warehouse.figure_access import may_write_goal
from warehouse.notes import add_note
from warehouse.reporting import bottleneck_goal, next_bottleneck_code
from warehouse.scope import MINISTERIO, Scope

JUMP_MARK = "[Salto confirmado por quien reporta] "
NOTHING_ENTERED = "No ingresó ninguna cifra nueva ni cambió las guardadas."


@dataclass(frozen=True)
class Outcome:
    """What a sending did, for the screen: a status, a message, and reasons by field."""

    status: str  # entries.SAVED … FORBIDDEN, or "confirmar" / "vacio" / "error"
    message: str
    errors: dict[str, dict[str, str]] = field(default_factory=dict)  # form key → column → reason
    jump: str | None = None  # why a confirmation is needed

    @property
    def saved(self) -> bool:
        return self.status == entries.SAVED


def save_month(
    viewer: Scope,
    work: GoalWork,
    month: date,
    values: Mapping[str, Any],
    versions: Mapping[str, str | None],
    comment: object,
    forecast: object,
    confirmed: bool,
) -> Outcome:
    """The month's changed rows as one sending: all written or none."""
    if not may_write_goal(viewer, work.code):  # said first; loaders.entries enforces it
        return Outcome(entries.FORBIDDEN, entries.NOT_YOURS.format(codigo=work.code))
    rows = work.month_rows(month)
    sending: list[tuple[str, Entry]] = []
    for region in work.regions:
        key = region_key(region)
        stored = rows.get(region, {})
        cells: dict[str, object] = {"valor_real": plain(values.get(key))}
        if region is None:
            cells |= {"comentario": plain(comment), "pronostico": plain(forecast)}
        if not _changes(cells, stored):
            continue
        action = "corregir cifra devuelta" if stored.get("estado") == "devuelto" else "informar mes"
        entry = Entry(
            "avance_mensual",
            {"codigo_meta": work.code, "mes": month, "region": region},
            cells,
            FORM,
            viewer.user or "",
            action,
            read_version=versions.get(key),
        )
        sending.append((key, entry))
    if not sending:
        return Outcome("vacio", NOTHING_ENTERED)
    jump = _jump(work, month, values.get(region_key(None)))
    if jump and not confirmed:
        return Outcome(
            "confirmar", "Revise la cifra nacional y confirme para guardarla.", jump=jump
        )
    if jump:  # the mark travels with the figure: the coordinator reads it on /validacion
        note = JUMP_MARK + jump
        sending = [(key, _marked(entry, note)) for key, entry in sending]
    return _outcome(_write([e for _, e in sending], viewer), [k for k, _ in sending])


def _changes(cells: Mapping[str, object], stored: Mapping[str, Any]) -> bool:
    """Whether the row needs sending: a value where there was none, a different value or
    note, or a returned figure sent back. An empty field never erases a stored value."""
    if cells.get("valor_real") is None:
        return False
    if stored.get("estado") == "devuelto" or not stored:
        return True
    return any(not entries.same_value(value, stored.get(column)) for column, value in cells.items())


def _jump(work: GoalWork, month: date, national: object) -> str | None:
    value = plain(national)
    if not isinstance(value, int | float):
        return None
    series = work.figures
    if series.empty:
        return None
    before = series[series["region"].isna() & (series["mes"].map(first_day) < month)]
    return unusual_jump(before.sort_values("mes")["valor_real"], float(value))


def _marked(entry: Entry, note: str) -> Entry:
    """The national figure's comment starts with the confirmed jump; every row's audit line
    says it was confirmed."""
    cells = dict(entry.cells)
    if entry.key.get("region") is None:
        own = cells.get("comentario")
        cells["comentario"] = f"{note} {own}" if own else note
    return Entry(
        entry.kind, entry.key, cells, entry.channel, entry.user, entry.action,
        read_version=entry.read_version, comment=note,
    )  # fmt: skip


def _write(sending: list[Entry], viewer: Scope) -> EntryResult | WarehouseError:
    try:
        return database.load(entries.write_entries, viewer, sending)
    except WarehouseError as exc:
        return exc


def _outcome(result: EntryResult | WarehouseError, keys: list[str]) -> Outcome:
    if isinstance(result, WarehouseError):
        return Outcome("error", f"{result.title}: {result.detail}")
    errors: dict[str, dict[str, str]] = {}
    for key, row_errors in zip(keys, result.row_errors, strict=False):
        if row_errors:
            errors[key] = dict(row_errors)
    if not errors and result.errors and keys:
        errors[keys[0]] = dict(result.errors)
    return Outcome(result.status, _message(result), errors)


def _message(result: EntryResult) -> str:
    if result.status == entries.SAVED:
        return "Guardado. La coordinación del ministerio lo verá para validar."
    return result.message


REQUIRED_NEW = ("tipo", "severidad", "nivel", "descripcion")


def raise_bottleneck(
    viewer: Scope, work: GoalWork, fields: Mapping[str, object], today: date
) -> Outcome:
    """A new bottleneck of the goal, coded on the primary (R-<n>), alerted today."""
    cells = {name: plain(value) for name, value in fields.items()}
    cells |= {"codigo_meta": work.code, "fecha_alerta": today}
    missing = {n: "Campo obligatorio." for n in REQUIRED_NEW if cells.get(n) is None}
    if missing:
        return Outcome(entries.REFUSED, entries.FIX_FIELDS, {"": missing})
    try:
        code, result = database.load(_raise, viewer, cells)
    except WarehouseError as exc:
        return Outcome("error", f"{exc.title}: {exc.detail}")
    outcome = _outcome(result, [""])
    if outcome.saved:
        return Outcome(outcome.status, f"Restricción {code} levantada.")
    return outcome


def _raise(
    con: duckdb.DuckDBPyConnection, viewer: Scope, cells: dict[str, object]
) -> tuple[str, EntryResult]:
    code = next_bottleneck_code(con)
    entry = Entry(
        "restricciones", {"codigo_restriccion": code}, cells, FORM, viewer.user or "",
        "levantar restricción", read_version=entries.ANY_VERSION,
    )  # fmt: skip
    return code, entries.write_entry(con, viewer, entry)


def update_bottleneck(
    viewer: Scope, fields: Mapping[str, object], versions: Mapping[str, str]
) -> Outcome:
    """A new severity and/or a resolution date, and a follow-up note: the note goes to the
    bottleneck's thread, addressed to the ministry's coordinators (their "Pendientes"), and to
    the audit line of the change when there is one."""
    code = plain(fields.get("codigo_restriccion"))
    if not isinstance(code, str):
        return Outcome(entries.REFUSED, "Elija la restricción que quiere actualizar.")
    cells = {
        name: plain(fields.get(name))
        for name in ("severidad", "fecha_resolucion")
        if plain(fields.get(name)) is not None
    }
    note = plain(fields.get("nota"))
    note = note.strip() if isinstance(note, str) and note.strip() else None
    if not cells and note is None:
        return Outcome("vacio", "Indique una nueva severidad, una fecha de resolución o una nota.")
    outcome = Outcome(entries.SAVED, "Guardado.")
    if cells:
        action = "resolver restricción" if "fecha_resolucion" in cells else "actualizar restricción"
        entry = Entry(
            "restricciones", {"codigo_restriccion": code}, cells, FORM, viewer.user or "",
            action, read_version=versions.get(code), comment=note,
        )  # fmt: skip
        outcome = _outcome(_write([entry], viewer), [""])
        if not outcome.saved:
            return outcome
    return _post_note(viewer, code, note) if note is not None else outcome


def _post_note(viewer: Scope, code: str, note: str) -> Outcome:
    goal = database.run(bottleneck_goal, code)
    if goal is None:
        return Outcome(entries.REFUSED, f"La restricción {code} ya no existe.")
    try:
        written = database.write(
            add_note, viewer, codigo_meta=goal, texto=note, para=MINISTERIO,
            codigo_restriccion=code, at=now_utc(),
        )  # fmt: skip
    except WarehouseError as exc:
        return Outcome("error", f"{exc.title}: {exc.detail}")
    if not written.saved:
        return Outcome(entries.REFUSED, written.message)
    return Outcome(
        entries.SAVED, f"Guardado. Nota enviada a la coordinación del ministerio ({code})."
    )


def mark_milestone(
    viewer: Scope, work: GoalWork, code: str, done_on: object, versions: Mapping[str, str]
) -> Outcome:
    """A milestone done on a date (the loader refuses a date after today)."""
    entry = Entry(
        "metas_intermedias", {"codigo_meta": work.code, "codigo_hito": code},
        {"fecha_cumplida": plain(done_on)}, FORM, viewer.user or "", "marcar hito",
        read_version=versions.get(code),
    )  # fmt: skip
    outcome = _outcome(_write([entry], viewer), [""])
    if outcome.saved:
        return Outcome(outcome.status, f"Hito {code} marcado como cumplido.")
    return outcome
