"""Parsing one cell value: months, dates, territory codes, categories, services and goals.

These run on the *distinct* values of a column (a delivery file of ten million rows has a few
dozen distinct months and a few hundred comunas), so one readable Python implementation serves
files of any size; the results are joined back in DuckDB. Each parser returns the stored value
and, when the cell is wrong, a reason in Spanish that a ministry clerk understands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from loaders.contracts import CATEGORY_LABELS
from loaders.geography import REGION_ROMAN
from loaders.normalize import strip_accents, token

Parsed = tuple[object | None, str | None]  # (value, reason when invalid)

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/-](\d{4})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")

MONTH_HELP = "use AAAA-MM, MM/AAAA, MM-AAAA o una fecha"
DATE_HELP = "use AAAA-MM-DD, DD/MM/AAAA o DD-MM-AAAA (día primero)"


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_month(raw: str) -> Parsed:
    """A month as the date of its first day. An ISO date is accepted and its day ignored."""
    text = raw.strip()
    for pattern, year_group, month_group in (
        (_ISO_MONTH, 1, 2),
        (_ISO_DAY, 1, 2),
        (_MONTH_YEAR, 2, 1),
    ):
        match = pattern.match(text)
        if match:
            value = _make_date(int(match.group(year_group)), int(match.group(month_group)), 1)
            if value:
                return value, None
            return None, f"Mes inexistente; {MONTH_HELP}."
    match = _DAY_FIRST.match(text)
    if match:
        value = _make_date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if value:
            return value.replace(day=1), None
    return None, f"Mes no reconocido; {MONTH_HELP}."


def parse_date(raw: str) -> Parsed:
    """ISO or Chilean day-first dates; month-first (US) order is never guessed."""
    text = raw.strip()
    match = _ISO_DAY.match(text)
    if match:
        value = _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    else:
        match = _DAY_FIRST.match(text)
        value = (
            _make_date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            if match
            else None
        )
    if value is None:
        reason = "Fecha inexistente" if match else "Fecha no reconocida"
        return None, f"{reason}; {DATE_HELP}."
    return value, None


def parse_category(raw: str, choices: Iterable[str]) -> Parsed:
    """A category code, written as the code or as the label the screens show for it
    (contracts.CATEGORY_LABELS: "Grupo de Estrategia" is `estrategia`), in any case or accents."""
    wanted = token(raw)
    choices = tuple(choices)
    for choice in choices:
        if wanted in (token(choice), token(CATEGORY_LABELS.get(choice, choice))):
            return choice, None
    labels = {choice: CATEGORY_LABELS.get(choice, choice) for choice in choices}
    accepted = [
        choice if token(label) == token(choice) else f"{choice} («{label}»)"
        for choice, label in labels.items()
    ]
    return None, "Valor no permitido; se acepta: " + ", ".join(accepted) + "."


_REGION_PREFIX = re.compile(r"^(region\s+(de\s+la|del|de)\s+|region\s+)", re.IGNORECASE)


@dataclass(frozen=True)
class TerritoryIndex:
    """Every accepted spelling of a region or comuna, mapped to its CUT code."""

    regions: dict[str, str]  # token -> region code
    comunas: frozenset[str]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str]]) -> TerritoryIndex:
        """Rows of (codigo, nivel, nombre, nombre_corto) from the `territorios` table."""
        regions: dict[str, str] = {}
        comunas: set[str] = set()
        for code, level, name, short in rows:
            if level == "comuna":
                comunas.add(code)
            elif level == "region":
                for spelling in (name, short, _without_prefix(name), _without_prefix(short)):
                    regions[token(spelling)] = code
                    regions[token(_without_article(spelling))] = code
                regions[token("Región de " + short)] = code
                regions[token("Región del " + short)] = code
        regions.update({token(roman): code for roman, code in REGION_ROMAN.items()})
        regions[token("Metropolitana de Santiago")] = "13"
        regions[token("Región Metropolitana")] = "13"
        regions[token("Santiago")] = "13"
        return cls(regions, frozenset(comunas))

    def region(self, raw: str) -> str | None:
        text = raw.strip()
        if text.isdigit() and len(text) <= 2:
            code = text.zfill(2)
            return code if code in self.regions.values() else None
        return self.regions.get(token(_without_prefix(text)))

    def territory(self, raw: str) -> str | None:
        """A comuna (4–5 digits) or a region in any accepted form."""
        text = raw.strip()
        if text.isdigit() and len(text) in (4, 5):
            code = text.zfill(5)
            return code if code in self.comunas else None
        return self.region(text)


def _without_article(text: str) -> str:
    """'La Araucanía' is also written 'Araucanía'."""
    return re.sub(r"^(la|los|las|el)\s+", "", text.strip(), flags=re.IGNORECASE)


def _without_prefix(text: str) -> str:
    return _REGION_PREFIX.sub("", strip_accents(text).strip())


def parse_region(raw: str, index: TerritoryIndex) -> Parsed:
    code = index.region(raw)
    if code:
        return code, None
    return None, "Región desconocida; use el código CUT (p. ej. 05), el número romano o el nombre."


def parse_territory(raw: str, index: TerritoryIndex) -> Parsed:
    code = index.territory(raw)
    if code:
        return code, None
    return (
        None,
        "Territorio desconocido; use el código CUT de la comuna (p. ej. 05101) o la región.",
    )


def parse_scope(raw: str, index: TerritoryIndex) -> Parsed:
    if token(raw) == "nacional":
        return "nacional", None
    code = index.region(raw)
    if code:
        return code, None
    return None, "Ámbito desconocido; use «nacional» o una región."


def parse_reference(raw: str, known: dict[str, str], what: str, hint: str) -> Parsed:
    """A service or goal that must already be registered; matched ignoring case and accents."""
    value = known.get(raw.strip()) or known.get(token(raw))
    if value:
        return value, None
    return None, f"{what} no está registrado; {hint}."
