"""Notes on a goal or one of its bottlenecks (`notas`, migration 008): a thread addressed to an
account or a role, with an optional "revisar el" date, closed by its addressee.

Read like the goal itself: whoever reads the goal in full (its bottlenecks, `scope.RULES`)
reads its notes, and the public never. Writes run on the primary inside the single writer
(`dashboard.server.database.write`), authorise themselves again there and leave one audit line
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from warehouse import audit
from warehouse.db import one
from warehouse.scope import GERENTE, MINISTERIO, PRESIDENCIA, REGION, ROLE_LABELS, Scope
from warehouse.versioned import fetch

TEXT_CHARS = 2_000
# Roles a note may be addressed to: those that read a goal in full.
ADDRESSEE_ROLES = (PRESIDENCIA, MINISTERIO, REGION, GERENTE)
ADDRESSEE_LABELS = {role: ROLE_LABELS[role] for role in ADDRESSEE_ROLES}

NOT_YOURS = "Su cuenta no lee la meta {codigo} completa: no puede escribir notas en ella."
NO_TEXT = "Escriba la nota."
TOO_LONG = "La nota no puede pasar de 2.000 caracteres."
NO_ADDRESSEE = "Indique a quién va dirigida: una cuenta o un rol."
UNKNOWN_ACCOUNT = "La cuenta «{para}» no existe o está desactivada."
BLIND_ACCOUNT = "La cuenta «{para}» no lee la meta {codigo} completa: no vería la nota."
UNKNOWN_BOTTLENECK = "La restricción {codigo} no es de la meta {meta}."
NOT_ADDRESSEE = "Solo quien recibe la nota puede marcarla como vista."
NO_NOTE = "La nota no existe."

_COLUMNS = (
    "id, codigo_meta, codigo_restriccion, texto, autor, para, revisar_el, creada_en,"
    " cerrada_en, cerrada_por"
)
_THREAD_SQL = "SELECT " + _COLUMNS + " FROM notas WHERE codigo_meta = $meta ORDER BY creada_en, id"
_PENDING_SQL = (
    "SELECT " + _COLUMNS + " FROM notas WHERE cerrada_en IS NULL AND para IN ($user, $role)"
    " ORDER BY (revisar_el IS NOT NULL AND revisar_el < $today) DESC, revisar_el NULLS LAST,"
    " creada_en, id"
)


@dataclass(frozen=True)
class NoteResult:
    saved: bool
    message: str
    note_id: int | None = None


def thread(con: duckdb.DuckDBPyConnection, codigo_meta: str) -> pd.DataFrame:
    """The goal's notes in the order written (an empty frame outside the viewer's scope)."""
    return fetch(con, _THREAD_SQL, {"meta": codigo_meta})


def pending(
    con: duckdb.DuckDBPyConnection, user: str | None, role: str, today: date
) -> pd.DataFrame:
    """Open notes addressed to the account or its role, overdue "revisar el" first."""
    return fetch(con, _PENDING_SQL, {"user": user or "", "role": role, "today": today})


def add_note(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    codigo_meta: str,
    texto: str,
    para: str,
    codigo_restriccion: str | None = None,
    revisar_el: date | None = None,
    at: datetime,
) -> NoteResult:
    """Write a note on the primary (the caller holds the writer): checked, then audited."""
    text, to = (texto or "").strip(), (para or "").strip()
    refused = _refused(con, scope, codigo_meta, codigo_restriccion, text, to)
    if refused:
        return NoteResult(False, refused)
    values = {
        "codigo_meta": codigo_meta, "codigo_restriccion": codigo_restriccion or None,
        "texto": text, "autor": scope.user or "", "para": to, "revisar_el": revisar_el,
        "creada_en": at,
    }  # fmt: skip
    row = one(
        con,
        "INSERT INTO notas (codigo_meta, codigo_restriccion, texto, autor, para, revisar_el,"
        " creada_en) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        list(values.values()),
    )
    assert row is not None
    note_id = int(row[0])
    audit.record(
        con, at=at, user=scope.user or "", channel=audit.FORM, action="escribir nota",
        table="notas", key={"id": note_id}, before=None, after=values,
    )  # fmt: skip
    return NoteResult(True, "Nota guardada.", note_id)


def close_note(
    con: duckdb.DuckDBPyConnection, scope: Scope, note_id: int, at: datetime
) -> NoteResult:
    """The addressee marks a note seen: it leaves the pending lists and stays in the thread."""
    row = one(con, "SELECT codigo_meta, para, cerrada_en FROM notas WHERE id = ?", [note_id])
    if row is None:
        return NoteResult(False, NO_NOTE)
    codigo, para, closed = str(row[0]), str(row[1]), row[2]
    if para not in (scope.user, scope.role) or not reads_goal(con, scope, codigo):
        return NoteResult(False, NOT_ADDRESSEE)
    if closed is not None:
        return NoteResult(True, "La nota ya estaba vista.", note_id)
    con.execute(
        "UPDATE notas SET cerrada_en = ?, cerrada_por = ? WHERE id = ?",
        [at, scope.user or "", note_id],
    )
    audit.record(
        con, at=at, user=scope.user or "", channel=audit.FORM, action="marcar nota vista",
        table="notas", key={"id": note_id}, before={"cerrada_en": None},
        after={"cerrada_en": at, "cerrada_por": scope.user or ""},
    )  # fmt: skip
    return NoteResult(True, "Nota marcada como vista.", note_id)


def reads_goal(con: duckdb.DuckDBPyConnection, scope: Scope, codigo_meta: str) -> bool:
    """Whether `scope` reads goal `codigo_meta` in full, from the goal's current row (the
    same decision as the `notas` rules of warehouse.scope, taken on the primary)."""
    row = one(
        con,
        "SELECT ministerio, ambito FROM metas WHERE valid_to IS NULL AND codigo_meta = ?",
        [codigo_meta],
    )
    if row is None:
        return False
    return _reads(scope.role, scope.ministries, scope.region, scope.goals, codigo_meta, row)


def _reads(
    role: str,
    ministries: tuple[str, ...] | list[str],
    region: str | None,
    goals: tuple[str, ...] | list[str],
    codigo_meta: str,
    goal: tuple,
) -> bool:
    ministerio, ambito = goal
    if role == PRESIDENCIA:
        return True
    if role == MINISTERIO:
        return ministerio in ministries
    if role == REGION:
        return region is not None and ambito == region
    if role == GERENTE:
        return codigo_meta in goals
    return False


def _refused(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    codigo: str,
    bottleneck: str | None,
    text: str,
    para: str,
) -> str | None:
    if not scope.user or not reads_goal(con, scope, codigo):
        return NOT_YOURS.format(codigo=codigo or "(sin código)")
    if not text:
        return NO_TEXT
    if len(text) > TEXT_CHARS:
        return TOO_LONG
    if not para:
        return NO_ADDRESSEE
    if bottleneck:
        found = one(
            con,
            "SELECT count(*) FROM restricciones WHERE valid_to IS NULL"
            " AND codigo_restriccion = ? AND codigo_meta = ?",
            [bottleneck, codigo],
        )
        if not found or not found[0]:
            return UNKNOWN_BOTTLENECK.format(codigo=bottleneck, meta=codigo)
    if para in ADDRESSEE_ROLES:
        return None
    account = one(
        con,
        "SELECT rol, ministerios, region, metas FROM cuentas WHERE usuario = ? AND activa",
        [para],
    )
    if account is None:
        return UNKNOWN_ACCOUNT.format(para=para)
    goal = one(
        con, "SELECT ministerio, ambito FROM metas WHERE valid_to IS NULL AND codigo_meta = ?",
        [codigo],
    )  # fmt: skip
    if goal is None or not _reads(*account, codigo, goal):
        return BLIND_ACCOUNT.format(para=para, codigo=codigo)
    return None


def bottleneck_codes(con: duckdb.DuckDBPyConnection, codigo_meta: str) -> list[str]:
    """The goal's current bottlenecks a note may be about (those the cursor reads)."""
    rows = con.execute(
        "SELECT codigo_restriccion FROM restricciones WHERE valid_to IS NULL AND codigo_meta = ?"
        " ORDER BY codigo_restriccion",
        [codigo_meta],
    ).fetchall()
    return [str(r[0]) for r in rows]
