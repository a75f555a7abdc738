"""A goal's promise and its revisions: the baseline, target and deadline of its first version,
then each later version that changed one of them, with the instant it was loaded.

`metas` keeps every version of a goal (valid_from / valid_to), so the original promise is never
lost when a ministry loads a new target: accountability shows both, and progress against both.
A version that changed something else (a name, a threshold) is not a revision of the promise.
Only goals with a current version are listed.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.versioned import fetch

PROMISE_COLUMNS = ["codigo_meta", "desde", "linea_base", "valor_meta", "fecha_meta", "original"]

PROMISES_SQL = """
WITH versions AS (
    SELECT codigo_meta, valid_from, linea_base, valor_meta,
           CAST(fecha_meta AS TIMESTAMP) AS fecha_meta,
           row_number() OVER w AS n,
           lag(linea_base) OVER w AS linea_base_antes,
           lag(valor_meta) OVER w AS valor_meta_antes,
           lag(fecha_meta) OVER w AS fecha_meta_antes
    FROM metas
    WHERE codigo_meta IN (SELECT codigo_meta FROM metas WHERE valid_to IS NULL)
    WINDOW w AS (PARTITION BY codigo_meta ORDER BY valid_from)
)
SELECT codigo_meta, valid_from AS desde, linea_base, valor_meta, fecha_meta, n = 1 AS original
FROM versions
WHERE (n = 1
       OR linea_base IS DISTINCT FROM linea_base_antes
       OR valor_meta IS DISTINCT FROM valor_meta_antes
       OR fecha_meta IS DISTINCT FROM CAST(fecha_meta_antes AS TIMESTAMP))
  AND ($codigo IS NULL OR codigo_meta = $codigo)
ORDER BY codigo_meta, desde
"""


def promises(con: duckdb.DuckDBPyConnection, codigo: str | None = None) -> pd.DataFrame:
    """PROMISE_COLUMNS: each goal's original promise (`original` true) and its revisions,
    oldest first; one goal's when `codigo` is given."""
    return fetch(con, PROMISES_SQL, {"codigo": codigo})


def original_promises(promised: pd.DataFrame) -> pd.DataFrame:
    """One row per goal: codigo_meta, linea_base_original, valor_meta_original,
    fecha_meta_original and `revisiones` (how many times the promise changed)."""
    first = promised[promised["original"].astype(bool)].set_index("codigo_meta")
    counts = promised.groupby("codigo_meta").size() - 1
    return pd.DataFrame(
        {
            "codigo_meta": first.index,
            "linea_base_original": first["linea_base"].to_numpy(),
            "valor_meta_original": first["valor_meta"].to_numpy(),
            "fecha_meta_original": first["fecha_meta"].to_numpy(),
            "revisiones": counts.reindex(first.index).fillna(0).astype("int64").to_numpy(),
        }
    ).reset_index(drop=True)
