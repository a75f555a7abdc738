"""The data's category values and the Spanish words the screens show for them, defined once.

The lowest layer holds them (loaders, indicators and dashboard all import the warehouse), so a
label cannot drift between the goal page, the review and the explorer. Each dict's keys, in
order, are the category's codes: loaders.contracts takes its choices from them. Months are
stored as the DATE of their first day; 'AAAA-MM' is how URLs and files write them and
'mayo 2025' how a screen says them.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

AREA_LABELS = {
    "infraestructura": "Infraestructura",
    "productivo": "Productivo",
    "social": "Social",
    "cultural": "Cultural",
    "cientifico_tecnologico": "Científico-tecnológico",
    "insercion_global": "Inserción global",
}
BOTTLENECK_TYPE_LABELS = {
    "financiera": "Financiera",
    "legal": "Legal",
    "politica": "Política",
    "comunicacional": "Comunicacional",
    "tecnico_administrativa": "Técnico-administrativa",
}
SEVERITY_LABELS = {"verde": "Verde", "amarillo": "Amarillo", "rojo": "Rojo"}
# Files written from what people read on screen say "Grupo de Estrategia", and the loader
# accepts it as the code (loaders.values.parse_category).
LEVEL_LABELS = {"institucional": "Coordinación Institucional", "estrategia": "Grupo de Estrategia"}
# The ministry page's narrower "Nivel" column says only "Institucional" (kept as it was shown).
LEVEL_SHORT_LABELS = {**LEVEL_LABELS, "institucional": "Institucional"}
DIRECTION_LABELS = {"ascendente": "Ascendente", "descendente": "Descendente"}
PROGRESS_STATE_LABELS = {"reportado": "Reportado", "validado": "Validado"}
COMMITMENT_STATE_LABELS = {"pendiente": "Pendiente", "en_curso": "En curso", "cumplido": "Cumplido"}

MONTH_NAMES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)  # "２０２５" is no year to a URL
FIRST_YEAR = 1900  # earlier years are typing mistakes, and month arithmetic stays in range


def parse_month(text: object) -> date | None:
    """'2025-05' (spaces around allowed) -> date(2025, 5, 1); anything else -> None."""
    match = _MONTH.match(str(text if text is not None else "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1) if 1 <= month <= 12 and year >= FIRST_YEAR else None


def format_month(month: date) -> str:
    """The written form of a month, as URLs and files carry it: '2025-05'."""
    return month.strftime("%Y-%m")


def month_label(month: date, *, short: bool = False) -> str:
    """'mayo 2025' ('may 2025' when short), as a menu, a caption or an axis says it."""
    return _month_label(month.year, month.month, short)


@lru_cache(maxsize=1024)  # figures ask once per point drawn
def _month_label(year: int, month: int, short: bool) -> str:
    name = MONTH_NAMES[month - 1]
    return f"{name[:3] if short else name} {year}"
