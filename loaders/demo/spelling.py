"""How the demo files spell headers, regions and services: the way people type them.

The loaders match headers ignoring case, accents, spaces and underscores, so «Código Meta» is
`codigo_meta`. Careful: «Año» would not be `anio` (ñ is not n + accent), so it is «Anio».
"""

from __future__ import annotations

import pandas as pd

from loaders.contracts import KINDS
from loaders.demo.institutions import SERVICES
from loaders.geography import REGION_ROMAN

_ACCENTED = {
    "codigo": "Código", "region": "Región", "descripcion": "Descripción",
    "resolucion": "Resolución", "comision": "Comisión", "validacion": "Validación",
    "inversion": "Inversión", "area": "Área", "tematica": "Temática", "ultimo": "Último",
    "poblacion": "Población", "linea": "Línea", "ambito": "Ámbito", "restriccion": "Restricción",
}  # fmt: skip


def _title(name: str) -> str:
    return " ".join(_ACCENTED.get(w, w.capitalize()) for w in name.split("_"))


TITLE_CASE = {c.name: _title(c.name) for kind in KINDS.values() for c in kind.columns}
# The goals file is typed by hand in a spreadsheet: some accents missing, some capitals.
GOAL_HEADERS = {
    **TITLE_CASE,
    "area_tematica": "Area Temática",
    "linea_base": "Linea Base",
    "umbral_verde": "UMBRAL VERDE",
}

# Official region names with their "Región de" prefix, as an older file writes them.
REGION_NAMES = {
    "15": "Región de Arica y Parinacota",
    "01": "Región de Tarapacá",
    "02": "Región de Antofagasta",
    "03": "Región de Atacama",
    "04": "Región de Coquimbo",
    "05": "Región de Valparaíso",
    "13": "Región Metropolitana de Santiago",
    "06": "Región del Libertador General Bernardo O'Higgins",
    "07": "Región del Maule",
    "16": "Región de Ñuble",
    "08": "Región del Biobío",
    "09": "Región de La Araucanía",
    "14": "Región de Los Ríos",
    "10": "Región de Los Lagos",
    "11": "Región de Aysén del General Carlos Ibáñez del Campo",
    "12": "Región de Magallanes y de la Antártica Chilena",
}
ROMAN = {code: roman for roman, code in REGION_ROMAN.items() if roman != "XIII"}  # 13 is «RM»
SIGLA_BY_NAME = {s.name: s.sigla for s in SERVICES}


def region_names(codes: pd.Series) -> pd.Series:
    return codes.map(REGION_NAMES)


def roman_numerals(codes: pd.Series) -> pd.Series:
    """Regions as older regional files write them: «V», «RM», «XVI»."""
    return codes.map(ROMAN)


def spreadsheet_deliveries(frame: pd.DataFrame) -> pd.DataFrame:
    """A delivery sheet typed by hand: service acronyms, codes that lost their leading zero."""
    return frame.assign(
        servicio=frame["servicio"].map(SIGLA_BY_NAME).astype(str),
        territorio=frame["territorio"].astype(str).str.lstrip("0"),
    )
