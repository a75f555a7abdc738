"""The goals table's filters as data: read from the URL, applied to the board, described.

Each filter is a URL parameter with a plain value (a ministry slug, an area token, a region
code, a light, a manager's name), so a pasted link reproduces the view. A value that the data
do not offer (a typo, a ministry that no longer has goals) is dropped, never an error: the
caption then shows which filters are really active.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from urllib.parse import urlencode

import pandas as pd

from dashboard.server.board import GoalBoard, goals_in_region
from dashboard.ui.components import LIGHT_ORDER, light_word
from warehouse.vocabulary import AREA_LABELS

LABELS = {
    "ministerio": "Ministerio",
    "area": "Área temática",
    "region": "Región",
    "semaforo": "Semáforo",
    "gerente": "Gerente",
}


@dataclass(frozen=True)
class GoalFilters:
    """One optional value per filter; None = no filter."""

    ministerio: str | None = None  # slug
    area: str | None = None  # area token ('social')
    region: str | None = None  # region code ('05')
    semaforo: str | None = None  # overall light ('rojo')
    gerente: str | None = None

    @classmethod
    def from_query(cls, args: dict[str, object], board: GoalBoard) -> GoalFilters:
        """The filters a URL asks for, keeping only values the board offers."""
        offered = options(board)
        kept = {}
        for f in fields(cls):
            value = str(args.get(f.name) or "").strip()
            kept[f.name] = value if value in {o["value"] for o in offered[f.name]} else None
        return cls(**kept)

    def query(self) -> dict[str, str]:
        """The URL parameters of the active filters, in a fixed order."""
        return {k: v for k, v in asdict(self).items() if v}

    def search(self, **first: str) -> str:
        """'?mes=2025-05&ministerio=salud&semaforo=rojo' (`first` = parameters that go before
        the filters, such as the month), or '' when there is nothing to say."""
        query = {**{k: v for k, v in first.items() if v}, **self.query()}
        return "?" + urlencode(query) if query else ""

    def describe(self, board: GoalBoard) -> dict[str, str | None]:
        """{label: shown value} for dashboard.ui.components.caption."""
        shown = {
            "ministerio": board.ministry_by_slug.get(self.ministerio or ""),
            "area": AREA_LABELS.get(self.area or ""),
            "region": board.region_names.get(self.region or ""),
            "semaforo": light_word(self.semaforo) if self.semaforo else None,
            "gerente": self.gerente,
        }
        return {LABELS[k]: v for k, v in shown.items()}


def options(board: GoalBoard) -> dict[str, list[dict[str, str]]]:
    """Dropdown options per filter, from the goals on the board (no ministry, area, region or
    manager is offered that would give an empty table on its own); every light is offered."""
    goals = board.goals
    slugs = board.slug_by_ministry
    names = board.region_names
    with_goals = set(goals["ambito"]) | set(board.regional["region"])
    ministries = sorted(set(goals["ministerio"]))
    areas = [a for a in AREA_LABELS if a in set(goals["area_tematica"].dropna())]
    return {
        "ministerio": [{"label": m, "value": slugs[m]} for m in ministries],
        "area": [{"label": AREA_LABELS[a], "value": a} for a in areas],
        "region": [{"label": n, "value": c} for c, n in names.items() if c in with_goals],
        "semaforo": [{"label": light_word(light), "value": light} for light in LIGHT_ORDER],
        "gerente": [{"label": g, "value": g} for g in sorted(set(goals["gerente"].dropna()))],
    }


def apply(board: GoalBoard, filters: GoalFilters) -> pd.DataFrame:
    """The goals that pass every filter. With a region, each goal carries the figures that
    count for that region (board.goals_in_region), and the light filter judges those."""
    goals = goals_in_region(board, filters.region) if filters.region else board.goals
    mask = pd.Series(True, index=goals.index)
    if filters.ministerio:
        mask &= goals["ministerio"] == board.ministry_by_slug.get(filters.ministerio)
    if filters.area:
        mask &= goals["area_tematica"] == filters.area
    if filters.semaforo:
        mask &= goals["estado"] == filters.semaforo
    if filters.gerente:
        mask &= goals["gerente"] == filters.gerente
    return goals[mask].reset_index(drop=True)
