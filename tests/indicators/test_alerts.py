"""The conditions mailed as alerts (indicators.alerts): which rows each one picks, the stable
subject that names each episode, and the grace days of a month not reported."""

from __future__ import annotations

from datetime import date

import pandas as pd

from indicators import alerts

GOALS = pd.DataFrame(
    {
        "codigo_meta": ["SAL-01", "SAL-02", "EDU-01"],
        "nombre": ["Camas", "Esperas", "Matrícula"],
        "ministerio": ["Ministerio de Salud", "Ministerio de Salud", "Ministerio de Educación"],
        "estado": ["rojo", "sin_acceso", "verde"],
        "semaforo_trayectoria": ["rojo", "verde", "verde"],
        "semaforo_gestion": ["amarillo", "sin_acceso", "verde"],
        "mes_reportado": pd.to_datetime(["2025-05-01", "2025-05-01", None]),
    }
)


def test_only_a_red_goal_is_red_never_one_the_viewer_cannot_read():
    (red,) = alerts.red_goals(GOALS)
    assert (red.subject, red.goal, red.ministry) == (
        "meta_roja:SAL-01",
        "SAL-01",
        "Ministerio de Salud",
    )
    assert "SAL-01 está en rojo" in red.title and "mayo 2025" in " ".join(red.lines)


def test_a_bottleneck_to_escalate_is_named_by_its_code():
    bottlenecks = pd.DataFrame(
        {
            "codigo_restriccion": ["R-1", "R-2"],
            "codigo_meta": ["SAL-01", "EDU-01"],
            "descripcion": ["Falta personal", "Licitación"],
            "responsable": ["Subsecretaría", None],
            "dias_abierta": [45, 10],
            "escalar": [True, False],
        }
    )
    (found,) = alerts.bottlenecks_to_escalate(bottlenecks, GOALS)
    assert found.subject == "restriccion_por_escalar:R-1"
    assert found.ministry == "Ministerio de Salud" and "45 días" in found.lines[0]


def test_a_late_milestone_is_past_its_date_and_not_fulfilled_on_the_day():
    milestones = pd.DataFrame(
        {
            "codigo_meta": ["SAL-01", "SAL-01", "EDU-01"],
            "codigo_hito": ["H1", "H2", "H1"],
            "nombre": ["Licitar", "Adjudicar", "Abrir"],
            "fecha_programada": pd.to_datetime(["2025-05-01", "2025-07-01", "2025-05-15"]),
            "fecha_cumplida": pd.to_datetime([None, None, "2025-05-10"]),
            "peso": [1.0, 1.0, 1.0],
        }
    )
    found = alerts.late_milestones(milestones, GOALS, date(2025, 6, 18))
    assert [a.subject for a in found] == ["hito_vencido:SAL-01:H1"]
    assert "01-05-2025" in found[0].title


def test_a_late_decision_goes_to_its_owner():
    decisions = pd.DataFrame(
        {
            "id": [3, 4],
            "codigo_restriccion": ["R-1", "R-9"],
            "codigo_meta": ["SAL-01", "EDU-01"],
            "ministerio": ["Ministerio de Salud", "Ministerio de Educación"],
            "texto": ["Reasignar presupuesto", "Convocar mesa"],
            "responsable": ["gerente", "Ministerio de Educación"],
            "tipo_responsable": ["cuenta", "ministerio"],
            "vence": pd.to_datetime(["2025-06-01", "2025-07-01"]),
            "estado": ["vencida", "abierta"],
            "dias_vencida": [17, None],
        }
    )
    (late,) = alerts.late_decisions(decisions)
    assert (late.subject, late.owner, late.owner_kind) == (
        "decision_vencida:3",
        "gerente",
        "cuenta",
    )
    assert "17 días de atraso" in late.lines[1]


def goal(start: str = "2025-01-01") -> dict[str, object]:
    return {
        "codigo_meta": "SAL-01",
        "nombre": "Camas",
        "ministerio": "Ministerio de Salud",
        "fecha_inicio": pd.Timestamp(start),
        "fecha_meta": pd.Timestamp("2026-12-01"),
    }


def figures(*months: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"mes": pd.to_datetime(list(months)), "region": [None] * len(months),
         "valor_real": [1.0] * len(months)}
    )  # fmt: skip


def test_a_month_is_unreported_only_after_its_grace_days():
    reported = figures("2025-02-01", "2025-03-01", "2025-04-01")
    # May ended on the 31st: with 10 days of grace it is owed from 11 June on, not before.
    assert alerts.unreported_months(goal(), reported, date(2025, 6, 10), 10) == []
    (may,) = alerts.unreported_months(goal(), reported, date(2025, 6, 11), 10)
    assert may.subject == "mes_sin_reporte:SAL-01:2025-05" and "mayo 2025" in may.title
    # Only the last months are looked at (older ones were alerted when they fell due).
    late = alerts.unreported_months(goal(), figures(), date(2025, 6, 11), 10)
    assert [a.subject[-7:] for a in late] == ["2025-03", "2025-04", "2025-05"]


def test_no_month_is_owed_before_the_goal_starts():
    assert alerts.unreported_months(goal("2025-06-01"), figures(), date(2025, 6, 20), 10) == []
