"""`python -m loaders`: exit codes, the JSON summary, and the quarantine round trip."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from loaders.cli import main
from loaders.contracts import KINDS
from tests.support.loader_files import EXAMPLES, FILES, write

REPO = Path(__file__).parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_example_file_loads_with_exit_0_and_reloads_as_already_loaded(db_path):
    files = sorted(str(p) for p in EXAMPLES.iterdir())
    first = run("ingest", "--db", str(db_path), "--json", *files)
    assert first.returncode == 0, first.stdout + first.stderr
    summaries = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(summaries) == len(KINDS)  # one example file per kind
    assert {s["status"] for s in summaries} == {"loaded"}
    assert {"file", "kind", "status", "rows_read", "rows_loaded", "rows_quarantined", "errors"} <= (
        set(summaries[0])
    )
    again = run("ingest", "--db", str(db_path), "--json", *files)
    assert again.returncode == 0
    assert {json.loads(line)["status"] for line in again.stdout.splitlines()} == {"already_loaded"}


def test_exit_codes_partial_rejected_and_worst_wins(db_path, tmp_path):
    assert main(["ingest", "--db", str(db_path), str(FILES / "instituciones.csv")]) == 0
    partial = write(tmp_path / "p.csv", "territorio,anio,poblacion\n5101,2024,10\n99,2024,5\n")
    rejected = write(tmp_path / "r.csv", "territorio,anio\n5101,2024\n")
    assert main(["ingest", "--db", str(db_path), "--kind", "poblacion", str(partial)]) == 3
    assert main(["ingest", "--db", str(db_path), "--kind", "poblacion", str(rejected)]) == 2
    other = write(tmp_path / "p2.csv", "territorio,anio,poblacion\n99,2025,5\n")
    assert main(["ingest", "--db", str(db_path), str(other), str(rejected)]) == 2


def test_quarantine_export_can_be_fixed_and_sent_back(db_path, tmp_path, capsys):
    bad = write(
        tmp_path / "poblacion.csv", "territorio;anio;poblacion\n5101;2024;1.000\n99;2024;5\n"
    )
    assert main(["ingest", "--db", str(db_path), str(bad)]) == 3
    assert main(["quarantine", "--db", str(db_path)]) == 0
    assert "Territorio desconocido" in capsys.readouterr().out
    out = tmp_path / "para_corregir.csv"
    assert (
        main(["quarantine", "--db", str(db_path), "--file", "poblacion.csv", "--csv", str(out)])
        == 0
    )
    exported = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert list(exported.columns) == ["territorio", "anio", "poblacion", "linea_original",
                                      "motivos_cuarentena"]  # fmt: skip
    assert exported.loc[0, "linea_original"] == "3"
    exported.loc[0, "territorio"] = "5102"  # the clerk fixes the code and sends the file back
    fixed = tmp_path / "poblacion_corregida.csv"
    exported.to_csv(fixed, index=False)
    assert main(["ingest", "--db", str(db_path), str(fixed)]) == 0
