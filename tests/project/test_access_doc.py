"""docs/access.md prints the decision table of warehouse.figure_access.FIGURE_ACCESS: it must
say what the code does, cell by cell."""

from __future__ import annotations

from tests.support.paths import REPO
from warehouse.figure_access import FIGURE_ACCESS

DOC = REPO / "docs" / "access.md"


def test_the_documented_table_is_the_codes():
    lines = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    roles = header[1:]
    documented = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        documented[cells[0]] = dict(zip(roles, cells[1:], strict=True))
    assert documented == {figure: dict(cells) for figure, cells in FIGURE_ACCESS.items()}
