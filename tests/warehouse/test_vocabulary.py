"""One vocabulary: the category values' Spanish labels and the month words live only in
warehouse.vocabulary, and its one month parser and formatter agree with each other."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dashboard.server import defaults
from dashboard.ui import goal_format
from indicators import cli, months
from loaders import contracts
from tests.support.paths import REPO
from warehouse import vocabulary
from warehouse.explore import words

ROOT = REPO
PACKAGES = ("app.py", "dashboard", "loaders", "indicators", "warehouse", "benchmarks")
HOME = ROOT / "warehouse" / "vocabulary.py"
# The demo writes its files in the spelling people type ("Técnico-Administrativa"), on purpose
# unlike the screens' word, so the loader's matching of labels is exercised.
DEMO_SPELLING = ROOT / "loaders" / "demo" / "bottlenecks.py"

# A definition of a label or of the month names: a code mapped to a word, a screen's exact
# word as a value in a literal (not inside prose), or the months (full or short) as a list.
WORD = r'"{}"\s*[,}}\])]'
DEFINITIONS = {
    "area label": re.compile(r'"cientifico_tecnologico"\s*:\s*"|' + WORD.format("Científico-tecnológico")),
    "bottleneck type label": re.compile(
        r'"tecnico_administrativa"\s*:\s*"|' + WORD.format("Técnico-administrativa")
    ),
    "level label": re.compile(
        r'"(estrategia|institucional)"\s*:\s*"|' + WORD.format("Grupo de Estrategia")
    ),
    "commitment state label": re.compile(r'"en_curso"\s*:\s*"En curso"'),
    "month names": re.compile(r'"enero",\s*"febrero"|"ene",\s*"feb"'),
}  # fmt: skip


def _sources() -> list[Path]:
    files: list[Path] = []
    for name in PACKAGES:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [f for f in files if f not in (HOME, DEMO_SPELLING)]


@pytest.mark.parametrize("what", sorted(DEFINITIONS))
def test_labels_are_defined_only_in_the_vocabulary(what):
    pattern = DEFINITIONS[what]
    found = [str(f.relative_to(ROOT)) for f in _sources() if pattern.search(f.read_text("utf-8"))]
    assert found == [], f"{what} defined outside warehouse/vocabulary.py: {found}"
    assert pattern.search(HOME.read_text("utf-8")), f"the pattern for {what} no longer finds it"


def test_the_warehouse_no_longer_imports_the_loaders():
    for path in sorted((ROOT / "warehouse").rglob("*.py")):
        text = path.read_text("utf-8")
        assert not re.search(r"^\s*(from|import) loaders\b", text, re.M), path


def test_contracts_take_their_category_values_from_the_labels():
    assert contracts.AREAS == (
        "infraestructura", "productivo", "social", "cultural", "cientifico_tecnologico",
        "insercion_global",
    )  # fmt: skip
    assert contracts.BOTTLENECK_TYPES == (
        "financiera", "legal", "politica", "comunicacional", "tecnico_administrativa",
    )  # fmt: skip
    assert contracts.SEVERITIES == ("verde", "amarillo", "rojo")
    assert contracts.LEVELS == ("institucional", "estrategia")
    assert contracts.PROGRESS_STATES == ("reportado", "validado")
    assert contracts.COMMITMENT_STATES == ("pendiente", "en_curso", "cumplido")
    assert contracts.CATEGORY_LABELS["estrategia"] == "Grupo de Estrategia"
    assert words.LABELS["tecnico_administrativa"] == "Técnico-administrativa"
    assert words.LABELS["institucional"] == "Coordinación Institucional"


def test_every_month_round_trips_through_the_parser_and_formatter():
    for year in (1900, 2024, 2025, 2099):
        for number in range(1, 13):
            month = date(year, number, 1)
            text = vocabulary.format_month(month)
            assert re.fullmatch(r"\d{4}-\d{2}", text)
            assert vocabulary.parse_month(text) == month
            assert vocabulary.parse_month(f" {text} ") == month


@pytest.mark.parametrize(
    "text", [None, "", "mayo", "2025-13", "2025-00", "2025-4", "0999-01", "2025-05-01", "２０２５-05",
             "2025-²", 202505, "2025/05"],
)  # fmt: skip
def test_the_parser_refuses_anything_but_yyyy_mm(text):
    assert vocabulary.parse_month(text) is None


def test_month_labels_say_the_month_in_spanish():
    assert vocabulary.month_label(date(2025, 9, 1)) == "septiembre 2025"
    assert vocabulary.month_label(date(2025, 9, 1), short=True) == "sep 2025"
    assert vocabulary.month_label(date(2026, 1, 1), short=True) == "ene 2026"
    assert [vocabulary.month_label(date(2025, m, 1)).split()[0] for m in range(1, 13)] == list(
        vocabulary.MONTH_NAMES
    )


def test_the_layers_wrap_the_one_parser_and_formatter():
    may = date(2025, 5, 1)
    assert defaults.parse_month("2025-05", date(2000, 1, 1)) == may
    assert defaults.parse_month("2025-5", may) == may  # refused: the fallback
    assert defaults.month_label is vocabulary.month_label
    assert defaults.format_month is vocabulary.format_month
    assert goal_format.month_label(may, short=True) == "may 2025"
    assert goal_format.month_label(None) == goal_format.NO_DATA
    assert cli.mes("2025-05") == may
    with pytest.raises(ValueError, match="AAAA-MM"):
        cli.mes("2025-13")
    assert not hasattr(months, "parse_month") and not hasattr(months, "format_month")
