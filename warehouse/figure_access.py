"""Which figures are true for which viewer: the decision per figure and role, and the per-goal
and per-region tests the screens use to show "sin acceso" instead of a number computed on part
of the rows (the row rules themselves are warehouse.scope's).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from warehouse.scope import (
    ADMIN,
    ANALISTA,
    GERENTE,
    MINISTERIO,
    PRESIDENCIA,
    PUBLICO,
    REGION,
    SISTEMA,
    Scope,
)

# A figure that sums or ranks rows is true for a viewer only when it is computed on rows that
# viewer reads *in full at that level*; otherwise it is shown as "sin acceso", never as a number
# or a light computed on the part the viewer happens to read. The decision per figure and role
# (docs/access.md prints this table; tests/dashboard/test_figure_access.py checks every cell on
# the pages):
#   ALL      computed on every row (the viewer's figure equals presidencia's);
#   OWN      computed on every row of the viewer's ministries, region or goals (gerente), which
#            it reads in full;
#            outside them: "sin acceso";
#   TOTALS   computed on the totals per region (REGION_TOTALS), which every staff role reads;
#   HIDDEN   "sin acceso" (or, for the overall light, rojo when the trajectory alone is rojo);
#   READABLE computed where every figure it uses is one the viewer reads (validated, or in its
#            ministries, region or goals: the avance_mensual rule above); else "sin acceso".
ALL, OWN, TOTALS, HIDDEN = "todo", "propio", "totales regionales", "sin acceso"
READABLE = "cifras que lee"
FORECASTS = "pronósticos y su precisión"  # the figure's row (warehouse.forecasts reads it)
DECISIONS = "decisiones del Grupo de Estrategia"
_STAFF = (PRESIDENCIA, MINISTERIO, REGION, ANALISTA, ADMIN, GERENTE)

_OWN_BOTTLENECKS = {
    PRESIDENCIA: ALL, MINISTERIO: OWN, REGION: OWN, ANALISTA: HIDDEN, ADMIN: HIDDEN,
    GERENTE: OWN, PUBLICO: HIDDEN,
}  # fmt: skip
_OWN_REGION_DETAIL = {
    PRESIDENCIA: ALL, MINISTERIO: ALL, REGION: OWN, ANALISTA: ALL, ADMIN: ALL, GERENTE: ALL,
    PUBLICO: HIDDEN,
}  # fmt: skip
FIGURE_ACCESS: Mapping[str, Mapping[str, str]] = {
    # Goals: validated figures are everyone's, the plan is public (lights use validated only).
    "avance, esperado y semáforo de trayectoria": dict.fromkeys((*_STAFF, PUBLICO), ALL),
    "semáforo de gestión, restricciones abiertas y por escalar": _OWN_BOTTLENECKS,
    "semáforo general (estado) y conteos de metas por semáforo": _OWN_BOTTLENECKS,
    # Territory.
    "cobertura, beneficiarios y gasto por región; Chile; σ, β y Gini entre regiones": {
        **_OWN_REGION_DETAIL, REGION: TOTALS,
    },
    "cifras por comuna; Theil entre y dentro de regiones": _OWN_REGION_DETAIL,
    "convergencia de servicios (sinergia), pares de servicios": _OWN_REGION_DETAIL,
    "compromisos del Gabinete Regional Ampliado": _OWN_REGION_DETAIL,
    # Notes on a goal: read by whoever reads the goal in full (the `notas` rules above).
    "notas de una meta y de sus restricciones": _OWN_BOTTLENECKS,
    # Decisions of the Grupo de Estrategia follow their bottleneck (review, goal, /decisiones).
    DECISIONS: _OWN_BOTTLENECKS,
    # Forecasts: pronóstico del mes pasado (goal page), precisión por ministerio (review).
    FORECASTS: {
        **dict.fromkeys(_STAFF, READABLE), PRESIDENCIA: ALL, PUBLICO: HIDDEN,
    },
}  # fmt: skip

# The frame columns that carry the bottleneck decision with the goals read for a viewer
# (warehouse.goals attaches them; indicators.scorecard and goal_regions honour them).
BOTTLENECKS_SEEN = "restricciones_visibles"
BOTTLENECKS_SEEN_REGION = "restricciones_visibles_region"


def bottlenecks_seen(
    key: tuple[object, ...], codigo_meta: np.ndarray, ministerio: np.ndarray, ambito: np.ndarray
) -> np.ndarray:
    """Per goal: whether the viewer of scope `key` reads every bottleneck of it (RULES above):
    a ministry reads its goals' bottlenecks, a region those of the goals whose ámbito it is,
    a goal manager those of the goals it manages."""
    role = key[0]
    size = len(ambito)
    if role in ("todo", SISTEMA, PRESIDENCIA):
        return np.ones(size, dtype=bool)
    if role == MINISTERIO:
        return np.isin(np.asarray(ministerio, dtype=object), list(key[1] or ()))
    if role == REGION:
        return np.asarray(ambito, dtype=object) == key[2]
    if role == GERENTE:
        return np.isin(np.asarray(codigo_meta, dtype=object), list(key[3] or ()))
    return np.zeros(size, dtype=bool)


def may_write_goal(scope: Scope, codigo_meta: str) -> bool:
    """Whether `scope` may enter figures of goal `codigo_meta` through forms or the API: a goal
    manager its own goals only; every other role loads files, nobody else writes through forms."""
    return scope.role == GERENTE and codigo_meta in scope.goals


def region_with_every_bottleneck(key: tuple[object, ...]) -> str | None:
    """The region whose bottlenecks a regional account reads in full (its goal breakdowns for
    that region are complete), None for every other scope."""
    return str(key[2]) if key[0] == REGION and key[2] else None


def reads_every_region(key: tuple[object, ...]) -> bool:
    """Whether comuna-level and per-region detail of every region is in scope (not REGION)."""
    return key[0] != REGION


def reads_region_detail(key: tuple[object, ...], region: str | None) -> bool:
    """Whether comunas, commitments and service convergence of `region` (of every region when
    None) are in scope in full: always but for a regional account outside its own region."""
    return reads_every_region(key) or (region is not None and region == key[2])
