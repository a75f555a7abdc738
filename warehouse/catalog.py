"""Lists the dashboard's menus and defaults are built from: months with progress, ministries
and their URL slugs, the services of a ministry, files with quarantined rows.

Small reads over current rows (`valid_to IS NULL`): what the filters offer is what the
warehouse holds now, never a hard-coded list that drifts from the data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

import duckdb
import pandas as pd

from warehouse.db import READ_FAILED, warehouse_errors
from warehouse.versioned import fetch

# "Ministerio de…" adds nothing to a URL: /ministerio/salud reads better than
# /ministerio/ministerio-de-salud, and every ministry begins with it.
_MINISTRY_PREFIX = re.compile(r"^ministerio\s+(de\s+las|de\s+los|de\s+la|del|de)\s+", re.I)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def progress_months(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Months with a reported national figure (any goal, reported or validated), newest first:
    the months an as-of menu can offer."""
    rows = _rows(
        con,
        "SELECT DISTINCT mes FROM avance_mensual WHERE valid_to IS NULL AND region IS NULL"
        " AND valor_real IS NOT NULL ORDER BY mes DESC",
    )
    return [row[0] for row in rows]


def ministry_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ministries `ministries` lists, names only: enough for a slug (ministry_slugs), and
    a fraction of the cost of counting goals and services."""
    rows = _rows(
        con,
        "SELECT ministerio FROM metas WHERE valid_to IS NULL"
        " UNION SELECT ministerio FROM instituciones WHERE valid_to IS NULL",
    )
    return [row[0] for row in rows]


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    """Rows as tuples, for lists too small to be worth a DataFrame (DuckDB errors become a
    WarehouseError, as in `fetch`)."""
    with warehouse_errors(READ_FAILED):
        return con.execute(sql).fetchall()


def latest_progress_month(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest month with a reported national figure, or None on a warehouse without any."""
    months = progress_months(con)
    return months[0] if months else None


def ministries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every ministry named by a current goal or service, with its number of goals and services
    and its URL slug, in alphabetical order (columns ministerio, slug, metas, servicios)."""
    frame = fetch(
        con,
        "WITH g AS (SELECT ministerio, count(*) AS metas FROM metas WHERE valid_to IS NULL"
        " GROUP BY 1), s AS (SELECT ministerio, count(DISTINCT servicio) AS servicios"
        " FROM instituciones WHERE valid_to IS NULL GROUP BY 1)"
        " SELECT ministerio, coalesce(g.metas, 0) AS metas, coalesce(s.servicios, 0) AS servicios"
        " FROM g FULL OUTER JOIN s USING (ministerio) ORDER BY ministerio",
    )
    slugs = ministry_slugs(frame["ministerio"])
    by_name = {name: slug for slug, name in slugs.items()}
    frame.insert(1, "slug", frame["ministerio"].map(by_name))
    return frame.astype({"metas": int, "servicios": int})


def ministry_services(con: duckdb.DuckDBPyConnection, ministerio: str) -> pd.DataFrame:
    """The current services (servicio, sigla) of one ministry, alphabetical."""
    return fetch(
        con,
        "SELECT DISTINCT servicio, sigla FROM instituciones WHERE valid_to IS NULL"
        " AND ministerio = $ministerio ORDER BY servicio",
        {"ministerio": ministerio},
    )


def quarantined_files(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pd.DataFrame:
    """Loads that left rows in quarantine, newest first: file, kind, load time, rows read and
    quarantined, and how many problems were recorded (a row may have several)."""
    return fetch(
        con,
        "SELECT i.id, i.archivo, i.tipo, i.cargado_en, i.filas_leidas, i.filas_en_cuarentena,"
        " (SELECT count(*) FROM cuarentena AS q WHERE q.ingestion_id = i.id) AS problemas"
        " FROM ingestas AS i WHERE i.filas_en_cuarentena > 0"
        " ORDER BY i.cargado_en DESC, i.id DESC LIMIT $limit",
        {"limit": limit},
    )


def slugify(text: str) -> str:
    """'Ministerio de Obras Públicas' -> 'obras-publicas': lower case ASCII words and hyphens."""
    plain = unicodedata.normalize("NFKD", text.strip())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    plain = _MINISTRY_PREFIX.sub("", plain)
    return _NON_WORD.sub("-", plain).strip("-") or "sin-nombre"


def ministry_slugs(names: Iterable[str]) -> dict[str, str]:
    """{slug: ministry name}, unique: a name whose short slug is taken gets a numbered one, in
    alphabetical order of the names so that a link keeps pointing at the same ministry."""
    result: dict[str, str] = {}
    for name in sorted(set(names)):
        slug = base = slugify(name)
        n = 2
        while slug in result:
            slug = f"{base}-{n}"
            n += 1
        result[slug] = name
    return result
