"""Numeric cells read by Arrow, block by block and straight into the stored order, when every
cell of the column reads the way the SQL parser would read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders.parallel import in_parallel
from warehouse import staging
from warehouse.staging import ColumnPlan


def read_numbers(
    table: pa.Table,
    plans: Sequence[ColumnPlan],
    decimal_comma: bool,
    positions: np.ndarray | None = None,
) -> tuple[dict[str, pa.Array], list[ColumnPlan]]:
    """f_<column>: the cells as numbers, for each numeric column whose every non-empty cell
    Arrow reads (`_as_numbers`), in the order of `positions` (row positions, see `order_rows`)
    or else as read; those columns' plans say so (`preparsed`).

    Why: parsing ten million numbers per column in SQL costs ~0.3 s each; Arrow's cast does it
    on a core of its own, and the rows then move and stage numbers instead of text. A column
    with any other cell keeps the SQL parser, which explains each cell it cannot read."""
    numeric = [p for p in plans if p.numeric and p.source and not p.mapped_type]
    places = None
    if positions is not None:  # where each row goes: numbers are written there directly
        places = np.empty(len(positions), dtype=np.min_scalar_type(max(len(positions), 1)))
        places[positions] = np.arange(len(positions), dtype=places.dtype)
    numbers = in_parallel(
        lambda plan: _as_numbers(table.column(plan.source), decimal_comma, places), numeric
    )
    read = {
        staging.NUMBER_PREFIX + plan.name: values
        for plan, values in zip(numeric, numbers, strict=True)
        if values is not None
    }
    typed = [replace(p, preparsed=staging.NUMBER_PREFIX + p.name in read) for p in plans]
    return read, typed


def _as_numbers(
    cells: pa.ChunkedArray, decimal_comma: bool, places: np.ndarray | None = None
) -> pa.Array | None:
    """The cells as float64 (an empty cell as NULL) when each gets the number the fast SQL
    cast gives it (staging._fast_number), else None.

    Arrow's cast reads a subset of what DuckDB's DOUBLE cast reads (no spaces, no '_'), to the
    same value; anything else fails the cast and the column goes to SQL. With decimal commas
    a point may group thousands, so only columns with neither '.' nor ',' qualify.

    The file's blocks are cast one at a time into one array, each number at its row's place
    in `places` (the stored order) when given: casting the whole column, joining its pieces
    and then moving the rows would write every number three times into fresh memory, which
    costs more than the cast on a machine short of it."""
    if not pa.types.is_string(cells.type):
        return None
    if decimal_comma and pc.any(pc.match_substring_regex(cells, "[.,]")).as_py():
        return None
    numbers = np.empty(len(cells), dtype=np.float64)
    empty = np.zeros(len(cells), dtype=np.bool_)
    start = 0
    for chunk in cells.chunks:
        block = _block_numbers(chunk)
        if block is None:
            return None
        end = start + len(block)
        rows = slice(start, end) if places is None else places[start:end]
        numbers[rows] = block.to_numpy(zero_copy_only=False)
        if block.null_count:
            empty[rows] = block.is_null().to_numpy(zero_copy_only=False)
        start = end
    return pa.array(numbers, mask=empty if empty.any() else None)


def _block_numbers(cells: pa.Array) -> pa.Array | None:
    """One block of `_as_numbers`: empty cells as NULL, None when any other cell fails.
    Blanks are looked for first: a failed cast costs ~25 ms however early it fails."""
    blank = pc.equal(cells, "")
    if pc.any(blank).as_py():
        cells = pc.if_else(blank, pa.scalar(None, pa.string()), cells)
    try:
        return pc.cast(cells, pa.float64())
    except pa.ArrowInvalid:
        return None
