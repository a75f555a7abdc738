"""Validation of monthly figures (sello de calidad): what awaits a ministry, and its actions.

A goal manager reports a monthly figure (`avance_mensual`, estado 'reportado'); the ministry's
coordination validates it, or returns it to the manager with a comment. Until validated, a
figure is read only by presidencia and by the goal's ministry or region (warehouse.scope), so a
validation is what makes it official for every other viewer, the public included.

Nothing is overwritten: an action closes the figure's current version (`valid_to`) and opens a
new one with the same values, the new `estado` and the id of its `validaciones` row, keeping the
file and line the number came from (`ingestion_id`, `source_line`). The `validaciones` row says
who, when, which action, the state before → after and the value that was judged.

Reads (`pending_figures`, `validation_history`) run on the cursor as given: the dashboard passes
one scoped to the viewer, so a ministry lists only its own goals' unvalidated figures.
`apply_validation` runs on the writable primary, where no scope applies, so it authorises every
figure itself: a crafted request must not validate another ministry's numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from warehouse import audit
from warehouse.db import WarehouseError, one
from warehouse.scope import Scope
from warehouse.versioned import fetch

VALIDATE = "validar"
RETURN = "devolver"
ACTIONS = (VALIDATE, RETURN)
REPORTED = "reportado"
VALIDATED = "validado"
RETURNED = "devuelto"
STATE_AFTER = {VALIDATE: VALIDATED, RETURN: RETURNED}
MAX_FIGURES = 500  # one screen of pending figures; a larger request is not a person's
MAX_COMMENT = 2000

PENDING_SQL = """
SELECT a.codigo_meta, m.nombre AS nombre_meta, m.ministerio, a.mes, a.region,
       coalesce(t.nombre_corto, a.region) AS nombre_region, a.valor_programado, a.valor_real,
       m.unidad, a.reportado_por, a.comentario, i.archivo, a.source_line AS linea,
       i.cargado_en, i.canal, i.usuario AS enviado_por, a.valid_from AS desde,
       CAST(a.valid_from AS VARCHAR) AS version
FROM avance_mensual a
LEFT JOIN metas m ON m.codigo_meta = a.codigo_meta AND m.valid_to IS NULL
LEFT JOIN territorios t ON t.codigo = a.region
LEFT JOIN ingestas i ON i.id = a.ingestion_id
WHERE a.valid_to IS NULL AND a.estado = 'reportado' AND a.valor_real IS NOT NULL
ORDER BY m.ministerio, a.codigo_meta, a.mes, t.orden NULLS FIRST, a.region
"""

HISTORY_SQL = """
SELECT v.id, v.en, v.usuario, v.accion, v.codigo_meta, m.nombre AS nombre_meta, v.mes,
       v.region, coalesce(t.nombre_corto, v.region) AS nombre_region, v.valor_real,
       v.estado_antes, v.estado_despues, v.comentario
FROM validaciones v
LEFT JOIN metas m ON m.codigo_meta = v.codigo_meta AND m.valid_to IS NULL
LEFT JOIN territorios t ON t.codigo = v.region
WHERE $codigo_meta IS NULL OR v.codigo_meta = $codigo_meta
ORDER BY v.en DESC, v.id DESC
LIMIT $limit
"""

_KEY = "codigo_meta = ? AND mes = ? AND region IS NOT DISTINCT FROM ?"
_CURRENT_SQL = (
    "SELECT CAST(valid_from AS VARCHAR), valid_from, estado, valor_real FROM avance_mensual"
    " WHERE valid_to IS NULL AND " + _KEY
)
_GOAL_MINISTRY_SQL = "SELECT ministerio FROM metas WHERE valid_to IS NULL AND codigo_meta = ?"
_RECORD_SQL = (
    "INSERT INTO validaciones (en, usuario, accion, codigo_meta, mes, region, valor_real,"
    " estado_antes, estado_despues, comentario) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
_CLOSE_SQL = (
    "UPDATE avance_mensual SET valid_to = ? WHERE valid_to IS NULL AND valid_from = ? AND " + _KEY
)
# The new version copies the closed one: values, reporter and lineage stay those of the file.
_OPEN_SQL = (
    "INSERT INTO avance_mensual (codigo_meta, mes, region, valor_programado, valor_real, estado,"
    " reportado_por, comentario, pronostico, valid_from, valid_to, ingestion_id, source_line,"
    " validacion_id)"
    " SELECT codigo_meta, mes, region, valor_programado, valor_real, ?, reportado_por,"
    " coalesce(?, comentario), pronostico, ?, NULL, ingestion_id, source_line, ?"
    " FROM avance_mensual"
    " WHERE valid_from = ? AND valid_to = ? AND " + _KEY
)

# Why a figure was not touched (shown to the coordinator next to the figure).
OUT_OF_SCOPE = "La meta no pertenece a su ministerio: no puede validar sus cifras."
UNKNOWN_GOAL = "La meta no existe."
NOT_FOUND = "No hay una cifra vigente para esa meta, mes y región."
ALREADY_VALIDATED = "La cifra ya estaba validada."
ALREADY_RETURNED = "La cifra ya fue devuelta y espera un nuevo reporte."
NOT_PENDING = "La cifra no está pendiente de validación."
NO_VALUE = "La cifra no tiene valor real reportado."
CHANGED = (
    "La cifra cambió desde que se mostró (hay una versión más nueva): revísela y vuelva a"
    " intentarlo."
)
LATER_VERSION = "La versión vigente de la cifra es posterior a la hora de esta acción."
REPEATED = "La cifra venía repetida en la solicitud."
UNREADABLE = "La cifra enviada no se pudo interpretar."


class ValidationRequestError(WarehouseError):
    """A request that cannot be carried out at all (nothing was written)."""


@dataclass(frozen=True)
class FigureKey:
    """One monthly figure as the coordinator saw it: its key and the version shown."""

    codigo_meta: str
    mes: date
    region: str | None  # None = the national figure
    version: str  # the shown version's valid_from, as text (`pending_figures().version`)

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> FigureKey:
        """From a row of `pending_figures` as a grid sends it back (months as ISO text).

        The row comes from the browser: anything malformed raises ValueError."""
        codigo = row.get("codigo_meta")
        version = row.get("version")
        if not isinstance(codigo, str) or not codigo or not isinstance(version, str):
            raise ValueError("cifra sin meta o sin versión")
        region = row.get("region")
        if isinstance(region, float) and math.isnan(region):  # a frame's missing region
            region = None
        if region is not None and not isinstance(region, str):
            raise ValueError("región inválida")
        return cls(codigo, _as_month(row.get("mes")), region or None, version)

    @property
    def label(self) -> str:
        """'SAL-01 · 2025-05 · 05' (region 'nacional' when national), for messages and logs."""
        return f"{self.codigo_meta} · {self.mes:%Y-%m} · {self.region or 'nacional'}"


def _as_month(value: object) -> date:
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise ValueError("mes inválido")


@dataclass(frozen=True)
class Refusal:
    """A figure that was left as it was, and why (Spanish, for the screen)."""

    figure: FigureKey | Mapping[str, object]
    reason: str

    @property
    def label(self) -> str:
        if isinstance(self.figure, FigureKey):
            return self.figure.label
        return str(self.figure.get("codigo_meta") or "cifra")


@dataclass(frozen=True)
class ValidationResult:
    action: str
    accepted: int
    refused: tuple[Refusal, ...] = ()
    validation_ids: tuple[int, ...] = ()


def check_request(
    scope: Scope, figures: Iterable[object], action: str, comment: str | None
) -> str | None:
    """Whether a request can be carried out at all; the comment cleaned (None when empty).

    Pure: the page calls it before opening the primary, `apply_validation` calls it again."""
    if not scope.can_validate or not scope.ministries:
        raise ValidationRequestError(
            "Su cuenta no puede validar cifras",
            "solo la coordinación de un ministerio valida las cifras de sus metas.",
        )
    if not scope.user:
        raise ValidationRequestError("Sesión sin usuario", "vuelva a iniciar sesión.")
    if action not in ACTIONS:
        raise ValidationRequestError("Acción desconocida", repr(action))
    count = len(list(figures))
    if count == 0:
        raise ValidationRequestError(
            "No hay cifras seleccionadas", "marque en la tabla las cifras que quiere revisar."
        )
    if count > MAX_FIGURES:
        raise ValidationRequestError(
            "Demasiadas cifras en una sola acción", f"seleccione a lo más {MAX_FIGURES}."
        )
    text = (comment or "").strip() or None
    if action == RETURN and text is None:
        raise ValidationRequestError(
            "Falta el comentario",
            "para devolver una cifra explique qué debe corregir quien la reportó.",
        )
    if text is not None and len(text) > MAX_COMMENT:
        raise ValidationRequestError(
            "Comentario demasiado largo", f"use a lo más {MAX_COMMENT} caracteres."
        )
    return text


def pending_figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current figures reported with a value and not yet validated, as the cursor may read them.

    `version` is the figure's valid_from as text: sent back with an action, it proves the
    coordinator judged the version that is still current."""
    return fetch(con, PENDING_SQL)


def validation_history(
    con: duckdb.DuckDBPyConnection, codigo_meta: str | None = None, limit: int = 1000
) -> pd.DataFrame:
    """Validation actions, newest first (all goals, or one), as the cursor may read them."""
    return fetch(con, HISTORY_SQL, {"codigo_meta": codigo_meta, "limit": int(limit)})


def apply_validation(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    figures: Iterable[FigureKey | Mapping[str, object]],
    action: str,
    comment: str | None,
    at: datetime,
) -> ValidationResult:
    """Validate or return each figure the coordinator may judge, inside the caller's transaction.

    Figures out of the coordinator's ministries, no longer pending, or changed since they were
    shown are left untouched and come back in `refused` with the reason."""
    figures = list(figures)
    text = check_request(scope, figures, action, comment)
    ministries = set(scope.ministries)
    goal_ministry: dict[str, str | None] = {}
    seen: set[tuple[str, date, str | None]] = set()
    refused: list[Refusal] = []
    ids: list[int] = []
    for raw in figures:
        try:
            figure = raw if isinstance(raw, FigureKey) else FigureKey.from_row(raw)
        except (ValueError, TypeError, AttributeError):
            refused.append(Refusal(raw, UNREADABLE))
            continue
        key = (figure.codigo_meta, figure.mes, figure.region)
        if key in seen:
            refused.append(Refusal(figure, REPEATED))
            continue
        seen.add(key)
        if figure.codigo_meta not in goal_ministry:
            row = one(con, _GOAL_MINISTRY_SQL, [figure.codigo_meta])
            goal_ministry[figure.codigo_meta] = row[0] if row else None
        reason = _scope_problem(goal_ministry[figure.codigo_meta], ministries)
        if reason is None:
            reason, current = _current_problem(con, figure, at)
        if reason is not None:
            refused.append(Refusal(figure, reason))
            continue
        ids.append(_judge(con, scope, figure, current, action, text, at))
    return ValidationResult(action, len(ids), tuple(refused), tuple(ids))


def _scope_problem(ministry: str | None, ministries: set[str]) -> str | None:
    if ministry is None:
        return UNKNOWN_GOAL
    return None if ministry in ministries else OUT_OF_SCOPE


def _current_problem(
    con: duckdb.DuckDBPyConnection, figure: FigureKey, at: datetime
) -> tuple[str | None, tuple]:
    rows = con.execute(_CURRENT_SQL, [*_key(figure)]).fetchall()
    if len(rows) != 1:
        return NOT_FOUND, ()
    version, valid_from, state, value = rows[0]
    if state == VALIDATED:
        return ALREADY_VALIDATED, ()
    if state == RETURNED:
        return ALREADY_RETURNED, ()
    if state != REPORTED:
        return NOT_PENDING, ()
    if value is None:
        return NO_VALUE, ()
    if version != figure.version:
        return CHANGED, ()
    if valid_from >= at:
        return LATER_VERSION, ()
    return None, rows[0]


def _key(figure: FigureKey) -> tuple[str, date, str | None]:
    return (figure.codigo_meta, figure.mes, figure.region)


def _judge(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    figure: FigureKey,
    current: tuple,
    action: str,
    comment: str | None,
    at: datetime,
) -> int:
    """Record the action, close the shown version and open the judged one; the action's id."""
    _version, valid_from, state, value = current
    after = STATE_AFTER[action]
    row = one(
        con,
        _RECORD_SQL,
        [at, scope.user, action, *_key(figure), value, state, after, comment],
    )
    assert row is not None
    validation_id = int(row[0])
    con.execute(_CLOSE_SQL, [at, valid_from, *_key(figure)])
    # A returned figure carries the coordinator's comment for the reporter; a validated one
    # keeps the reporter's own (the validator's note stays in `validaciones`).
    new_comment = comment if action == RETURN else None
    con.execute(_OPEN_SQL, [after, new_comment, at, validation_id, valid_from, at, *_key(figure)])
    audit.record(
        con, at=at, user=scope.user, channel=audit.VALIDATION, action=action,
        table="avance_mensual",
        key={"codigo_meta": figure.codigo_meta, "mes": figure.mes, "region": figure.region},
        before={"estado": state, "valor_real": value},
        after={"estado": after, "valor_real": value, "validacion_id": validation_id},
        comment=comment,
    )  # fmt: skip
    return validation_id
