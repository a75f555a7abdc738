"""One rule for text: a file has one encoding, and a line that is not in it is quarantined.

The contract accepts UTF-8 or Windows-1252 (Latin-1) files. A file that mixes them (lines
pasted from two sources) used to be read whole as Windows-1252, which turned every UTF-8
"Atención" into "AtenciÃ³n" in the warehouse. Now the file's encoding is the one most of its
non-ASCII lines are written in, and each line in the other one (or holding bytes that are no
text at all) goes to quarantine with a reason, never stored garbled.
"""

from __future__ import annotations

import re

UTF8 = "utf-8"
LEGACY = "cp1252"
# A UTF-8 character of two or more bytes: a Windows-1252 file almost never holds one (it would
# be a capital letter followed by a symbol such as "Ã³"), a UTF-8 file with accents always does.
_UTF8_CHARACTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_UNDEFINED_IN_LEGACY = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")  # no character in cp1252
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes kept by "surrogateescape"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")

NOT_UTF8 = (
    "La línea no está en UTF-8 como el resto del archivo (tiene caracteres en otra "
    "codificación, p. ej. Latin-1); guarde todo el archivo en UTF-8 y envíelo de nuevo."
)
NOT_LEGACY = (
    "La línea está en UTF-8 y el resto del archivo en Windows-1252 (Latin-1); guarde todo el "
    "archivo en una sola codificación y envíelo de nuevo."
)
NOT_TEXT = "La línea tiene bytes que no son texto en la codificación del archivo."


def legacy_encoding(raw: bytes) -> tuple[str, bool]:
    """(encoding, whether each line must be checked) of a file that is not all valid UTF-8.

    A file with no UTF-8 character is Windows-1252, read as a whole unless it holds bytes
    that are no character there. A file with both kinds of lines takes the encoding of most
    of its non-ASCII lines, and its lines are checked one by one."""
    if _UTF8_CHARACTER.search(raw) is None:
        return LEGACY, any(byte in raw for byte in _UNDEFINED_IN_LEGACY)
    utf8 = legacy = 0
    for line in raw.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode(UTF8)
        except UnicodeDecodeError:
            legacy += 1
        else:
            utf8 += 1
    return (UTF8 if utf8 >= legacy else LEGACY), True


def decode_checked(raw: bytes, encoding: str) -> str:
    """The whole file as text, bytes outside `encoding` kept as lone surrogates for
    `line_problem` to find (they never reach a cell)."""
    return raw.decode(encoding, "surrogateescape")


def line_problem(line: str, encoding: str) -> tuple[str, str] | None:
    """(reason, the line as its sender wrote it) when a line decoded by `decode_checked` is
    not text in the file's encoding; None when it is."""
    if line.isascii():
        return None
    raw = line.encode(encoding, "surrogateescape")
    if encoding == UTF8:
        if _ESCAPED.search(line):
            return NOT_UTF8, raw.decode(LEGACY, "replace")
        return None
    if _UTF8_CHARACTER.search(raw):
        return NOT_LEGACY, raw.decode(UTF8, "replace")
    if _ESCAPED.search(line):
        return NOT_TEXT, _ESCAPED.sub("\ufffd", line)
    return None


def printable(text: str) -> str:
    """Text that can be stored and printed: no lone surrogates."""
    return _ESCAPED.sub("\ufffd", text)


def looks_binary(text: str) -> bool:
    """Control characters (other than tab and line breaks) or undecodable bytes: not a header
    anybody typed."""
    return _CONTROL.search(text) is not None
