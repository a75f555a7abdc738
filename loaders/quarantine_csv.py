"""The fix-and-resend CSV of a load's quarantined rows: `python -m loaders quarantine --file
… --csv …` writes it, and the dashboard's download of an upload's quarantine sends the same
bytes.

The rows as the sender wrote them (their own columns), plus `linea_original` and
`motivos_cuarentena`; fixed and sent back as they are, the two extra columns are ignored.
"""

from __future__ import annotations

import io
import json

import duckdb
import pandas as pd

from warehouse import csv_safety, ingestion


def fix_me_frame(
    con: duckdb.DuckDBPyConnection,
    file_name: str | None = None,
    *,
    ingestion_id: int | None = None,
) -> pd.DataFrame:
    """The quarantined rows of load `ingestion_id`, or of the latest load of `file_name`."""
    found = ingestion.quarantined_original_rows(con, file_name, ingestion_id=ingestion_id)
    rows = [
        dict(json.loads(fila), linea_original=linea, motivos_cuarentena=motivos)
        for linea, fila, motivos in found.itertuples(index=False)
    ]
    return pd.DataFrame(rows).drop(columns=["__line"], errors="ignore")


def fix_me_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV itself: UTF-8 with a BOM (a spreadsheet then reads the accents), no formula
    runs (warehouse.csv_safety)."""
    out = io.BytesIO()
    csv_safety.to_csv(frame, out, index=False, encoding="utf-8-sig")
    return out.getvalue()
