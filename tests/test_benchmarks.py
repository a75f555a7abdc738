"""The benchmark runs end to end at a tiny size and its answers agree with pandas.

No timing is asserted here (architecture.md: performance is measured by the benchmark script)."""

from benchmarks import run


def test_benchmark_writes_results_with_equal_answers(tmp_path, capsys):
    out = tmp_path / "RESULTS.md"
    code = run.main(
        ["--rows", "20000", "--repeat", "1", "--samples", "2", "--threads", "2",
         "--out", str(out), "--work", str(tmp_path / "work")]
    )  # fmt: skip
    assert code == 0
    text = out.read_text("utf-8")
    for measure in (
        "Carga CSV (filas/s)",
        "Carga Parquet (filas/s)",
        "Piso DuckDB read_csv",
        "Informe territorial, nivel región: p95",
        "Valores del mapa",
        "Explorador",
        "Aceleración media geométrica sobre pandas",
        "Bytes del mapa / incrustado",
        "Memoria máxima del proceso",
    ):
        assert measure in text
    assert "| N (filas de entregas cargadas) | 20,000 |" in text
    assert "respuestas iguales" in text
    assert "RESPUESTAS DISTINTAS" not in text
    assert "respuestas iguales" in capsys.readouterr().out
