"""The Spanish words the explorer's rows hold in place of codes, looked up inside the SQL.

The grid filters its output columns server-side, so the words must be in the rows the SQL
returns; they enter as two bound lists, never as text written into a statement. Category words
come from warehouse.vocabulary; the rest are values only the explorer's rows and menus hold.
"""

from __future__ import annotations

import re

from warehouse.versioned import Params
from warehouse.vocabulary import (
    AREA_LABELS,
    BOTTLENECK_TYPE_LABELS,
    COMMITMENT_STATE_LABELS,
    DIRECTION_LABELS,
    LEVEL_LABELS,
    PROGRESS_STATE_LABELS,
    SEVERITY_LABELS,
)

LABELS: dict[str, str] = {
    **AREA_LABELS, **SEVERITY_LABELS, **PROGRESS_STATE_LABELS, **COMMITMENT_STATE_LABELS,
    **BOTTLENECK_TYPE_LABELS, **LEVEL_LABELS, **DIRECTION_LABELS,
    "cumplida": "Cumplida", "no_iniciada": "No iniciada", "sin_informacion": "Sin información",
    "sin_acceso": "Sin acceso",
    "nacional": "Nacional", "abierta": "Abierta", "resuelta": "Resuelta",
    "validar": "Validado", "devolver": "Devuelto", "devuelto": "Devuelto",
}  # fmt: skip

_LABEL = re.compile(r"LABEL\(([a-z]\.[a-z_]+)\)")


def expand_labels(select: str) -> str:
    """Constant select lists write LABEL(t.col) for "this code column as its Spanish word";
    it becomes a lookup in two bound lists (LABELS), so no word is ever written into SQL."""
    return _LABEL.sub(
        r"coalesce(list_extract($label_words, list_position($label_codes, \1)), \1)", select
    )


def label_params(sql: str) -> Params:
    """The two bound lists, when `sql` uses them (DuckDB rejects unused parameters)."""
    if "$label_codes" not in sql:
        return {}
    return {"label_codes": list(LABELS), "label_words": list(LABELS.values())}
