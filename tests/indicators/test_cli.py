"""`python -m indicators`: goals, changes and territory as JSON, CSV and text; and the layer rule
that `indicators/` never imports dash (checked in a fresh interpreter, as harlequin does)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from indicators.cli import main
from tests.support.paths import REPO
from tests.support.review_history import D0, D1, step1, step2
from tests.support.territory_rows import DELIVERIES, POPULATION, PRODUCTS
from tests.support.tiny_warehouse import load, open_copy

ROOT = REPO
GOAL_FIELDS = {
    "codigo_meta", "avance", "esperado", "cumplimiento", "semaforo_trayectoria",
    "semaforo_gestion", "estado", "proyeccion", "en_riesgo", "restricciones_abiertas", "escalar",
}  # fmt: skip


@pytest.fixture(scope="module")
def db(reference_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    con = open_copy(reference_db, folder)
    step1(con)
    step2(con)
    load(con, "productos", PRODUCTS)
    load(con, "entregas", DELIVERIES)
    load(con, "poblacion", POPULATION)
    con.close()
    return folder / "t.duckdb"


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_goals_json(db: Path, capsys) -> None:
    code, out = run(capsys, "goals", "--db", str(db), "--as-of", "2025-05", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["codigo_meta"] for r in rows] == ["G1", "G2", "G3", "G4"]
    assert set(rows[0]) >= GOAL_FIELDS
    g2 = rows[1]
    # G2: A = 38, P = 40 (given for May): r = 0.95, avance 0.38; no bottleneck open on 31 May.
    assert g2["cumplimiento"] == pytest.approx(0.95) and g2["avance"] == pytest.approx(0.38)
    assert (g2["semaforo_trayectoria"], g2["estado"], g2["mes_reportado"]) == (
        "verde",
        "verde",
        "2025-05",
    )
    assert rows[3]["estado"] == "rojo" and rows[3]["restricciones_abiertas"] == 1
    assert rows[3]["escalar"] is False  # R5: 25 days open on 31 May
    assert list(rows[0]) == sorted(rows[0])  # stable, sorted keys


def test_goals_json_is_stable(db: Path, capsys) -> None:
    first = run(capsys, "goals", "--db", str(db), "--as-of", "2025-06", "--json")[1]
    assert run(capsys, "goals", "--db", str(db), "--as-of", "2025-06", "--json")[1] == first


def test_goals_csv_and_text(db: Path, capsys) -> None:
    _, out = run(capsys, "goals", "--db", str(db), "--as-of", "2025-06", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["codigo_meta"] for r in rows] == ["G1", "G2", "G3", "G4"]
    # In June only May is reported (m − 1): still informed; G1 has R3 open (amarillo).
    assert rows[0]["estado"] == "amarillo"
    _, text = run(capsys, "goals", "--db", str(db), "--as-of", "2025-06")
    assert "G4" in text and "semaforo_trayectoria" in text


def test_goals_known_at_and_all_reported(db: Path, capsys) -> None:
    args = ["goals", "--db", str(db), "--as-of", "2025-05", "--json"]
    then = json.loads(run(capsys, *args, "--known-at", "2025-06-03T00:00")[1])
    assert then[1]["estado"] == "rojo"  # G2 before its revision: 25 / 40
    assert json.loads(run(capsys, *args, "--all-reported")[1])[1]["estado"] == "verde"


def test_changes_json(db: Path, capsys) -> None:
    args = ["changes", "--db", str(db), "--from", D0.isoformat(), "--to", D1.isoformat()]
    code, out = run(capsys, *args, "--json")
    data = json.loads(out)
    assert code == 0 and (data["desde"], data["hasta"]) == ("2025-06-03", "2025-06-10")
    assert [r["codigo_meta"] for r in data["semaforos"]] == ["G1", "G2", "G3"]
    assert [r["codigo_restriccion"] for r in data["escalar_nuevas"]] == ["R5"]
    _, text = run(capsys, *args)
    assert "semaforos: 3" in text and "estado_actual=verde" in text


def test_territory_json(db: Path, capsys) -> None:
    code, out = run(capsys, "territory", "--db", str(db), "--year", "2025", "--from-year", "2024",
                    "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 0
    rows = {r["codigo"]: r for r in data["territorios"]}
    assert rows["05"]["cobertura"] == 250.0
    assert set(data["theil"]) == {"total", "between", "within", "grupos"}
    assert data["theil"]["between"] is None  # no groups in the region view
    assert {"gini", "cv", "sigma", "beta", "brecha", "sinergia"} <= set(data)
    assert [p["anio"] for p in data["sigma"]["serie"]] == [2024, 2025]


def test_territory_comuna_level_with_area(db: Path, capsys) -> None:
    code, out = run(capsys, "territory", "--db", str(db), "--year", "2025", "--level", "comuna",
                    "--region", "05", "--area", "social", "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 0
    rows = {r["codigo"]: r for r in data["territorios"]}
    assert rows["05101"]["beneficiarios"] == 160 and rows["05109"]["beneficiarios"] == 30
    assert data["theil"]["grupos"] == "provincia"
    assert data["filtros"]["seleccion"] == "área temática = social"
    _, text = run(capsys, "territory", "--db", str(db), "--year", "2025")
    assert "Valparaíso" in text


def test_errors_are_reported_with_exit_status_2(tmp_path: Path, db: Path, capsys) -> None:
    assert main(["goals", "--db", str(tmp_path / "none.duckdb"), "--as-of", "2025-05"]) == 2
    assert "No existe la base de datos" in capsys.readouterr().err
    assert main(["territory", "--db", str(db), "--year", "2025", "--level", "region",
                 "--region", "05", "--from-year", "2030"]) == 0  # fmt: skip
    with pytest.raises(SystemExit):
        main(["goals", "--db", str(db), "--as-of", "2025/05"])
    with pytest.raises(SystemExit):
        main(["territory", "--db", str(db), "--year", "2025", "--area", "a", "--servicio", "s"])


def test_module_entry_point_and_no_dash(db: Path) -> None:
    """The real `python -m indicators` runs, and neither it nor the package pulls in dash."""
    done = subprocess.run(
        [sys.executable, "-m", "indicators", "goals", "--db", str(db), "--as-of", "2025-05",
         "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout)[0]["codigo_meta"] == "G1"
    probe = (
        "import sys, pkgutil, importlib, indicators\n"
        "for m in pkgutil.iter_modules(indicators.__path__):\n"
        "    importlib.import_module('indicators.' + m.name) if m.name != '__main__' else None\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in"
        " ('dash', 'dashboard', 'dash_bootstrap_components', 'dash_ag_grid', 'loaders'))\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


PURE = ("goals", "lights", "months", "progress", "bottlenecks", "projection", "scorecard",
        "goal_regions", "review", "population", "territory", "inequality", "synergy",
        "commitments")  # fmt: skip


def test_pure_modules_touch_no_database() -> None:
    """The formula modules import neither duckdb nor the warehouse: frames in, frames out."""
    probe = (
        "import sys, importlib\n"
        f"for name in {PURE!r}: importlib.import_module('indicators.' + name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('duckdb', 'warehouse', 'dash')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_unused_dates_stay_dates() -> None:
    from indicators.serialize import plain

    assert plain(date(2025, 5, 1), "proyeccion") == "2025-05"
    assert plain(datetime(2025, 5, 1, 10), "fecha_alerta") == "2025-05-01"
    assert plain(float("nan")) is None and plain(float("inf")) is None
