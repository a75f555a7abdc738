"""The public pages (/publico, /publico/meta/<codigo>) as an anonymous visitor: real HTTP
through the Flask test client (page GETs, the Dash page router and the pages' callbacks via
POST /_dash-update-component with the session's CSRF header), then headless Chromium.

What must hold: anonymous visitors get the pages; no response ever carries a figure that is
not validated, a bottleneck, who reported a figure, a comment or a file name; the goal page
draws the validated series; the results do not depend on who is asking.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import pytest
from dash.testing.wait import until

from dashboard.public import board_views, goal_views, parts
from dashboard.ui.components import LIGHTS
from dashboard.ui.goal_format import format_value, month_label
from tests.support.figures import as_figure
from tests.support.sessions import DashClient, anonymous, signed_in

PAGE = "_pages_content.children"  # Dash pages' router: the page a URL renders
RESULTS = f"{board_views.RESULTS}.children"
GOAL_URL = f"{goal_views.GOAL_URL}.search"
SENSITIVE_WORDS = ("restricci", "cuello de botella", "cuellos de botella", "escalar",
                   "grupo de estrategia", "reportado por", "sin validar", "comentario",
                   ".csv", ".xlsx", ".parquet")  # fmt: skip


# --------------------------------------------------------------------------- the demo's facts


@dataclass(frozen=True)
class DemoFacts:
    """What the demo warehouse holds, read directly (read-only), independently of the app."""

    as_of: date  # latest month with a validated national figure
    unvalidated: list[float]  # distinctive unvalidated valor_real (see `read_facts`)
    unvalidated_pattern: re.Pattern[str]  # any written form of any of them
    validated: set[float]  # every validated valor_real, national and regional
    secrets: list[str]  # bottleneck texts, reporters, comments, file names
    stale_goal: str  # a goal whose latest national figure is not validated
    stale_month: date  # that goal's latest validated month (before its unvalidated one)
    stale_value: float  # its latest validated value
    stale_unvalidated: float  # its newer, unvalidated value
    validated_series: list[float]  # its validated national values up to as_of, by month
    goals_with_unvalidated: list[str]
    regions_with_unvalidated: list[str]


def _column(con: duckdb.DuckDBPyConnection, sql: str, params: Iterable = ()) -> list:
    return [row[0] for row in con.execute(sql, list(params)).fetchall()]


def read_facts(path) -> DemoFacts:
    """Unvalidated values that are *distinctive*: no validated figure, plan, baseline or target
    has the same value, and with four digits or more, so that no date or percentage is written
    the same way by chance. A page showing one of them can only be showing that figure."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        current = "FROM avance_mensual WHERE valid_to IS NULL"
        unvalidated = set(_column(con, f"SELECT valor_real {current} AND estado <> 'validado'"
                                  " AND valor_real IS NOT NULL"))  # fmt: skip
        taken = set(_column(con, f"SELECT valor_real {current} AND estado = 'validado'"))
        taken |= set(_column(con, f"SELECT valor_programado {current}"))
        taken |= set(
            _column(con, "SELECT linea_base FROM metas UNION SELECT valor_meta FROM metas")
        )
        validated = set(_column(con, f"SELECT valor_real {current} AND estado = 'validado'"
                                " AND valor_real IS NOT NULL"))  # fmt: skip
        distinctive = sorted(v for v in unvalidated - taken if abs(v) >= 1000)
        secrets = _column(
            con,
            "SELECT descripcion FROM restricciones UNION SELECT responsable FROM restricciones"
            " UNION SELECT reportado_por FROM avance_mensual"
            " UNION SELECT comentario FROM avance_mensual UNION SELECT archivo FROM ingestas",
        )
        as_of = _column(con, f"SELECT max(mes) {current} AND estado = 'validado'"
                        " AND region IS NULL AND valor_real IS NOT NULL")[0]  # fmt: skip
        # Goals whose latest national figure awaits validation, with a validated one before.
        stale = con.execute(
            "WITH n AS (SELECT * FROM avance_mensual WHERE valid_to IS NULL AND region IS NULL"
            " AND valor_real IS NOT NULL), last AS (SELECT codigo_meta, max(mes) AS mes FROM n"
            " GROUP BY 1), lastv AS (SELECT codigo_meta, max(mes) AS mes FROM n"
            " WHERE estado = 'validado' GROUP BY 1)"
            " SELECT n.codigo_meta, lastv.mes, v.valor_real, n.valor_real"
            " FROM n JOIN last USING (codigo_meta, mes) JOIN lastv USING (codigo_meta)"
            " JOIN n AS v ON v.codigo_meta = n.codigo_meta AND v.mes = lastv.mes"
            " WHERE n.estado <> 'validado' AND n.valor_real >= 1000 ORDER BY 1"
        ).fetchall()
        code, month, value, newer = next(row for row in stale if row[3] in distinctive)
        series = _column(con, f"SELECT valor_real {current} AND codigo_meta = ? AND region IS NULL"
                         " AND estado = 'validado' AND valor_real IS NOT NULL AND mes <= ?"
                         " ORDER BY mes", [code, as_of])  # fmt: skip
        with_unvalidated = _column(con, f"SELECT DISTINCT codigo_meta {current}"
                                   " AND estado <> 'validado' ORDER BY 1")  # fmt: skip
        regions = _column(con, f"SELECT DISTINCT region {current} AND estado <> 'validado'"
                          " AND region IS NOT NULL ORDER BY 1")  # fmt: skip
    finally:
        con.close()
    return DemoFacts(
        as_of=as_of,
        unvalidated=distinctive,
        unvalidated_pattern=any_written_form(distinctive),
        validated=validated,
        secrets=sorted(s for s in secrets if s and len(s) >= 8),
        stale_goal=code,
        stale_month=month,
        stale_value=value,
        stale_unvalidated=newer,
        validated_series=series,
        goals_with_unvalidated=with_unvalidated,
        regions_with_unvalidated=regions,
    )


@pytest.fixture(scope="module")
def facts(demo_db) -> DemoFacts:
    found = read_facts(demo_db)
    # The checks below are only as strong as these sets are large.
    assert len(found.unvalidated) >= 20 and len(found.secrets) >= 20
    assert found.stale_month < found.as_of
    return found


@pytest.fixture
def client(app_for, demo_db) -> DashClient:
    return anonymous(app_for(demo_db))


# --------------------------------------------------------------------------- helpers


def written_forms(value: float) -> list[str]:
    """Regular expressions for how a page could write `value`: Chilean text with 0–2 decimals
    ('20.347', '20.347,0'), and JSON numbers ('20347.0'), never as part of a longer number."""
    texts = {format_value(value, digits) for digits in range(3)}
    raw = {repr(float(value)), f"{value:g}"}
    if float(value).is_integer():
        raw.add(str(int(value)))
    patterns = [rf"(?<![\d.,]){re.escape(t)}(?![\d]|[.,]\d)" for t in texts]
    return patterns + [rf"(?<![\d.]){re.escape(r)}(?![\d]|\.\d)" for r in raw]


def any_written_form(values: Iterable[float]) -> re.Pattern[str]:
    return re.compile("|".join(p for value in values for p in written_forms(value)))


def body(response) -> str:
    """The response as text, with JSON's \\u escapes decoded (Dash escapes every accent)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data(as_text=True)
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


def without_figures(text: str) -> tuple[str, list[dict]]:
    """The rendered JSON without its plotly figures, and the figures apart. A figure's hover
    texts write projections and interpolated plans month by month: rounded derived numbers
    that may equal some unvalidated value by chance, so figures are checked by their traces."""
    tree = json.loads(text)
    figures: list[dict] = []

    def visit(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props")
            if node.get("type") == "Graph" and isinstance(props, dict) and "figure" in props:
                figures.append(props.pop("figure"))
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(tree)
    return json.dumps(tree, ensure_ascii=False), figures


def assert_public(text: str, facts: DemoFacts) -> None:
    """Nothing unvalidated, no bottleneck, reporter, comment or file name in `text`; every
    actual value a figure draws is a validated figure of the warehouse; every figure is in
    plotly's own shape (the pages build them as dicts)."""
    rest, figures = without_figures(text)
    shown = facts.unvalidated_pattern.search(rest)
    assert shown is None, f"unvalidated figure shown: …{rest[shown.start() - 80 : shown.end()]}"
    for figure in figures:
        as_figure(figure)
        for trace in figure["data"]:
            if (trace.get("name") or "").startswith("Real"):
                assert set(trace["y"]) <= facts.validated, trace["name"]
    for secret in facts.secrets:
        assert secret not in text, secret
    lowered = text.lower()
    for name, _label in board_views.OPEN_DATA_FILES:  # the open data's own addresses
        lowered = lowered.replace((parts.OPEN_DATA_PATH + name).lower(), "")
    for word in SENSITIVE_WORDS:
        assert word not in lowered, word


def page(client: DashClient, path: str, search: str = "") -> str:
    """The page content Dash renders for a URL, as the browser asks for it."""
    inputs = {"_pages_location.pathname": path, "_pages_location.search": search}
    return body(client.callback(PAGE, inputs))


def results(client: DashClient, region: str | None, group: str | None = "ministerio") -> str:
    inputs = {f"{board_views.REGION}.value": region, f"{board_views.GROUP}.value": group}
    return body(client.callback(RESULTS, inputs))


def goal_row(text: str, code: str) -> str:
    """The rendered JSON of the table row of goal `code` (from the row before it to its end:
    the light comes before the goal's link)."""
    link = text.index(f'"href": "{parts.GOAL_PATH}{code}')
    start = text.rfind('"type": "Tr"', 0, link)
    end = text.find('"type": "Tr"', link)
    return text[start:end]


def figure_traces(text: str, graph_id: str) -> dict[str, list]:
    """name -> y values of the traces of the dcc.Graph `graph_id` in a rendered layout."""
    found: dict[str, list] = {}

    def visit(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if node.get("type") == "Graph" and props.get("id") == graph_id:
                for trace in props["figure"]["data"]:
                    found[trace.get("name")] = trace.get("y")
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(json.loads(text))
    return found


# --------------------------------------------------------------------------- anonymous HTTP


def test_anonymous_visitors_get_both_pages_and_the_page_needs_no_login(client, facts):
    assert client.get("/publico").status_code == 200
    assert client.get("/publico?region=05&agrupar=area").status_code == 200
    assert client.get(f"/publico/meta/{facts.stale_goal}").status_code == 200
    assert client.csrf_token, "the first GET hands out the CSRF cookie"
    text = page(client, "/publico")
    assert parts.PAGE_TITLE in text
    assert "acceso-denegado" not in text
    assert "¿Qué significa «validado» (sello de calidad)?" in text
    assert "Última actualización de los datos: " in text
    assert f"Mes de corte: {month_label(facts.as_of)}" in text


def test_the_board_shows_validated_results_by_ministry_and_by_area(client, facts):
    text = page(client, "/publico")
    assert_public(text, facts)
    assert "Ministerio de Salud (" in text and "Ministerio de Obras Públicas (" in text
    assert text.count(f'"href": "{parts.GOAL_PATH}') == 55  # every current goal, once
    # A goal whose newest figure awaits validation shows the validated month before it.
    row = goal_row(text, facts.stale_goal)
    assert month_label(facts.stale_month) in row
    assert month_label(facts.as_of) not in row
    assert any_written_form([facts.stale_value]).search(row)
    assert "thermo-mark" in row  # thermometer with the expected-progress mark
    assert '"className": "light light-' in row and '"aria-hidden": "true"' in row
    assert any(f'"{word}"' in row for word, _icon, _css in LIGHTS.values())  # icon + word

    by_area = body(client.callback(RESULTS, {f"{board_views.REGION}.value": None,
                                             f"{board_views.GROUP}.value": "area"}))  # fmt: skip
    assert_public(by_area, facts)
    assert "Social (" in by_area and "Infraestructura (" in by_area
    assert "Ministerio de Salud (" not in by_area


def test_every_region_with_unvalidated_figures_shows_only_validated_ones(client, facts):
    assert facts.regions_with_unvalidated
    for region in facts.regions_with_unvalidated:
        text = results(client, region)
        assert_public(text, facts)
        assert f"{parts.GOAL_PATH}" in text and f"?region={region}" in text
    caption = body(client.callback(RESULTS, {f"{board_views.REGION}.value": "05",
                                             f"{board_views.GROUP}.value": None}))  # fmt: skip
    assert "región de Valparaíso" in caption
    assert "Desglose de meta nacional" in caption and "Meta regional" in caption


def test_crafted_callback_inputs_fall_back_to_validated_national_results(client, facts):
    national = results(client, None)
    for region, group in [("99", "ministerio"), ("05' OR 1=1 --", "x"), (["05"], None)]:
        response = client.callback(
            RESULTS, {f"{board_views.REGION}.value": region, f"{board_views.GROUP}.value": group}
        )
        text = body(response)
        assert_public(text, facts)
        assert text.count(f'"href": "{parts.GOAL_PATH}') == 55
        assert json.loads(text)["response"][board_views.URL]["search"] == ""
    assert national.count(f'"href": "{parts.GOAL_PATH}') == 55
    written = body(client.callback(GOAL_URL, {f"{goal_views.GOAL_REGION}.value": "05&validadas=0"}))
    assert json.loads(written)["response"][goal_views.GOAL_URL]["search"] == (
        "?region=05%26validadas%3D0"
    )


def test_goal_page_draws_the_validated_series_and_the_last_validated_month(client, facts):
    text = page(client, f"/publico/meta/{facts.stale_goal}")
    assert_public(text, facts)
    traces = figure_traces(text, goal_views.GOAL_NATIONAL_CHART)
    assert traces["Real validado (sello de calidad)"] == facts.validated_series
    assert traces.get("Programado")
    assert not any(name.startswith("Real reportado") for name in traces)
    assert facts.stale_unvalidated not in traces["Real"]
    assert f"({month_label(facts.stale_month)})" in text  # "Última cifra validada: … (abril…)"
    assert "Metas intermedias (hitos)" in text
    assert "Termómetro: avance hacia la meta" in text


def test_every_goal_with_unvalidated_figures_shows_only_validated_ones(client, facts):
    region = facts.regions_with_unvalidated[0]
    for code in facts.goals_with_unvalidated:
        assert_public(page(client, f"/publico/meta/{code}", f"?region={region}"), facts)


def test_goal_page_with_a_region_adds_that_regions_validated_results(client, facts, demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        code, region = con.execute(
            "SELECT codigo_meta, region FROM avance_mensual WHERE valid_to IS NULL"
            " AND region IS NOT NULL AND estado <> 'validado' AND valor_real IS NOT NULL"
            " ORDER BY 1, 2 LIMIT 1"
        ).fetchall()[0]
        validated = [r[0] for r in con.execute(
            "SELECT valor_real FROM avance_mensual WHERE valid_to IS NULL AND codigo_meta = ?"
            " AND region = ? AND estado = 'validado' AND valor_real IS NOT NULL AND mes <= ?"
            " ORDER BY mes", [code, region, facts.as_of]).fetchall()]  # fmt: skip
    finally:
        con.close()
    text = page(client, f"/publico/meta/{code}", f"?region={region}")
    assert_public(text, facts)
    assert "Resultado en la región de" in text and "Resultados por región" in text
    regional = figure_traces(text, goal_views.GOAL_REGIONAL_CHART)
    assert regional["Real validado (sello de calidad)"] == validated
    # An unknown region is ignored: national results only.
    plain = page(client, f"/publico/meta/{code}", "?region=99")
    assert "Resultado en la región de" not in plain
    assert figure_traces(plain, goal_views.GOAL_REGIONAL_CHART) == {}


def test_unknown_goal_says_so(client):
    text = page(client, "/publico/meta/NO-EXISTE")
    assert "Meta no encontrada" in text and "NO-EXISTE" in text


def test_the_public_page_is_the_same_for_a_signed_in_viewer(app_for, demo_db, facts):
    """Reads run on the public scope whoever asks: presidencia sees what citizens see."""
    app = app_for(demo_db)
    staff = signed_in(app, "presidencia")
    citizen = anonymous(app)
    for path in ("/publico", f"/publico/meta/{facts.stale_goal}"):
        assert page(staff, path) == page(citizen, path)


# --------------------------------------------------------------------------- browser


def test_public_pages_in_a_browser(dash_duo, app_for, demo_db):
    """Anonymous: the board, a region, a goal of that region with its regional results."""
    app = app_for(demo_db)
    options = page(anonymous(app), "/publico")
    label, count = re.search(r'"label": "(Valparaíso \((\d+) metas\))"', options).groups()
    # Without navigating: "/" asks an anonymous visitor to log in, /publico does not.
    dash_duo.start_server(app, navigate=False)
    dash_duo.driver.get(dash_duo.server.url + "/publico")
    dash_duo.wait_for_text_to_equal(f"#{board_views.TITLE}", parts.PAGE_TITLE, timeout=10)
    dash_duo.wait_for_contains_text(f"#{board_views.CAPTION}", "Región: todo el país")
    assert len(dash_duo.find_elements(f"#{board_views.RESULTS} a.goal-link")) == 55
    light = dash_duo.find_element(f"#{board_views.RESULTS} .light")
    assert light.find_element("css selector", "i.bi").get_attribute("aria-hidden") == "true"
    assert dash_duo.find_elements(f"#{board_views.RESULTS} .thermo-mark")

    dash_duo.select_dcc_dropdown(f"#{board_views.REGION}", value=label)
    dash_duo.wait_for_contains_text(f"#{board_views.CAPTION}", "Región: Valparaíso", timeout=10)
    until(lambda: "region=05" in dash_duo.driver.current_url, timeout=10)
    until(
        lambda: len(dash_duo.find_elements(f"#{board_views.RESULTS} a.goal-link")) == int(count), 10
    )

    row = next(
        tr for tr in dash_duo.find_elements(f"#{board_views.RESULTS} tr")
        if "Desglose de meta nacional" in tr.text
    )  # fmt: skip
    link = row.find_element("css selector", "a.goal-link")
    code = link.find_element("css selector", ".goal-code").text
    dash_duo.driver.execute_script("arguments[0].click();", link)
    until(lambda: f"/publico/meta/{code}?region=05" in dash_duo.driver.current_url, timeout=10)
    dash_duo.wait_for_element(f"#{goal_views.GOAL_TITLE}", timeout=10)
    dash_duo.wait_for_element(f"#{goal_views.GOAL_REGIONAL_CHART} .main-svg", timeout=10)
    dash_duo.wait_for_element(f"#{goal_views.GOAL_NATIONAL_CHART} .main-svg", timeout=10)
    dash_duo.wait_for_contains_text(f"#{goal_views.GOAL_CAPTION}", "Región: Valparaíso")
    assert "Resultado en la región de Valparaíso" in dash_duo.find_element("body").text
    assert dash_duo.get_logs() == []
