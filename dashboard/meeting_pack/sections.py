"""The pack's sections before the red goals' pages: title page, scorecard, changes by cause,
decisions, bottlenecks to escalate, milestones, commitments overdue by region.

Each takes the pack's data (dashboard.meeting_pack.data.Pack) and returns HTML text; words and
formats are the screen's (dashboard.ui), so a figure reads the same on paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import pandas as pd

from dashboard.meeting_pack.data import Pack
from dashboard.meeting_pack.markup import esc, section, sub, table, tag, text
from dashboard.server.board import NO_BOTTLENECK
from dashboard.server.defaults import day_label, month_label
from dashboard.ui.components import LIGHT_ORDER, light_word
from dashboard.ui.formatting import NO_ACCESS_HELP, format_datetime
from dashboard.ui.goal_format import format_value, is_missing
from dashboard.ui.goal_format import month_label as month_text
from dashboard.ui.goal_tables import day_text, light_counts
from indicators import review_causes as rc
from warehouse.scope import MINISTERIO, REGION, ROLE_LABELS, Scope

CAUSE_LABELS = {
    rc.REPORT: "Reporte mensual nuevo",
    rc.REVISION: "Revisión de una cifra anterior",
    rc.VALIDATION: "Cifra validada",
    rc.PLAN: "Cambio del valor programado",
    rc.TARGET: "Cambio de meta o plazo",
    rc.NEW_GOAL: "Meta nueva",
    rc.OTHER: "Restricciones o mes de corte",
}
FIELD_LABELS = {
    "valor_real": "cifra",
    "estado": "estado",
    "valor_programado": "programado",
    "valor_meta": "valor meta",
    "fecha_meta": "plazo",
    "linea_base": "línea base",
    "codigo_meta": "meta",
}
CAUSES_HELP = (
    "Cada cambio de las cifras y metas entre las dos revisiones, según su causa: solo un reporte "
    "mensual nuevo es avance; una revisión corrige una cifra que ya se conocía."
)


def filters_text(pack: Pack) -> str:
    ch = pack.review.changes
    return (
        f"Mes de corte: {month_label(pack.as_of)} · Revisión: {day_label(ch.desde)} → "
        f"{day_label(ch.hasta)}"
    )


def scope_text(scope: Scope, region_names: Mapping[str, str]) -> str:
    """Whose pack this is and what it may hold, in words."""
    role = ROLE_LABELS.get(scope.role, scope.role)
    who = f"{scope.user} — {role}" if scope.user else role
    if scope.role == MINISTERIO and scope.ministries:
        return (
            f"{who} ({', '.join(scope.ministries)}): cifras sin validar y restricciones "
            "solo de las metas de su ministerio."
        )
    if scope.role == REGION and scope.region:
        name = region_names.get(scope.region, scope.region)
        return f"{who} ({name}): restricciones y compromisos de su región."
    if scope.goals:
        return f"{who} ({', '.join(scope.goals)}): cifras sin validar de sus metas."
    return who + "."


def title_page(pack: Pack, scope: Scope, generated: datetime) -> str:
    ch = pack.review.changes
    rows = [
        ("Fecha de la revisión", day_label(ch.hasta)),
        ("Revisión anterior", day_label(ch.desde)),
        ("Mes de corte", month_label(pack.as_of)),
        ("Filtros", filters_text(pack)),
        ("Datos cargados", format_datetime(pack.defaults.last_load)),
        ("Generado", format_datetime(generated)),
        ("Alcance", scope_text(scope, pack.review.board.region_names)),
    ]
    facts = "".join(text("dt", k) + text("dd", v) for k, v in rows)
    body = (
        text("p", "Tablero de Metas y Territorio", "kicker")
        + text("h1", "Informe de la revisión semanal")
        + text("p", f"{day_label(ch.hasta)} · metas al mes de {month_label(pack.as_of)}", "lead")
        + tag("dl", facts, "facts")
        + text("p", "Cifras según se conocían al final de la fecha de la revisión.", "note")
    )
    return tag("section", body, "title-page", id="portada")


def light_cell(light: object) -> str:
    word = light_word(None if is_missing(light) else str(light))
    css = str(light) if not is_missing(light) else "none"
    return tag("span", esc(word), f"light light-{css}")


def goal_cell(code: object, name: object) -> str:
    return tag("span", esc(code), "code") + " " + esc(name)


def scorecard(pack: Pack) -> str:
    goals = pack.review.board.goals
    counts = light_counts(goals)
    cards = "".join(
        tag("div", tag("div", str(n), "big") + light_cell(light), "card")
        for light, n in counts.items()
    )
    order = {light: i for i, light in enumerate(LIGHT_ORDER)}
    ranked = goals.assign(_o=goals["estado"].map(order)).sort_values(["_o", "codigo_meta"])
    rows = [
        [
            goal_cell(r["codigo_meta"], r["nombre"]),
            light_cell(r["estado"]),
            esc(r.get("ministerio") or ""),
        ]
        for r in ranked.to_dict("records")
    ]
    body = tag("div", cards, "cards") + table(
        ["Meta", "Semáforo", "Ministerio"], rows, empty="No hay metas.", cls="scorecard"
    )
    return section("Metas por semáforo", body, len(goals), "scorecard-section")


def _value(row: Mapping[str, object], name: str) -> str:
    value = row.get(name)
    if is_missing(value):
        return "—"
    if row.get("campo") == "fecha_meta" or name == "mes":
        return day_text(value) if name != "mes" else esc(month_text(value))
    if isinstance(value, (int, float)):
        return format_value(float(value), 2 if float(value) % 1 else 0)
    return esc(value)


def changes(pack: Pack) -> str:
    ch = pack.review.changes
    names = dict(
        zip(pack.review.board.goals["codigo_meta"], pack.review.board.goals["nombre"], strict=True)
    )
    lights = [
        [
            goal_cell(r["codigo_meta"], r["nombre"]),
            light_cell(r["estado_anterior"]),
            light_cell(r["estado_actual"]),
            esc("; ".join(CAUSE_LABELS[c] for c in r["causas"])),
        ]
        for r in pack.light_changes.to_dict("records")
    ]
    causes = [
        [
            goal_cell(r["codigo_meta"], names.get(r["codigo_meta"], "")),
            tag("span", esc(CAUSE_LABELS[r["causa"]]), f"cause cause-{r['causa']}"),
            _value(r, "mes") if not is_missing(r["mes"]) else esc(FIELD_LABELS[r["campo"]]),
            _value(r, "antes"),
            _value(r, "despues"),
        ]
        for r in pack.causes.to_dict("records")
    ]
    title = f"Qué cambió desde la última revisión ({day_label(ch.desde)} → {day_label(ch.hasta)})"
    body = sub(
        "Metas que cambiaron de semáforo, y por qué",
        table(
            ["Meta", "Antes", "Ahora", "Causa"], lights, empty="Ninguna meta cambió de semáforo."
        ),
        len(lights),
    ) + sub(
        "Cambios de cifras y metas por causa",
        text("p", CAUSES_HELP, "help")
        + table(
            ["Meta", "Causa", "Mes o dato", "Antes", "Ahora"],
            causes,
            numeric=(3, 4),
            empty="No cambió ninguna cifra ni meta.",
        ),
        len(causes),
    )
    return section(title, body, cls="changes")


def decisions_section(decisions: Sequence[Mapping[str, object]]) -> str:
    """Decisions of the Grupo de Estrategia open and overdue (part 1 of the weekly meeting):
    each a mapping with texto, responsable, fecha_compromiso (a date), vencida (bool) and,
    optionally, codigo_meta. The pack is given an empty list until decisions exist."""
    rows = [
        [
            esc(d.get("codigo_meta") or ""),
            esc(d.get("texto")),
            esc(d.get("responsable")),
            esc(day_text(d.get("fecha_compromiso"))),
            tag("span", "vencida", "overdue") if d.get("vencida") else "abierta",
        ]
        for d in decisions
    ]
    body = table(
        ["Meta", "Decisión", "Responsable", "Plazo", "Estado"],
        rows,
        empty="No hay decisiones abiertas ni vencidas.",
    )
    return section("Decisiones abiertas y vencidas", body, len(rows), "decisions")


def bottleneck_rows(frame: pd.DataFrame) -> list[list[str]]:
    return [
        [
            goal_cell(r["codigo_meta"], r.get("nombre_meta") or ""),
            tag("span", esc(r["codigo_restriccion"]), "code") + " " + esc(r["descripcion"]),
            esc(r.get("responsable") or "—"),
            esc(f"{int(r['dias_abierta'])} días") if not is_missing(r.get("dias_abierta")) else "—",
        ]
        for r in frame.to_dict("records")
    ]


def escalate(pack: Pack) -> str:
    review = pack.review
    if review.reach == NO_BOTTLENECK:
        return section(
            "Restricciones para escalar al Grupo de Estrategia", text("p", NO_ACCESS_HELP, "empty")
        )
    body = table(
        ["Meta", "Restricción", "Responsable", "Abierta"],
        bottleneck_rows(review.escalate),
        empty="Ninguna restricción debe escalarse al Grupo de Estrategia.",
    )
    return section("Restricciones para escalar al Grupo de Estrategia", body, len(review.escalate))


def milestones(pack: Pack) -> str:
    def rows(frame: pd.DataFrame) -> list[list[str]]:
        return [
            [
                esc(day_text(r["fecha_programada"])),
                goal_cell(r["codigo_meta"], r.get("nombre_meta") or ""),
                esc(r["nombre"]) + (tag("span", "nuevo", "new") if r.get("nuevo") else ""),
            ]
            for r in frame.to_dict("records")
        ]

    due, late = pack.review.due, pack.review.overdue
    body = sub(
        "Vencen en los próximos 30 días",
        table(
            ["Fecha", "Meta", "Hito"], rows(due), empty="Ningún hito vence en los próximos 30 días."
        ),
        len(due),
    ) + sub(
        "Atrasados",
        table(["Fecha", "Meta", "Hito"], rows(late), empty="Ningún hito está atrasado."),
        len(late),
    )
    return section("Hitos", body)


def commitments(pack: Pack) -> str:
    names = pack.review.board.region_names
    late = pack.commitments_late
    parts = []
    for region, rows in late.groupby("region", sort=False):
        lines = [
            [
                esc(r["servicio"]),
                esc(r["descripcion"]),
                esc(day_text(r["fecha_compromiso"])),
                esc(f"{int(r['dias_atraso'])} días"),
            ]
            for r in rows.to_dict("records")
        ]
        parts.append(
            sub(
                names.get(region, region),
                table(["Servicio", "Compromiso", "Plazo", "Atraso"], lines, empty="", numeric=(3,)),
                len(lines),
            )
        )
    body = "".join(parts) or text("p", "Ningún compromiso está atrasado.", "empty")
    return section("Compromisos atrasados por región", body, len(late))
