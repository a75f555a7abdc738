"""Checking a file's coded cells (months, dates, territories, categories, services, goals,
products) once per distinct cell, against what the warehouse holds (`Reference`).

Each column's distinct cells are parsed once in Python and travel as dictionary arrays (an
index per row into the parsed values, `v_<column>`, and reasons, `why_<column>`), so a file of
ten million rows parses a few hundred values and copies no text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders.contracts import Column, ColumnType, Kind
from loaders.normalize import clean_cell, token
from loaders.parallel import in_parallel
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
from warehouse.chile_time import chile_today
from warehouse.commitments import current_commitment_codes
from warehouse.staging import ColumnPlan

T = ColumnType


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
    # (goal, first month, no negative values) for the row rules on goals (loaders.validate)
    goal_facts: tuple[tuple[str, date, bool], ...] = ()
    today: date = date.min  # the day in Chile: figures and dates may not come from the future
    commitments: tuple[str, ...] = ()  # codigo_compromiso of every current commitment

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Reference:
        facts = tuple(tuple(r) for r in ingestion.current_goal_facts(con))
        return cls(
            tuple(tuple(r) for r in ingestion.territory_rows(con)),  # type: ignore[misc]
            tuple(sorted((tuple(r) for r in ingestion.current_services(con)), key=repr)),  # type: ignore[misc]
            tuple(code for code, _first, _positive in facts),
            tuple(sorted(tuple(r) for r in ingestion.current_catalogue(con))),  # type: ignore[misc]
            facts,  # type: ignore[arg-type]
            chile_today(),
            tuple(current_commitment_codes(con)),
        )


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
    encodings = in_parallel(_encode, [_cells(table, plan) for plan in mapped])
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


def catalogue_of(reference: Reference) -> dict[tuple[str, str], str]:
    return {(s, token(p)): p for s, p in reference.catalogue}


def parsers_for(reference: Reference, kind: Kind) -> dict[str, Callable[[str], Parsed]]:
    index = TerritoryIndex.from_rows(reference.territories)
    services: dict[str, str] = {}
    for name, acronym in reference.services:
        services[token(name)] = name
        if acronym:
            services[token(acronym)] = name
    goals = {code: code for code in reference.goals}
    goals.update({token(code): code for code in list(goals)})
    commitments = {code: code for code in reference.commitments}
    commitments.update({token(code): code for code in list(commitments)})
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
        T.COMMITMENT: lambda c: (
            lambda raw: parse_reference(
                raw,
                commitments,
                "El código de compromiso",
                "cargue primero el compromiso en un archivo de compromisos",
            )
        ),
    }
    return {c.name: by_type[c.type](c) for c in kind.columns if c.type in by_type}
