"""Everything the goal page shows, read in one cursor and computed by the indicators.

`load_goal_page` is the one function the page hands to `dashboard.server.database.run`. It
reads only this goal's rows (warehouse.goal_detail) and runs the same pure functions as the
scorecard (indicators.scorecard.evaluate_goals, goal_regions.evaluate_goal_regions), so the
lights here always agree with the goals list and the weekly review.

Choices: bottlenecks and milestones are judged at the end of the as-of month, as the management
light is; the projection and the line use the same points as indicators.projection. What the
page reads is the same for every month and toggle, so it is kept per data version and scope
(`READS`): a meeting stepping through months reads the warehouse once per goal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard.server.cache import VALUES, Memo, data_version
from dashboard.server.defaults import (
    bottleneck_day,
    format_month,
    parse_day,
    parse_month,
    read_defaults,
)
from dashboard.ui.goal_charts import milestone_columns, milestone_days
from dashboard.ui.goal_format import value_digits
from indicators import progress as pg
from indicators.bottlenecks import STATUS_COLUMNS, BottleneckArrays, status_columns
from indicators.goal_regions import evaluate_goal_regions
from indicators.goals import Goal, month_dates
from indicators.months import month_end
from indicators.scorecard import GOAL_COLUMNS, GoalInputs, first_row
from warehouse import catalog, provenance
from warehouse import goal_detail as q


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
    judged_at: date | None = None  # the day bottlenecks and milestones are judged, if not the
    # end of the as-of month: a weekly review's date (defaults.bottleneck_day)

    @property
    def cut(self) -> date:
        return self.judged_at or month_end(self.as_of)


@dataclass(frozen=True)
class GoalReads:
    """This goal's rows in the warehouse, whatever the month: never changed by the page."""

    goals: pd.DataFrame  # the current metas row
    progress: pd.DataFrame  # every month, with lineage
    bottlenecks: pd.DataFrame
    milestones: pd.DataFrame
    names: pd.DataFrame  # the regions' codes, short names and order
    ministry_slug: str
    basis: GoalBasis  # what the page derives from these rows whatever the month


@dataclass(frozen=True)
class GoalBasis:
    """What the page computes from the goal's rows whatever the month and toggle, kept with
    them: a build then only judges the month (a pandas step costs ~0.1 ms whatever it does,
    and rebuilding these took most of a build).

    Frames handed to a page are shallow copies (copy-on-write): a page that altered one could
    not alter the kept one."""

    record: dict[str, Any]
    goal: Goal
    inputs: GoalInputs  # the scorecard's arrays of this goal
    series: pd.DataFrame  # the headline rows
    digits: int
    region_names: dict[str, str]
    breakdown: bool  # regional rows other than the goal's own region
    region_places: dict[str, tuple[str, float]]  # code -> (short name, north-to-south order)
    milestone_days: tuple[np.ndarray, np.ndarray]  # fecha_programada, fecha_cumplida
    milestones: pd.DataFrame  # with estado_hito and dias_atraso to be replaced per cut
    bottlenecks: pd.DataFrame  # the goal's rows as read
    bottleneck_arrays: BottleneckArrays
    raised: dict[bytes, pd.DataFrame] = field(default_factory=dict)  # see `raised_by`

    @classmethod
    def of(
        cls,
        goals: pd.DataFrame,
        progress: pd.DataFrame,
        bottlenecks: pd.DataFrame,
        milestones: pd.DataFrame,
        names: pd.DataFrame,
    ) -> GoalBasis:
        record = goals.iloc[0].to_dict()
        goal = Goal.from_record(record)
        inputs = GoalInputs.of(goals, progress, bottlenecks)
        series = pg.select_headline_rows(progress, inputs.rows, inputs.series)
        codes, short = names["codigo"].tolist(), names["nombre_corto"].tolist()
        planned, done = milestone_days(milestones)
        scope = goals["ambito"].iloc[0]
        actual, planned_values = series["valor_real"], series["valor_programado"]
        return cls(
            record=record,
            goal=goal,
            inputs=inputs,
            series=series,
            digits=value_digits([goal.linea_base, goal.valor_meta, *actual, *planned_values]),
            region_names=dict(zip(codes, short, strict=True)),
            breakdown=bool((progress["region"].notna() & (progress["region"] != scope)).any()),
            region_places=dict(
                zip(codes, zip(short, names["orden"].tolist(), strict=True), strict=True)
            ),
            milestone_days=(planned, done),
            milestones=milestones.assign(**milestone_columns(planned, done, date.min)),
            bottlenecks=bottlenecks,
            bottleneck_arrays=BottleneckArrays.of(bottlenecks),
        )

    def milestones_at(self, cut: date) -> pd.DataFrame:
        """milestone_status(milestones, cut): the kept frame with its two columns replaced,
        cheaper than adding them (DataFrame.assign)."""
        judged = self.milestones.copy(deep=False)
        for name, values in milestone_columns(*self.milestone_days, cut).items():
            judged[name] = values
        return judged

    def raised_by(self, cut: date) -> pd.DataFrame:
        """Bottlenecks already raised on the cut day, with their status on that day (the
        bottlenecks.bottleneck_status columns). Which rows are raised changes only when a cut
        passes an alert date, so the rows are kept per set raised (at most one more than the
        bottlenecks) and only the status columns are replaced per cut."""
        raised = self.bottleneck_arrays.alert <= np.datetime64(cut)
        key = raised.tobytes()
        rows = self.raised.get(key)
        if rows is None:
            rows = self.bottlenecks[raised].reset_index(drop=True)
            rows = rows.assign(**dict.fromkeys(STATUS_COLUMNS, False))
            self.raised[key] = rows
        judged = rows.copy(deep=False)
        for name, values in status_columns(self.bottleneck_arrays.take(raised), cut).items():
            judged[name] = values
        return judged


# Per (data version and scope, goal code); a new snapshot is a new version.
READS = Memo(VALUES, 128)


def goal_reads(con: duckdb.DuckDBPyConnection, codigo: str) -> GoalReads | None:
    """The goal's reads, kept per data version; None when no current goal has this code."""
    return READS.get((data_version(con), codigo), lambda: _read_goal(con, codigo))


def _read_goal(con: duckdb.DuckDBPyConnection, codigo: str) -> GoalReads | None:
    goals = q.goal(con, codigo)
    if goals.empty:
        return None
    progress = q.progress_with_lineage(con, codigo)
    bottlenecks = provenance.with_sources(
        q.goal_bottlenecks(con, codigo),
        provenance.bottleneck_sources(con, codigo),
        "codigo_restriccion",
    )
    milestones = q.goal_milestones(con, codigo)
    names = q.region_names(con)
    return GoalReads(
        goals=goals,
        progress=progress,
        bottlenecks=bottlenecks,
        milestones=milestones,
        names=names,
        ministry_slug=_slug(con, goals["ministerio"].iloc[0]),
        basis=GoalBasis.of(goals, progress, bottlenecks, milestones, names),
    )


def load_goal_page(
    con: duckdb.DuckDBPyConnection,
    codigo: str,
    month_text: str | None = None,
    validated_only: bool = True,
    day_text: str | None = None,
) -> GoalPage | None:
    """The page's data at the month the URL names ('2025-05'; the data-driven default of
    dashboard.server.defaults when missing or invalid), or None when no current goal has this code.

    Bottlenecks and milestones are judged on the day `day_text` names (a review's date, from
    the review's links: '2025-06-18', not before the month), else on the day every goal screen
    uses (defaults.bottleneck_day), so this page shows the light and the bottlenecks the review
    showed."""
    reads = goal_reads(con, codigo)
    if reads is None:
        return None
    basis = reads.basis
    defaults = read_defaults(con)
    month = parse_month(month_text, defaults.as_of)
    day = judging_day(month, day_text, defaults.review_to)
    inputs = basis.inputs
    score = first_row(inputs.columns(month, validated_only, day), GOAL_COLUMNS)
    rows = inputs.rows
    points = pg.recent_values(inputs.series, rows, rows.reported(validated_only), month)
    cut = day or month_end(month)
    return GoalPage(
        record=dict(basis.record),
        goal=basis.goal,
        as_of=month,
        validated_only=validated_only,
        score=score,
        series=basis.series.copy(deep=False),
        fit=(month_dates(points.month), points.value.tolist()),
        milestones=basis.milestones_at(cut),
        bottlenecks=basis.raised_by(cut),
        regions=_regions(reads, month, validated_only, day),
        region_names=dict(basis.region_names),
        months=list(defaults.months),
        month_invalid=bool(month_text) and format_month(month) != str(month_text).strip(),
        ministry_slug=reads.ministry_slug,
        digits=basis.digits,
        last_load=defaults.last_load,
        judged_at=day,
    )


def judging_day(month: date, day_text: str | None, review_to: date) -> date | None:
    """The day the URL names when it is a valid day of the month or after, else the review
    rule's day (None: the end of the month)."""
    day = parse_day(day_text, date.min) if day_text else date.min
    return day if day >= month else bottleneck_day(month, review_to)


def _slug(con: duckdb.DuckDBPyConnection, ministerio: str) -> str:
    """The ministry page's own slug (unique across ministries, see warehouse.catalog)."""
    slugs = catalog.ministry_slugs(catalog.ministry_names(con))
    found = [slug for slug, name in slugs.items() if name == ministerio]
    return found[0] if found else catalog.slugify(ministerio)


def _regions(
    reads: GoalReads, month: date, validated_only: bool, day: date | None = None
) -> pd.DataFrame:
    """The regional scorecard rows of this goal, north to south, with the regions' names."""
    if not reads.basis.breakdown:
        return pd.DataFrame()  # no breakdown: national rows, or only the goal's own region
    regions = evaluate_goal_regions(
        reads.goals,
        reads.progress,
        reads.bottlenecks,
        month,
        validated_only=validated_only,
        bottlenecks_at=day,
    )
    where = reads.basis.region_places
    found = [where.get(region, (region, np.nan)) for region in regions["region"].tolist()]
    named = regions.assign(nombre_region=[name for name, _ in found])
    # North to south; a region missing from the territory table goes last.
    return named.iloc[np.argsort(np.array([o for _, o in found], dtype=float), kind="stable")]
