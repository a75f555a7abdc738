"""The conditions that are mailed as alerts, each named by a stable subject.

Choices:
* A goal in red: its overall light (`estado`) is rojo at the as-of month; "sin acceso" never
  counts as red for anyone.
* A bottleneck to escalate: open, institutional, red and open more than 30 days on the day
  (indicators.bottlenecks), i.e. it was not solved in the ministry.
* A milestone overdue: past its date and not fulfilled on the day (indicators.review).
* A decision overdue: open past its due date (warehouse.decisions' `estado` 'vencida').
* A month not reported: a closed month of the goal's life with no national `valor_real` more
  than `grace_days` days after the month ended; only the last `window` months are looked at
  (older ones were alerted when they fell due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from indicators.figure_steps import due_months
from indicators.lights import ROJO
from indicators.review import overdue_milestones
from warehouse.vocabulary import month_label

GOAL_RED = "meta_roja"
TO_ESCALATE = "restriccion_por_escalar"
MILESTONE_LATE = "hito_vencido"
DECISION_LATE = "decision_vencida"
MONTH_UNREPORTED = "mes_sin_reporte"
KINDS = (GOAL_RED, TO_ESCALATE, MILESTONE_LATE, DECISION_LATE, MONTH_UNREPORTED)
GRACE_DAYS = 10
UNREPORTED_WINDOW = 3


@dataclass(frozen=True)
class Alert:
    subject: str  # the condition: kind and what it is about
    kind: str
    goal: str | None
    ministry: str | None
    title: str  # the mail's subject line, after "Alerta: "
    lines: tuple[str, ...]  # the mail's body
    owner: str | None = None  # a decision's responsible (an account name or a ministry)
    owner_kind: str | None = None  # 'cuenta' or 'ministerio'


def red_goals(goals: pd.DataFrame) -> list[Alert]:
    """Goals whose overall light is red (the board's rows: GOAL_COLUMNS and `ministerio`)."""
    found = []
    for row in goals[goals["estado"] == ROJO].to_dict("records"):
        code = str(row["codigo_meta"])
        found.append(
            Alert(
                f"{GOAL_RED}:{code}",
                GOAL_RED,
                code,
                _text(row.get("ministerio")),
                f"la meta {code} está en rojo",
                (
                    f"La meta {code} «{row['nombre']}» está en rojo.",
                    f"Semáforo de trayectoria: {row['semaforo_trayectoria']}; de gestión:"
                    f" {row['semaforo_gestion']}.",
                    f"Último mes reportado: {_month_name(row.get('mes_reportado'))}.",
                ),
            )
        )
    return found


def bottlenecks_to_escalate(bottlenecks: pd.DataFrame, goals: pd.DataFrame) -> list[Alert]:
    """Open institutional red bottlenecks older than 30 days (indicators.bottlenecks'
    `escalar` column), with their goal's ministry."""
    ministry = _ministries(goals)
    found = []
    for row in bottlenecks[bottlenecks["escalar"].fillna(False).astype(bool)].to_dict("records"):
        code, goal = str(row["codigo_restriccion"]), str(row["codigo_meta"])
        found.append(
            Alert(
                f"{TO_ESCALATE}:{code}",
                TO_ESCALATE,
                goal,
                ministry.get(goal),
                f"la restricción {code} de la meta {goal} lleva más de 30 días en rojo",
                (
                    f"La restricción {code} de la meta {goal} («{row['descripcion']}») está"
                    f" abierta hace {int(row['dias_abierta'])} días, en rojo y de nivel"
                    " institucional: no se resolvió en el ministerio y pasa al Grupo de"
                    " Estrategia.",
                    f"Responsable: {_text(row.get('responsable')) or 'sin responsable'}.",
                ),
            )
        )
    return found


def late_milestones(milestones: pd.DataFrame, goals: pd.DataFrame, day: date) -> list[Alert]:
    ministry = _ministries(goals)
    found = []
    for row in overdue_milestones(milestones, day).to_dict("records"):
        goal, code = str(row["codigo_meta"]), str(row["codigo_hito"])
        due = pd.Timestamp(row["fecha_programada"]).date()
        found.append(
            Alert(
                f"{MILESTONE_LATE}:{goal}:{code}",
                MILESTONE_LATE,
                goal,
                ministry.get(goal),
                f"el hito {code} de la meta {goal} venció el {due:%d-%m-%Y}",
                (
                    f"El hito {code} «{row['nombre']}» de la meta {goal} estaba programado para"
                    f" el {due:%d-%m-%Y} y no figura cumplido.",
                ),
            )
        )
    return found


def late_decisions(decisions: pd.DataFrame) -> list[Alert]:
    """Decisions past their due date and still open (warehouse.decisions' frame)."""
    found = []
    for row in decisions[decisions["estado"] == "vencida"].to_dict("records"):
        number, goal = int(row["id"]), str(row["codigo_meta"])
        due = pd.Timestamp(row["vence"]).date()
        found.append(
            Alert(
                f"{DECISION_LATE}:{number}",
                DECISION_LATE,
                goal,
                _text(row.get("ministerio")),
                f"la decisión n.º {number} sobre {row['codigo_restriccion']} venció el"
                f" {due:%d-%m-%Y}",
                (
                    f"Decisión n.º {number} del Grupo de Estrategia sobre la restricción"
                    f" {row['codigo_restriccion']} de la meta {goal}: «{row['texto']}».",
                    f"Responsable: {row['responsable']}. Vencía el {due:%d-%m-%Y} y sigue"
                    f" abierta ({int(row['dias_vencida'])} días de atraso).",
                ),
                owner=str(row["responsable"]),
                owner_kind=str(row["tipo_responsable"]),
            )
        )
    return found


def unreported_months(
    goal: dict[str, object],
    figures: pd.DataFrame,
    today: date,
    grace_days: int = GRACE_DAYS,
    window: int = UNREPORTED_WINDOW,
) -> list[Alert]:
    """The goal's national months owed more than `grace_days` after they ended (`figures`:
    its current monthly rows, with `mes`, `region`, `valor_real`)."""
    code = str(goal["codigo_meta"])
    owed = due_months(
        figures,
        _day(goal["fecha_inicio"]),
        _day(goal["fecha_meta"]),
        today - timedelta(days=grace_days),
        window=window,
    )
    return [
        Alert(
            f"{MONTH_UNREPORTED}:{code}:{month:%Y-%m}",
            MONTH_UNREPORTED,
            code,
            _text(goal.get("ministerio")),
            f"la meta {code} no tiene reporte de {_month_name(month)}",
            (
                f"La cifra nacional de {_month_name(month)} de la meta {code} «{goal['nombre']}»"
                f" no se ha reportado, {grace_days} días o más después del cierre del mes.",
                "Puede reportarla en /reportar/" + code + ".",
            ),
        )
        for month, region in owed
        if region is None
    ]


def _ministries(goals: pd.DataFrame) -> dict[str, str]:
    if goals.empty:
        return {}
    return {str(c): str(m) for c, m in zip(goals["codigo_meta"], goals["ministerio"], strict=True)}


def _month_name(value: object) -> str:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return "ninguno"
    return month_label(_day(value))


def _day(value: object) -> date:
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
