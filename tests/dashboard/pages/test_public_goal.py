"""The public goal page (/publico/meta/<codigo>) after a goal's target was revised through the
loader: the page shows the original promise and the revision with its date, progress against
both, and the header keeps the current promise; a goal never revised shows no such section.
Real HTTP through the Flask test client, on a copy of the demo warehouse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from dashboard.public import promise_views
from loaders.demo.build import demo_dir
from loaders.ingest import ingest_file
from tests.support.demo_copies import demo_copy
from tests.support.sessions import DashClient, anonymous
from warehouse.db import connect

PAGE = "_pages_content.children"  # Dash pages' router: the page a URL renders
REVISED = "SAL-01"  # personas en espera, descending: 1.980.000 → 1.500.000 by 31-12-2026
UNREVISED = "SAL-02"
# SAL-01's row of the demo's goals file (Chilean CSV: ';', thousands dot, dd/mm/yyyy), and the
# same row with the target the revision loads instead.
PROMISED = ";Descendente;1.980.000;1.500.000;01/01/2024;31/12/2026;"
REVISION = ";Descendente;1.980.000;1.700.000;01/01/2024;31/12/2026;"
REVISED_AT = datetime(2025, 6, 17, 9, 30)  # after the demo's own loads


@pytest.fixture(scope="module")
def revised_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo where SAL-01's target went from 1.500.000 to 1.700.000: the demo's
    goals file loaded again through the loader, with that one value changed."""
    folder = tmp_path_factory.mktemp("revised")
    text = (demo_dir(demo_db) / "demo_metas.csv").read_bytes().decode("cp1252")
    lines = text.splitlines(keepends=True)
    [row] = [i for i, line in enumerate(lines) if line.startswith(REVISED + ";")]
    assert PROMISED in lines[row]
    lines[row] = lines[row].replace(PROMISED, REVISION)
    goals_file = folder / "metas_revisadas.csv"
    goals_file.write_bytes("".join(lines).encode("cp1252"))
    path = demo_copy(demo_db, folder)
    con = connect(path)
    try:
        loaded = ingest_file(con, goals_file, "metas", loaded_at=REVISED_AT)
        assert loaded.status == "loaded", loaded.message
        versioned = con.execute(
            "SELECT codigo_meta, count(*) FROM metas GROUP BY 1 HAVING count(*) > 1"
        ).fetchall()
    finally:
        con.close()
    assert versioned == [(REVISED, 2)]  # only that goal got a new version
    return path


@pytest.fixture
def client(app_for, revised_db: Path) -> DashClient:
    visitor = anonymous(app_for(revised_db))
    assert visitor.get(f"/publico/meta/{REVISED}").status_code == 200
    return visitor


def page_text(client: DashClient, path: str) -> str:
    """The page content Dash renders for a URL, as the browser asks for it (accents decoded)."""
    inputs = {"_pages_location.pathname": path, "_pages_location.search": ""}
    response = client.callback(PAGE, inputs)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(json.loads(response.get_data(as_text=True)), ensure_ascii=False)


def nodes(tree: Any) -> Iterator[dict]:
    """Every component of a rendered layout (JSON), depth first."""
    if isinstance(tree, list):
        for item in tree:
            yield from nodes(item)
    elif isinstance(tree, dict):
        if "type" in tree and "props" in tree:
            yield tree
        for value in tree.values():
            yield from nodes(value)


def shown(node: Any) -> str:
    """The text a rendered component shows, its pieces joined as a browser joins inline text."""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list):
        return "".join(shown(item) for item in node)
    if isinstance(node, dict):
        return shown(node.get("props", {}).get("children"))
    return ""


def with_id(text: str, id_: str) -> dict:
    [found] = [n for n in nodes(json.loads(text)) if n["props"].get("id") == id_]
    return found


def test_a_revised_goal_shows_both_promises_with_the_revisions_date(client):
    text = page_text(client, f"/publico/meta/{REVISED}")
    assert promise_views.TITLE in text
    table = with_id(text, promise_views.GOAL_PROMISES_TABLE)
    rows = [[shown(cell) for cell in row["props"]["children"]]
            for row in nodes(table) if row["type"] == "Tr"]  # fmt: skip
    unit = " personas en espera"
    assert rows[1:] == [
        [
            "Promesa original",
            "09-06-2025",
            "1.980.000" + unit,
            "1.500.000" + unit,
            "31-12-2026",
            "—",
        ],
        [
            "Cambio 1 vigente",
            "17-06-2025",
            "1.980.000" + unit,
            "1.700.000" + unit,
            "31-12-2026",
            "Meta",
        ],
    ]  # 09-06-2025: the demo's first load; 17-06-2025: the day the revision was loaded
    assert [shown(n) for n in nodes(table) if n["type"] == "Mark"] == ["1.700.000" + unit]
    # The latest validated figure (1.827.080, abril 2025) against both promises:
    # (1.827.080 − 1.980.000) / (1.500.000 − 1.980.000) and / (1.700.000 − 1.980.000).
    progress = shown(with_id(text, promise_views.GOAL_PROMISES_PROGRESS))
    assert progress.startswith(
        "Avance respecto de la meta original: 32 %; respecto de la meta vigente: 55 %."
    )
    # The header and the thermometer keep the current promise.
    assert "1.980.000 → 1.700.000" in text and "1.980.000 → 1.500.000" not in text
    assert "Avance 55 %" in text


def test_a_goal_never_revised_has_no_promise_section(client):
    text = page_text(client, f"/publico/meta/{UNREVISED}")
    assert "Termómetro: avance hacia la meta" in text  # the page itself is there
    assert promise_views.TITLE not in text
    assert promise_views.GOAL_PROMISES not in text
