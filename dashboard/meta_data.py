"""Everything the goal page shows, read in one cursor and computed by the indicators.

`load_goal_page` is the one function the page hands to `dashboard.data.run`. It reads only
this goal's rows (warehouse.goal_detail) and runs the same pure functions as the scorecard
(indicators.scorecard.evaluate_goals, goal_regions.evaluate_goal_regions), so the lights here
always agree with the goals list and the weekly review.

Choices: bottlenecks and milestones are judged at the end of the as-of month, as the management
light is; the projection and the line use the same points as indicators.projection. What the
page reads is the same for every month and toggle, so it is kept per data version and scope
(`READS`): a meeting stepping through months reads the warehouse once per goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard.defaults import format_month, parse_month, read_defaults
from dashboard.goal_charts import milestone_status
from dashboard.goal_format import value_digits
from dashboard.lru import LRU
from indicators import progress as pg
from indicators.bottlenecks import bottleneck_status
from indicators.goal_regions import evaluate_goal_regions
from indicators.goals import Goal, month_dates
from indicators.months import month_end
from indicators.scorecard import evaluate_goals
from warehouse import catalog
from warehouse import goal_detail as q
from warehouse.territory_catalog import data_version


@dataclass(frozen=True)
class GoalPage:
    """One goal at one as-of month, ready for the builders."""

    record: dict[str, Any]  # the metas row
    goal: Goal
    as_of: date
    validated_only: bool
    score: dict[str, Any]  # the goal's scorecard row (GOAL_COLUMNS)
    series: pd.DataFrame  # headline rows, one per month, all months, with lineage
    fit: tuple[list[date], list[float]]  # the points the projection used
    milestones: pd.DataFrame  # with estado_hito, dias_atraso
    bottlenecks: pd.DataFrame  # raised by the cut, with abierta, dias_abierta, escalar
    regions: pd.DataFrame  # REGION_COLUMNS + nombre_region (empty when no breakdown)
    months: list[date]  # months with national progress in the warehouse, newest first
    month_invalid: bool  # the URL named a month that could not be read (default shown)
    ministry_slug: str  # for the link to /ministerio/<slug>
    region_names: dict[str, str]  # region code -> short name
    digits: int  # decimals the goal's figures need
    last_load: datetime | None

    @property
    def cut(self) -> date:
        return month_end(self.as_of)


def headline_series(progress: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """The goal's headline rows (indicators.progress rule), one per month, national first."""
    rows = pg.MonthlyRows.from_frame(progress)
    return _headline(progress, rows, _series(rows, goals))


def _series(rows: pg.MonthlyRows, goals: pd.DataFrame) -> pg.SeriesRows:
    return pg.headline_series(
        rows, goals["codigo_meta"].to_numpy(dtype=object), goals["ambito"].to_numpy(dtype=object)
    )


def _headline(progress: pd.DataFrame, rows: pg.MonthlyRows, series: pg.SeriesRows) -> pd.DataFrame:
    chosen = np.flatnonzero(series.key >= 0)
    chosen = chosen[np.lexsort((series.priority[chosen], rows.month[chosen]))]
    chosen = chosen[pg.first_of_each(rows.month[chosen])]
    return progress.iloc[chosen].reset_index(drop=True)


@dataclass(frozen=True)
class GoalReads:
    """This goal's rows in the warehouse, whatever the month: never changed by the page."""

    goals: pd.DataFrame  # the current metas row
    progress: pd.DataFrame  # every month, with lineage
    bottlenecks: pd.DataFrame
    milestones: pd.DataFrame
    names: pd.DataFrame  # the regions' codes, short names and order
    ministry_slug: str


# Per (data version and scope, goal code); a new snapshot is a new version.
READS = LRU(128)


def goal_reads(con: duckdb.DuckDBPyConnection, codigo: str) -> GoalReads | None:
    """The goal's reads, kept per data version; None when no current goal has this code."""
    return READS.get((data_version(con), codigo), lambda: _read_goal(con, codigo))


def _read_goal(con: duckdb.DuckDBPyConnection, codigo: str) -> GoalReads | None:
    goals = q.goal(con, codigo)
    if goals.empty:
        return None
    return GoalReads(
        goals=goals,
        progress=q.progress_with_lineage(con, codigo),
        bottlenecks=q.goal_bottlenecks(con, codigo),
        milestones=q.goal_milestones(con, codigo),
        names=q.region_names(con),
        ministry_slug=_slug(con, goals["ministerio"].iloc[0]),
    )


def load_goal_page(
    con: duckdb.DuckDBPyConnection,
    codigo: str,
    month_text: str | None = None,
    validated_only: bool = True,
) -> GoalPage | None:
    """The page's data at the month the URL names ('2025-05'; the data-driven default of
    dashboard.defaults when missing or invalid), or None when no current goal has this code."""
    reads = goal_reads(con, codigo)
    if reads is None:
        return None
    goals, progress, raw_bottlenecks, names = (
        reads.goals, reads.progress, reads.bottlenecks, reads.names
    )  # fmt: skip
    defaults = read_defaults(con)
    month = parse_month(month_text, defaults.as_of)
    record = goals.iloc[0].to_dict()
    goal = Goal.from_record(record)
    rows = pg.MonthlyRows.from_frame(progress)
    headline = _series(rows, goals)
    series = _headline(progress, rows, headline)
    score = evaluate_goals(goals, progress, raw_bottlenecks, month, validated_only=validated_only)
    points = pg.recent_values(headline, rows, rows.reported(validated_only), month)
    cut = month_end(month)
    return GoalPage(
        record=record,
        goal=goal,
        as_of=month,
        validated_only=validated_only,
        score=score.iloc[0].to_dict(),
        series=series,
        fit=(month_dates(points.month), points.value.tolist()),
        milestones=milestone_status(reads.milestones, cut),
        bottlenecks=_raised_by(raw_bottlenecks, cut),
        regions=_regions(goals, progress, raw_bottlenecks, month, validated_only, names),
        region_names=dict(zip(names["codigo"], names["nombre_corto"], strict=True)),
        months=list(defaults.months),
        month_invalid=bool(month_text) and format_month(month) != str(month_text).strip(),
        ministry_slug=reads.ministry_slug,
        digits=value_digits(
            [goal.linea_base, goal.valor_meta, *series["valor_real"], *series["valor_programado"]]
        ),
        last_load=defaults.last_load,
    )


def _slug(con: duckdb.DuckDBPyConnection, ministerio: str) -> str:
    """The ministry page's own slug (unique across ministries, see warehouse.catalog)."""
    slugs = catalog.ministry_slugs(catalog.ministry_names(con))
    found = [slug for slug, name in slugs.items() if name == ministerio]
    return found[0] if found else catalog.slugify(ministerio)


def _raised_by(bottlenecks: pd.DataFrame, cut: date) -> pd.DataFrame:
    """Bottlenecks already raised on the cut day, with their status on that day."""
    raised = bottlenecks[pd.to_datetime(bottlenecks["fecha_alerta"]) <= pd.Timestamp(cut)]
    return bottleneck_status(raised, cut).reset_index(drop=True)


def _regions(
    goals: pd.DataFrame,
    progress: pd.DataFrame,
    bottlenecks: pd.DataFrame,
    month: date,
    validated_only: bool,
    names: pd.DataFrame,
) -> pd.DataFrame:
    """The regional scorecard rows of this goal, north to south, with the regions' names."""
    scope = goals["ambito"].iloc[0]
    if not (progress["region"].notna() & (progress["region"] != scope)).any():
        return pd.DataFrame()  # no breakdown: national rows, or only the goal's own region
    regions = evaluate_goal_regions(
        goals, progress, bottlenecks, month, validated_only=validated_only
    )
    codes = names["codigo"].tolist()
    where = dict(zip(codes, zip(names["nombre_corto"], names["orden"], strict=True), strict=True))
    found = [where.get(region, (region, np.nan)) for region in regions["region"].tolist()]
    named = regions.assign(nombre_region=[name for name, _ in found])
    # North to south; a region missing from the territory table goes last.
    return named.iloc[np.argsort(np.array([o for _, o in found], dtype=float), kind="stable")]
