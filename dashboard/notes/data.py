"""What the notes' screens read, in one call each on the viewer's scoped cursor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from warehouse import notes
from warehouse.scope import Scope


@dataclass(frozen=True)
class NoteThread:
    """A goal's notes for one viewer: whether it reads the goal in full (else no thread at
    all), the notes in the order written, and the bottlenecks a new note may be about."""

    codigo: str
    readable: bool
    notes: pd.DataFrame
    bottlenecks: tuple[str, ...]
    user: str | None
    role: str

    def addressed_to_viewer(self, para: object) -> bool:
        return para in (self.user, self.role)


def load_thread(con: duckdb.DuckDBPyConnection, scope: Scope, codigo: str) -> NoteThread:
    readable = not scope.is_public and notes.reads_goal(con, scope, codigo)
    frame = notes.thread(con, codigo) if readable else pd.DataFrame()
    codes = tuple(notes.bottleneck_codes(con, codigo)) if readable else ()
    return NoteThread(codigo, readable, frame, codes, scope.user, scope.role)


def load_pending(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """Open notes addressed to the viewer (by name or role), overdue "revisar el" first."""
    if scope.is_public:
        return pd.DataFrame()
    return notes.pending(con, scope.user, scope.role, today)
