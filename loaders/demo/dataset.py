"""All the demo's tables, generated once from a seed and a date, before any file is written."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders.demo.bottlenecks import BottleneckBatches, bottleneck_batches
from loaders.demo.clock import DemoCalendar
from loaders.demo.deliveries import delivery_frame
from loaders.demo.follow_ups import follow_up_frame
from loaders.demo.goals import Goal, draw_goals, goals_frame
from loaders.demo.institutions import institutions_frame
from loaders.demo.milestones import MilestoneBatches, milestone_batches
from loaders.demo.population import population_frame
from loaders.demo.products import products_frame
from loaders.demo.progress import ProgressBatches, progress_batches
from loaders.demo.regional import CommitmentBatches, commitment_batches, pmg_stages
from loaders.geography import read_comunas


@dataclass(frozen=True)
class DemoData:
    calendar: DemoCalendar
    goals: list[Goal]
    institutions: pd.DataFrame
    products: pd.DataFrame
    metas: pd.DataFrame
    milestones: MilestoneBatches
    progress: ProgressBatches
    bottlenecks: BottleneckBatches
    population: pd.DataFrame
    deliveries: pd.DataFrame  # every month; split into the two loads when written
    commitments: CommitmentBatches
    follow_ups: pd.DataFrame  # seguimientos of some open commitments (second load)
    stages: pd.DataFrame

    @classmethod
    def generate(cls, seed: int, scale: int, calendar: DemoCalendar) -> DemoData:
        goals = draw_goals(seed)
        population = population_frame(seed)
        comunas = read_comunas()[["codigo_region", "nombre"]]
        commitments = commitment_batches(calendar, seed, pd.DataFrame(comunas))
        return cls(
            calendar=calendar,
            goals=goals,
            institutions=institutions_frame(),
            products=products_frame(scale),
            metas=goals_frame(goals),
            milestones=milestone_batches(goals, calendar, seed),
            progress=progress_batches(goals, calendar, seed),
            bottlenecks=bottleneck_batches(goals, calendar, seed),
            population=population,
            deliveries=delivery_frame(seed, scale, calendar.months, population),
            commitments=commitments,
            follow_ups=follow_up_frame(commitments.final, calendar, seed),
            stages=pmg_stages(calendar, seed),
        )
