"""A figure's steps through validation as a table (dashboard.ui.figure_history)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.ui.figure_history import figure_history, history_rows
from tests.support.components import text_of

NOW = datetime(2025, 7, 20, 12, 0)


def version(month, region, at, state, value=100.0, **more):
    return {"mes": pd.Timestamp(month), "region": region, "valid_from": pd.Timestamp(at),
            "estado": state, "valor_real": value, "usuario": "gerente",
            "revisado_por": "coordinadora", "comentario": None, "motivo": None, **more}  # fmt: skip


VERSIONS = pd.DataFrame(
    [
        version("2025-06-01", None, "2025-07-01 10:00", "reportado"),
        version("2025-06-01", None, "2025-07-03 10:00", "devuelto", motivo="Revise"),
        version("2025-06-01", None, "2025-07-04 10:00", "reportado", 110.0),
        version("2025-06-01", None, "2025-07-10 10:00", "validado", 110.0),
        version("2025-06-01", "05", "2025-07-01 10:00", "reportado", 20.0),
        version("2025-06-01", "08", "2025-07-01 10:00", "reportado", 30.0),
        version("2025-06-01", "08", "2025-07-05 10:00", "validado", 30.0),
    ]
)


def test_a_regional_figure_is_listed_only_when_it_went_through_more_than_one_step():
    shown = history_rows(VERSIONS)
    assert sorted(shown["region"].fillna("nacional").unique()) == ["08", "nacional"]


def test_each_step_says_who_when_and_how_long_it_waited():
    text = " ".join(text_of(figure_history(VERSIONS, {"08": "Biobío"}, NOW, id_="h")).split())
    assert "Reportada 100 · gerente" in text and "2 días en este paso" in text
    assert "Devuelta 100 · coordinadora" in text and "«Revise»" in text
    assert "Corregida 110 · gerente" in text
    assert "Validada 110 · coordinadora" in text and "espera 10 días" in text
    assert "Biobío" in text
