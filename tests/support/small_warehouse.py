"""The small test warehouse: a handful of versioned rows and accounts, as the loaders would
leave them, built without any loader (fast, and independent of the loaders under test)."""

from __future__ import annotations

import functools
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

from warehouse.aggregates import refresh_aggregates
from warehouse.db import connect, set_metadata, transaction

# UTC load times; 2025-04-02 14:00 UTC is 11:00 in Chile (UTC-3 until 6 April 2025).
LAST_LOAD_UTC = datetime(2025, 4, 2, 14, 0)
LAST_LOAD_CHILE = "02-04-2025 11:00"

INGESTIONS = (
    # id, archivo, tipo, cargado_en, estado, leidas, cargadas, nuevas, reemplazadas, cuarentena
    (1, "instituciones.csv", "instituciones", datetime(2025, 3, 3, 12, 0), "loaded", 3, 3, 3, 0, 0),
    (2, "productos.csv", "productos", datetime(2025, 3, 3, 12, 2), "loaded", 2, 2, 2, 0, 0),
    (3, "metas_marzo.xlsx", "metas", datetime(2025, 3, 3, 12, 5), "loaded", 3, 3, 3, 0, 0),
    (4, "entregas_marzo.csv", "entregas", datetime(2025, 4, 1, 13, 30), "partial", 5, 4, 4, 0, 1),
    (5, "metas_abril.xlsx", "metas", LAST_LOAD_UTC, "loaded", 1, 1, 0, 1, 0),
)
INSTITUTIONS = (
    ("Ministerio de Salud", "Fondo Nacional de Salud", "FONASA"),
    ("Ministerio de Vivienda y Urbanismo", "Servicio de Vivienda y Urbanización", "SERVIU"),
    ("Ministerio del Interior", "Subsecretaría de Desarrollo Regional", "SUBDERE"),
)
PRODUCTS = (
    ("FONASA", "Atenciones de salud", "social", "atenciones"),
    ("SERVIU", "Subsidios habitacionales", "infraestructura", "subsidios"),
)
GOAL = (
    "Ministerio de Salud", "FONASA", "social", "Ana Pérez", "personas", "descendente",
    250000.0, 150000.0, date(2025, 1, 1), date(2026, 3, 1), "nacional", 0.9, 0.7,
)  # fmt: skip
DELIVERIES = (  # territorio: comunas of Valparaíso (05) and Santiago (13), and region Biobío (08)
    ("FONASA", "Atenciones de salud", "05101", 1200),
    ("FONASA", "Atenciones de salud", "13101", 5400),
    ("SERVIU", "Subsidios habitacionales", "13110", 80),
    ("SERVIU", "Subsidios habitacionales", "08", 310),
)
CURRENT_ROWS = {"instituciones": 3, "productos": 2, "metas": 3, "entregas": 4}
REGIONS_WITH_DATA = 3


def _insert_rows(con: duckdb.DuckDBPyConnection, demo: bool) -> None:
    """A handful of versioned rows, as the loaders would leave them (no loader involved)."""
    for ing in INGESTIONS:
        con.execute(
            "INSERT INTO ingestas (id, archivo, tipo, cargado_en, estado, filas_leidas,"
            " filas_cargadas, filas_nuevas, filas_reemplazadas, filas_en_cuarentena,"
            " hash_contenido, formato, filas_sin_cambio, es_demo)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'csv', 0, ?)",
            [*ing, f"hash-{ing[0]}", demo],
        )
    # The ids above were given by hand: the sequence moves past them, so a later load (an
    # upload in a test) gets the next id, as after real loads.
    con.execute("SELECT nextval('ingestion_id_seq') FROM range(?)", [len(INGESTIONS)]).fetchall()
    when = {ing[0]: ing[3] for ing in INGESTIONS}
    for line, row in enumerate(INSTITUTIONS, start=2):
        con.execute(
            "INSERT INTO instituciones VALUES (?, ?, ?, ?, NULL, 1, ?)", [*row, when[1], line]
        )
    for line, row in enumerate(PRODUCTS, start=2):
        con.execute(
            "INSERT INTO productos VALUES (?, ?, ?, ?, ?, NULL, 2, ?)", [*row, when[2], line]
        )
    goals = [  # (codigo, nombre, valid_from, valid_to, ingestion): M-01 was replaced in April
        ("M-01", "Reducir lista de espera", when[3], when[5], 3),
        ("M-01", "Reducir lista de espera GES", when[5], None, 5),
        ("M-02", "Viviendas entregadas", when[3], None, 3),
        ("M-03", "Consultorios acreditados", when[3], None, 3),
    ]
    for line, (code, name, valid_from, valid_to, ing) in enumerate(goals, start=2):
        con.execute(
            "INSERT INTO metas VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [code, name, *GOAL, valid_from, valid_to, ing, line],
        )
    for line, (service, product, territory, people) in enumerate(DELIVERIES, start=2):
        con.execute(
            "INSERT INTO entregas VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, NULL, 4, ?)",
            [service, product, territory, date(2025, 3, 1), people, when[4], line],
        )


# Accounts of the small warehouse (the demo has its own, loaders/demo/accounts.py): username →
# (role, region, password). Hashes are computed once per session: argon2 is slow on purpose.
TEST_ACCOUNTS = {
    "presidencia": ("presidencia", None, "demo-presidencia"),
    "analista": ("analista", None, "demo-analista"),
    "region": ("region", "05", "demo-region"),
    "admin": ("admin", None, "demo-admin"),
}


@functools.cache
def _password_hash(password: str) -> str:
    from warehouse.accounts import hash_password

    return hash_password(password)


def _insert_accounts(con: duckdb.DuckDBPyConnection) -> None:
    for username, (role, region, password) in TEST_ACCOUNTS.items():
        con.execute(
            "INSERT INTO cuentas (usuario, nombre, rol, region, hash_clave, creada_en,"
            " actualizada_en) VALUES (?, ?, ?, ?, ?, now(), now())",
            [username, username.title(), role, region, _password_hash(password)],
        )


def build_small_warehouse(path: Path, reference: Path, *, demo: bool) -> Path:
    """Copy the reference-only database to `path` and add the rows and accounts above."""
    shutil.copyfile(reference, path)
    con = connect(path)
    try:
        with transaction(con):
            _insert_rows(con, demo)
            _insert_accounts(con)
            refresh_aggregates(con, "all")  # as the loaders do after each delivery file
            if demo:
                set_metadata(con, "dataset", "demo")
    finally:
        con.close()
    return path


# The demo as of a fixed day, so page tests see the same data every time. 2025-06-18 keeps the
# build fast (17 months of deliveries) and gives a review week with real changes.
DEMO_TODAY = date(2025, 6, 18)
