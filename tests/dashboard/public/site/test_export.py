"""The public site exported as static files (dashboard.public.site.export): every page and open
data file, links that all resolve inside the site, the same bytes for the same data, the same
numbers as the live /publico, pages that open offline in Chromium from a plain static server,
never an unvalidated value or a bottleneck, and after a validation only that goal's pages and
open-data rows change."""

from __future__ import annotations

import json
import posixpath
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from dashboard.public import board_views, goal_views
from dashboard.public.site.export import export, write_site
from tests.support.apps import app_on
from tests.support.demo_copies import demo_copy
from tests.support.sessions import DashClient
from tests.support.static_server import static_server
from warehouse import snapshots
from warehouse.db import WarehouseError, connect, transaction
from warehouse.scope import Scope
from warehouse.validation import apply_validation, pending_figures

AT = datetime(2026, 12, 1)
CHART = re.compile(r'<script type="application/json" class="chart-data">(.*?)</script>')


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("publico") / "sitio"
    done = export(demo_db, target)
    assert done.changed and target.is_symlink()
    return target


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def pages_of(folder: Path) -> dict[str, str]:
    return {k: v.decode() for k, v in files_of(folder).items() if k.endswith(".html")}


class _Text(HTMLParser):
    """The text inside the element with `wanted` id, as the browser shows it, in order."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted, self.depth, self.texts = wanted, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.wanted:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.texts.append(data.strip())


def static_texts(page: str, element: str) -> list[str]:
    parser = _Text(element)
    parser.feed(page)
    return parser.texts


def live_texts(node: object, element: str, inside: bool = False) -> list[str]:
    """The text inside the element with id `element` of a Dash answer's component tree."""
    if isinstance(node, list):
        return [t for child in node for t in live_texts(child, element, inside)]
    if isinstance(node, (str, int, float)):
        return [str(node).strip()] if inside and str(node).strip() else []
    if not isinstance(node, dict):
        return []
    props = node.get("props") or {}
    inside = inside or props.get("id") == element
    return live_texts(props.get("children"), element, inside)


def live_page(app, path: str, search: str = "") -> dict:
    from benchmarks.dash_requests import page_request

    client = DashClient(app)
    client.get("/login")
    response = client.http.post(
        "/_dash-update-component",
        json=page_request(path, search),
        headers={"X-CSRFToken": client.csrf_token or ""},
    )
    assert response.status_code == 200
    return response.get_json()["response"]["_pages_content"]["children"]


def test_every_page_and_open_data_file_is_there_and_every_link_resolves(site):
    files = files_of(site)
    for needed in ("index.html", "area.html", "region/05/index.html", "meta/SAL-01/index.html",
                   "datos/index.html", "datos/metas.csv", "datos/metas.json", "datos/avance.csv",
                   "datos/avance.json", "datos/diccionario.json", "static/plotly.min.js"):  # fmt: skip
        assert needed in files, needed
    for page, html in pages_of(site).items():
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            assert not link.startswith(("http:", "https:", "//", "/")), (page, link)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), link))
            assert target in files, (page, link)


def test_the_same_data_give_the_same_bytes(site, demo_db):
    before = files_of(site)
    again = export(demo_db, site)
    assert not again.changed and files_of(site) == before


def test_the_numbers_are_the_live_pages(site, demo_db):
    pages = pages_of(site)
    with app_on(demo_db) as app:
        for path, search, file in (("/publico", "", "index.html"),
                                   ("/publico", "?region=05", "region/05/index.html")):  # fmt: skip
            live = live_texts(live_page(app, path, search), board_views.RESULTS)
            assert live and static_texts(pages[file], board_views.RESULTS) == live
        live = live_texts(live_page(app, "/publico/meta/SAL-01"), goal_views.GOAL_NATIONAL)
        static = static_texts(pages["meta/SAL-01/index.html"], goal_views.GOAL_NATIONAL)
        assert live and static == live


def test_the_pages_open_offline_from_a_plain_static_server(site, dash_duo):
    pages = ["index.html", "region/05/area.html", "meta/SAL-01/index.html", "datos/index.html"]
    regional = sorted(p for p in pages_of(site) if re.fullmatch(r"meta/[A-Z]+-\d+/\d+\.html", p))
    with static_server(site) as base:
        for page in [*pages, regional[0]]:
            dash_duo.driver.get(base + page)
            dash_duo.wait_for_element("main h1")
            if page.startswith("meta/"):
                dash_duo.wait_for_element(".static-chart .main-svg", timeout=10)
            loaded = dash_duo.driver.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
            )
            assert loaded and all(url.startswith(base) for url in loaded), loaded
        assert dash_duo.get_logs() == []


def unvalidated(db: Path) -> tuple[list[tuple], list[str]]:
    con = connect(db, read_only=True)
    try:
        figures = con.execute(
            "SELECT codigo_meta, strftime(mes, '%Y-%m'), region, valor_real FROM avance_mensual"
            " WHERE valid_to IS NULL AND estado <> 'validado' AND valor_real IS NOT NULL"
        ).fetchall()
        rows = con.execute("SELECT DISTINCT descripcion FROM restricciones").fetchall()
        texts = [r[0] for r in rows]
    finally:
        con.close()
    return figures, texts


def chart_points(html: str) -> set[tuple[str, float]]:
    """(month, value) of every point the charts draw as a result ("Real…" traces: the plan and
    the projection may meet an unvalidated value by chance)."""
    points = set()
    for payload in CHART.findall(html):
        for trace in json.loads(payload)["figure"].get("data", []):
            if not str(trace.get("name", "")).startswith("Real"):
                continue
            for x, y in zip(trace.get("x") or [], trace.get("y") or [], strict=False):
                if isinstance(y, (int, float)):
                    points.add((str(x)[:7], float(y)))
    return points


def test_no_file_holds_an_unvalidated_value_or_a_bottleneck(site, demo_db):
    figures, descriptions = unvalidated(demo_db)
    assert figures and descriptions
    files = files_of(site)
    text = b"\n".join(v for k, v in files.items() if not k.startswith("static/")).decode()
    assert not [d for d in descriptions if d in text]
    pages = pages_of(site)
    for code, month, region, value in figures:
        page = pages.get(f"meta/{code}/{region}.html" if region else f"meta/{code}/index.html")
        if page is not None:
            assert (month, float(value)) not in chart_points(page), (code, month, region)


def test_after_a_validation_only_that_goal_and_its_open_data_change(demo_db, tmp_path):
    """An old month validated late (the goal's latest figure stays the same): its goal's pages
    and its open-data rows change, and no other page, not even the boards."""
    db = demo_copy(demo_db, tmp_path)
    target = tmp_path / "sitio"
    before = files_of(export(db, target).folder)
    con = connect(db, read_only=True)
    try:
        pending = pending_figures(con)
        latest = dict(con.execute(
            "SELECT codigo_meta, max(mes) FROM avance_mensual WHERE valid_to IS NULL"
            " AND estado = 'validado' AND region IS NULL GROUP BY 1"
        ).fetchall())  # fmt: skip
    finally:
        con.close()
    national = pending[pending["region"].isna()].to_dict("records")
    figure = next(f for f in national if f["codigo_meta"] in latest
                  and pd.Timestamp(f["mes"]).date() < latest[f["codigo_meta"]])  # fmt: skip
    coordinator = Scope("ministerio", (figure["ministerio"],), user="coordinacion")
    with snapshots.writer(db) as writer, transaction(writer):
        result = apply_validation(writer, coordinator, [figure], "validar", None, AT)
    assert result.accepted == 1, result.refused
    after = files_of(export(db, target).folder)
    code = figure["codigo_meta"]
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert f"meta/{code}/index.html" in changed and "datos/avance.csv" in changed
    assert all(k.startswith((f"meta/{code}/", "datos/")) for k in changed), changed
    for name in ("metas.csv", "avance.csv"):
        old, new = (set(f[f"datos/{name}"].decode().splitlines()) for f in (before, after))
        assert all(line.startswith(code + ";") for line in old ^ new), name


def test_a_new_version_replaces_the_link_and_a_real_folder_is_never_overwritten(tmp_path):
    target = tmp_path / "sitio"
    first = write_site({"index.html": b"uno"}, target)
    second = write_site({"index.html": b"dos"}, target)
    assert first.folder != second.folder and target.resolve() == second.folder
    assert (target / "index.html").read_bytes() == b"dos"
    third = write_site({"index.html": b"tres"}, target)
    assert not first.folder.exists() and second.folder.exists()  # the one before is kept
    assert third.changed and not write_site({"index.html": b"tres"}, target).changed
    plain = tmp_path / "carpeta"
    plain.mkdir()
    with pytest.raises(WarehouseError, match="No se puede publicar el sitio"):
        write_site({"index.html": b"x"}, plain)
