"""The goal data behind the review, goals and ministry pages, read in one call per render.

`cached_board(cursor, as_of)` (`load_board`, kept) is what pages read inside
`dashboard.server.database.run`: the scorecard of every goal (indicators.goal_report) joined to the
goal's attributes (ministry, manager, area, scope), the per-region scorecard, the regions in
north-to-south order and the ministries with their URL slugs. The other functions are pure
pandas over that board.

A goal "of region R" (the region filter and the regional map) is either a goal whose `ambito`
is R, judged by its own figures, or a national goal with a regional breakdown for R, judged
by its figures for R (indicators.goal_regions). A regional goal's own figures win over a
breakdown row for the same region, so no goal is counted twice in a region.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

import duckdb
import numpy as np
import pandas as pd

from dashboard.server.cache import VALUES, Memo, data_version
from indicators import goal_report
from warehouse import catalog, places
from warehouse import goals as goal_queries

ATTRIBUTES = ["codigo_meta", "ministerio", "servicio", "area_tematica", "gerente", "ambito"]
# A regional row's own baseline and target, in the region's units, replace the goal's.
REGIONAL_RENAMES = {"linea_base_regional": "linea_base", "meta_regional": "valor_meta"}
NATIONAL = "nacional"
OWN_SCOPE = "meta regional"
BREAKDOWN = "desglose regional"


@dataclass(frozen=True)
class GoalBoard:
    """Every goal at one as-of month, and what the filters and maps need around it."""

    as_of: date
    goals: pd.DataFrame  # scorecard.GOAL_COLUMNS + ATTRIBUTES, one row per goal
    regional: pd.DataFrame  # goal_regions.REGION_COLUMNS, one row per (goal, region)
    regions: pd.DataFrame  # codigo, nombre_corto, in north-to-south order
    ministries: pd.DataFrame  # ministerio, slug, metas, servicios

    @cached_property
    def region_rows(self) -> pd.DataFrame:
        """region_goal_rows(self), computed once per board: a cached board serves many
        renders (the map's red share, each region page)."""
        return region_goal_rows(self)

    @property
    def region_names(self) -> dict[str, str]:
        return dict(zip(self.regions["codigo"], self.regions["nombre_corto"], strict=True))

    @property
    def ministry_by_slug(self) -> dict[str, str]:
        return dict(zip(self.ministries["slug"], self.ministries["ministerio"], strict=True))

    @property
    def slug_by_ministry(self) -> dict[str, str]:
        return dict(zip(self.ministries["ministerio"], self.ministries["slug"], strict=True))


def load_board(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    *,
    known_at: datetime | None = None,
    bottlenecks_at: date | None = None,
) -> GoalBoard:
    """The board at month `as_of`, with the data known at `known_at` (current when None)."""
    scorecard = goal_report.goal_scorecard(
        con, as_of, known_at=known_at, bottlenecks_at=bottlenecks_at
    )
    attributes = goal_queries.goals(con, known_at)[ATTRIBUTES]
    regional = goal_report.goal_region_scorecard(con, as_of, known_at=known_at)
    regions = places.territories(con, "region")[["codigo", "nombre_corto"]]
    return GoalBoard(
        as_of=as_of,
        goals=scorecard.merge(attributes, on="codigo_meta", how="left"),
        regional=regional,
        regions=regions,
        ministries=catalog.ministries(con),
    )


# How many of the board's goals the viewer reads every bottleneck of (warehouse.scope): lists of
# bottlenecks are then complete, partial, or hidden, and each says so instead of "none".
EVERY_BOTTLENECK, SOME_BOTTLENECKS, NO_BOTTLENECK = "todas", "algunas", "ninguna"


def bottleneck_reach(goals: pd.DataFrame) -> str:
    """EVERY_BOTTLENECK, SOME_BOTTLENECKS or NO_BOTTLENECK: whether the lists of bottlenecks
    shown beside these goals hold every one of them, a part, or none (sin acceso)."""
    hidden = goals["semaforo_gestion"].eq("sin_acceso").to_numpy(dtype=bool)
    if not hidden.any():
        return EVERY_BOTTLENECK
    return NO_BOTTLENECK if hidden.all() else SOME_BOTTLENECKS


# Boards per data version (snapshot, scope, day: cache.data_version), month, knowledge
# instant and bottleneck day: the review, goals, ministry, map and region pages all start from
# one (~70 ms to compute), and their filters only pick rows of it. Never changed by readers.
BOARDS = Memo(VALUES, 32)


def cached_board(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    *,
    known_at: datetime | None = None,
    bottlenecks_at: date | None = None,
) -> GoalBoard:
    key = (data_version(con), as_of, known_at, bottlenecks_at)
    return BOARDS.get(
        key, lambda: load_board(con, as_of, known_at=known_at, bottlenecks_at=bottlenecks_at)
    )


def region_goal_rows(board: GoalBoard) -> pd.DataFrame:
    """One row per (goal, region) for every region a goal belongs to (see module docstring):
    the goal's attributes with the figures that count for that region, and `cifras` saying
    whose figures they are (OWN_SCOPE or BREAKDOWN)."""
    goals = board.goals
    own = goals[goals["ambito"] != NATIONAL].assign(region=lambda f: f["ambito"], cifras=OWN_SCOPE)
    regional = board.regional.rename(columns=REGIONAL_RENAMES)
    figures = {c for c in regional.columns if c in goals.columns} - {"codigo_meta"}
    regional = regional.merge(
        goals[[c for c in goals.columns if c not in figures]], on="codigo_meta", how="inner"
    )
    regional = regional[regional["ambito"] != regional["region"]].assign(cifras=BREAKDOWN)
    columns = [*goals.columns, "region", "cifras"]
    parts = [frame[columns] for frame in (own, regional) if not frame.empty]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True).sort_values(
        ["region", "codigo_meta"], ignore_index=True
    )


def goals_in_region(
    board: GoalBoard, region: str, area: str | None = None, servicio: str | None = None
) -> pd.DataFrame:
    """The goals of one region with the figures that count there (one row per goal), of one
    thematic area and service when given."""
    rows = _chosen(board.region_rows, area, servicio)
    return rows[rows["region"] == region].sort_values("codigo_meta", ignore_index=True)


def _chosen(rows: pd.DataFrame, area: str | None, servicio: str | None) -> pd.DataFrame:
    """The rows of goals of one area and service (the territorial filters; goals have no
    product), filtered on the rows rather than on a copy of the board so that the board and
    its region rows stay cached once for every filter combination."""
    keep = np.ones(len(rows), dtype=bool)
    if area:
        keep &= (rows["area_tematica"] == area).to_numpy(dtype=bool)
    if servicio:
        keep &= (rows["servicio"] == servicio).to_numpy(dtype=bool)
    return rows if keep.all() else rows[keep]


def region_red_share(
    board: GoalBoard, area: str | None = None, servicio: str | None = None
) -> pd.DataFrame:
    """Per region (all 16, north to south): goals of the region (of one area and service when
    given), how many are rojo, and the share in rojo as a percentage (NaN for a region without
    goals: "sin datos", not 0 %; NaN and `sin_acceso` where the viewer may not read the light
    of one of its goals)."""
    rows = _chosen(board.region_rows, area, servicio)
    counts = (
        rows.assign(rojo=rows["estado"] == "rojo", oculta=rows["estado"] == "sin_acceso")
        .groupby("region")
        .agg(metas=("codigo_meta", "size"), rojas=("rojo", "sum"), ocultas=("oculta", "sum"))
    )
    frame = board.regions.rename(columns={"nombre_corto": "nombre"}).merge(
        counts, left_on="codigo", right_index=True, how="left"
    )
    frame["metas"] = frame["metas"].fillna(0).astype(int)
    frame["rojas"] = frame["rojas"].fillna(0).astype(int)
    # A region with a goal whose light the viewer may not read has no share: sin acceso.
    frame["sin_acceso"] = frame["ocultas"].fillna(0).astype(int) > 0
    share = frame["rojas"] / frame["metas"].where((frame["metas"] > 0) & ~frame["sin_acceso"])
    return frame.drop(columns="ocultas").assign(valor=share * 100).reset_index(drop=True)


def with_goal_names(frame: pd.DataFrame, board: GoalBoard) -> pd.DataFrame:
    """The frame with the goal's name as `nombre_meta` (milestones have a `nombre` of their own)."""
    names = board.goals[["codigo_meta", "nombre"]].rename(columns={"nombre": "nombre_meta"})
    return frame.merge(names, on="codigo_meta", how="left")
