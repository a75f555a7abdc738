"""Matching a file's headers to a kind's columns, and recognising the kind from its headers."""

from __future__ import annotations

from dataclasses import dataclass

from loaders.contracts import KINDS, Kind
from loaders.normalize import token
from loaders.source_table import RejectedFile


@dataclass(frozen=True)
class HeaderMatch:
    kind: Kind
    columns: dict[str, str]  # contract column -> header as written in the file
    extra: tuple[str, ...]  # headers that belong to no column (ignored, with a warning)

    @property
    def missing_required(self) -> tuple[str, ...]:
        return tuple(name for name in self.kind.required if name not in self.columns)


def match_headers(headers: list[str], kind: Kind) -> HeaderMatch:
    by_token = {token(h): h for h in headers}
    columns = {c.name: by_token[t] for c in kind.columns for t in c.header_tokens if t in by_token}
    used = set(columns.values())
    return HeaderMatch(kind, columns, tuple(h for h in headers if h not in used))


def detect_kind(headers: list[str], explicit: str | None = None) -> HeaderMatch:
    """The kind given, or the one whose required columns are all present and that explains the
    most headers (a `metas` file also has the `instituciones` columns ministerio and servicio)."""
    if explicit:
        if explicit not in KINDS:
            raise RejectedFile(f"Tipo «{explicit}» desconocido; tipos válidos: {', '.join(KINDS)}.")
        match = match_headers(headers, KINDS[explicit])
        _require_columns(match)
        return match
    complete = [
        m for m in (match_headers(headers, k) for k in KINDS.values()) if not m.missing_required
    ]
    if not complete:
        raise RejectedFile(
            "No se reconoce el tipo de archivo: sus encabezados no corresponden a ningún tipo "
            f"de los contratos de datos ({', '.join(KINDS)}). Encabezados leídos: "
            + _listed(headers)
            + "."
        )
    return max(complete, key=lambda m: (len(m.columns), -len(m.kind.columns)))


def _require_columns(match: HeaderMatch) -> None:
    if match.missing_required:
        raise RejectedFile(
            f"Faltan columnas obligatorias para «{match.kind.name}»: "
            + ", ".join(match.missing_required)
            + ". No se cargó ninguna fila."
        )


HEADERS_SHOWN = 30


def _listed(headers: list[str]) -> str:
    """The headers for a message: the first ones, each cut short (a file may have thousands)."""
    shown = [h if len(h) <= 60 else h[:59] + "…" for h in headers[:HEADERS_SHOWN]]
    more = len(headers) - len(shown)
    return ", ".join(shown) + (f" y {more} más" if more > 0 else "")
