"""The weekly review's "Decisiones del Grupo de Estrategia" (dashboard.review.decision_section),
built from hand-made frames: open decisions with "vencida", the escalated bottlenecks waiting
two weeks or more (said on screen), the "para decidir" column with its record button for
presidencia only, and "no visibles" — never "ninguna" — for a role that reads no bottleneck."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.review.decision_section import (
    CLOSED_ID,
    OPEN_ID,
    WAITING_ID,
    ReviewDecisions,
    decision_column,
    decision_section,
)
from dashboard.server.board import EVERY_BOTTLENECK, NO_BOTTLENECK
from indicators.decisions import waiting_for_decision
from tests.support.components import by_id, text_of, walk

KNOWN = pd.DataFrame(
    {
        "id": [1, 2],
        "codigo_restriccion": ["R-1", "R-2"],
        "codigo_meta": ["G1", "G2"],
        "nombre_meta": ["Meta uno", "Meta dos"],
        "descripcion_restriccion": ["Falta el decreto", "Licitación desierta"],
        "texto": ["Firmar el decreto", "Licitar otra vez"],
        "responsable": ["Ministerio de Salud", "presidencia"],
        "vence": pd.to_datetime(["2025-06-05", "2025-06-30"]),
        "creada_en": pd.to_datetime(["2025-05-20 15:00", "2025-05-20 15:00"]),
        "creada_por": ["presidencia", "presidencia"],
        "cerrada_en": pd.to_datetime([None, "2025-06-12 15:00"]),
        "cerrada_por": [None, "presidencia"],
        "resultado": [None, "Adjudicada"],
        "estado": ["vencida", "cerrada"],
        "dias_vencida": [5, None],
    }
)
ESCALATED = pd.DataFrame(
    {
        "codigo_restriccion": ["R-1", "R-3"],
        "codigo_meta": ["G1", "G3"],
        "descripcion": ["Falta el decreto", "Sin terreno"],
        "fecha_alerta": pd.to_datetime(["2025-04-01", "2025-04-01"]),
        "consulta": ["", ""],
    }
)
DAY_FROM, DAY_TO = date(2025, 6, 3), date(2025, 6, 10)


def view(reach: str = EVERY_BOTTLENECK, may_record: bool = True) -> ReviewDecisions:
    return ReviewDecisions(
        known=KNOWN,
        waiting=waiting_for_decision(ESCALATED, KNOWN, DAY_TO),
        date_from=DAY_FROM,
        date_to=DAY_TO,
        reach=reach,
        may_record=may_record,
        may_open=True,
    )


def test_the_section_lists_open_waiting_and_newly_closed_decisions():
    tree = decision_section(view())
    opened = text_of(by_id(tree, OPEN_ID))
    assert "Firmar el decreto" in opened and "vencida" in opened
    assert "Licitar otra vez" not in opened
    waiting = text_of(by_id(tree, WAITING_ID))
    assert "R-3" in waiting and "R-1" not in waiting and "5 semanas" in waiting
    assert "Registrar decisión" in waiting
    assert "Adjudicada" in text_of(by_id(tree, CLOSED_ID))  # closed on 12 June, after the 3rd
    assert "hace 2 semanas o más" in text_of(tree)


def test_a_decision_closed_before_the_previous_review_is_not_news():
    earlier = ReviewDecisions(**{**view().__dict__, "date_from": date(2025, 6, 12)})
    assert "Adjudicada" not in text_of(by_id(decision_section(earlier), CLOSED_ID))


def test_a_role_that_reads_no_bottleneck_is_told_so():
    hidden = ReviewDecisions(
        known=KNOWN.iloc[:0], waiting=waiting_for_decision(ESCALATED.iloc[:0], KNOWN.iloc[:0],
        DAY_TO), date_from=DAY_FROM, date_to=DAY_TO, reach=NO_BOTTLENECK, may_record=False,
        may_open=False,
    )  # fmt: skip
    text = text_of(decision_section(hidden))
    assert "no visibles para su perfil" in text and "Ninguna decisión abierta" not in text


def test_the_para_decidir_column_offers_the_record_button_to_presidencia_only():
    column = decision_column(view())
    rows = ESCALATED.to_dict("records")
    assert "Decisión n.º 1 (vencida)" in text_of(column.render(rows[0]))
    waiting = column.render(rows[1])
    links = [c for c in walk(waiting) if getattr(c, "href", None)]
    assert [link.href for link in links] == ["/decisiones?restriccion=R-3"]
    assert "Sin decisión · 5 sem." in text_of(waiting)
    reader = decision_column(view(may_record=False)).render(rows[1])
    assert not [c for c in walk(reader) if getattr(c, "href", None)]
