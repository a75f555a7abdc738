"""Figure builders and data of the goal detail page, without a browser.

Hand-made frames check what each figure draws (planned, validated and unvalidated figures,
projection, target, deadline, milestone rows); the demo warehouse checks that the page's
figures are the scorecard's figures, and that every monthly value carries its provenance.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.goal_page import data as goal_page_data
from dashboard.goal_page.data import load_goal_page
from dashboard.ui import goal_charts, goal_trajectory
from dashboard.ui.goal_charts import milestone_status
from dashboard.ui.goal_format import format_value, month_label, value_digits
from dashboard.ui.goal_trajectory import month_ticks, plan_points, projection_line
from indicators.goal_report import goal_region_scorecard, goal_scorecard
from indicators.goals import Goal
from indicators.months import month_end
from indicators.projection import project
from tests.support.figures import as_figure
from warehouse.db import connect

GOAL = Goal("M-1", "ascendente", 0.0, 100.0, date(2025, 1, 1), date(2025, 12, 31))
DOWN = Goal("M-2", "descendente", 500.0, 300.0, date(2025, 1, 1), date(2026, 6, 30))


def timeline_figure(*args, **kwargs) -> go.Figure:
    """The figure dict, checked to be plotly's own shape and read as a go.Figure."""
    return as_figure(goal_trajectory.timeline_figure(*args, **kwargs))


def milestones_figure(*args) -> go.Figure:
    return as_figure(goal_charts.milestones_figure(*args))


def region_bars(*args) -> go.Figure:
    return as_figure(goal_charts.region_bars(*args))


def series(values: list[tuple[str, float | None, float | None, str]]) -> pd.DataFrame:
    """(YYYY-MM, programado, real, estado) rows → the headline series frame the page uses."""
    return pd.DataFrame(
        [(pd.Timestamp(m + "-01"), p, r, e) for m, p, r, e in values],
        columns=["mes", "valor_programado", "valor_real", "estado"],
    )


SERIES = series(
    [
        ("2025-01", 8.0, 7.0, "validado"),
        ("2025-02", 16.0, 15.0, "validado"),
        ("2025-03", 25.0, 22.0, "validado"),
        ("2025-04", 33.0, 30.0, "reportado"),
        ("2025-05", 41.0, 40.0, "validado"),
        ("2025-06", 50.0, 48.0, "reportado"),
    ]
)


def trace(figure, prefix: str):
    """The trace named `prefix`, or else the only one whose name starts with it."""
    found = [t for t in figure.data if t.name == prefix] or [
        t for t in figure.data if t.name and t.name.startswith(prefix)
    ]
    assert len(found) == 1, [t.name for t in figure.data]
    return found[0]


def shape(figure, name: str):
    return next(s for s in figure.layout.shapes if s.name == name)


def fit(frame: pd.DataFrame, validated_only: bool) -> tuple[list[date], list[float]]:
    done = frame[frame["valor_real"].notna()]
    if validated_only:
        done = done[done["estado"] == "validado"]
    return [m.date() for m in done["mes"]], list(done["valor_real"])


def test_timeline_splits_validated_and_unvalidated_and_stops_at_the_cut() -> None:
    as_of = date(2025, 5, 1)
    figure = timeline_figure(
        GOAL, SERIES, as_of, validated_only=True, fit=fit(SERIES, True), projected=None
    )
    validated = trace(figure, "Real validado")
    unvalidated = trace(figure, "Real reportado, sin validar")
    assert [str(x)[:10] for x in validated.x] == ["2025-01-31", "2025-02-28", "2025-03-31",
                                                  "2025-05-31"]  # fmt: skip
    assert list(unvalidated.x) == [date(2025, 4, 30)]  # June is after the cut
    assert unvalidated.marker.symbol == "circle-open" and validated.marker.symbol == "circle"
    assert "(no cuenta)" in unvalidated.name
    # The line joins only what the lights count: validated figures.
    assert list(trace(figure, "Real").y) == [7.0, 15.0, 22.0, 40.0]

    everything = timeline_figure(
        GOAL, SERIES, as_of, validated_only=False, fit=fit(SERIES, False), projected=None
    )
    assert list(trace(everything, "Real").y) == [7.0, 15.0, 22.0, 30.0, 40.0]
    assert "(no cuenta)" not in trace(everything, "Real reportado").name


def test_timeline_has_target_deadline_cut_and_plan() -> None:
    figure = timeline_figure(
        GOAL, SERIES, date(2025, 5, 1), validated_only=True, fit=([], []), projected=None
    )
    assert shape(figure, "meta").y0 == 100.0
    assert shape(figure, "linea_base").y0 == 0.0
    assert shape(figure, "plazo").x0 == date(2025, 12, 31)
    assert shape(figure, "corte").x0 == date(2025, 5, 31)
    assert list(trace(figure, "Programado (interpolado").y)[-1] == pytest.approx(100.0)
    assert len(trace(figure, "Programado ").x) == 7  # June given, then July–December
    assert not [t for t in figure.data if t.name.startswith("Proyección")]  # no points: none
    texts = [a.text for a in figure.layout.annotations]
    assert "Plazo 31-12-2025" in texts and "Meta: 100" in texts and "Corte may 2025" in texts


@pytest.mark.parametrize("goal", [GOAL, DOWN], ids=["ascendente", "descendente"])
def test_projection_line_reaches_the_target_in_the_projected_month(goal: Goal) -> None:
    step = (goal.valor_meta - goal.linea_base) / 20
    months = [date(2025, m, 1) for m in range(1, 7)]
    values = [goal.linea_base + step * (i + 1) + (0.3 if i % 2 else -0.3) for i in range(6)]
    projected = project(goal, months, values).mes
    assert projected is not None
    xs, ys = projection_line(goal, months, values, projected)
    assert xs[0] == month_end(months[0]) and xs[-1] == month_end(projected)
    reached = [goal.direction * (y - goal.valor_meta) >= 0 for y in ys]
    assert reached[-1] and not reached[-2]  # first reached exactly at the projected month


def test_projection_needs_three_points_and_is_capped_after_the_deadline() -> None:
    assert projection_line(GOAL, [date(2025, 1, 1), date(2025, 2, 1)], [1.0, 2.0], None) is None
    slow = projection_line(GOAL, [date(2025, m, 1) for m in (1, 2, 3)], [1.0, 2.0, 3.0], None)
    assert slow is not None and slow[0][-1] == date(2025, 12, 31)  # no projection: deadline
    late = projection_line(
        GOAL, [date(2025, m, 1) for m in (1, 2, 3)], [1.0, 2.0, 3.0], date(2040, 1, 1)
    )
    assert late is not None and late[0][-1] == date(2026, 12, 31)  # deadline + 12 months


def test_plan_points_without_any_programmed_value_is_the_straight_line() -> None:
    no_plan = SERIES.assign(valor_programado=None)
    given, interpolated = plan_points(GOAL, no_plan)
    assert given.empty
    assert len(interpolated) == 12
    assert interpolated["valor_programado"].iloc[-1] == pytest.approx(100.0)
    assert interpolated["valor_programado"].is_monotonic_increasing


MILESTONES = pd.DataFrame(
    {
        "codigo_hito": ["H1", "H2", "H3", "H4", "H5"],
        "nombre": ["A tiempo", "Tarde", "Vencido", "Futuro", "Cumplido después del corte"],
        "fecha_programada": pd.to_datetime(
            ["2025-02-01", "2025-02-10", "2025-03-01", "2025-09-01", "2025-04-01"]
        ),
        "fecha_cumplida": pd.to_datetime(["2025-01-20", "2025-02-20", None, None, "2025-06-10"]),
    }
)


def test_milestone_status_on_the_cut_day() -> None:
    status = milestone_status(MILESTONES, date(2025, 5, 31))
    assert list(status["estado_hito"]) == [
        "cumplido", "cumplido_con_atraso", "atrasado", "pendiente", "atrasado",
    ]  # fmt: skip
    assert list(status["dias_atraso"]) == [0, 10, 91, 0, 60]


def test_gantt_has_one_row_per_milestone_and_marks_delays() -> None:
    cut = date(2025, 5, 31)
    figure = milestones_figure(milestone_status(MILESTONES, cut), cut)
    planned = trace(figure, "Fecha programada")
    assert len(planned.y) == len(MILESTONES) == len(figure.layout.yaxis.categoryarray)
    assert "⚠ Atrasado" in planned.y[2] and "○ Pendiente" in planned.y[3]
    done = trace(figure, "Fecha cumplida")
    assert list(done.x) == [date(2025, 1, 20), date(2025, 2, 20)]  # H5 was done after the cut
    late = trace(figure, "Atraso (⚠ Atrasado)")
    assert len(late.y) == 2 and list(late.x) == [91 * 86_400_000, 60 * 86_400_000]
    assert shape(figure, "corte").x0 == cut


def test_region_bars_write_the_light_on_each_bar() -> None:
    regions = pd.DataFrame(
        {
            "nombre_region": ["Valparaíso", "Biobío"],
            "avance": [0.5, float("nan")],
            "esperado": [0.6, 0.6],
            "estado": ["amarillo", "sin_informacion"],
        }
    )
    figure = region_bars(regions, {"amarillo": "Amarillo", "sin_informacion": "Sin información"})
    bars = trace(figure, "Avance")
    assert list(bars.y) == ["Valparaíso", "Biobío"]
    assert list(bars.text) == ["50 % · Amarillo", "— · Sin información"]


def test_month_ticks_and_formats() -> None:
    values, labels = month_ticks(date(2025, 1, 1), date(2025, 12, 31))
    assert values[0] == date(2025, 1, 31) and labels[:2] == ["ene 2025", "abr 2025"]
    assert month_label(date(2025, 9, 1)) == "septiembre 2025"
    assert format_value(1980000.0) == "1.980.000" and format_value(84.5, 1) == "84,5"
    assert format_value(None) == "—"
    assert value_digits([1980000.0, 1500000.0]) == 0 and value_digits([84.5, 90.0]) == 1
    assert value_digits([0.123456]) == 2


# --------------------------------------------------------------------------- demo warehouse


@pytest.fixture(scope="module")
def demo(demo_db: Path):
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("validated_only", [True, False])
def test_page_figures_are_the_scorecard_figures(demo, validated_only: bool) -> None:
    page = load_goal_page(demo, "SAL-01", "2025-05", validated_only)
    assert page is not None
    board = goal_scorecard(demo, date(2025, 5, 1), validated_only=validated_only)
    expected = board[board["codigo_meta"] == "SAL-01"].iloc[0].to_dict()
    for column in ("avance", "esperado", "estado", "semaforo_gestion", "proyeccion", "escalar"):
        assert page.score[column] == expected[column], column
    regional = goal_region_scorecard(demo, date(2025, 5, 1), validated_only=validated_only)
    regional = regional[regional["codigo_meta"] == "SAL-01"]
    assert len(page.regions) == len(regional) == 16
    assert page.regions["region"].iloc[0] == "15"  # north to south: Arica y Parinacota first


def test_every_monthly_value_has_its_provenance(demo) -> None:
    page = load_goal_page(demo, "SAL-01", None)
    assert page is not None and page.as_of == date(2025, 5, 1)  # the latest reported month
    assert page.series["region"].isna().all()  # the headline series is the national one
    assert page.series["archivo"].str.startswith("demo_avance_mensual_").all()
    assert page.series["source_line"].gt(1).all() and page.series["cargado_en"].notna().all()
    may = page.series[page.series["mes"] == pd.Timestamp("2025-05-01")].iloc[0]
    assert may["archivo"] == "demo_avance_mensual_2025-05.csv" and may["estado"] == "reportado"


def test_unknown_code_and_unreadable_month(demo) -> None:
    assert load_goal_page(demo, "NO-EXISTE", None) is None
    page = load_goal_page(demo, "SAL-01", "2025-13")
    assert page is not None and page.month_invalid and page.as_of == date(2025, 5, 1)
    earlier = load_goal_page(demo, "SAL-01", "2024-10")
    assert earlier is not None and not earlier.month_invalid
    assert earlier.score["mes_reportado"] == date(2024, 10, 1)


def test_a_goal_without_progress_milestones_or_bottlenecks(make_warehouse) -> None:
    con = connect(make_warehouse(), read_only=True)
    try:
        page = load_goal_page(con, "M-02", "2025-03")
    finally:
        con.close()
    assert page is not None
    assert page.series.empty and page.milestones.empty and page.bottlenecks.empty
    assert page.regions.empty and page.score["semaforo_trayectoria"] == "sin_informacion"
    figure = timeline_figure(
        page.goal, page.series, page.as_of, validated_only=True, fit=page.fit, projected=None
    )
    assert shape(figure, "plazo").x0 == date(2026, 3, 1)


def test_another_month_of_a_goal_reads_nothing_again_and_changes_no_kept_rows(
    demo, monkeypatch
) -> None:
    """The goal's reads are kept per data version: stepping through months in a meeting
    queries nothing again, and no computation may alter the rows other requests share."""
    goal_page_data.READS.clear()
    may = load_goal_page(demo, "SAL-01", "2025-05")
    kept = goal_page_data.goal_reads(demo, "SAL-01")
    assert may is not None and kept is not None

    def no_query(*_args: object) -> None:
        raise AssertionError("the warehouse was read again")

    monkeypatch.setattr(goal_page_data.q, "progress_with_lineage", no_query)
    monkeypatch.setattr(goal_page_data.q, "goal", no_query)
    for month in ("2024-10", "2025-02", "2025-05"):
        for validated_only in (True, False):
            assert load_goal_page(demo, "SAL-01", month, validated_only) is not None
    monkeypatch.undo()
    goal_page_data.READS.clear()
    fresh = goal_page_data.goal_reads(demo, "SAL-01")
    assert fresh is not None and fresh is not kept
    for name in ("goals", "progress", "bottlenecks", "milestones", "names"):
        pd.testing.assert_frame_equal(getattr(kept, name), getattr(fresh, name))
    assert load_goal_page(demo, "NO-EXISTE", None) is None
