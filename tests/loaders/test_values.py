"""Cell parsers: every accepted month, date, territory and category form, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from loaders.contracts import BOTTLENECK_TYPES
from loaders.geography import territory_frame
from loaders.values import (
    TerritoryIndex,
    parse_category,
    parse_date,
    parse_month,
    parse_territory,
)


@pytest.fixture(scope="module")
def index() -> TerritoryIndex:
    frame = territory_frame()
    return TerritoryIndex.from_rows(
        frame[["codigo", "nivel", "nombre", "nombre_corto"]].itertuples(index=False)
    )


@pytest.mark.parametrize(
    "raw",
    ["2024-03", "2024-3", "2024-03-17", "2024-03-01 00:00:00", "03/2024", "3-2024", "17/03/2024"],
)
def test_month_forms(raw: str) -> None:
    assert parse_month(raw) == (dt.date(2024, 3, 1), None)


@pytest.mark.parametrize("raw", ["2024-13", "13/2024", "marzo 2024", "2024", ""])
def test_month_refusals_say_why(raw: str) -> None:
    value, reason = parse_month(raw)
    assert value is None and reason and "AAAA-MM" in reason


@pytest.mark.parametrize("raw", ["2024-03-07", "07/03/2024", "7-3-2024", "2024-03-07T10:00"])
def test_date_forms_are_day_first(raw: str) -> None:
    assert parse_date(raw) == (dt.date(2024, 3, 7), None)


@pytest.mark.parametrize("raw", ["03/25/2024", "31/02/2024", "2024/03/07", "ayer"])
def test_month_first_and_impossible_dates_are_refused(raw: str) -> None:
    value, reason = parse_date(raw)
    assert value is None and "día primero" in (reason or "")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("5", "05"), ("05", "05"), ("V", "05"), ("Valparaíso", "05"), ("valparaiso", "05"),
        ("Región de Valparaíso", "05"), ("REGION DE VALPARAISO", "05"),
        ("RM", "13"), ("XIII", "13"), ("Metropolitana", "13"), ("Región Metropolitana de Santiago", "13"),
        ("XVI", "16"), ("Ñuble", "16"), ("Region de Nuble", "16"),
        ("VIII", "08"), ("Región del Biobío", "08"), ("bio bio", "08"),
        ("O'Higgins", "06"), ("Libertador General Bernardo O'Higgins", "06"), ("ohiggins", "06"),
        ("Aysén", "11"), ("Aysén del General Carlos Ibáñez del Campo", "11"),
        ("XV", "15"), ("Arica y Parinacota", "15"), ("La Araucanía", "09"), ("Araucania", "09"),
        ("5101", "05101"), ("05101", "05101"), ("13101", "13101"), ("5201", "05201"),
    ],
)  # fmt: skip
def test_territory_forms(index: TerritoryIndex, raw: str, code: str) -> None:
    assert parse_territory(raw, index) == (code, None)


@pytest.mark.parametrize("raw", ["17", "99999", "051", "XVII", "Valparaiso Norte", "0"])
def test_unknown_territories_are_refused(index: TerritoryIndex, raw: str) -> None:
    value, reason = parse_territory(raw, index)
    assert value is None and "CUT" in (reason or "")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Técnico-Administrativa", "tecnico_administrativa"), ("POLÍTICA", "politica"),
     ("tecnico administrativa", "tecnico_administrativa"), ("Financiera ", "financiera")],
)  # fmt: skip
def test_categories_match_ignoring_case_accents_spaces_and_hyphens(raw: str, value: str) -> None:
    assert parse_category(raw, BOTTLENECK_TYPES) == (value, None)


def test_unknown_category_lists_the_accepted_values() -> None:
    value, reason = parse_category("económica", BOTTLENECK_TYPES)
    assert value is None and "financiera, legal" in (reason or "")
