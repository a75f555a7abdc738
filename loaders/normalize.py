"""Text normalisation shared by header matching, category values and territory names.

Files are filled in by hand: `Código Región`, `codigo_region` and `CODIGO-REGION` are the same
header, and `Técnico-Administrativa` is the category `tecnico_administrativa`.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_./']+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def token(text: object) -> str:
    """Lower case, no accents, no spaces, hyphens, underscores, dots or apostrophes."""
    return _SEPARATORS.sub("", strip_accents(str(text)).lower())


def clean_cell(value: object) -> str | None:
    """A cell as trimmed text, or None when it is empty (empty means unknown, never zero)."""
    if value is None:
        return None
    text = str(value).replace("\u00a0", " ").strip()
    return text or None
