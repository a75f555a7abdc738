"""What the public pages (/publico, /publico/meta/<codigo>) read: validated figures only.

Citizens see the results that carry the seal of quality, nothing else. Three guards, each
enough on its own:

1. Every read runs on a cursor limited to the *public* scope (warehouse.scope), whoever is
   logged in: the public page is the same page for a minister and for an anonymous visitor,
   and its cursor cannot read an unvalidated row, a bottleneck or a territory table.
2. The functions here never ask for bottlenecks, lineage (files, lines), who reported or
   comments: the indicators run with an empty bottleneck frame, so the lights are the
   trajectory lights of the validated figures.
3. In pandas again, an actual value counts only on a row with `estado = 'validado'` (the other
   rows keep just their plan), and the frames handed to the builders keep only whitelisted
   columns.

Choices:
* The as-of month is the latest month with a validated national figure (what the public
  cursor's `read_defaults` returns). Each goal is judged at that month with its latest
  validated figure (spec: A = latest validated value at or before m), and its own last
  validated month is shown next to it.
* Regions are the goal breakdowns and regional goals of `dashboard.server.board`
  (`region_goal_rows`), judged by their own plan as in `indicators.goal_regions`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import pandas as pd

from dashboard.server import database
from dashboard.server.board import GoalBoard, region_goal_rows
from dashboard.server.cache import VALUES, Memo, data_version
from dashboard.server.defaults import read_defaults
from dashboard.ui.goal_charts import milestone_status
from dashboard.ui.goal_format import value_digits
from indicators import progress as pg
from indicators.goal_regions import evaluate_goal_regions
from indicators.goals import Goal
from indicators.months import month_end
from indicators.scorecard import evaluate_goals
from warehouse import goal_detail
from warehouse import goals as goal_queries
from warehouse.goal_revisions import promises
from warehouse.scope import Scope

P = ParamSpec("P")
T = TypeVar("T")

VALIDATED = "validado"
NATIONAL = "nacional"
# The columns of a goal a citizen sees (no manager: the person who reports is not published).
GOAL_FIELDS = [
    "codigo_meta", "nombre", "ministerio", "servicio", "area_tematica", "unidad", "sentido",
    "linea_base", "valor_meta", "fecha_inicio", "fecha_meta", "ambito", "umbral_verde",
    "umbral_amarillo",
]  # fmt: skip
# Figures per goal (or per goal and region) computed from validated figures.
SCORE_FIELDS = [
    "valor_actual", "mes_reportado", "valor_programado", "plan_interpolado", "avance",
    "esperado", "cumplimiento", "semaforo", "proyeccion", "en_riesgo", "pendiente",
]  # fmt: skip
PROGRESS_FIELDS = ["codigo_meta", "mes", "region", "valor_programado", "valor_real", "estado"]
MILESTONE_FIELDS = [
    "codigo_hito", "nombre", "fecha_programada", "fecha_cumplida", "estado_hito", "dias_atraso",
]  # fmt: skip
# A goal's promise and each revision of it (warehouse.goal_revisions), oldest first.
PROMISE_FIELDS = ["desde", "linea_base", "valor_meta", "fecha_meta", "original"]
REGIONAL_KEYS = ["codigo_meta", "region", "linea_base_regional", "meta_regional"]
# The light shown is the trajectory light: no bottleneck enters a public figure.
LIGHT_SOURCE = "semaforo_trayectoria"


def run_public(
    query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run `query` on a cursor of the public scope (guard 1 of the module docstring)."""
    return database.current_database().run(Scope.public(), query, *args, **kwargs)


def no_bottlenecks() -> pd.DataFrame:
    """An empty `restricciones` frame with the columns and types the indicators read."""
    return pd.DataFrame(
        {
            "codigo_meta": pd.Series(dtype=object),
            "region": pd.Series(dtype=object),
            "severidad": pd.Series(dtype=object),
            "nivel": pd.Series(dtype=object),
            "fecha_alerta": pd.Series(dtype="datetime64[us]"),
            "fecha_resolucion": pd.Series(dtype="datetime64[us]"),
        }
    )


def validated_progress(progress: pd.DataFrame) -> pd.DataFrame:
    """Every row's plan, and an actual value only where the figure is validated (guard 3);
    without who reported the rows or their comments.

    A plan is not a figure that needs the seal of quality (indicators.progress), so a row whose
    actual value awaits validation still gives its month's programmed value. (The public
    cursor of warehouse.scope currently drops such rows whole; then this keeps what is left.)"""
    rows = progress[PROGRESS_FIELDS].copy()
    rows["valor_real"] = rows["valor_real"].where(rows["estado"] == VALIDATED)
    return rows.reset_index(drop=True)


def _public_scores(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    scores = frame.rename(columns={LIGHT_SOURCE: "semaforo"})
    return scores[[*keys, *SCORE_FIELDS]]


@dataclass(frozen=True)
class PublicBoard:
    """Every goal at the as-of month, national and by region, from validated figures."""

    as_of: date | None  # None when nothing is validated yet
    goals: pd.DataFrame  # GOAL_FIELDS + SCORE_FIELDS, one row per goal
    by_region: pd.DataFrame  # the same columns + region, cifras: one row per (goal, region)
    regions: pd.DataFrame  # codigo, nombre_corto, north to south
    last_load: datetime | None

    @property
    def region_names(self) -> dict[str, str]:
        return dict(zip(self.regions["codigo"], self.regions["nombre_corto"], strict=True))

    def in_region(self, region: str) -> pd.DataFrame:
        """The goals with figures of their own for `region` (a regional goal, or a national
        goal's breakdown), with that region's figures and `cifras` saying which."""
        rows = self.by_region
        return rows[rows["region"] == region].reset_index(drop=True)

    def goals_per_region(self) -> dict[str, int]:
        counts = self.by_region["region"].value_counts()
        return {code: int(counts.get(code, 0)) for code in self.regions["codigo"]}


def _by_region(
    as_of: date, goals: pd.DataFrame, regional: pd.DataFrame, regions: pd.DataFrame
) -> pd.DataFrame:
    """board.region_goal_rows on the public frames (a regional goal's own figures win
    over a breakdown row for its own region)."""
    board = GoalBoard(
        as_of=as_of,
        goals=goals,
        regional=regional,
        regions=regions,
        ministries=pd.DataFrame(columns=["ministerio", "slug", "metas", "servicios"]),
    )
    return region_goal_rows(board)


def empty_board(
    regions: pd.DataFrame | None = None, last_load: datetime | None = None
) -> PublicBoard:
    """A board without results: nothing validated yet, or the database could not be read."""
    return PublicBoard(
        as_of=None,
        goals=pd.DataFrame(columns=[*GOAL_FIELDS, *SCORE_FIELDS]),
        by_region=pd.DataFrame(columns=[*GOAL_FIELDS, *SCORE_FIELDS, "region", "cifras"]),
        regions=pd.DataFrame(columns=["codigo", "nombre_corto"]) if regions is None else regions,
        last_load=last_load,
    )


# The /publico board per data version: every region or grouping of the page is cut from one
# board (~0.5 s to compute on the demo).
BOARDS = Memo(VALUES, 8)


def cached_board(con: duckdb.DuckDBPyConnection) -> PublicBoard:
    """`load_board`, kept per `data_version` (a new snapshot is a new key)."""
    return BOARDS.get(data_version(con), lambda: load_board(con))


def load_board(con: duckdb.DuckDBPyConnection) -> PublicBoard:
    """The /publico page's data, in one cursor."""
    defaults = read_defaults(con)
    regions = goal_detail.region_names(con)[["codigo", "nombre_corto"]]
    goals = goal_queries.goals(con)[GOAL_FIELDS]
    if not defaults.months or goals.empty:
        return empty_board(regions, defaults.last_load)
    as_of = defaults.as_of
    progress = validated_progress(goal_queries.progress(con, as_of))
    scores = evaluate_goals(goals, progress, no_bottlenecks(), as_of, validated_only=True)
    regional = evaluate_goal_regions(goals, progress, no_bottlenecks(), as_of, validated_only=True)
    board_goals = goals.merge(_public_scores(scores, ["codigo_meta"]), on="codigo_meta", how="left")
    regional = _public_scores(regional, REGIONAL_KEYS)
    by_region = _by_region(as_of, board_goals, regional, regions)
    return PublicBoard(as_of, board_goals, by_region, regions, defaults.last_load)


@dataclass(frozen=True)
class Trajectory:
    """One line of results of a goal: national (or the regional goal's own), or one region's."""

    goal: Goal  # for a region: its implied baseline and target (indicators.goal_regions)
    series: pd.DataFrame  # mes, valor_programado, valor_real, estado: validated rows only
    score: dict[str, Any]  # SCORE_FIELDS
    fit: tuple[list[date], list[float]]  # the points the projection used
    digits: int


@dataclass(frozen=True)
class PublicGoal:
    """One goal's public page: national results, milestones, the regional figures and the
    history of its promise."""

    record: dict[str, Any]  # GOAL_FIELDS
    as_of: date
    national: Trajectory
    milestones: pd.DataFrame  # MILESTONE_FIELDS
    regions: pd.DataFrame  # codigo_meta, region, nombre_region + SCORE_FIELDS, north to south
    region: str | None  # the region the URL asked for, when the goal has figures for it
    regional: Trajectory | None  # that region's results
    region_names: dict[str, str]
    last_load: datetime | None
    promises: pd.DataFrame  # PROMISE_FIELDS: the original promise, then each revision

    @property
    def revised(self) -> bool:
        """Whether the baseline, target or deadline changed since the goal was first loaded."""
        return len(self.promises) > 1

    @property
    def cut(self) -> date:
        return month_end(self.as_of)


def _points(rows: pd.DataFrame, as_of: date) -> tuple[list[date], list[float]]:
    points = pg.recent_points(rows, as_of, keys=rows.columns[0])
    return (
        [pd.Timestamp(m).date() for m in points["mes"]],
        [float(v) for v in points["valor_real"]],
    )


def _digits(goal: Goal, series: pd.DataFrame) -> int:
    return value_digits(
        [goal.linea_base, goal.valor_meta, *series["valor_real"], *series["valor_programado"]]
    )


def load_goal(
    con: duckdb.DuckDBPyConnection, codigo: str, region: str | None = None
) -> PublicGoal | None:
    """The /publico/meta/<codigo> page's data, or None when no current goal has this code
    or nothing has been validated yet."""
    found = goal_detail.goal(con, codigo)
    defaults = read_defaults(con)
    if found.empty or not defaults.months:
        return None
    goals = found[GOAL_FIELDS]
    record = goals.iloc[0].to_dict()
    as_of = defaults.as_of
    progress = validated_progress(goal_queries.progress(con, as_of, codigo_meta=codigo))
    scores = evaluate_goals(goals, progress, no_bottlenecks(), as_of, validated_only=True)
    goal = Goal.from_record(record)
    series = pg.headline_rows(progress, goals)
    national = Trajectory(
        goal=goal,
        series=series,
        score=_public_scores(scores, []).iloc[0].to_dict(),
        fit=_points(series[["codigo_meta", "mes", "valor_real"]].dropna(), as_of),
        digits=_digits(goal, series),
    )
    names = goal_detail.region_names(con)
    regions = _regions(goals, progress, as_of, names)
    chosen = region if region in set(regions["region"]) else None
    cut = month_end(as_of)
    milestones = milestone_status(goal_detail.goal_milestones(con, codigo), cut)
    return PublicGoal(
        record=record,
        as_of=as_of,
        national=national,
        milestones=milestones[MILESTONE_FIELDS].reset_index(drop=True),
        regions=regions,
        region=chosen,
        regional=None if chosen is None else _regional(goal, progress, regions, chosen, as_of),
        region_names=dict(zip(names["codigo"], names["nombre_corto"], strict=True)),
        last_load=defaults.last_load,
        promises=promises(con, codigo)[PROMISE_FIELDS].reset_index(drop=True),
    )


def _regions(
    goals: pd.DataFrame, progress: pd.DataFrame, as_of: date, names: pd.DataFrame
) -> pd.DataFrame:
    """The goal's regional figures (not its own region's, which are its headline), north to
    south; empty when the goal has no breakdown."""
    scope = goals["ambito"].iloc[0]
    columns = ["codigo_meta", "region", "nombre_region", "escala", *SCORE_FIELDS]
    if not (progress["region"].notna() & (progress["region"] != scope)).any():
        return pd.DataFrame(columns=columns)
    # All rows go in: a region's scale comes from its plan against the national one.
    scored = evaluate_goal_regions(goals, progress, no_bottlenecks(), as_of, validated_only=True)
    scored = scored[scored["region"] != scope]
    scored = _public_scores(scored, ["codigo_meta", "region", "escala"])
    named = scored.merge(names, left_on="region", right_on="codigo", how="left")
    named["nombre_region"] = named["nombre_corto"].fillna(named["region"])
    return named.sort_values("orden")[columns].reset_index(drop=True)


def _regional(
    goal: Goal, progress: pd.DataFrame, regions: pd.DataFrame, region: str, as_of: date
) -> Trajectory:
    """One region's results in its own units: its validated rows, and the goal's baseline and
    target brought to the region's scale (indicators.goal_regions)."""
    row = regions.loc[regions["region"] == region].iloc[0]
    scale = float(row["escala"]) or 1.0
    regional_goal = dataclasses.replace(
        goal, linea_base=goal.linea_base / scale, valor_meta=goal.valor_meta / scale
    )
    series = (
        progress.loc[progress["region"] == region, ["codigo_meta", "mes", "valor_programado",
                                                    "valor_real", "estado"]]
        .sort_values("mes")
        .reset_index(drop=True)
    )  # fmt: skip
    score = {name: row[name] for name in SCORE_FIELDS}
    return Trajectory(
        goal=regional_goal,
        series=series,
        score=score,
        fit=_points(series[["codigo_meta", "mes", "valor_real"]].dropna(), as_of),
        digits=_digits(goal, series),  # not the implied baseline's decimals
    )
