"""Which files an account may load, and which staged rows fall outside its scope.

Reading is limited by `warehouse.scope`; loading on an account's behalf (the upload on /datos,
the write API) is limited here: a ministry sends the figures of its own goals and services, a
regional government the commitments of its region and their follow-ups, the administrator
anything. The rows are checked in the loader's own transaction, on the staged rows about to be
written (`staging.FINAL`), so a file with one row out of scope is refused whole and nothing is
written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from warehouse.db import compose, ident, one
from warehouse.scope import ADMIN, MINISTERIO, REGION, Scope
from warehouse.staging import FINAL

EVERY_KIND = "*"
# Role → kinds of file it may load (EVERY_KIND: all of them); a role absent loads nothing.
UPLOAD_KINDS: Mapping[str, tuple[str, ...]] = {
    ADMIN: (EVERY_KIND,),
    MINISTERIO: (
        "avance_mensual",
        "restricciones",
        "metas_intermedias",
        "entregas",
        "etapas_pmg",
    ),
    REGION: ("compromisos", "seguimientos"),
}
_BY_GOAL = frozenset({"avance_mensual", "restricciones", "metas_intermedias"})
_BY_SERVICE = frozenset({"entregas", "etapas_pmg"})
_BY_REGION = frozenset({"compromisos"})
_BY_COMMITMENT = frozenset({"seguimientos"})  # a follow-up goes with its commitment's region


@dataclass(frozen=True)
class OutOfScope:
    """The first rows of a file that the account may not load, and how many there are."""

    lines: tuple[tuple[int, str], ...]  # (line as a spreadsheet shows it, reason in Spanish)
    total: int


def may_load_kind(scope: Scope, kind: str) -> bool:
    allowed = UPLOAD_KINDS.get(scope.role, ())
    return EVERY_KIND in allowed or kind in allowed


def staged_rows_out_of_scope(
    con: duckdb.DuckDBPyConnection, scope: Scope, kind: str, shown: int = 5
) -> OutOfScope:
    """The staged rows of a `kind` file outside `scope` (none for the administrator).

    Run inside the loader's transaction, after staging and before anything is written."""
    if scope.role == ADMIN:
        return OutOfScope((), 0)
    if not may_load_kind(scope, kind):
        raise ValueError(f"{scope.role} no carga archivos de tipo {kind}")
    if kind in _BY_GOAL:
        query, params = _outside_ministries("codigo_meta", "metas"), [list(scope.ministries)]
        reason = "la meta {} no es de su ministerio."
    elif kind in _BY_SERVICE:
        query, params = _outside_ministries("servicio", "instituciones"), [list(scope.ministries)]
        reason = "el servicio {} no es de su ministerio."
    elif kind in _BY_REGION:
        query = compose(
            "SELECT source_line, codigo_compromiso || ' (región ' || coalesce(region, '—')"
            " || ')' FROM {final} WHERE region IS DISTINCT FROM ?",
            final=FINAL,
        )
        params = [scope.region]
        reason = "el compromiso {} es de otra región, no de la suya."
    elif kind in _BY_COMMITMENT:
        query, params = _outside_region(), [scope.region]
        reason = "el seguimiento es del compromiso {}, de otra región, no de la suya."
    else:  # a kind given to a role above without a rule here
        raise ValueError(f"sin regla de alcance para {kind}")
    counted = one(con, compose("SELECT count(*) FROM ({query})", query=query), params)
    total = int(counted[0]) if counted else 0
    if not total:
        return OutOfScope((), 0)
    rows = con.execute(
        compose("{query} ORDER BY 1 LIMIT ?", query=query), [*params, shown]
    ).fetchall()
    return OutOfScope(tuple((int(line), reason.format(value)) for line, value in rows), total)


def _outside_region() -> str:
    """Staged follow-ups whose commitment (current version) is not of the bound region; a code
    that names no current commitment is outside too."""
    return compose(
        "SELECT f.source_line, f.codigo_compromiso || ' (región ' || coalesce(c.region, '—')"
        " || ')' FROM {final} f LEFT JOIN (SELECT codigo_compromiso, any_value(region) AS region"
        " FROM compromisos WHERE valid_to IS NULL GROUP BY codigo_compromiso) c"
        " ON c.codigo_compromiso = f.codigo_compromiso WHERE c.region IS DISTINCT FROM ?",
        final=FINAL,
    )


def _outside_ministries(column: str, table: str) -> str:
    """Staged rows whose goal or service is not one of the bound ministries' (current
    version); a code that names nothing current is outside too."""
    return compose(
        "SELECT f.source_line, f.{col} FROM {final} f LEFT JOIN"
        " (SELECT {col}, any_value(ministerio) AS ministerio FROM {table}"
        " WHERE valid_to IS NULL GROUP BY {col}) t ON t.{col} = f.{col}"
        " WHERE t.ministerio IS NULL OR NOT list_contains(?::VARCHAR[], t.ministerio)",
        col=ident(column),
        final=FINAL,
        table=ident(table),
    )
