"""Reference data every warehouse holds before any file is loaded: territory and census."""

from __future__ import annotations

import duckdb
import pandas as pd

from loaders.geography import CENSUS_2017, territory_frame
from warehouse.db import one, transaction


def ensure_reference(con: duckdb.DuckDBPyConnection) -> bool:
    """Seed `territorios` and `censo_2017_region` once; return True when it seeded them."""
    row = one(con, "SELECT count(*) FROM territorios")
    if row and row[0]:
        return False
    territory = territory_frame()  # noqa: F841  (read by DuckDB by name)
    census = pd.DataFrame(  # noqa: F841
        {"codigo_region": list(CENSUS_2017), "poblacion": list(CENSUS_2017.values())}
    )
    with transaction(con):
        con.execute(
            "INSERT INTO territorios (codigo, nivel, nombre, nombre_corto, codigo_padre,"
            " codigo_region, orden) SELECT codigo, nivel, nombre, nombre_corto, codigo_padre,"
            " codigo_region, orden FROM territory"
        )
        con.execute("INSERT INTO censo_2017_region SELECT codigo_region, poblacion FROM census")
    return True
