"""The goal page's decisions (dashboard.goal_page.decisions_section), from hand-made frames:
open and closed ones apart, the record button for presidencia on escalated bottlenecks without
an open decision, and "no visibles" for a role that reads none of the goal's bottlenecks."""

from __future__ import annotations

import pandas as pd

from dashboard.goal_page.decisions_section import (
    CLOSED_ID,
    OPEN_ID,
    RECORD_ID,
    decisions_view,
)
from dashboard.server.board import EVERY_BOTTLENECK, NO_BOTTLENECK
from tests.support.components import by_id, text_of, walk

FOUND = pd.DataFrame(
    {
        "id": [1, 2],
        "codigo_restriccion": ["R-1", "R-2"],
        "codigo_meta": ["G1", "G1"],
        "nombre_meta": ["Meta uno", "Meta uno"],
        "descripcion_restriccion": ["Falta el decreto", "Sin terreno"],
        "texto": ["Firmar el decreto", "Comprar el terreno"],
        "responsable": ["Ministerio de Salud", "presidencia"],
        "vence": pd.to_datetime(["2026-12-30", "2026-11-30"]),
        "creada_en": pd.to_datetime(["2026-11-20 15:00", "2026-11-01 15:00"]),
        "creada_por": ["presidencia", "presidencia"],
        "cerrada_en": pd.to_datetime([None, "2026-11-25 15:00"]),
        "cerrada_por": [None, "presidencia"],
        "resultado": [None, "Terreno comprado"],
        "estado": ["abierta", "cerrada"],
        "dias_vencida": [None, None],
    }
)
BOTTLENECKS = pd.DataFrame(
    {"codigo_restriccion": ["R-1", "R-2", "R-3"], "escalar": [True, True, False]}
)


def test_open_and_closed_apart_and_buttons_where_no_decision_is_open():
    tree = decisions_view(FOUND, BOTTLENECKS, EVERY_BOTTLENECK, may_record=True)
    assert "Firmar el decreto" in text_of(by_id(tree, OPEN_ID))
    closed = text_of(by_id(tree, CLOSED_ID))
    assert "Comprar el terreno" in closed and "Terreno comprado" in closed
    links = [c.href for c in walk(by_id(tree, RECORD_ID)) if getattr(c, "href", None)]
    assert links == ["/decisiones?restriccion=R-2"]  # R-1 has an open one, R-3 is not escalated


def test_readers_get_no_buttons_and_hidden_rows_read_not_visible():
    tree = decisions_view(FOUND, BOTTLENECKS, EVERY_BOTTLENECK, may_record=False)
    assert not [c for c in walk(tree) if getattr(c, "id", None) == RECORD_ID]
    hidden = decisions_view(FOUND.iloc[:0], BOTTLENECKS.iloc[:0], NO_BOTTLENECK, may_record=False)
    text = text_of(hidden)
    assert "no visibles para su perfil" in text and "Ninguna decisión" not in text
