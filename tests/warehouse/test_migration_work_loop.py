"""Migration 006 (the goals work loop) on a warehouse that already has accounts: `cuentas` is
rebuilt to accept the goal manager, and every account keeps its id, hash, state and session
epoch; the id sequence goes on where it was."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from warehouse.accounts import authenticate, hash_password
from warehouse.db import available_migrations, compose, connect, ident, schema_version

OLD_COLUMNS = ("id", "usuario", "nombre", "rol", "ministerios", "region", "hash_clave", "activa",
               "sesion_epoca", "es_demo", "creada_en", "actualizada_en")  # fmt: skip
SELECT_OLD = compose(
    "SELECT {columns} FROM cuentas ORDER BY id", columns=", ".join(map(ident, OLD_COLUMNS))
)
PASSWORD = "clave-antigua-de-prueba"
CREATED = datetime(2025, 3, 1, 12, 0)


def _warehouse_at_version_5(path: Path) -> None:
    """A warehouse as migrations 001–005 left it, with accounts made over time: one removed
    (its id is not reused), one disabled after two resets, a ministry, a region; a load."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    for migration in available_migrations()[:5]:
        con.execute(migration.sql)
        con.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
            [migration.version, migration.name],
        )
    digest = hash_password(PASSWORD)
    accounts = [
        ("presidencia", "presidencia", [], None, True, 0),
        ("borrada", "analista", [], None, True, 0),
        ("ministerio", "ministerio", ["Ministerio de Salud", "Ministerio del Interior"], None,
         True, 0),
        ("region", "region", [], "05", True, 0),
        ("antigua", "analista", [], None, False, 2),
    ]  # fmt: skip
    for username, role, ministries, region, active, epoch in accounts:
        con.execute(
            "INSERT INTO cuentas (usuario, nombre, rol, ministerios, region, hash_clave, activa,"
            " sesion_epoca, creada_en, actualizada_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [username, username.title(), role, ministries, region, digest, active, epoch,
             CREATED, CREATED],
        )  # fmt: skip
    con.execute("DELETE FROM cuentas WHERE usuario = 'borrada'")
    con.execute(
        "INSERT INTO auditoria_cuentas VALUES (?, 'consola', 'antigua', 'desactivar', NULL)",
        [CREATED],
    )
    con.execute(
        "INSERT INTO ingestas (archivo, hash_contenido, tipo, formato, cargado_en, estado,"
        " filas_leidas, filas_cargadas, filas_nuevas, filas_reemplazadas, filas_sin_cambio,"
        " filas_en_cuarentena) VALUES ('avance.csv', 'h', 'avance_mensual', 'csv', ?, 'loaded',"
        " 1, 1, 1, 0, 0, 0)",
        [CREATED],
    )
    con.execute(
        "INSERT INTO avance_mensual (codigo_meta, mes, region, valor_programado, valor_real,"
        " estado, valid_from, ingestion_id, source_line) VALUES ('SAL-01', DATE '2025-02-01',"
        " NULL, 10, 9, 'reportado', ?, 1, 2)",
        [CREATED],
    )
    con.close()


@pytest.fixture
def old(tmp_path: Path) -> tuple[Path, list[tuple]]:
    path = tmp_path / "v5.duckdb"
    _warehouse_at_version_5(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        before = con.execute(SELECT_OLD).fetchall()
    finally:
        con.close()
    assert [row[0] for row in before] == [1, 3, 4, 5]
    return path, before


def test_every_account_is_kept_with_its_id_hash_and_state(old) -> None:
    path, before = old
    con = connect(path)  # applies 006
    try:
        assert schema_version(con) == available_migrations()[-1].version >= 6
        after = con.execute(SELECT_OLD).fetchall()
        assert after == before
        assert con.execute("SELECT DISTINCT metas FROM cuentas").fetchall() == [([],)]
        assert authenticate(con, "ministerio", PASSWORD) is not None  # the hash still opens it
        assert authenticate(con, "antigua", PASSWORD) is None  # still disabled
        assert con.execute("SELECT count(*) FROM auditoria_cuentas").fetchall() == [(1,)]
        # The sequence goes on: a new account never takes a removed or existing id.
        new_id = con.execute(
            "INSERT INTO cuentas (usuario, nombre, rol, metas, hash_clave, creada_en,"
            " actualizada_en) VALUES ('gerente', 'Gerencia', 'gerente', ['SAL-01'], 'x',"
            " now(), now()) RETURNING id"
        ).fetchall()
        assert new_id == [(6,)]
    finally:
        con.close()


def test_the_rebuilt_table_keeps_every_rule_and_adds_the_managers(old) -> None:
    path, _ = old
    con = connect(path)
    insert = (
        "INSERT INTO cuentas (usuario, nombre, rol, ministerios, region, metas, hash_clave,"
        " creada_en, actualizada_en) VALUES (?, 'X', ?, ?, ?, ?, 'x', now(), now())"
    )
    try:
        refused = [
            ("presidencia", "analista", [], None, []),  # user names stay unique
            ("g1", "gerente", [], None, []),  # a manager manages at least one goal
            ("m1", "ministerio", [], None, []),  # the old rules hold
            ("r1", "region", [], None, []),
            ("j1", "jefe", [], None, []),
        ]
        for values in refused:
            with pytest.raises(duckdb.ConstraintException):
                con.execute(insert, list(values))
        con.execute(insert, ["g2", "gerente", [], None, ["SAL-01", "SAL-02"]])
        rows = con.execute("SELECT rol, metas FROM cuentas WHERE usuario = 'g2'").fetchall()
        assert rows == [("gerente", ["SAL-01", "SAL-02"])]
    finally:
        con.close()


def test_loads_progress_tokens_and_audit_get_their_new_columns(old) -> None:
    path, _ = old
    con = connect(path)
    try:
        assert con.execute("SELECT canal, usuario FROM ingestas").fetchall() == [("archivo", None)]
        assert con.execute("SELECT valor_real, pronostico FROM avance_mensual").fetchall() == [
            (9.0, None)
        ]
        con.execute(
            "INSERT INTO tokens_api (cuenta_id, hash_token, prefijo, creado_en)"
            " VALUES (1, 'abc', 'abcdefgh', now())"
        )
        with pytest.raises(duckdb.ConstraintException):  # one row per token hash
            con.execute(
                "INSERT INTO tokens_api (cuenta_id, hash_token, prefijo, creado_en)"
                " VALUES (3, 'abc', 'abcdefgh', now())"
            )
        record = (
            "INSERT INTO auditoria (en, usuario, canal, accion, tabla, clave, antes, despues)"
            " VALUES (now(), 'gerente', ?, 'reportar', 'avance_mensual', ?, NULL, ?) RETURNING id"
        )
        key = json.dumps({"codigo_meta": "SAL-01", "mes": "2025-02-01", "region": None})
        for channel in ("formulario", "archivo", "api", "consola", "validacion"):
            con.execute(record, [channel, key, json.dumps({"valor_real": 9})]).fetchall()
        with pytest.raises(duckdb.ConstraintException):
            con.execute(record, ["correo", key, None])
        assert con.execute("SELECT count(DISTINCT id) FROM auditoria").fetchall() == [(5,)]
    finally:
        con.close()
