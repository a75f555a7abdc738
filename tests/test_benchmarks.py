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


# --------------------------------------------------------------------------- the load test


def test_load_test_runs_locust_against_gunicorn_and_reads_its_statistics(demo_db, tmp_path):
    """A few seconds with 10 users (locust then starts one of each kind of person: 3 + 2 + 1
    + 4) and no think time: locust and gunicorn as subprocesses; no request may fail."""
    import shutil

    from benchmarks import load, report

    db = tmp_path / "tablero.duckdb"
    shutil.copyfile(demo_db, db)
    env = {"TABLERO_WORKERS": "2", "TABLERO_THREADS_PER_WORKER": "2"}
    [run] = load.measure(db, users=[10], seconds=4, work=tmp_path / "carga", thinks=["0"], env=env,
                         baseline=False)  # fmt: skip
    assert (run.users, run.think, run.seconds) == (10, "0", 4)
    assert run.requests > 0
    assert run.failures == 0, run.failure_examples
    assert run.rps > 0
    assert 0 < run.p50_ms <= run.p95_ms
    assert run.worker_peak_bytes > 0
    [row, memory] = report.load_rows([run])
    assert row.measure == "Carga, 10 usuarios, sin pausa (4 s)"
    assert "sol/s" in row.value and "0 errores de" in row.value
    assert row.verdict == "—"  # only 200 users with think time carries the target
    assert memory.target == "≤ 1,5 GB"


def test_the_load_target_is_judged_on_200_users_with_think_time():
    from benchmarks import report
    from benchmarks.load import LoadRun

    def run(p95: float, failures: int = 0) -> LoadRun:
        return LoadRun(200, "2-5", 60, 6000, failures, 100.0, 20.0, p95)

    assert report.load_rows([run(120.0)])[0].verdict == "met"
    assert report.load_rows([run(300.0)])[0].verdict == "missed by 2.0× en p95"
    assert report.load_rows([run(100.0, failures=3)])[0].verdict == "missed by 3 errores"
    assert report.load_rows(None)[0].value.startswith("no medida")
    baseline = LoadRun(1, "0", 60, 600, 0, 10.0, 40.0, 300.0)
    why = "\n".join(report.load_notes([baseline, run(900.0)]))
    assert "una sola persona, sin cola: p50 40 ms, p95 300 ms" in why
    assert "el máximo servido fue 100.0 sol/s (200 usuarios, pausa 2–5 s)" in why
    assert "Por qué" not in "\n".join(report.load_notes([baseline, run(120.0)]))


# --------------------------------------------------------------------------- callback requests


def _component(type_: str, **props):
    return {"type": type_, "namespace": "dash_html_components", "props": props}


def test_callback_requests_carry_every_input_as_shown_and_pattern_matches_in_layout_order():
    from benchmarks import dash_requests as dr

    filter_id = {"dataset": "entregas", "key": "region", "type": "f"}
    layout = _component("Div", children=[
        _component("Dropdown", id="mes", value="2025-05"),
        _component("Dropdown", id={"dataset": "entregas", "key": "nivel", "type": "f"},
                   value="comuna"),
        _component("Dropdown", id=filter_id, value=None),
        _component("Dropdown", id={"other": "x"}, value=1),
    ])  # fmt: skip
    pattern = '{"dataset":["ALL"],"key":["ALL"],"type":"f"}'
    dependencies = [
        {"output": "..grid.rowData...count.children..", "prevent_initial_call": False,
         "inputs": [{"id": pattern, "property": "value"}, {"id": "mes", "property": "value"}],
         "state": [{"id": pattern, "property": "id"}]},
        {"output": "url.search", "prevent_initial_call": True,
         "inputs": [{"id": "mes", "property": "value"}], "state": []},
        {"output": "title.children", "clientside_function": {"function_name": "f"},
         "inputs": [{"id": "mes", "property": "value"}], "state": []},
    ]  # fmt: skip
    props = dr.collect(layout)
    callbacks = dr.callbacks(dependencies)
    assert len(callbacks) == 2  # the clientside one never reaches the server

    grid = dr.find(callbacks, "count.children")
    body = dr.request(grid, props, {dr.id_key(filter_id) + ".value": "05"})
    assert body["outputs"] == [{"id": "grid", "property": "rowData"},
                               {"id": "count", "property": "children"}]  # fmt: skip
    filters, month = body["inputs"]
    assert [(f["id"]["key"], f["value"]) for f in filters] == [
        ("nivel", "comuna"),
        ("region", "05"),
    ]
    assert month == {"id": "mes", "property": "value", "value": "2025-05"}
    assert [s["value"]["key"] for s in body["state"][0]] == ["nivel", "region"]
    assert body["changedPropIds"] == ['{"dataset":"entregas","key":"region","type":"f"}.value']

    single = dr.request(dr.find(callbacks, "url.search"), props, {"mes.value": "2025-04"})
    assert single["outputs"] == {"id": "url", "property": "search"}
    assert single["inputs"] == [{"id": "mes", "property": "value", "value": "2025-04"}]
    assert dr.fired_by(callbacks, props, {"mes"}) == [grid]  # the other one waits for a change


def test_answers_that_show_an_error_or_no_access_are_problems():
    from benchmarks import dash_requests as dr

    def answer(*children):
        return {
            "response": {"_pages_content": {"children": _component("Div", children=list(children))}}
        }

    def alert(color: str, text: str):
        return {"type": "Alert", "namespace": "dash_bootstrap_components",
                "props": {"color": color, "children": [_component("H4", children=text)]}}  # fmt: skip

    assert dr.problems(answer(alert("info", "¿Qué significa «validado»?"))) == []
    assert dr.problems(answer(alert("danger", "Error al consultar"))) == ["Error al consultar"]
    assert dr.problems(answer(alert("warning", "Meta no encontrada"))) == ["Meta no encontrada"]
    assert dr.problems(answer(_component("H1", children=dr.NOT_FOUND))) == [dr.NOT_FOUND]

    props = {}
    arrived = dr.apply({"response": {"region": {"data": "05"}, "body": {"children": [
        _component("Span", id="nuevo", children="x")]}}}, props)  # fmt: skip
    assert arrived == {"nuevo"}
    assert props["region"] == {"data": "05"}
