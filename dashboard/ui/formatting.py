"""Numbers and times written the way people in Chile read them on screen.

The warehouse stores times in UTC; screens show Chilean time (America/Santiago, with its
daylight-saving changes) because "cargado a las 18:53" must match the clock on the wall.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dashboard.server import cache
from warehouse.chile_time import CHILE

NO_DATA = "—"
# What a role may not read (warehouse.figure_access.FIGURE_ACCESS): never 0, never a light.
NO_ACCESS = "sin acceso"
NO_ACCESS_HELP = (
    "Su perfil no puede leer todas las filas con que se calcula esta cifra; "
    "mostrarla con las filas visibles daría un valor falso."
)
BOTTLENECKS_HIDDEN = "no visibles para su perfil"


def to_chile_time(moment: datetime) -> datetime:
    """A UTC time (naive, as DuckDB returns TIMESTAMP) converted to Chilean local time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHILE)


@cache.pure(maxsize=4096)
def format_datetime(moment: datetime | None) -> str:
    """'22-11-2025 15:53' in Chilean time, or a dash when there is no value. Kept: a goal's
    figures share a few load times, and each time-zone conversion costs ~70 µs."""
    if moment is None:
        return NO_DATA
    return to_chile_time(moment).strftime("%d-%m-%Y %H:%M")


def format_int(value: int | None) -> str:
    """Thousands separated by dots, as in Chile: 1.815.902."""
    if value is None:
        return NO_DATA
    return f"{value:,}".replace(",", ".")


def source_text(
    file: str | None, line: int | None = None, loaded_at: datetime | None = None
) -> str:
    """'Fuente: archivo X, línea N, cargado el 22-11-2025 15:53' (Chilean time): where a figure
    came from, written the same way on every screen. Parts not known are left out."""
    if not file:
        return "Fuente: " + NO_DATA
    parts = [f"archivo {file}"]
    if line is not None:
        parts.append(f"línea {int(line)}")
    if loaded_at is not None:
        parts.append("cargado el " + format_datetime(loaded_at))
    return "Fuente: " + ", ".join(parts)
