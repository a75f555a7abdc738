"""The weekly changes decomposed into causes: a revised figure is a revision, never progress."""

from __future__ import annotations

from datetime import date

import pandas as pd

from indicators.review_causes import (
    NEW_GOAL,
    OTHER,
    PLAN,
    REPORT,
    REVISION,
    TARGET,
    VALIDATION,
    decompose,
    is_progress,
    light_causes,
)

MAY, JUNE = pd.Timestamp(2025, 5, 1), pd.Timestamp(2025, 6, 1)


def version(code, mes, real, *, before, after, estado="validado", plan=40.0, region=None):
    return {"codigo_meta": code, "mes": mes, "region": region, "valor_programado": plan,
            "valor_real": real, "estado": estado, "antes": before, "despues": after}  # fmt: skip


def goal(code, target=100.0, deadline=date(2025, 12, 31), *, before, after, scope="nacional"):
    return {"codigo_meta": code, "nombre": code, "linea_base": 0.0, "valor_meta": target,
            "fecha_meta": pd.Timestamp(deadline), "ambito": scope, "antes": before,
            "despues": after}  # fmt: skip


def changes(progress, goals=(), scopes=None):
    empty_goals = pd.DataFrame(columns=[*goal("X", before=1, after=1)])
    return decompose(
        pd.DataFrame(progress), pd.DataFrame(list(goals)) if goals else empty_goals, scopes or {}
    )


def test_a_new_month_is_a_report_and_a_changed_old_month_is_a_revision():
    found = changes([
        version("G1", JUNE, 50.0, before=False, after=True),  # June reported this week
        version("G2", MAY, 25.0, before=True, after=False),  # May revised 25 → 38
        version("G2", MAY, 38.0, before=False, after=True),
    ])  # fmt: skip
    rows = found[["codigo_meta", "causa", "antes", "despues"]].values.tolist()
    assert rows == [["G1", REPORT, None, 50.0], ["G2", REVISION, 25.0, 38.0]]
    assert [is_progress(c) for c in found["causa"]] == [True, False]


def test_a_figure_reported_blank_before_then_filled_is_a_report():
    found = changes([
        version("G1", MAY, None, before=True, after=False),
        version("G1", MAY, 41.0, before=False, after=True),
    ])  # fmt: skip
    assert found["causa"].tolist() == [REPORT]


def test_validation_and_plan_changes_are_their_own_causes():
    found = changes([
        version("G1", MAY, 40.0, before=True, after=False, estado="reportado"),
        version("G1", MAY, 40.0, before=False, after=True, plan=45.0),
    ])  # fmt: skip
    assert found["causa"].tolist() == [VALIDATION, PLAN]
    assert found.loc[1, ["antes", "despues"]].tolist() == [40.0, 45.0]


def test_regional_breakdowns_do_not_count_but_a_regional_goal_own_rows_do():
    found = changes(
        [
            version("G1", MAY, 9.0, before=False, after=True, region="05"),  # breakdown
            version("R1", MAY, 7.0, before=False, after=True, region="05"),  # its own region
        ],
        scopes={"G1": "nacional", "R1": "05"},
    )
    assert found[["codigo_meta", "causa"]].values.tolist() == [["R1", REPORT]]


def test_a_version_known_on_neither_side_changes_nothing():
    assert changes([version("G1", MAY, 3.0, before=False, after=False)]).empty


def test_target_deadline_and_new_goals():
    found = changes(
        [],
        [
            goal("G1", before=True, after=False),
            goal("G1", 120.0, date(2026, 6, 30), before=False, after=True),
            goal("G9", before=False, after=True),
        ],
    )
    assert found[["codigo_meta", "causa", "campo"]].values.tolist() == [
        ["G1", TARGET, "fecha_meta"],
        ["G1", TARGET, "valor_meta"],
        ["G9", NEW_GOAL, "codigo_meta"],
    ]


def test_light_changes_carry_their_causes_or_other():
    lights = pd.DataFrame({"codigo_meta": ["G1", "G2"], "estado_anterior": ["rojo", "verde"],
                           "estado_actual": ["verde", "amarillo"]})  # fmt: skip
    found = changes([
        version("G1", MAY, 25.0, before=True, after=False),
        version("G1", MAY, 38.0, before=False, after=True),
        version("G1", JUNE, 50.0, before=False, after=True),
    ])  # fmt: skip
    assert light_causes(lights, found)["causas"].tolist() == [[REPORT, REVISION], [OTHER]]
