"""Turning a file's text cells into checked, typed rows (in the loading connection's temp tables).

The kind's contract decides how each column is parsed; cross-column rules of a kind (a target
date after the start date, a target in the goal's direction) are listed here next to their reasons.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders import limits
from loaders.contracts import Column, ColumnType, Kind
from loaders.headers import HeaderMatch
from loaders.normalize import clean_cell, token
from loaders.readers import LINE, SourceTable
from loaders.values import (
    Parsed,
    TerritoryIndex,
    parse_category,
    parse_date,
    parse_month,
    parse_reference,
    parse_region,
    parse_scope,
    parse_territory,
)
from warehouse import ingestion, staging
from warehouse.staging import ColumnPlan

T = ColumnType
_NUMERIC = {
    T.NUMBER: "number",
    T.COUNT: "count",
    T.AMOUNT: "amount",
    T.RATIO: "ratio",
    T.YEAR: "year",
}
_MAPPED_DATE = {T.MONTH, T.DATE}
_MAPPED_TEXT = {T.REGION, T.TERRITORY, T.SCOPE, T.CATEGORY, T.SERVICE, T.GOAL}

# (column blamed, condition over typed columns that is TRUE when the row is wrong, reason)
ROW_RULES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "metas": (
        ("fecha_meta", "fecha_meta <= fecha_inicio",
         "La fecha de la meta debe ser posterior a la fecha de inicio."),
        ("valor_meta",
         "(sentido = 'ascendente' AND valor_meta <= linea_base)"
         " OR (sentido = 'descendente' AND valor_meta >= linea_base)",
         "El valor meta debe ser mayor que la línea base en una meta ascendente"
         " y menor en una descendente."),
        ("umbral_amarillo", "umbral_amarillo > umbral_verde",
         "El umbral amarillo no puede ser mayor que el umbral verde."),
    ),
    "restricciones": (
        ("fecha_resolucion", "fecha_resolucion < fecha_alerta",
         "La fecha de resolución no puede ser anterior a la fecha de alerta."),
    ),
    "compromisos": (
        ("fecha_compromiso", "fecha_compromiso < fecha_acuerdo",
         "El plazo del compromiso no puede ser anterior a la fecha del acuerdo."),
    ),
}  # fmt: skip


def column_plans(match: HeaderMatch) -> list[ColumnPlan]:
    has_catalogue_check = match.kind.name != "productos" and {"servicio", "producto"} <= set(
        match.kind.column_names
    )
    return [_plan(c, match.columns.get(c.name), has_catalogue_check) for c in match.kind.columns]


def resolved_sources(match: HeaderMatch) -> list[str]:
    """The file's headers of the columns resolved by their distinct cells (`resolve_mapped`)."""
    return [p.source for p in column_plans(match) if p.mapped_type and p.source]


def _plan(column: Column, source: str | None, catalogue: bool) -> ColumnPlan:
    numeric = _NUMERIC.get(column.type)
    if column.type is T.STAGE and column.bounds:
        numeric = f"stage_{column.bounds[0]}_{column.bounds[1]}"
    mapped = "DATE" if column.type in _MAPPED_DATE else None
    if column.type in _MAPPED_TEXT:
        mapped = "VARCHAR"
    context = None
    if catalogue and column.name == "producto":
        mapped, context = "VARCHAR", "servicio"
    # Numbers need no text rule: a NUL or a novel in a numeric cell fails to read as a number.
    length = None if numeric else min(column.max_length, limits.active().cell_chars)
    return ColumnPlan(
        column.name,
        source,
        column.required,
        column.default,
        numeric,
        mapped,
        context,
        max_length=length,
    )


@dataclass(frozen=True)
class Reference:
    """What a file's cells are checked against (territories, services, goals, products).

    Read from the warehouse before the file is checked, without holding the write lock while
    checking, and read again once the lock is taken to write: the same answer means the
    checks still hold (another file loaded meanwhile may have added a service)."""

    territories: tuple[tuple[str, str, str, str], ...]
    services: tuple[tuple[str, str | None], ...]
    goals: tuple[str, ...]
    catalogue: tuple[tuple[str, str], ...]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Reference:
        return cls(
            tuple(tuple(r) for r in ingestion.territory_rows(con)),  # type: ignore[misc]
            tuple(sorted((tuple(r) for r in ingestion.current_services(con)), key=repr)),  # type: ignore[misc]
            tuple(sorted(ingestion.current_goal_codes(con))),
            tuple(sorted(tuple(r) for r in ingestion.current_catalogue(con))),  # type: ignore[misc]
        )


@dataclass(frozen=True)
class CheckedRows:
    """A file's rows resolved, ordered and with their numbers read: all of it in Arrow,
    before the write lock is taken (`check_rows`); `stage_file` hands it to DuckDB."""

    table: pa.Table  # the file's cells plus resolved values (staging.SOURCE)
    stored: pa.Table  # what staging.stage_typed reads, in the stored order (staging.SORTED)
    plans: list[ColumnPlan]
    typed_plans: list[ColumnPlan]  # the same, saying which numbers are already read
    order: RowOrder


@dataclass(frozen=True)
class Staged:
    keys_distinct: bool  # no two rows of the file can share a key (see `keys_distinct`)
    presorted: bool  # staging.GOOD yields the rows in `order_by` order


def check_rows(
    source: SourceTable,
    match: HeaderMatch,
    reference: Reference,
    order_by: Sequence[str] = (),
) -> CheckedRows:
    """Resolve, order and read the numbers of a file's rows, without any connection.
    `order_by`: the columns the rows will be stored sorted by (staging.order_column).

    Months, dates, codes and categories are resolved here in Arrow: each column's distinct
    cells are parsed once in Python and travel as dictionary arrays (an index per row into the
    parsed values), so a file of ten million rows parses a few hundred values and copies no
    text. The rows are put in their stored order (`order_rows`), numbers are read by Arrow
    straight into that order where it can (`read_numbers`); `stage_file` then lets DuckDB type
    what is left and check everything (staging.stage_typed)."""
    plans = column_plans(match)
    table = resolve_mapped(
        source.table,
        plans,
        _parsers(reference, match.kind),
        _catalogue(reference),
        ranked=order_by,
    )
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        rows = order_rows(table, order_by, match.kind.key, pool)
        numbers, typed_plans = read_numbers(table, plans, source.decimal_comma, rows.positions)
        stored = _checked_columns(table, typed_plans)
        if rows.positions is not None:
            stored = _take_rows(stored, rows.positions, plans)
        for name, values in numbers.items():  # already in the stored order
            stored = stored.append_column(name, values)
    finally:
        pool.shutdown(wait=False)  # the key check may still run: `rows.keys_distinct` waits
    return CheckedRows(table, stored, plans, typed_plans, rows)


def stage_file(
    con: duckdb.DuckDBPyConnection,
    checked: CheckedRows,
    match: HeaderMatch,
    decimal_comma: bool,
    order_by: Sequence[str] = (),
) -> Staged:
    """Fill the staging tables; rows to load end in staging.FINAL, problems in staging.ERRORS."""
    con.register(staging.SOURCE, checked.table)
    con.register(staging.SORTED, checked.stored)
    rules = ROW_RULES.get(match.kind.name, ())
    staging.stage_typed(
        con, checked.typed_plans, decimal_comma, rules, order_by, source=staging.SORTED
    )
    # The bad rows' numbers are read again from their text (the same numbers, see
    # `_as_numbers`), so the file's table need not carry them in its own order.
    staging.collect_errors(con, checked.plans, rules, decimal_comma)
    return Staged(checked.order.keys_distinct(), checked.order.in_order)


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


MAPPED_PREFIXES = ("v_", "why_", staging.ORDER_PREFIX)  # the columns `_append` adds


def _take_rows(table: pa.Table, order: np.ndarray, plans: Sequence[ColumnPlan]) -> pa.Table:
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
    taken = _in_parallel(lambda a: _move(a, order), list(to_move.values()))
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


def _checked_columns(table: pa.Table, plans: Sequence[ColumnPlan]) -> pa.Table:
    """The columns staging.stage_typed reads but the numbers already read (`read_numbers`):
    lines, cells of the other unmapped columns, resolved values."""
    names = [LINE] + [p.source for p in plans if p.source and not p.mapped_type and not p.preparsed]
    names += [n for n in table.column_names if n.startswith(MAPPED_PREFIXES)]
    return table.select(list(dict.fromkeys(names)))


Cells = pa.ChunkedArray | pa.Array


@dataclass(frozen=True)
class _Encoded:
    """A column as an index per row into its distinct cells (nulls are one more cell)."""

    indices: pa.Array  # int32, never null
    cells: list[str | None]


def _encode(cells: Cells) -> _Encoded:
    encoded = pc.dictionary_encode(cells, null_encoding="encode")
    if isinstance(encoded, pa.ChunkedArray):  # one dictionary for the whole column
        encoded = encoded.combine_chunks()
    return _Encoded(encoded.indices, encoded.dictionary.to_pylist())


def resolve_mapped(
    table: pa.Table,
    plans: Sequence[ColumnPlan],
    parsers: dict[str, Callable[[str], Parsed]],
    catalogue: dict[tuple[str, str], str],
    ranked: Sequence[str] = (),
) -> pa.Table:
    """The table plus v_<column> (typed value) and why_<column> (reason) for mapped columns,
    and for those in `ranked` o_<column>, the rank of the value (see `_ranks`)."""
    mapped = [plan for plan in plans if plan.mapped_type]
    # Each column's cells are encoded on a core of its own (Arrow releases the GIL).
    encodings = _in_parallel(_encode, [_cells(table, plan) for plan in mapped])
    cells = {plan.name: column for plan, column in zip(mapped, encodings, strict=True)}
    encoded: dict[str, tuple[_Encoded, list[Parsed]]] = {}
    for plan in mapped:
        if plan.context is None:
            parse = parsers[plan.name]
            column = cells[plan.name]
            parsed = [_parse_cell(cell, plan, parse) for cell in column.cells]
            encoded[plan.name] = (column, parsed)
            table = _append(table, plan, column.indices, parsed, plan.name in ranked)
    for plan in mapped:
        if plan.context:
            context, context_parsed = encoded[plan.context]
            indices, parsed = _resolve_products(
                context, context_parsed, cells[plan.name], catalogue, plan
            )
            table = _append(table, plan, indices, parsed, plan.name in ranked)
    return table


Item = TypeVar("Item")
Result = TypeVar("Result")


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
    numbers = _in_parallel(
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


def _in_parallel(fn: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`[fn(item) for item in items]` on every core: for Arrow kernels, which release the GIL
    and run one column on one core (encoding a 10 M-row file's columns: 1.2 s → 0.8 s)."""
    workers = min(len(items), os.cpu_count() or 1)
    if workers <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


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


def _append(
    table: pa.Table, plan: ColumnPlan, indices: pa.Array, parsed: list[Parsed], ranked: bool
) -> pa.Table:
    """Values and reasons as dictionary arrays over the parsed distinct cells."""
    arrow_type = pa.date32() if plan.mapped_type == "DATE" else pa.string()
    values = [value for value, _ in parsed]
    columns = {
        "v_" + plan.name: pa.array(values, arrow_type),
        "why_" + plan.name: pa.array([reason for _, reason in parsed], pa.string()),
    }
    if ranked:
        columns[staging.order_column(plan.name)] = pa.array(_ranks(values), pa.int32())
    for name, dictionary in columns.items():
        table = table.append_column(name, pa.DictionaryArray.from_arrays(indices, dictionary))
    return table


def _ranks(values: list[object]) -> list[int | None]:
    """Each value's place among the distinct values: sorting rows by it sorts them by value
    (text compares by code point in Python as in DuckDB; NULLs stay NULL and sort last), and
    a small integer sorts much faster than a long service name."""
    places = {value: i for i, value in enumerate(sorted({v for v in values if v is not None}))}
    return [places.get(value) for value in values]


PAIR_TABLE_LIMIT = 1 << 22  # pairs numbered through a lookup table up to this many


def _resolve_products(
    context: _Encoded,
    context_parsed: list[Parsed],
    products: _Encoded,
    catalogue: dict[tuple[str, str], str],
    plan: ColumnPlan,
) -> tuple[pa.Array, list[Parsed]]:
    """A product is checked against the catalogue of its row's service: each distinct
    (service cell, product cell) pair once, numbered as service index × products + product."""
    width = len(products.cells)
    codes, pairs = _pair_codes(context.indices, products.indices, len(context.cells), width)
    parsed = []
    for code in pairs.tolist():
        service = context_parsed[code // width][0]
        parsed.append(_parse_product(service, products.cells[code % width], catalogue, plan))
    return pa.array(codes), parsed


def _pair_codes(
    first: pa.Array, second: pa.Array, first_size: int, second_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """(per row, the number of its pair among the distinct pairs; the distinct pairs, each
    as first × second_size + second, ascending).

    There are seldom more than a few hundred thousand possible pairs (services × product
    cells): a table over all of them numbers ten million rows in two array passes (~0.1 s,
    against ~0.5 s hashing 64-bit codes); more possible pairs are numbered by sorting."""
    space = first_size * second_size
    codes = first.to_numpy().astype(np.int64 if space > 1 << 31 else np.int32)
    codes *= second_size
    codes += second.to_numpy()
    if space > PAIR_TABLE_LIMIT:
        pairs, numbers = np.unique(codes, return_inverse=True)
        return numbers.astype(np.int32), pairs
    seen = np.zeros(space, dtype=np.bool_)
    seen[codes] = True
    pairs = np.flatnonzero(seen)
    number = np.zeros(space, dtype=np.int32)
    number[pairs] = np.arange(len(pairs), dtype=np.int32)
    return number[codes], pairs


def _cells(table: pa.Table, plan: ColumnPlan) -> Cells:
    if plan.source is None:
        return pa.nulls(table.num_rows, pa.string())
    return table[plan.source]


def _parse_cell(raw: str | None, plan: ColumnPlan, parse: Callable[[str], Parsed]) -> Parsed:
    cell = clean_cell(raw)
    if cell is None:
        if plan.default is not None:
            return parse(plan.default)
        return None, (staging.MISSING if plan.required else None)
    return _text_problem(cell, plan) or parse(cell)


def _text_problem(cell: str, plan: ColumnPlan) -> Parsed | None:
    """One rule for text (staging.stage_typed applies it to the other text columns)."""
    if plan.max_length is not None and len(cell) > plan.max_length:
        return None, staging.too_long(plan.max_length)
    if "\x00" in cell:
        return None, staging.NUL_CHARACTER
    return None


def _parse_product(
    service: object, raw: str | None, catalogue: dict[tuple[str, str], str], plan: ColumnPlan
) -> Parsed:
    product = clean_cell(raw)
    if product is None:
        return None, staging.MISSING
    wrong = _text_problem(product, plan)
    if wrong:
        return wrong
    if not service:
        return None, None  # the service is already wrong: one reason per row is enough
    value = catalogue.get((str(service), token(product)))
    if value:
        return value, None
    return None, (
        f"El producto no está en el catálogo del servicio «{service}»; "
        "cárguelo primero en un archivo de productos."
    )


def _catalogue(reference: Reference) -> dict[tuple[str, str], str]:
    return {(s, token(p)): p for s, p in reference.catalogue}


def _parsers(reference: Reference, kind: Kind) -> dict[str, Callable[[str], Parsed]]:
    index = TerritoryIndex.from_rows(reference.territories)
    services: dict[str, str] = {}
    for name, acronym in reference.services:
        services[token(name)] = name
        if acronym:
            services[token(acronym)] = name
    goals = {code: code for code in reference.goals}
    goals.update({token(code): code for code in list(goals)})
    by_type: dict[ColumnType, Callable[[Column], Callable[[str], Parsed]]] = {
        T.MONTH: lambda c: parse_month,
        T.DATE: lambda c: parse_date,
        T.REGION: lambda c: lambda raw: parse_region(raw, index),
        T.TERRITORY: lambda c: lambda raw: parse_territory(raw, index),
        T.SCOPE: lambda c: lambda raw: parse_scope(raw, index),
        T.CATEGORY: lambda c: lambda raw: parse_category(raw, c.choices),
        T.SERVICE: lambda c: (
            lambda raw: parse_reference(
                raw, services, "El servicio", "cárguelo primero en un archivo de instituciones"
            )
        ),
        T.GOAL: lambda c: (
            lambda raw: parse_reference(
                raw, goals, "El código de meta", "cargue primero la meta en un archivo de metas"
            )
        ),
    }
    return {c.name: by_type[c.type](c) for c in kind.columns if c.type in by_type}
