"""The manager's inbox and month form as builders (dashboard.reporting), from hand-made frames:
what is owed, returned (with the coordinator's words) and awaiting validation, and the form's
fields with the loader's reasons next to them."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard.reporting import ids, month_form
from dashboard.reporting.data import GoalWork
from dashboard.reporting.inbox_views import goal_card
from tests.support.components import by_id, text_of, walk

TODAY = date(2025, 7, 2)
NOW = datetime(2025, 7, 2, 15, 0)


def work(rows: list[dict]) -> GoalWork:
    columns = ["mes", "region", "valor_programado", "valor_real", "estado", "comentario",
               "pronostico", "reportado_por", "version", "valid_from", "revisado_por",
               "revisado_en"]  # fmt: skip
    figures = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    figures["mes"] = pd.to_datetime(figures["mes"])
    return GoalWork(
        {"codigo_meta": "SAL-02", "nombre": "Reducir la espera", "unidad": "personas",
         "ministerio": "Ministerio de Salud", "fecha_inicio": date(2025, 1, 1),
         "fecha_meta": date(2026, 12, 31)},
        figures, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), {"05": "Valparaíso"}, TODAY,
    )  # fmt: skip


def row(month: str, state: str | None, value: float | None, **more) -> dict:
    return {"mes": month, "region": None, "valor_real": value, "estado": state,
            "version": f"{month} 10:00:00", "valid_from": pd.Timestamp("2025-06-28 10:00"),
            **more}  # fmt: skip


WORK = work(
    [row(f"2025-0{m}-01", "validado", 300_000.0 - m) for m in range(1, 4)]
    + [row("2025-04-01", "devuelto", 299_000.0, comentario="No cuadra con el registro",
           revisado_por="coordinadora"),
       row("2025-05-01", "reportado", 298_000.0)]
)  # fmt: skip


def test_the_card_lists_what_is_owed_returned_and_waiting():
    text = " ".join(text_of(goal_card(WORK, NOW)).split())
    assert "Por informar 1" in text and "junio 2025: nacional" in text
    assert "Devueltas para corregir 1" in text
    assert "«No cuadra con el registro» — coordinadora" in text
    assert "Esperando validación 1" in text and "mayo 2025: 1 cifra, hace 4 días" in text


def test_the_form_opens_on_the_returned_month_with_the_coordinators_comment():
    assert month_form.default_month(WORK) == date(2025, 4, 1)
    fields = month_form.month_fields(WORK, date(2025, 4, 1))
    assert "Devuelta por la coordinación" in text_of(fields)
    assert "No cuadra con el registro" in text_of(fields)
    versions = by_id(fields, ids.VERSIONS).data
    assert versions == {ids.NATIONAL: "2025-04-01 10:00:00"}
    labels = [o["label"] for o in month_form.month_options(WORK)]
    assert "junio 2025 — por informar" in labels and "abril 2025 — devuelta" in labels


def test_a_refused_entry_comes_back_with_its_reason_next_to_the_field():
    fields = month_form.month_fields(
        WORK, date(2025, 6, 1), entered={ids.NATIONAL: -4},
        errors={ids.NATIONAL: {"valor_real": "Valor negativo: …", "pronostico": "Debe ser un número."}},
        comment="", forecast="x",
    )  # fmt: skip
    inputs = [c for c in walk(fields) if isinstance(getattr(c, "id", None), dict)]
    assert [(c.value, c.invalid) for c in inputs] == [(-4, True)]
    assert "Valor negativo: …" in text_of(fields)
    assert by_id(fields, ids.FORECAST).invalid is True
