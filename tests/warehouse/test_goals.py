"""Goal queries on a tiny warehouse: versioned rows 'as known at', bound values, end to end."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from indicators.goal_report import goal_region_scorecard, goal_scorecard
from indicators.scorecard import evaluate_goals
from tests.support.tiny_warehouse import T0, load, open_copy
from warehouse import goals as q
from warehouse.db import WarehouseError
from warehouse.versioned import as_known

T1 = datetime(2025, 7, 3, 9, 30)
GOAL = {"codigo_meta": "M-1", "linea_base": 0.0, "valor_meta": 100.0,
        "fecha_inicio": date(2025, 1, 1), "fecha_meta": date(2025, 12, 31)}  # fmt: skip


@pytest.mark.parametrize(
    ("alias", "known_at", "sql", "params"),
    [
        (None, None, "valid_to IS NULL", {}),
        ("m", None, '"m".valid_to IS NULL', {}),
        (
            None,
            T0,
            "valid_from <= $known_at AND (valid_to IS NULL OR valid_to > $known_at)",
            {"known_at": T0},
        ),
        (
            'x"y',
            T0,
            '"x""y".valid_from <= $known_at AND ("x""y".valid_to IS NULL OR "x""y".valid_to > $known_at)',
            {"known_at": T0},
        ),
    ],
)
def test_as_known_predicate(alias, known_at, sql, params) -> None:
    assert as_known(alias, known_at) == (sql, params)


@pytest.fixture
def con(reference_db: Path, tmp_path: Path):
    connection = open_copy(reference_db, tmp_path)
    load(connection, "metas", [GOAL], T0)
    load(
        connection,
        "avance_mensual",
        [
            {"codigo_meta": "M-1", "mes": date(2025, 5, 1), "valor_programado": 40.0, "valor_real": 30.0},
            {"codigo_meta": "M-1", "mes": date(2025, 6, 1), "valor_programado": 50.0, "valor_real": 45.0},
            {"codigo_meta": "M-1", "mes": date(2025, 6, 1), "region": "05", "valor_real": 20.0},
        ],
        datetime(2025, 7, 1),
    )  # fmt: skip
    # On 3 July the June figure is corrected (45 → 35) and the target raised to 200.
    load(connection, "avance_mensual", [
        {"codigo_meta": "M-1", "mes": date(2025, 6, 1), "valor_programado": 50.0, "valor_real": 35.0},
    ], T1)  # fmt: skip
    load(connection, "metas", [GOAL | {"valor_meta": 200.0}], T1)
    yield connection
    connection.close()


def test_goals_current_and_as_known(con) -> None:
    assert q.goals(con)["valor_meta"].tolist() == [200.0]
    assert q.goals(con, datetime(2025, 7, 2))["valor_meta"].tolist() == [100.0]
    # The instant of a load belongs to the new version.
    assert q.goals(con, T1)["valor_meta"].tolist() == [200.0]
    assert q.goals(con, datetime(2024, 12, 31)).empty


def test_progress_until_and_as_known(con) -> None:
    rows = q.progress(con, date(2025, 6, 1))
    national_june = rows[(rows["mes"] == pd.Timestamp(2025, 6, 1)) & rows["region"].isna()]
    assert national_june["valor_real"].tolist() == [35.0]
    before = q.progress(con, date(2025, 6, 1), datetime(2025, 7, 2))
    june = before[(before["mes"] == pd.Timestamp(2025, 6, 1)) & before["region"].isna()]
    assert june["valor_real"].tolist() == [45.0]
    assert q.progress(con, date(2025, 5, 1))["mes"].max() == pd.Timestamp(2025, 5, 1)
    assert len(q.progress(con, codigo_meta="M-1")) == 3
    # The national row comes before the regional one of the same month.
    assert q.progress(con)["region"].fillna("").tolist() == ["", "", "05"]


def test_values_are_bound_never_spliced(con) -> None:
    tricky = "M-1' OR '1'='1"
    assert q.progress(con, codigo_meta=tricky).empty


def test_scorecard_from_the_warehouse_matches_the_pure_function(con) -> None:
    june = date(2025, 6, 1)
    card = goal_scorecard(con, june).iloc[0]
    # Now: A = 35, P = 50, T = 200: r = 0.7 → amarillo; avance 35 / 200.
    assert card["cumplimiento"] == pytest.approx(0.7)
    assert card["avance"] == pytest.approx(0.175)
    assert card["semaforo_trayectoria"] == "amarillo"
    # As known on 2 July: A = 45, T = 100: r = 0.9 → verde.
    then = goal_scorecard(con, june, known_at=datetime(2025, 7, 2)).iloc[0]
    assert then["cumplimiento"] == pytest.approx(0.9) and then["estado"] == "verde"
    direct = evaluate_goals(q.goals(con), q.progress(con), q.bottlenecks(con), june)
    pd.testing.assert_frame_equal(goal_scorecard(con, june), direct)
    regions = goal_region_scorecard(con, june)
    assert regions[["codigo_meta", "region"]].values.tolist() == [["M-1", "05"]]
    assert regions.loc[0, "cumplimiento"] == pytest.approx(0.4)  # 20 / national plan 50


def test_milestones_and_bottlenecks_queries(con) -> None:
    load(con, "metas_intermedias", [{"codigo_meta": "M-1", "codigo_hito": "H1",
                                     "fecha_programada": date(2025, 9, 1)}])  # fmt: skip
    load(con, "restricciones", [{"codigo_restriccion": "R1", "codigo_meta": "M-1",
                                 "fecha_alerta": date(2025, 6, 1)}], T1)  # fmt: skip
    assert q.milestones(con)["codigo_hito"].tolist() == ["H1"]
    assert q.bottlenecks(con)["codigo_restriccion"].tolist() == ["R1"]
    assert q.bottlenecks(con, datetime(2025, 7, 1)).empty


def test_database_errors_become_warehouse_errors(con) -> None:
    con.execute("DROP TABLE metas_intermedias")
    with pytest.raises(WarehouseError) as raised:
        q.milestones(con)
    assert raised.value.title == "No se pudo consultar la base de datos"
