"""What loading one file came to: the answer the command prints, as text or JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

Progress = Callable[[str], None]  # told each phase of a file's load ("leyendo", …)


@dataclass
class IngestResult:
    file: str
    kind: str | None
    status: str  # loaded | partial | rejected | already_loaded | error
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    rows_new: int = 0
    rows_replaced: int = 0
    rows_unchanged: int = 0
    rows_repeated: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def exit_code(self) -> int:
        return {"loaded": 0, "already_loaded": 0, "partial": 3, "rejected": 2}.get(self.status, 1)

    def to_json(self) -> dict[str, object]:
        return asdict(self)
