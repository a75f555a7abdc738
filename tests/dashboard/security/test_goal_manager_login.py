"""The demo goal manager (`gerente` / `demo-gerente`) logs in through the real form and reads its
goals' unvalidated figures on the goal page, which an analyst does not; it is offered the
analyst's pages, neither /datos nor /validacion (dashboard.security.sessions, page_access)."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from loaders.demo.accounts import DEMO_GOALS
from tests.support.sessions import DashClient, signed_in

UNVALIDATED_WORD = "Reportado, sin validar"  # dashboard.goal_page.tables.UNVALIDATED


@pytest.fixture(scope="module")
def unvalidated(demo_db) -> dict[str, int]:
    """Per goal, its current national figures reported and not validated (the ground truth)."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return dict(
            con.execute(
                "SELECT codigo_meta, count(*) FROM avance_mensual WHERE valid_to IS NULL"
                " AND region IS NULL AND estado <> 'validado' AND valor_real IS NOT NULL"
                " GROUP BY ALL"
            ).fetchall()
        )
    finally:
        con.close()


@pytest.fixture
def demo_app(app_for, demo_db):
    return app_for(demo_db)


def page_json(client: DashClient, path: str, search: str = "") -> str:
    response = client.callback(
        "_pages_content.children",
        {"_pages_location.pathname": path, "_pages_location.search": search},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_the_manager_sees_its_goals_unvalidated_figure_and_the_analyst_does_not(
    demo_app, unvalidated
) -> None:
    assert unvalidated.get("SAL-01"), "the demo has an unvalidated national figure of SAL-01"
    search = "?validadas=0"
    manager = signed_in(demo_app, "gerente")
    assert UNVALIDATED_WORD in page_json(manager, "/meta/SAL-01", search)
    analyst = signed_in(demo_app, "analista")
    assert UNVALIDATED_WORD not in page_json(analyst, "/meta/SAL-01", search)
    # Another goal with unvalidated figures: the manager reads it as the analyst does.
    other = next(code for code in sorted(unvalidated) if code not in DEMO_GOALS)
    assert UNVALIDATED_WORD not in page_json(manager, f"/meta/{other}", search)
    assert UNVALIDATED_WORD in page_json(signed_in(demo_app), f"/meta/{other}", search)


@pytest.mark.parametrize("path", ["/datos", "/validacion"])
def test_the_manager_is_refused_the_load_log_and_validation(demo_app, path) -> None:
    answer = page_json(signed_in(demo_app, "gerente"), path)
    assert "acceso-denegado" in answer


def test_the_manager_is_offered_the_analysts_pages_and_its_inbox(demo_app) -> None:
    def links(username: str) -> set[str]:
        layout = signed_in(demo_app, username).get("/_dash-layout").get_data(as_text=True)
        return set(re.findall(r'"href": ?"([^"]*)"', json.dumps(json.loads(layout))))

    manager = links("gerente")
    assert "/metas" in manager and "/datos" not in manager and "/validacion" not in manager
    assert manager == links("analista") | {"/reportar"}
    assert "/reportar" not in links("presidencia")
