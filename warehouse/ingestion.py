"""Writing a checked file into the warehouse: ingestion log, quarantine and versioned rows.

All functions run inside the caller's transaction (loaders.ingest opens one per file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from warehouse.db import compose, ident, one, scalar
from warehouse.staging import ERRORS, FINAL, LINE, SOURCE, order_column


@dataclass(frozen=True)
class WriteCounts:
    new: int
    replaced: int
    unchanged: int


def find_loaded(con: duckdb.DuckDBPyConnection, content_hash: str) -> tuple[int, str, str] | None:
    """(id, load time, kind) of an earlier accepted load of exactly these bytes."""
    row = one(
        con,
        "SELECT id, strftime(cargado_en, '%Y-%m-%d %H:%M'), tipo FROM ingestas"
        " WHERE hash_contenido = ? ORDER BY id LIMIT 1",
        [content_hash],
    )
    return (int(row[0]), str(row[1]), str(row[2])) if row else None


def last_load_time(con: duckdb.DuckDBPyConnection) -> datetime | None:
    row = one(con, "SELECT max(cargado_en) FROM ingestas")
    return row[0] if row else None


def insert_ingestion(
    con: duckdb.DuckDBPyConnection,
    *,
    file_name: str,
    content_hash: str,
    kind: str,
    fmt: str,
    loaded_at: datetime,
    demo: bool,
    channel: str = "archivo",
    user: str | None = None,
) -> int:
    """The log entry of one load; `channel` and `user` say how it came (a file on the command
    line, a file uploaded by an account, a web form, the API) and who sent it."""
    row = one(
        con,
        "INSERT INTO ingestas (archivo, hash_contenido, tipo, formato, cargado_en, estado,"
        " filas_leidas, filas_cargadas, filas_nuevas, filas_reemplazadas, filas_sin_cambio,"
        " filas_en_cuarentena, es_demo, canal, usuario)"
        " VALUES (?, ?, ?, ?, ?, 'loaded', 0, 0, 0, 0, 0, 0, ?, ?, ?) RETURNING id",
        [file_name, content_hash, kind, fmt, loaded_at, demo, channel, user],
    )
    assert row is not None
    return int(row[0])


def finish_ingestion(
    con: duckdb.DuckDBPyConnection,
    ingestion_id: int,
    *,
    rows_read: int,
    counts: WriteCounts,
    rows_quarantined: int,
) -> None:
    con.execute(
        "UPDATE ingestas SET estado = ?, filas_leidas = ?, filas_cargadas = ?, filas_nuevas = ?,"
        " filas_reemplazadas = ?, filas_sin_cambio = ?, filas_en_cuarentena = ? WHERE id = ?",
        [
            "partial" if rows_quarantined else "loaded",
            rows_read,
            counts.new + counts.replaced + counts.unchanged,
            counts.new,
            counts.replaced,
            counts.unchanged,
            rows_quarantined,
            ingestion_id,
        ],
    )


def quarantine_staged_errors(
    con: duckdb.DuckDBPyConnection,
    ingestion_id: int,
    headers: Sequence[str],
    cell_chars: int = 32_767,
) -> None:
    """Every problem found by staging, with the whole original row as the sender wrote it
    (the file's own columns only, in its order); no cell kept longer than `cell_chars` (a
    10-million-character cell is quarantined, not stored whole in quarantine either)."""
    row = ", ".join(compose("{h} := left(s.{h}, $2)", h=ident(h)) for h in headers)
    con.execute(
        compose(
            "INSERT INTO cuarentena SELECT $1, e.linea, e.columna, left(e.valor, $2), e.motivo,"
            " to_json(struct_pack({row})) FROM {errors} e JOIN {src} s ON s.{line} = e.linea",
            row=row,
            errors=ERRORS,
            src=SOURCE,
            line=ident(LINE),
        ),
        [ingestion_id, cell_chars],
    )


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, ingestion_id: int, problems: pd.DataFrame
) -> None:
    """Rows that could not even be split into cells: (linea, motivo, texto)."""
    if problems.empty:
        return
    con.register("unsplit_rows", problems)
    con.execute(
        "INSERT INTO cuarentena SELECT ?, linea, NULL, NULL, motivo,"
        " to_json({'texto': texto}) FROM unsplit_rows",
        [ingestion_id],
    )
    con.unregister("unsplit_rows")


def staged_error_lines(con: duckdb.DuckDBPyConnection) -> int:
    row = one(con, "SELECT count(DISTINCT linea) FROM " + ERRORS)
    return int(row[0]) if row else 0


def staged_errors(con: duckdb.DuckDBPyConnection, limit: int) -> list[dict[str, object]]:
    rows = con.execute(
        "SELECT linea, columna, left(valor, 1000), motivo FROM "
        + ERRORS
        + " ORDER BY linea, columna LIMIT ?",
        [limit],
    ).fetchall()
    return [{"line": r[0], "column": r[1], "value": r[2], "reason": r[3]} for r in rows]


def _key_match(
    key: Sequence[str], left: str, right: str, not_null: frozenset[str] = frozenset()
) -> str:
    """Rows with the same key, NULL matching NULL. Columns that can hold no NULL compare
    with `=`, which lets DuckDB skip blocks of the table by the file's range of keys (the
    table is sorted by month); `IS NOT DISTINCT FROM` would make it read every block."""
    return " AND ".join(
        left + "." + ident(k) + (" = " if k in not_null else " IS NOT DISTINCT FROM ")
        + right + "." + ident(k)
        for k in key
    )  # fmt: skip


def _not_null(con: duckdb.DuckDBPyConnection, table: str) -> frozenset[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND NOT is_nullable"
        " AND schema_name = 'main' AND NOT internal",
        [table],
    ).fetchall()
    return frozenset(r[0] for r in rows)


# A file that repeats a figure already validated in the dashboard, as 'reportado' (the
# contract's default) and with the same values, does not take the seal away: ministries resend
# the whole year every month. A changed value is a new report and needs validating again.
_KEPT_ON_RESEND = {"avance_mensual": ("estado", "reportado", "validado")}


def _differs(table: str, column: str) -> str:
    differs = "f." + ident(column) + " IS DISTINCT FROM c." + ident(column)
    kept = _KEPT_ON_RESEND.get(table)
    if kept is None or kept[0] != column:
        return differs
    _, incoming, stored = kept
    return compose(
        "({differs} AND NOT (f.{col} = '{incoming}' AND c.{col} = '{stored}'))",
        differs=differs, col=ident(column), incoming=incoming, stored=stored,
    )  # fmt: skip


def write_versioned(
    con: duckdb.DuckDBPyConnection,
    table: str,
    key: Sequence[str],
    columns: Sequence[str],
    *,
    loaded_at: datetime,
    ingestion_id: int,
    order_by: Sequence[str] = (),
    in_order: bool = False,
) -> WriteCounts:
    """Insert new keys, replace changed ones (closing the old version), skip identical ones.

    Only the file's rows whose key has a current version are compared (an inner join, empty on
    a first load or for a new month); every other row is new and goes straight from staging to
    the table, sorted by `order_by` (through the sort keys FINAL carries for them) unless
    `in_order` says FINAL already yields them so and DuckDB keeps the order rows are read in."""
    values = [c for c in columns if c not in key]
    changed = " OR ".join(_differs(table, v) for v in values) or "FALSE"
    keys = ", ".join("f." + ident(k) for k in key)
    not_null = _not_null(con, table)
    current = (
        "SELECT " + ", ".join(ident(c) for c in columns) + " FROM " + ident(table)
        + " WHERE valid_to IS NULL"
    )  # fmt: skip
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stg_match AS SELECT " + keys + ", f.source_line, "
        + changed + " AS changed FROM " + FINAL + " f JOIN (" + current + ") c ON "
        + _key_match(key, "f", "c", not_null)
    )  # fmt: skip
    rows, replaced, unchanged = one(
        con,
        "SELECT (SELECT count(*) FROM " + FINAL + "), count(*) FILTER (WHERE changed),"
        " count(*) FILTER (WHERE NOT changed) FROM stg_match",
    ) or (0, 0, 0)
    if replaced:
        con.execute(
            "UPDATE " + ident(table) + " t SET valid_to = ? FROM stg_match d"
            " WHERE t.valid_to IS NULL AND d.changed AND " + _key_match(key, "t", "d", not_null),
            [loaded_at],
        )
    cols = ", ".join(ident(c) for c in columns)
    skip = (
        " WHERE source_line NOT IN (SELECT source_line FROM stg_match WHERE NOT changed)"
        if unchanged
        else ""
    )
    order = ""
    if order_by and (skip or not in_order or not _keeps_insertion_order(con)):
        order = " ORDER BY " + ", ".join(ident(order_column(c)) for c in order_by)
    con.execute(
        "INSERT INTO " + ident(table) + " (" + cols + ", valid_from, valid_to, ingestion_id,"
        " source_line) SELECT " + cols + ", ?, NULL, ?, source_line FROM " + FINAL
        + skip + order,
        [loaded_at, ingestion_id],
    )  # fmt: skip
    con.execute("DROP TABLE stg_match")
    return WriteCounts(int(rows) - int(replaced) - int(unchanged), int(replaced), int(unchanged))


def _keeps_insertion_order(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(scalar(con, "SELECT current_setting('preserve_insertion_order')"))


# --- What files may refer to ---------------------------------------------------------------


def territory_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    return con.execute(
        "SELECT codigo, nivel, nombre, nombre_corto FROM territorios ORDER BY orden"
    ).fetchall()


def current_services(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    return con.execute(
        "SELECT servicio, sigla FROM instituciones WHERE valid_to IS NULL"
    ).fetchall()


def current_goal_facts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, date, bool]]:
    """(goal, first month, whether its unit rules out negative values) of every current goal:
    a goal whose baseline and target are both at least zero counts something that cannot be
    negative (people, percentages, kilometres)."""
    return con.execute(
        "SELECT codigo_meta, CAST(date_trunc('month', fecha_inicio) AS DATE),"
        " linea_base >= 0 AND valor_meta >= 0 FROM metas WHERE valid_to IS NULL"
        " ORDER BY codigo_meta"
    ).fetchall()


def current_catalogue(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute("SELECT servicio, producto FROM productos WHERE valid_to IS NULL").fetchall()


# --- Quarantine, for the sender to fix and resend ------------------------------------------


def quarantine_listing(
    con: duckdb.DuckDBPyConnection, file_name: str | None = None
) -> pd.DataFrame:
    """Every quarantined problem, newest load first; optionally for one file name."""
    return con.execute(
        "SELECT i.archivo, strftime(i.cargado_en, '%Y-%m-%d %H:%M') AS cargado_en, q.linea,"
        " q.columna, q.valor, q.motivo FROM cuarentena q JOIN ingestas i ON i.id = q.ingestion_id"
        " WHERE ? IS NULL OR i.archivo = ? ORDER BY i.id DESC, q.linea, q.columna",
        [file_name, file_name],
    ).df()


def quarantined_original_rows(
    con: duckdb.DuckDBPyConnection, file_name: str | None = None, *, ingestion_id: int | None = None
) -> pd.DataFrame:
    """The rows of one load as the sender wrote them, one per line, with the reasons: fixed
    and sent back as they are, the two extra columns are ignored. The load is `ingestion_id`,
    or else the latest load of `file_name`."""
    return con.execute(
        "WITH latest AS (SELECT coalesce(?, max(id)) AS id FROM ingestas WHERE archivo = ?)"
        " SELECT q.linea, any_value(q.fila_original) AS fila,"
        " string_agg(coalesce(q.columna || ': ', '') || q.motivo, ' | ' ORDER BY q.columna)"
        " AS motivos FROM cuarentena q JOIN latest l ON q.ingestion_id = l.id"
        " GROUP BY q.linea ORDER BY q.linea",
        [ingestion_id, file_name],
    ).df()


def load_owner(con: duckdb.DuckDBPyConnection, ingestion_id: int) -> tuple[str, str | None] | None:
    """(file name, account that sent it) of one load; None when there is no such load."""
    row = one(con, "SELECT archivo, usuario FROM ingestas WHERE id = ?", [ingestion_id])
    return (str(row[0]), row[1]) if row else None
