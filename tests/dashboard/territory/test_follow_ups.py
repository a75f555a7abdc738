"""The region page's follow-up builders (dashboard.territory.follow_ups) without a browser:
the latest follow-up and the history per commitment, the form only for the region's account,
and the loader's reasons shown next to the form."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard.territory import follow_ups as fu
from loaders.entries import FORBIDDEN, REFUSED, SAVED, EntryResult
from tests.support.components import by_id, text_of, walk
from warehouse.scope import Scope

COMMITMENTS = pd.DataFrame(
    {"codigo_compromiso": ["GRA-05-001", "GRA-05-002"], "descripcion": ["Posta", "Puente"]}
)
ROWS = pd.DataFrame(
    {
        "codigo_compromiso": ["GRA-05-002", "GRA-05-002"],
        "fecha": pd.to_datetime(["2025-05-02", "2025-06-10"]),
        "estado": ["en_curso", "cumplido"],
        "nota": ["Licitación adjudicada", None],
        "canal": ["archivo", "formulario"],
        "usuario": [None, "region"],
        "cargado_en": [datetime(2025, 5, 3, 12), datetime(2025, 6, 10, 15)],
    }
)


def test_the_latest_follow_up_leads_and_the_history_follows_newest_first():
    tree = fu.history(fu.FollowUps("05", COMMITMENTS, ROWS))
    summary = text_of(next(c for c in walk(tree) if type(c).__name__ == "Summary"))
    assert summary.startswith("GRA-05-002")
    assert "último: 10-06-2025" in summary and "Cumplido" in summary
    rows = [
        text_of(r)
        for r in walk(by_id(tree, f"{fu.HISTORY}-GRA-05-002"))
        if type(r).__name__ == "Tr"
    ]
    assert len(rows) == 2
    assert rows[0].startswith("10-06-2025 Cumplido") and "formulario web · region" in rows[0]
    assert rows[1].startswith("02-05-2025 En curso Licitación adjudicada archivo")


def test_no_follow_ups_is_said():
    empty = fu.history(fu.FollowUps("05", COMMITMENTS, ROWS.iloc[0:0]))
    assert text_of(empty) == "Sin seguimientos registrados."


def test_only_the_regions_own_account_gets_the_form():
    assert fu.may_record(Scope("region", region="05", user="region"), "05")
    assert not fu.may_record(Scope("region", region="13", user="otra"), "05")
    assert not fu.may_record(Scope("presidencia", user="presidencia"), "05")
    form = fu.recording_form(fu.FollowUps("05", COMMITMENTS, ROWS), date(2025, 6, 18))
    codes = by_id(form, fu.CODE).options
    assert [o["value"] for o in codes] == ["GRA-05-001", "GRA-05-002"]
    assert [o["value"] for o in by_id(form, fu.STATE).options] == [
        "pendiente", "en_curso", "cumplido",
    ]  # fmt: skip
    assert by_id(form, fu.DAY).value == "2025-06-18"


def test_the_loaders_verdict_is_shown_as_it_came():
    assert "guardado" in text_of(fu.result_message(EntryResult(SAVED)))
    refused = EntryResult(REFUSED, "Revise", {"fecha": "La fecha no puede ser posterior a hoy."})
    assert "fecha: La fecha no puede ser posterior a hoy." in text_of(fu.result_message(refused))
    forbidden = fu.result_message(EntryResult(FORBIDDEN, "no es de su región"))
    assert forbidden.color == "danger"


def test_an_incomplete_form_is_refused_before_any_write():
    result = fu.record(Scope("region", region="05", user="region"), "GRA-05-001", "", None, "x")
    assert result.status == REFUSED
