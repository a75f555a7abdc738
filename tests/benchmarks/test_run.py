"""The benchmark runs end to end at a tiny size and its answers agree with pandas.

No timing is asserted here (architecture.md: performance is measured by the benchmark script)."""

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from benchmarks import map_bytes, run
from dashboard.ui import theme
from tests.support.paths import REPO
from warehouse.db import connect

REPO = REPO
MIB = 1024**2


def _table(text: str) -> dict[str, tuple[str, str, str]]:
    """RESULTS.md's measures: measure -> (value, target, verdict)."""
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$", text, re.MULTILINE)
    return {measure: (value, target, verdict) for measure, value, target, verdict in rows}


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
        "Página de convergencia, nivel región (convergence_view, sin caché de valores): p95",
        "Página de la región 05 (region_view",
        "Valores del mapa",
        "Explorador",
        "Aceleración media geométrica sobre pandas",
        "Bytes del mapa / incrustado",
        "Memoria máxima del proceso del benchmark",
        "Explorador: filtrar",
        "Explorador: exportar CSV",
        "Detalle de una meta (load_goal_page)",
        "Memoria máxima de un proceso que sirve",
    ):
        assert measure in text
    assert "| N (filas de entregas cargadas) | 20,000 |" in text
    assert "respuestas iguales" in text
    assert "RESPUESTAS DISTINTAS" not in text
    printed = capsys.readouterr().out
    assert "respuestas iguales" in printed
    assert re.search(r"memoria al servir \d+\.\d\d GB", printed)

    table = _table(text)
    measures = list(table)
    # The explorer's two calls, each with its pandas baseline and equal answers.
    for name in ("Explorador: filtrar", "Explorador: exportar CSV"):
        timed = [m for m in measures if m.startswith(name) and m.endswith(": p95 (ms)")]
        against = [m for m in measures if m.startswith(name) and "aceleración sobre pandas" in m]
        assert len(timed) == 1 and len(against) == 1, measures
        assert "(respuestas iguales)" in against[0]
        assert table[timed[0]][1] == "≤ 100 ms"
    # The goal page is timed, with no baseline (nor are the scorecard and the review).
    for name in ("Detalle de una meta (load_goal_page)", "Tablero de metas", "Revisión semanal"):
        assert [m for m in measures if m.startswith(name)] == [
            m for m in measures if m.startswith(name) and m.endswith(": p95 (ms)")
        ]
        assert any(m.startswith(name) for m in measures), name
    assert "cubre solo las interacciones con línea base" in text
    # The benchmark's own memory is informative; a serving process's carries the target.
    value, target, verdict = table[
        "Memoria máxima del proceso del benchmark (GB; incluye los DataFrames de pandas)"
    ]
    assert (target, verdict) == ("—", "—") and float(value) > 0
    [serving] = [m for m in measures if m.startswith("Memoria máxima de un proceso que sirve")]
    value, target, verdict = table[serving]
    assert target == "≤ 1,5 GB" and verdict != "—"
    assert re.match(
        r"\d+\.\d\d \(DuckDB \d+ hilos?, límite \d+MiB; \d+ hilos de solicitudes", value
    )
    assert (tmp_path / "work" / "interacciones.snapshots" / "CURRENT").exists()


# --------------------------------------------------------------------------- answers checked


def test_the_explorer_answers_agree_with_pandas_and_a_difference_is_caught(demo_db):
    """The grid and the CSV of the real explorer functions against pandas' rows: equal as they
    are, and not equal once pandas' answer is changed in one number, its order or its size."""
    from benchmarks import baselines, interactions
    from dashboard.explore import views as explore_views
    from dashboard.server import defaults
    from warehouse.db import connect

    con = connect(demo_db, read_only=True)
    try:
        frames = baselines.Frames.read(con)
        base = defaults.read_defaults(con)
        first, last = date(base.as_of.year, 1, 1), base.as_of
        request = interactions.explorer_request(first, last)
        view = explore_views.load_view(con, request)
        content = explore_views.export_file(con, request, "csv")[0]
    finally:
        con.close()
    region = interactions.REGION
    want, total = baselines.explorer_page(frames, first, last, region, explore_views.GRID_LIMIT)
    assert request.args["region"] == region and request.args["nivel"] == "comuna"
    assert total > 1 and set(view.rows["region"]) == {"Valparaíso"}
    assert interactions.same_grid(view, want, total)
    assert not interactions.same_grid(view, want, total + 1)
    assert not interactions.same_grid(view, want.iloc[::-1].reset_index(drop=True), total)
    one_more = want.assign(beneficiarios=want["beneficiarios"] + (want.index == 0))
    assert not interactions.same_grid(view, one_more, total)

    labels = {c.name: c.label for c in view.query.columns}
    expected = baselines.explorer_csv(frames, first, last, region, labels)
    assert content.startswith(b"\xef\xbb\xbfC\xc3\xb3digo comuna;")  # BOM, ';', labels
    assert len(interactions.read_csv(content)) == total
    assert interactions.same_csv(content, expected, "Beneficiarios")
    last_row_dropped = expected[: expected.rstrip(b"\r\n").rfind(b"\r\n") + 2]
    assert not interactions.same_csv(content, last_row_dropped, "Beneficiarios")
    bigger = interactions.read_csv(expected)
    bigger.loc[0, "Beneficiarios"] = str(int(bigger.loc[0, "Beneficiarios"]) + 1)
    changed = bigger.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")
    assert not interactions.same_csv(content, changed, "Beneficiarios")


def test_the_goal_page_measured_has_a_regional_breakdown(demo_db):
    from benchmarks import interactions
    from dashboard.goal_page.data import load_goal_page
    from warehouse.db import connect

    con = connect(demo_db, read_only=True)
    try:
        codigo = interactions.goal_with_regions(con)
        page = load_goal_page(con, codigo)
    finally:
        con.close()
    assert page is not None and page.goal.codigo_meta == codigo
    assert len(page.regions) > 1


# --------------------------------------------------------------------------- serving memory


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
def test_a_child_reports_its_own_peak_not_the_one_of_the_process_that_launched_it():
    """ru_maxrss of an exec'd child starts at its parent's resident size: the serving process
    must not report the benchmark's pandas frames as its own."""
    ballast = bytearray(600 * MIB)
    ballast[::4096] = b"\x01" * len(range(0, len(ballast), 4096))  # resident, not just mapped
    code = (
        "import resource; from benchmarks.serving_memory import own_peak_bytes;"
        " print(own_peak_bytes(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    own, inherited = map(int, done.stdout.split())
    del ballast
    assert inherited > 600 * MIB  # why VmHWM: ru_maxrss carries the parent's peak
    assert 0 < own < 300 * MIB


def test_the_serving_memory_row_carries_the_target_and_says_when_it_was_not_measured():
    from benchmarks import report
    from benchmarks.serving_memory import ServingPeak

    peak = ServingPeak(int(1.6 * report.GB), 1, "1024MiB", 4, "t.1.duckdb", 36)
    row = report.serving_row(peak)
    assert row.value.startswith("1.60 (DuckDB 1 hilo, límite 1024MiB; 4 hilos de solicitudes")
    assert (row.target, row.verdict) == ("≤ 1,5 GB", "missed by 1.07×")
    missing = report.serving_row(None)
    assert missing.value.startswith("no medida") and missing.verdict == "no medida"


# --------------------------------------------------------------------------- the load test


def test_load_test_runs_locust_against_gunicorn_and_reads_its_statistics(demo_db, tmp_path):
    """A few seconds of the baseline (one person doing everything) and of 10 users (locust then
    starts one of each kind of person: 3 + 2 + 1 + 4), no think time: locust and gunicorn as
    subprocesses; no request may fail."""
    import shutil

    from benchmarks import load, report

    db = tmp_path / "tablero.duckdb"
    shutil.copyfile(demo_db, db)
    env = {"TABLERO_WORKERS": "2", "TABLERO_THREADS_PER_WORKER": "2"}
    [tour, run] = load.measure(db, users=[10], seconds=4, work=tmp_path / "carga", thinks=["0"],
                               env=env)  # fmt: skip
    # The baseline: one person doing what all of them do, each request with no queue.
    assert (tour.users, tour.think) == (1, "0") and tour.failures == 0, tour.failure_examples
    assert tour.costliest and all(cost.count > 0 for cost in tour.costliest)
    assert tour.costliest == tuple(sorted(tour.costliest, key=lambda c: -c.total_ms))
    assert (run.users, run.think, run.seconds) == (10, "0", 4)
    assert run.requests > 0
    assert run.failures == 0, run.failure_examples
    assert run.rps > 0
    assert 0 < run.p50_ms <= run.p95_ms
    assert run.worker_peak_bytes > 0
    [_, row, memory] = report.load_rows([tour, run])
    assert row.measure == "Carga, 10 usuarios, sin pausa (4 s)"
    assert "sol/s" in row.value and "0 errores de" in row.value
    assert row.verdict == "—"  # only 200 users with think time carries the target
    assert memory.target == "≤ 1,5 GB"


def test_missed_loading_targets_say_why_from_the_run():
    from benchmarks import report
    from benchmarks.loading import LoadResult

    slow = LoadResult(1_000_000, 2.0, 1.8, 0.8, pair_ratios=(2.5,), csv_cpu_seconds=3.0,
                      floor_cpu_seconds=1.2)  # fmt: skip
    why = "\n".join(report.loading_notes(slow))
    assert "llegó a 1,250,000 filas/s" in why and "2.50× el piso" in why
    assert "en tiempo de CPU 2.50×" in why
    # A host whose floor reads faster than the target: the note says how close it must come.
    quick_floor = LoadResult(5_000_000, 3.5, 3.0, 2.0, pair_ratios=(1.75,))
    why = "\n".join(report.loading_notes(quick_floor))
    assert "llegó a 2,500,000 filas/s" in why and "fuera de su alcance" not in why
    assert "a 1.25× del piso o menos" in why and "quedó a 1.75×" in why
    assert "costó 0.75 veces el tiempo del piso y tendría que caber en 0.25" in why
    assert "abajo" not in why  # the ratio is met: no note below to point at
    over = LoadResult(5_000_000, 5.0, 3.0, 2.0, pair_ratios=(2.5,))
    why = "\n".join(report.loading_notes(over))
    assert "quedó a 2.50× (la razón al piso, abajo, dice por qué)" in why
    assert "el cargador debe tipar y validar cada celda" in why
    fast = LoadResult(4_000_000, 1.5, 1.5, 1.0, pair_ratios=(1.5,))
    assert report.loading_notes(fast) == []


def test_missed_time_targets_say_why_from_the_run():
    from benchmarks import report
    from benchmarks.interactions import Interaction

    tail = Interaction("valores_mapa", "Valores del mapa", 20, [10.0] * 18 + [30.0] * 2, None, None)
    slow = Interaction("revision", "Revisión semanal", 100, [150.0] * 20, None, None)
    fine = Interaction("metas", "Tablero de metas", 100, [20.0] * 20, None, None)
    why = "\n".join(report.interaction_notes([tail, slow, fine]))
    assert "Valores del mapa: p95 30.0 ms, mediana 10.0 ms (meta 20 ms)" in why
    assert "una consulta a DuckDB" in why and "La mediana cumple" in why
    assert "Revisión semanal: p95 150.0 ms, mediana 150.0 ms" in why
    assert why.count("La mediana cumple") == 1 and "Tablero de metas" not in why
    assert report.interaction_notes([fine]) == []


def test_the_load_target_is_judged_on_200_users_with_think_time():
    from benchmarks import report
    from benchmarks.load import Cost, LoadRun

    def run(p95: float, failures: int = 0) -> LoadRun:
        return LoadRun(200, "2-5", 60, 6000, failures, 100.0, 20.0, p95)

    assert report.load_rows([run(120.0)])[0].verdict == "met"
    assert report.load_rows([run(300.0)])[0].verdict == "missed by 2.0× en p95"
    assert report.load_rows([run(100.0, failures=3)])[0].verdict == "missed by 3 errores"
    assert report.load_rows(None)[0].value.startswith("no medida")
    costly = (Cost("página / (otro mes)", 12, 300.0, 320.0), Cost("GET /publico", 80, 3.0, 3.5))
    baseline = LoadRun(1, "0", 60, 600, 0, 10.0, 40.0, 300.0, costliest=costly)
    why = "\n".join(report.load_notes([baseline, run(900.0)]))
    assert "una sola persona que hace lo de todas (sin cola): p50 40 ms, p95 300 ms" in why
    assert "  - página / (otro mes): 12 solicitudes, media 320 ms, p50 300 ms" in why
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


def test_an_answer_read_once_is_folded_into_each_page_as_its_own_copy() -> None:
    """The load generator reads each distinct body once (dash_requests.read); every page that
    receives it gets the values as apply would give them, and changing one page's values
    changes neither the other page nor the kept reading."""
    from benchmarks import dash_requests as dr

    body = json.dumps({"response": {"region": {"data": "05"}, "body": {"children": [
        _component("Span", id="nuevo", children="x"),
        {"type": "Alert", "namespace": "dash_bootstrap_components",
         "props": {"color": "danger", "children": "Error al consultar"}}]}}}).encode()  # fmt: skip
    reading = dr.read(body)
    assert dr.read(body) is reading and reading.problems == ("Error al consultar",)
    one, other, expected = {}, {}, {}
    assert reading.fold(one) == reading.fold(other) == dr.apply(json.loads(body), expected)
    assert one == other == expected
    one["region"]["data"] = "13"
    assert other["region"] == {"data": "05"} and reading.changed["region"] == {"data": "05"}
    layout = json.dumps(_component("Div", id="a", value=1)).encode()
    page = dr.layout_props(layout)
    page["a"]["value"] = 2
    assert dr.layout_props(layout) == {"a": {"id": "a", "value": 1}}


def test_map_bytes_count_what_dash_sends_for_the_map(demo_db: Path) -> None:
    """The figure is a dict (dashboard.ui.figure_dict): sized as Dash serialises it, far below
    the same figure with the comuna shapes embedded."""
    theme.register_plotly_template()
    con = connect(demo_db, read_only=True)
    try:
        sizes = map_bytes.measure(con, "05")
    finally:
        con.close()
    assert 1_000 < sizes.url_bytes < sizes.embedded_bytes
    assert sizes.share < 0.02


def test_a_rewrite_of_the_results_keeps_the_sections_written_apart(tmp_path: Path) -> None:
    from benchmarks.run import kept_sections

    out = tmp_path / "RESULTS.md"
    assert kept_sections(out) == ""
    out.write_text("# Resultados\n\n| a | b |\n", "utf-8")
    assert kept_sections(out) == ""
    out.write_text("# Resultados\n\n| a | b |\n\n## Capas de caché\n\n| x |\n", "utf-8")
    assert kept_sections(out) == "\n## Capas de caché\n\n| x |\n"
