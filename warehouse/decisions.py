"""Decisions of the Grupo de Estrategia on escalated bottlenecks (`decisiones`, migration 007).

Presidencia records a decision on an open bottleneck (text, who answers for it — an account or
a ministry — and a due date) and later closes it with its outcome. Nothing is rewritten:
closing fills the closing columns, so `decisions(…, known_at=K)` reads the decisions as they
were known at instant K, and the weekly review of a past date shows those open then.

Reads run on the cursor as given: the dashboard passes one scoped to the viewer, so a ministry
lists only its goals' decisions (warehouse.scope). Writes run on the writable primary, where no
scope applies, so each authorises itself: only presidencia decides, whatever a crafted request
says. Every write adds its audit line (warehouse.audit) in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from warehouse import audit
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError, one
from warehouse.scope import PRESIDENCIA, Scope
from warehouse.versioned import fetch

OPEN, OVERDUE, CLOSED = "abierta", "vencida", "cerrada"
STATE_LABELS = {OPEN: "Abierta", OVERDUE: "Vencida", CLOSED: "Cerrada"}
# The page's state filter: open ones (overdue included), overdue only, closed, every decision.
PENDING, ALL = "abiertas", "todas"
FILTERS = {PENDING: (OPEN, OVERDUE), "vencidas": (OVERDUE,), "cerradas": (CLOSED,), ALL: ()}
ACCOUNT, MINISTRY = "cuenta", "ministerio"
RECORD, CLOSE = "registrar_decision", "cerrar_decision"
TABLE = "decisiones"
MAX_TEXT = 2000
MAX_RESPONSIBLE = 200

DECISIONS_SQL = """
SELECT d.id, d.codigo_restriccion, d.codigo_meta, m.nombre AS nombre_meta, m.ministerio,
       r.descripcion AS descripcion_restriccion, d.texto, d.responsable, d.tipo_responsable,
       d.vence, d.creada_en, d.creada_por,
       CASE WHEN cerrada THEN d.cerrada_en END AS cerrada_en,
       CASE WHEN cerrada THEN d.cerrada_por END AS cerrada_por,
       CASE WHEN cerrada THEN d.resultado END AS resultado,
       CASE WHEN cerrada THEN 'cerrada' WHEN d.vence < $day THEN 'vencida' ELSE 'abierta' END
           AS estado,
       CASE WHEN NOT cerrada AND d.vence < $day THEN date_diff('day', d.vence, $day) END
           AS dias_vencida
FROM (SELECT *, cerrada_en IS NOT NULL AND ($known IS NULL OR cerrada_en <= $known) AS cerrada
      FROM decisiones) d
LEFT JOIN metas m ON m.codigo_meta = d.codigo_meta AND m.valid_to IS NULL
LEFT JOIN restricciones r ON r.codigo_restriccion = d.codigo_restriccion
     AND r.codigo_meta = d.codigo_meta AND r.valid_to IS NULL
WHERE ($known IS NULL OR d.creada_en <= $known)
  AND ($ministry IS NULL OR m.ministerio = $ministry)
  AND ($goal IS NULL OR d.codigo_meta = $goal)
  AND ($bottleneck IS NULL OR d.codigo_restriccion = $bottleneck)
ORDER BY cerrada, d.vence, d.id
"""
_BOTTLENECK_SQL = (
    "SELECT codigo_meta, fecha_alerta, fecha_resolucion FROM restricciones"
    " WHERE valid_to IS NULL AND codigo_restriccion = ?"
)
_ACCOUNT_SQL = "SELECT count(*) FROM cuentas WHERE activa AND usuario = ?"
_MINISTRY_SQL = (
    "SELECT count(*) FROM (SELECT ministerio FROM metas WHERE valid_to IS NULL"
    " UNION SELECT ministerio FROM instituciones WHERE valid_to IS NULL) WHERE ministerio = ?"
)
_INSERT_SQL = (
    "INSERT INTO decisiones (codigo_restriccion, codigo_meta, texto, responsable,"
    " tipo_responsable, vence, creada_en, creada_por) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " RETURNING id"
)
_ONE_SQL = (
    "SELECT codigo_restriccion, codigo_meta, creada_en, cerrada_en FROM decisiones WHERE id = ?"
)
_CLOSE_SQL = (
    "UPDATE decisiones SET cerrada_en = ?, cerrada_por = ?, resultado = ?"
    " WHERE id = ? AND cerrada_en IS NULL"
)


class DecisionRequestError(WarehouseError):
    """A decision that cannot be recorded or closed (nothing was written)."""


@dataclass(frozen=True)
class DecisionFilter:
    """Which decisions a list holds: a state filter (FILTERS), a ministry, a goal, a bottleneck."""

    state: str = PENDING
    ministry: str | None = None
    goal: str | None = None
    bottleneck: str | None = None


def decisions(
    con: duckdb.DuckDBPyConnection,
    day: date,
    known_at: datetime | None = None,
    where: DecisionFilter | None = None,
) -> pd.DataFrame:
    """Decisions as known at `known_at` (every one recorded when None), each with its `estado`
    on `day` (abierta, vencida: open past its due date, cerrada) and the days overdue; open
    ones first, by due date. Closing columns are blank for a decision closed after `known_at`."""
    where = where or DecisionFilter(ALL)
    frame = fetch(
        con,
        DECISIONS_SQL,
        {"day": day, "known": known_at, "ministry": where.ministry, "goal": where.goal,
         "bottleneck": where.bottleneck},
    )  # fmt: skip
    states = FILTERS.get(where.state, ())
    if states:
        frame = frame[frame["estado"].isin(states)].reset_index(drop=True)
    return frame


def _refuse(title: str, detail: str = "") -> DecisionRequestError:
    return DecisionRequestError(title, detail)


def check_actor(scope: Scope) -> str:
    """The account deciding; only presidencia records and closes decisions."""
    if scope.role != PRESIDENCIA:
        raise _refuse(
            "Su cuenta no registra decisiones",
            "solo Presidencia registra y cierra las decisiones del Grupo de Estrategia.",
        )
    if not scope.user:
        raise _refuse("Sesión sin usuario", "vuelva a iniciar sesión.")
    return scope.user


def clean_text(value: object, what: str, limit: int = MAX_TEXT) -> str:
    """A required text field, stripped; refused when empty or too long."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise _refuse(f"Falta {what}")
    if len(text) > limit:
        raise _refuse(f"Texto demasiado largo en {what}", f"use a lo más {limit} caracteres.")
    return text


def _today(at: datetime) -> date:
    return chile_today(at.replace(tzinfo=UTC))


def record_decision(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    codigo_restriccion: str,
    texto: str,
    responsable: str,
    vence: date,
    at: datetime,
) -> int:
    """Record a decision on an open bottleneck, inside the caller's transaction; its id.

    `at` is UTC without zone (as the warehouse stores times); the bottleneck must be open on
    that day in Chile and the due date not before it."""
    user = check_actor(scope)
    text = clean_text(texto, "el texto de la decisión")
    owner = clean_text(responsable, "el responsable", MAX_RESPONSIBLE)
    if not isinstance(vence, date):
        raise _refuse("Falta la fecha de vencimiento")
    today = _today(at)
    if vence < today:
        raise _refuse("La fecha de vencimiento ya pasó", "elija hoy o una fecha posterior.")
    code = codigo_restriccion.strip() if isinstance(codigo_restriccion, str) else ""
    rows = con.execute(_BOTTLENECK_SQL, [code]).fetchall() if code else []
    if len(rows) != 1:
        raise _refuse("La restricción no existe", code or "elija una restricción.")
    goal, alert, resolution = rows[0]
    if alert > today or (resolution is not None and resolution <= today):
        raise _refuse("La restricción no está abierta", f"{code} no tiene nada que decidir.")
    kind = _owner_kind(con, owner)
    row = one(con, _INSERT_SQL, [code, goal, text, owner, kind, vence, at, user])
    assert row is not None
    decision_id = int(row[0])
    audit.record(
        con, at=at, user=user, channel=audit.FORM, action=RECORD, table=TABLE,
        key={"id": decision_id, "codigo_restriccion": code}, before=None,
        after={"codigo_meta": goal, "texto": text, "responsable": owner,
               "tipo_responsable": kind, "vence": vence},
    )  # fmt: skip
    return decision_id


def _owner_kind(con: duckdb.DuckDBPyConnection, owner: str) -> str:
    """'cuenta' for an active account's name, 'ministerio' for a ministry; else refused."""
    if one(con, _ACCOUNT_SQL, [owner])[0]:  # type: ignore[index]
        return ACCOUNT
    if one(con, _MINISTRY_SQL, [owner])[0]:  # type: ignore[index]
        return MINISTRY
    raise _refuse(
        "Responsable desconocido",
        f"«{owner}» no es una cuenta activa ni un ministerio: escriba el nombre de usuario"
        " de una cuenta o el nombre completo de un ministerio.",
    )


def close_decision(
    con: duckdb.DuckDBPyConnection, scope: Scope, decision_id: int, resultado: str, at: datetime
) -> None:
    """Close an open decision with its outcome (who and when are the actor and `at`)."""
    user = check_actor(scope)
    outcome = clean_text(resultado, "el resultado")
    try:
        key = int(decision_id)
    except (TypeError, ValueError):
        raise _refuse("Decisión desconocida", "elija una decisión abierta.") from None
    row = one(con, _ONE_SQL, [key])
    if row is None:
        raise _refuse("Decisión desconocida", f"no hay una decisión n.º {key}.")
    code, goal, created, closed = row
    if closed is not None:
        raise _refuse("La decisión ya estaba cerrada", f"n.º {key}.")
    if at < created:
        raise _refuse("Hora de cierre anterior al registro de la decisión")
    con.execute(_CLOSE_SQL, [at, user, outcome, key])
    audit.record(
        con, at=at, user=user, channel=audit.FORM, action=CLOSE, table=TABLE,
        key={"id": key, "codigo_restriccion": code},
        before={"codigo_meta": goal, "cerrada_en": None, "cerrada_por": None, "resultado": None},
        after={"codigo_meta": goal, "cerrada_en": at, "cerrada_por": user, "resultado": outcome},
    )  # fmt: skip


def ministries(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every ministry with a goal (the filter's choices, and owners a decision may name)."""
    rows = con.execute(
        "SELECT DISTINCT ministerio FROM metas WHERE valid_to IS NULL ORDER BY ministerio"
    ).fetchall()
    return [str(r[0]) for r in rows]
