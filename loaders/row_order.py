"""The order a file's rows are stored in, and whether any two share a key, from small integer
codes per row (numpy sorts them without the GIL); and moving the rows into that order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders.parallel import in_parallel
from warehouse import staging
from warehouse.staging import ColumnPlan


@dataclass(frozen=True)
class RowOrder:
    """Where each row goes in `order_by` order, and whether no two rows share a key."""

    positions: np.ndarray | None  # row positions in that order; None: keep the rows as they are
    in_order: bool  # the rows, taken at `positions` (or as they are), follow `order_by`
    keys_distinct: Callable[[], bool]  # the key check (see `keys_distinct`), maybe still running


FEW_RUNS = 1024  # rows per descent of `order_by` at least, for one stable sort to pay
SMALL_GROUP = 1 << 16  # rows per `order_by` value at most, on average, for the same reason


def order_rows(
    table: pa.Table, order_by: Sequence[str], key: Sequence[str], pool: ThreadPoolExecutor
) -> RowOrder:
    """The stored order of the rows and the key check, the cheapest way the rows allow.

    Files mostly come in `order_by` order already, or as a few such exports one after
    another. Then one integer per row, `order_by`'s ranks followed by the other key columns'
    value ids (`_pack`), is both: a stable sort of it only merges the runs and sorts each small
    group of rows with equal `order_by` values (~0.25 s for 10 M rows), puts the rows in order
    and makes equal keys neighbours; rows already in order are not moved at all. Rows in no
    particular order are sorted by the small `order_by` ranks alone (`sort_order`) while
    `keys_distinct` sorts the keys on the other core (numpy sorts without the GIL)."""
    major = _pack([_rank_codes(table, name) for name in order_by])
    rest = [name for name in key if name not in order_by]
    codes = None
    if major is not None and set(order_by) <= set(key) and _runs_of_small_groups(major[0]):
        codes = _pack([major, *(_value_codes(table, name) for name in rest)])
    if codes is None:
        check = pool.submit(keys_distinct, table, key)
        positions = sort_order(table, order_by)
        return RowOrder(positions, positions is not None, check.result)
    rows = codes[0]
    positions = None if _ascending(rows) else np.argsort(rows, kind="stable")
    ordered = rows if positions is None else rows[positions]
    distinct = not bool((ordered[1:] == ordered[:-1]).any())
    return RowOrder(positions, True, lambda: distinct)


def _runs_of_small_groups(codes: np.ndarray) -> bool:
    """Few descents, and few rows with the same code on average (see `order_rows`)."""
    steps = codes[1:] != codes[:-1]
    descents = np.count_nonzero(codes[1:] < codes[:-1])
    groups = np.count_nonzero(steps) + 1
    return descents <= len(codes) // FEW_RUNS and len(codes) <= groups * SMALL_GROUP


def _ascending(codes: np.ndarray) -> bool:
    return not bool((codes[1:] < codes[:-1]).any())


def sort_order(table: pa.Table, order_by: Sequence[str]) -> np.ndarray | None:
    """Row positions in `order_by` order, when every one of those columns has a rank (see
    `_ranks`; NULLs last); None otherwise. Sorting small integers here, and moving only the
    columns the checks read, costs a fraction of sorting the typed rows in DuckDB."""
    keys = _every([_rank_codes(table, name) for name in order_by])
    if not keys:
        return None
    return np.lexsort([codes for codes, _ in keys][::-1])  # np.lexsort sorts by its last key first


Codes = tuple[np.ndarray, int]  # a small number per row, and how many numbers there can be


def _rank_codes(table: pa.Table, name: str) -> Codes | None:
    """Each row's rank of its `name` value (`_ranks`), NULL after every value as in SQL; None
    when the column has no single-chunk rank."""
    column = staging.order_column(name)
    if column not in table.column_names or table.column(column).num_chunks != 1:
        return None
    ranks = table.column(column).chunk(0)
    last = len(ranks.dictionary)  # past every rank: NULLs sort last, as in SQL
    # Ranks in the smallest integer type that holds them: numpy sorts small keys faster
    # (10 M rows by month and service: 0.55 s → 0.45 s).
    small = pc.fill_null(ranks.dictionary, last).to_numpy().astype(np.min_scalar_type(last))
    return small[ranks.indices.to_numpy()], last + 1


def _value_codes(table: pa.Table, name: str) -> Codes | None:
    """Each row's id of its resolved `name` value: "5101" and "05101" are two cells but one
    comuna, one id; NULL is a value of its own. None when the column was not resolved."""
    column = table.column("v_" + name) if "v_" + name in table.column_names else None
    if column is None or not pa.types.is_dictionary(column.type) or column.num_chunks != 1:
        return None
    array = column.chunk(0)
    seen: dict[object, int] = {}
    ids = [seen.setdefault(value, len(seen)) for value in array.dictionary.to_pylist()]
    small = np.asarray(ids, dtype=np.min_scalar_type(max(len(seen) - 1, 0)))
    return small[array.indices.to_numpy()], max(len(seen), 1)


def _every(digits: Sequence[Codes | None]) -> list[Codes] | None:
    """`digits` when every column has its numbers, else None."""
    present = [d for d in digits if d is not None]
    return present if len(present) == len(digits) else None


def _pack(digits: Sequence[Codes | None]) -> Codes | None:
    """One number per row from several, ordered as the tuples of numbers are; in 32 bits when
    they fit (numpy sorts them twice as fast). None when a column has no numbers, or they do
    not fit in 63 bits, or there are no columns."""
    columns = _every(digits)
    if not columns:
        return None
    width = 1
    for _, base in columns:
        width *= base
    if width >= KEY_CODE_LIMIT:
        return None
    dtype = np.uint32 if width <= 1 << 32 else np.int64
    packed = columns[0][0].astype(dtype)
    for codes, base in columns[1:]:  # in place: a new array per step costs its page faults
        packed *= dtype(base)
        np.add(packed, codes, out=packed, casting="unsafe")
    return packed, width


KEY_CODE_LIMIT = 1 << 62  # combined key codes must fit in int64


def keys_distinct(table: pa.Table, key: Sequence[str]) -> bool:
    """True when every row has a key of its own, proved on the resolved dictionaries.

    When every key column was resolved through a dictionary, a row's key is a tuple of small
    numbers (`_value_codes`), packed into one integer; as many distinct integers as rows means
    no key repeats among the rows, so none among the good ones either. Anything else (a key
    column typed in SQL) returns False and the check is done in SQL."""
    codes = _pack([_value_codes(table, name) for name in key])
    if codes is None:
        return False
    ordered = np.sort(codes[0])  # a sort beats a hash set of millions of values
    return not bool((ordered[1:] == ordered[:-1]).any())


MAPPED_PREFIXES = ("v_", "why_", staging.ORDER_PREFIX)  # the columns `_append` adds


def take_rows(table: pa.Table, order: np.ndarray, plans: Sequence[ColumnPlan]) -> pa.Table:
    """`table.take(order)`, moving each mapped column's indices once (its value, reason and
    rank are dictionaries over the same indices, `_append`), the arrays on every core."""
    mapped = {p.name for p in plans if p.mapped_type}
    arrays = [_one_array(column) for column in table.columns]
    to_move: dict[str, pa.Array] = {}  # by mapped column, or by name
    for name, array in zip(table.column_names, arrays, strict=True):
        owner = _mapped_owner(name, mapped)
        if owner is not None and pa.types.is_dictionary(array.type):
            to_move.setdefault(owner, array.indices)
        else:
            to_move[name] = array
    taken = in_parallel(lambda a: _move(a, order), list(to_move.values()))
    moved = dict(zip(to_move, taken, strict=True))
    columns = []
    for name, array in zip(table.column_names, arrays, strict=True):
        owner = _mapped_owner(name, mapped)
        if owner is not None and pa.types.is_dictionary(array.type):
            columns.append(pa.DictionaryArray.from_arrays(moved[owner], array.dictionary))
        else:
            columns.append(moved[name])
    return pa.Table.from_arrays(columns, names=table.column_names)


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array, copied only when in pieces (`combine_chunks` copies a
    dictionary column even when whole: ~0.1 s and 40 MB per 10 M rows)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _move(array: pa.Array, positions: np.ndarray) -> pa.Array:
    """`array.take(positions)`; by numpy for numbers without NULLs (lines, dictionary indices):
    moving a 10 M-row file's lines and indices took numpy ~0.5 s and Arrow 0.7–1.1 s, for the
    same memory."""
    numeric = pa.types.is_integer(array.type) or pa.types.is_floating(array.type)
    if numeric and array.null_count == 0:
        return pa.array(np.take(array.to_numpy(), positions))
    return pc.take(array, pa.array(positions))


def _mapped_owner(name: str, mapped: set[str]) -> str | None:
    """The mapped column that a v_/why_/o_ column belongs to."""
    for prefix in MAPPED_PREFIXES:
        if name.startswith(prefix) and name[len(prefix) :] in mapped:
            return name[len(prefix) :]
    return None
