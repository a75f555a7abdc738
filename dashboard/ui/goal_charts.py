"""Milestone calendar (Gantt) and regional bars of the goal page: pure functions of frames.

Every state is a symbol and a word ("⚠ Atrasado"), and the delay bars carry a hatch pattern,
so nothing depends on telling colours apart. Figures are plain dicts (dashboard.ui.figure_dict).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from dashboard.ui.figure_dict import Figure, FigureDict, trace
from dashboard.ui.goal_format import format_date, is_missing
from dashboard.ui.goal_trajectory import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    PURPLE,
    VERMILLION,
    add_vline,
    finish_layout,
    month_ticks,
)
from dashboard.ui.theme import TRAFFIC_LIGHT
from indicators.months import add_months, moments

MILESTONE_STATES = {  # estado -> (symbol + word, colour)
    "cumplido": ("✔ Cumplido", BLUE),
    "cumplido_con_atraso": ("✔ Cumplido con atraso", PURPLE),
    "atrasado": ("⚠ Atrasado", VERMILLION),
    "pendiente": ("○ Pendiente", GREY),
}


def milestone_status(milestones: pd.DataFrame, cut: date) -> pd.DataFrame:
    """Each milestone's state on day `cut`, as the weekly review judges it: cumplido when
    fecha_cumplida ≤ cut (con atraso if after fecha_programada), atrasado when fecha_programada
    < cut and not yet done, else pendiente; `dias_atraso` counts days late (done or not)."""
    return milestones.assign(**milestone_columns(*milestone_days(milestones), cut))


def milestone_days(milestones: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(fecha_programada, fecha_cumplida) as datetime64, NaT where not done: read once by a
    page that judges the same milestones at several cuts."""
    return moments(milestones["fecha_programada"]), moments(milestones["fecha_cumplida"])


def milestone_columns(planned: np.ndarray, done: np.ndarray, cut: date) -> dict[str, np.ndarray]:
    """The columns milestone_status adds (estado_hito, dias_atraso), on arrays: a frame
    operation per step cost the goal page more than the rest of its milestones."""
    day = np.datetime64(cut)
    is_done = done <= day  # NaT (not done) compares False
    late_done = is_done & (done > planned)
    overdue = ~is_done & (planned < day)
    state = np.select(
        [late_done, is_done, overdue], ["cumplido_con_atraso", "cumplido", "atrasado"], "pendiente"
    )
    delay = np.zeros(len(planned), dtype=np.int64)
    delay[late_done] = (done[late_done] - planned[late_done]) // np.timedelta64(1, "D")
    delay[overdue] = (day - planned[overdue]) // np.timedelta64(1, "D")
    return {"estado_hito": state, "dias_atraso": delay}


def milestones_figure(milestones: pd.DataFrame, cut: date) -> Figure:
    """Calendar (Gantt) of milestones, one row each: a hollow diamond on fecha_programada, a
    filled one on fecha_cumplida, and a bar over the days of delay (up to `cut` when still
    open). `milestones` carries estado_hito and dias_atraso (see milestone_status)."""
    # Each column is read once, as a list (a pandas step per row or state cost milliseconds).
    states = milestones["estado_hito"].tolist()
    labels = [
        f"{code} · {name}<br>{MILESTONE_STATES[state][0]}"
        for code, name, state in zip(
            milestones["codigo_hito"].tolist(), milestones["nombre"].tolist(), states,
            strict=True,
        )
    ]  # fmt: skip
    planned_days, done_days = milestone_days(milestones)
    planned: list[date] = planned_days.astype("datetime64[D]").tolist()
    done: list[date | None] = done_days.astype("datetime64[D]").tolist()  # None: NaT
    delays = milestones["dias_atraso"].tolist()
    figure = FigureDict()
    for state, (word, color) in MILESTONE_STATES.items():
        picked = [i for i, (s, d) in enumerate(zip(states, delays, strict=True))
                  if s == state and d > 0]  # fmt: skip
        if not picked:
            continue
        figure.add_trace(
            trace(
                "bar",
                orientation="h",
                y=[labels[i] for i in picked],
                base=[planned[i] for i in picked],
                x=[int(delays[i]) * 86_400_000 for i in picked],
                name=f"Atraso ({word})",
                marker={"color": color, "pattern": {"shape": "/"}},
                text=[f"{delays[i]} días" for i in picked],
                textposition="inside",
                hovertemplate="%{y}<br>%{text} de atraso<extra></extra>",
            )
        )
    figure.add_trace(
        trace(
            "scatter",
            x=planned,
            y=labels,
            mode="markers",
            name="Fecha programada",
            marker={"symbol": "diamond-open", "size": 14, "color": BLACK, "line": {"width": 2}},
            text=[format_date(d) for d in planned],
            hovertemplate="%{y}<br>programada %{text}<extra></extra>",
        )
    )
    reached = [i for i, d in enumerate(done) if d is not None and d <= cut]
    figure.add_trace(
        trace(
            "scatter",
            x=[done[i] for i in reached],
            y=[labels[i] for i in reached],
            mode="markers",
            name="Fecha cumplida",
            marker={"symbol": "diamond", "size": 14, "color": GREEN},
            text=[format_date(done[i]) for i in reached],
            hovertemplate="%{y}<br>cumplida %{text}<extra></extra>",
        )
    )
    add_vline(figure, cut, "corte", "Corte " + format_date(cut), "dot", BLACK)
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    days = planned + [d for d in done if d is not None] + [cut]
    figure.update_layout(barmode="overlay", showlegend=True)
    return finish_layout(
        figure, 140 + 52 * len(labels), month_ticks(min(days), add_months(max(days), 1))
    )


def region_bars(regions: pd.DataFrame, light_words: Mapping[str, str]) -> Figure:
    """Avance by region (true value, drawn as is) with the light written on each bar and a
    black tick on where the region should be today (esperado)."""
    # Each column read once (list(column) gives the same Python values).
    names = list(regions["nombre_region"])
    lights, avance = list(regions["estado"]), list(regions["avance"])
    colors = [TRAFFIC_LIGHT.get(s, GREY) for s in lights]
    text = [
        ("—" if is_missing(a) else f"{a * 100:.0f} %".replace(".", ","))
        + " · "
        + light_words.get(s, s)
        for a, s in zip(avance, lights, strict=True)
    ]
    figure = FigureDict(
        [
            trace(
                "bar",
                orientation="h",
                y=names,
                x=[0 if is_missing(a) else a * 100 for a in avance],
                marker={"color": colors},
                text=text,
                textposition="outside",
                name="Avance",
                hovertemplate="%{y}: %{text}<extra></extra>",
                cliponaxis=False,
            )
        ]
    )
    figure.add_trace(
        trace(
            "scatter",
            y=names,
            x=[None if is_missing(e) else e * 100 for e in regions["esperado"]],
            mode="markers",
            name="Esperado al corte",
            marker={"symbol": "line-ns-open", "size": 22, "color": BLACK, "line": {"width": 3}},
            hovertemplate="%{y}: esperado %{x:.0f} %<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title={"text": "Avance hacia la meta (%)"}, ticksuffix=" %")
    figure.update_layout(
        height=120 + 28 * len(names),
        margin={"l": 10, "r": 90, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        bargap=0.25,
    )
    return figure.to_dict()
