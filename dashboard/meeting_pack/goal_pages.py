"""One page per goal in rojo: its figures, its trajectory (dashboard.meeting_pack.chart) and
its open bottlenecks, as known at the review date."""

from __future__ import annotations

from dashboard.meeting_pack.chart import trajectory_svg
from dashboard.meeting_pack.data import Pack, RedGoal
from dashboard.meeting_pack.markup import esc, section, table, tag, text
from dashboard.meeting_pack.sections import bottleneck_rows, light_cell
from dashboard.server.board import NO_BOTTLENECK
from dashboard.ui.formatting import NO_ACCESS_HELP
from dashboard.ui.goal_format import format_value, is_missing, month_label, value_digits
from dashboard.ui.goal_tables import day_text


def red_goal_pages(pack: Pack) -> str:
    if not pack.red_goals:
        return section("Metas en rojo", text("p", "Ninguna meta está en rojo.", "empty"))
    return "".join(_goal_page(pack, red) for red in pack.red_goals)


def _goal_page(pack: Pack, red: RedGoal) -> str:
    r, goal = red.record, red.goal
    digits = value_digits([goal.linea_base, goal.valor_meta, *red.series["valor_real"]])
    projected = r.get("proyeccion")
    facts = [
        ("Semáforo", light_cell(r["estado"])),
        (
            "Trayectoria / gestión",
            light_cell(r["semaforo_trayectoria"]) + " / " + light_cell(r["semaforo_gestion"]),
        ),
        ("Ministerio", esc(r.get("ministerio"))),
        ("Gerente", esc(r.get("gerente"))),
        (
            "Cifra al corte",
            esc(format_value(r.get("valor_actual"), digits))
            + esc(f" ({month_label(r.get('mes_reportado'))})"),
        ),
        ("Programado", esc(format_value(r.get("valor_programado"), digits))),
        (
            "Meta",
            esc(format_value(goal.valor_meta, digits)) + " al " + esc(day_text(goal.fecha_meta)),
        ),
        (
            "Proyección",
            esc(
                "se aleja de la meta"
                if is_missing(projected)
                else "llegaría en " + month_label(projected)
            ),
        ),
    ]
    dl = tag("dl", "".join(text("dt", k) + tag("dd", v) for k, v in facts), "facts")
    chart = tag(
        "div",
        trajectory_svg(goal, red.series, pack.as_of, red.fit, projected, digits),
        "chart",
    )
    if pack.review.reach == NO_BOTTLENECK:
        bottlenecks = text("p", NO_ACCESS_HELP, "empty")
    else:
        frame = red.bottlenecks.assign(nombre_meta=r["nombre"])
        bottlenecks = table(
            ["Meta", "Restricción", "Responsable", "Abierta"],
            bottleneck_rows(frame),
            empty="Sin restricciones abiertas.",
        )
    title = tag("span", esc(r["codigo_meta"]), "code") + " " + esc(r["nombre"])
    body = (
        tag("h2", title)
        + dl
        + chart
        + tag("h3", "Restricciones abiertas" + tag("span", str(len(red.bottlenecks)), "count"))
        + bottlenecks
    )
    return tag("section", body, "goal-page", id=f"meta-{r['codigo_meta']}")
