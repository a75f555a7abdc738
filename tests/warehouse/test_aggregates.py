"""The two delivery aggregates every territory screen reads, against a plain pandas group-by.

Migration 005 computes them with fewer group keys (looking up the area and the region after
grouping); these tests hold its views to the meaning migration 002 gave them: current rows
only, a comuna row counts for its comuna and its region, a region- or province-level row for
its region only, the area from the current catalogue (none for a product missing from it),
NULL amounts ignored and a group with no known amount NULL.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.support.tiny_warehouse import load, open_copy
from warehouse.aggregates import refresh_aggregates

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
LATER = datetime(2025, 3, 1, 9, 0)


def delivery(service, product, territory, month, people, **amounts) -> dict:
    return {"servicio": service, "producto": product, "territorio": territory, "mes": month,
            "beneficiarios": people} | amounts  # fmt: skip


PRODUCTS = [
    {"servicio": "FONASA", "producto": "Atenciones", "area_tematica": "salud"},
    # One service, products in two areas: the comuna table keeps one row per area.
    {"servicio": "FONASA", "producto": "Bonos", "area_tematica": "protección social"},
    {"servicio": "SERVIU", "producto": "Subsidios", "area_tematica": "vivienda"},
]
DELIVERIES = [
    delivery("FONASA", "Atenciones", "05101", JAN, 100, gasto_corriente=1000.0),
    delivery("FONASA", "Bonos", "05101", JAN, 7, gasto_corriente=70.0),
    delivery("FONASA", "Atenciones", "05109", JAN, 30),  # no known amount
    delivery("FONASA", "Atenciones", "05109", FEB, 5, gasto_inversion=50.0),
    delivery("SERVIU", "Subsidios", "05", JAN, 40, gasto_inversion=400.0),  # region level
    delivery("SERVIU", "Subsidios", "051", JAN, 4),  # province level: its region only
    delivery("SERVIU", "Subsidios", "05109", JAN, 20, gasto_inversion=5000.0),
    delivery("SERVIU", "Sin catálogo", "05109", JAN, 3),  # product missing from the catalogue
    delivery("SERVIU", "Sin catálogo", "13101", FEB, 9),
    delivery("FONASA", "Atenciones", "13101", JAN, 200, gasto_corriente=10.0),
    delivery("FONASA", "Bonos", "13101", JAN, 0),
]
# A later file replaces two rows: only the new versions count.
REPLACEMENTS = [
    delivery("FONASA", "Atenciones", "05101", JAN, 110, gasto_corriente=1100.0),
    delivery("SERVIU", "Subsidios", "05", JAN, 45),
]


@pytest.fixture
def con(reference_db: Path, tmp_path: Path):
    connection = open_copy(reference_db, tmp_path)
    load(connection, "productos", PRODUCTS)
    load(connection, "entregas", DELIVERIES)
    load(connection, "entregas", REPLACEMENTS, at=LATER)
    yield connection
    connection.close()


def current_deliveries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current deliveries with their region, level and area, joined in pandas."""
    rows = con.execute("SELECT * FROM entregas WHERE valid_to IS NULL").df()
    places = con.execute("SELECT codigo, nivel, codigo_region FROM territorios").df()
    areas = con.execute(
        "SELECT servicio, producto, area_tematica FROM productos WHERE valid_to IS NULL"
    ).df()
    rows = rows.merge(places, left_on="territorio", right_on="codigo", how="inner")
    return rows.merge(areas, on=["servicio", "producto"], how="left")


def sums(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Group sums as SQL makes them: NULL keys form a group, a group of unknown amounts is NULL."""
    grouped = rows.groupby(keys, dropna=False)
    out = grouped.agg(
        beneficiarios=("beneficiarios", "sum"),
        gasto_corriente=("gasto_corriente", lambda s: s.sum(min_count=1)),
        gasto_inversion=("gasto_inversion", lambda s: s.sum(min_count=1)),
        filas=("beneficiarios", "size"),
    )
    return out.reset_index()


def expected_region(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    rows = current_deliveries(con)
    rows["sin_comuna"] = rows["beneficiarios"].where(rows["nivel"] != "comuna", 0)
    keys = ["codigo_region", "area_tematica", "servicio", "producto", "mes"]
    out = sums(rows, keys)
    apart = rows.groupby(keys, dropna=False)["sin_comuna"].sum().reset_index()
    out = out.merge(apart.rename(columns={"sin_comuna": "beneficiarios_sin_comuna"}), on=keys)
    return out


def expected_comuna(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    rows = current_deliveries(con)
    rows = rows[rows["nivel"] == "comuna"].rename(columns={"territorio": "codigo_comuna"})
    return sums(rows, ["codigo_comuna", "codigo_region", "area_tematica", "servicio", "mes"])


def table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return con.execute("SELECT * FROM " + name).df()


def same_rows(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    columns = sorted(actual.columns)
    assert sorted(expected.columns) == columns
    keys = [c for c in columns if c == "mes" or not pd.api.types.is_numeric_dtype(actual[c])]

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[columns].copy()
        frame["mes"] = pd.to_datetime(frame["mes"])
        for column in ("beneficiarios", "filas") + (
            ("beneficiarios_sin_comuna",) if "beneficiarios_sin_comuna" in columns else ()
        ):
            frame[column] = frame[column].astype("int64")
        return frame.sort_values(keys, na_position="last").reset_index(drop=True)

    pd.testing.assert_frame_equal(ordered(actual), ordered(expected), check_dtype=False)


def test_region_table_is_the_plain_group_by(con) -> None:
    actual = table(con, "agg_entregas_region_mes")
    same_rows(actual, expected_region(con))
    row = actual[(actual["servicio"] == "SERVIU") & (actual["producto"] == "Subsidios")]
    row = row[row["mes"] == pd.Timestamp(JAN)].iloc[0]
    # 45 (region level, the newer version) + 4 (province) + 20 (comuna 05109)
    assert (row["beneficiarios"], row["beneficiarios_sin_comuna"]) == (69, 49)
    assert actual.loc[actual["producto"] == "Sin catálogo", "area_tematica"].isna().all()


def test_comuna_table_is_the_plain_group_by(con) -> None:
    actual = table(con, "agg_entregas_comuna_mes")
    same_rows(actual, expected_comuna(con))
    fonasa = actual[(actual["codigo_comuna"] == "05101") & (actual["servicio"] == "FONASA")]
    assert dict(zip(fonasa["area_tematica"], fonasa["beneficiarios"], strict=True)) == {
        "salud": 110,
        "protección social": 7,
    }
    assert set(actual["codigo_comuna"]) == {"05101", "05109", "13101"}  # no region or province
    unknown = actual[actual["area_tematica"].isna()]
    assert sorted(unknown["codigo_comuna"]) == ["05109", "13101"]
    assert pd.isna(
        actual.loc[
            (actual["codigo_comuna"] == "05109") & (actual["servicio"] == "FONASA")
            & (actual["mes"] == pd.Timestamp(JAN)), "gasto_corriente"
        ].iloc[0]
    )  # fmt: skip


def test_catalogue_change_moves_rows_between_areas(con) -> None:
    load(con, "productos", [PRODUCTS[1] | {"area_tematica": "salud"}], at=datetime(2025, 4, 1))
    comuna = table(con, "agg_entregas_comuna_mes")
    same_rows(comuna, expected_comuna(con))
    same_rows(table(con, "agg_entregas_region_mes"), expected_region(con))
    fonasa = comuna[(comuna["codigo_comuna"] == "05101") & (comuna["servicio"] == "FONASA")]
    assert dict(zip(fonasa["area_tematica"], fonasa["beneficiarios"], strict=True)) == {
        "salud": 117
    }


def test_demo_warehouse_tables_are_the_plain_group_by(demo_db: Path, tmp_path: Path) -> None:
    """Every month, service and comuna of the demo: the views agree with pandas at scale."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    try:
        refresh_aggregates(con, "entregas")
        same_rows(table(con, "agg_entregas_region_mes"), expected_region(con))
        same_rows(table(con, "agg_entregas_comuna_mes"), expected_comuna(con))
    finally:
        con.close()
