"""Every figure true for every viewer (warehouse.figure_access.FIGURE_ACCESS): a figure over rows a role
may not read is "sin acceso", never a number or a light computed on the rows it happens to
read. Each role's figures are compared with presidencia's on the demo warehouse."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.ministry.data import ministry_summary
from dashboard.server.board import region_red_share
from dashboard.territory import data as td
from dashboard.territory.convergence_data import ConvergenceState, convergence_view
from dashboard.territory.filters import TerritoryFilters
from dashboard.ui.formatting import NO_ACCESS
from indicators.goal_report import goal_region_scorecard, goal_scorecard
from loaders.demo.accounts import DEMO_GOALS, DEMO_MINISTRY, DEMO_REGION
from tests.support.apps import app_on
from tests.support.components import by_id, text_of
from warehouse.db import connect
from warehouse.figure_access import ALL, FIGURE_ACCESS, HIDDEN, OWN, READABLE, TOTALS
from warehouse.scope import (
    ADMIN,
    ANALISTA,
    GERENTE,
    MINISTERIO,
    PRESIDENCIA,
    PUBLICO,
    REGION,
    Scope,
    apply_scope,
)

AS_OF = date(2025, 5, 1)
VIEWERS = {
    PRESIDENCIA: Scope.everything("presidencia"),
    MINISTERIO: Scope(MINISTERIO, ministries=(DEMO_MINISTRY,), user="ministerio"),
    REGION: Scope(REGION, region=DEMO_REGION, user="region"),
    ANALISTA: Scope(ANALISTA, user="analista"),
    ADMIN: Scope(ADMIN, user="admin"),
    GERENTE: Scope(GERENTE, user="gerente", goals=DEMO_GOALS),
    PUBLICO: Scope.public(),
}
MANAGEMENT = "semáforo de gestión, restricciones abiertas y por escalar"
OVERALL = "semáforo general (estado) y conteos de metas por semáforo"
REGION_TOTALS = "cobertura, beneficiarios y gasto por región; Chile; σ, β y Gini entre regiones"
SYNERGY = "convergencia de servicios (sinergia), pares de servicios"


@pytest.fixture(scope="module")
def cursors(demo_db):
    con = connect(demo_db, read_only=True)
    made = {}
    for role, scope in VIEWERS.items():
        cur = con.cursor()
        apply_scope(cur, scope)
        made[role] = cur
    yield made
    con.close()


def test_the_decision_table_names_every_role_for_every_figure():
    for figure, roles in FIGURE_ACCESS.items():
        assert set(roles) == set(VIEWERS), figure
        assert set(roles.values()) <= {ALL, OWN, TOTALS, HIDDEN, READABLE}, figure


def _in_scope(role: str, goals: pd.DataFrame) -> np.ndarray:
    """The goals whose bottlenecks a role reads in full, as the decision table says."""
    decision = FIGURE_ACCESS[MANAGEMENT][role]
    if decision == ALL:
        return np.ones(len(goals), dtype=bool)
    if decision == HIDDEN:
        return np.zeros(len(goals), dtype=bool)
    if role == MINISTERIO:
        return (goals["ministerio"] == DEMO_MINISTRY).to_numpy()
    if role == GERENTE:
        return goals["codigo_meta"].isin(DEMO_GOALS).to_numpy()
    return (goals["ambito"] == DEMO_REGION).to_numpy()


@pytest.mark.parametrize("role", list(VIEWERS))
def test_goal_lights_equal_presidencias_or_read_no_access(cursors, role):
    truth = goal_scorecard(cursors[PRESIDENCIA], AS_OF).set_index("codigo_meta")
    seen = goal_scorecard(cursors[role], AS_OF).set_index("codigo_meta")
    goals = (
        cursors[PRESIDENCIA]
        .execute(
            "SELECT codigo_meta, ministerio, ambito FROM metas WHERE valid_to IS NULL"
            " ORDER BY codigo_meta"
        )
        .df()
        .set_index("codigo_meta")
        .loc[truth.index]
    )
    inside = _in_scope(role, goals.reset_index())
    # Trajectory figures use validated figures only: the same for everyone.
    pd.testing.assert_series_equal(seen["semaforo_trayectoria"], truth["semaforo_trayectoria"])
    pd.testing.assert_series_equal(seen["avance"], truth["avance"])
    for code, ok in zip(truth.index, inside, strict=True):
        mine, true = seen.loc[code], truth.loc[code]
        if ok:
            assert mine["semaforo_gestion"] == true["semaforo_gestion"], code
            assert mine["estado"] == true["estado"], code
            assert mine["restricciones_abiertas"] == true["restricciones_abiertas"], code
            continue
        assert mine["semaforo_gestion"] == "sin_acceso", code
        assert math.isnan(mine["restricciones_abiertas"]), code
        assert mine["escalar"] is None, code
        # Rojo by its trajectory alone is rojo whatever the bottlenecks say; else unknown.
        expected = "rojo" if true["semaforo_trayectoria"] == "rojo" else "sin_acceso"
        assert mine["estado"] == expected, code
        assert mine["estado"] in (true["estado"], "sin_acceso"), code
    if FIGURE_ACCESS[OVERALL][role] == HIDDEN:
        assert (seen["semaforo_gestion"] == "sin_acceso").all()


def test_the_analyst_no_longer_sees_a_red_goal_as_yellow(cursors):
    """The case found: SAL-01 has a red bottleneck open for months; the analyst saw Amarillo."""
    truth = goal_scorecard(cursors[PRESIDENCIA], AS_OF).set_index("codigo_meta")
    seen = goal_scorecard(cursors[ANALISTA], AS_OF).set_index("codigo_meta")
    hidden_red = truth[
        (truth["semaforo_gestion"] == "rojo") & (truth["semaforo_trayectoria"] != "rojo")
    ]
    assert not hidden_red.empty, "the demo has goals red by their bottlenecks only"
    assert set(seen.loc[hidden_red.index, "estado"]) == {"sin_acceso"}


@pytest.mark.parametrize("role", list(VIEWERS))
def test_regional_breakdowns_equal_presidencias_or_read_no_access(cursors, role):
    truth = goal_region_scorecard(cursors[PRESIDENCIA], AS_OF).set_index(["codigo_meta", "region"])
    seen = goal_region_scorecard(cursors[role], AS_OF).set_index(["codigo_meta", "region"])
    shared = truth.index.intersection(seen.index)
    for key in shared:
        mine, true = seen.loc[key], truth.loc[key]
        assert mine["semaforo_gestion"] in (true["semaforo_gestion"], "sin_acceso"), key
        if role == REGION and key[1] == DEMO_REGION:
            assert mine["semaforo_gestion"] == true["semaforo_gestion"], key


def test_a_share_of_red_goals_is_never_computed_on_hidden_lights(cursors):
    from dashboard.server.board import load_board

    board = load_board(cursors[ANALISTA], AS_OF)
    share = region_red_share(board)
    with_goals = share[share["metas"] > 0]
    assert with_goals["sin_acceso"].all()
    assert with_goals["valor"].isna().all()
    truth = region_red_share(load_board(cursors[PRESIDENCIA], AS_OF))
    assert not truth["sin_acceso"].any()


def test_open_bottlenecks_per_ministry_are_no_access_outside_the_ministry(cursors):
    from dashboard.server.board import load_board

    truth = ministry_summary(load_board(cursors[PRESIDENCIA], AS_OF)).set_index("ministerio")
    seen = ministry_summary(load_board(cursors[MINISTERIO], AS_OF)).set_index("ministerio")
    assert seen.loc[DEMO_MINISTRY, "abiertas"] == truth.loc[DEMO_MINISTRY, "abiertas"]
    others = seen.drop(index=DEMO_MINISTRY)
    with_goals = others[others["metas"] > 0]
    assert with_goals["abiertas"].isna().all()
    assert (
        with_goals["sin_acceso"]
        + with_goals["rojo"]
        + with_goals["otras"]
        + with_goals["amarillo"]
        + with_goals["verde"]
        == with_goals["metas"]
    ).all()


# --------------------------------------------------------------------------- territory


def _national(cur) -> pd.DataFrame:
    filters = TerritoryFilters().with_period(td.cached_catalog(cur))
    return td.cached_coverage(cur, filters.query("region")).territorios.set_index("codigo")


@pytest.mark.parametrize("role", [MINISTERIO, REGION, ANALISTA])
def test_totals_per_region_are_the_same_for_every_staff_role(cursors, role):
    assert FIGURE_ACCESS[REGION_TOTALS][role] in (ALL, TOTALS)
    truth, seen = _national(cursors[PRESIDENCIA]), _national(cursors[role])
    columns = ["beneficiarios", "cobertura", "gasto_per_capita"]
    pd.testing.assert_frame_equal(seen[columns], truth[columns])


def test_the_region_page_compares_with_the_true_national_figure(cursors):
    filters = TerritoryFilters()
    truth = td.region_view(cursors[PRESIDENCIA], DEMO_REGION, filters)
    seen = td.region_view(cursors[REGION], DEMO_REGION, filters)
    from dashboard.territory.region_views import key_figures

    true_cards, my_cards = text_of(key_figures(truth)), text_of(key_figures(seen))
    chile = true_cards.split("Chile: ")[1:]
    mine = my_cards.split("Chile: ")[1:]
    assert mine[:2] == chile[:2], "coverage and spending against Chile, as presidencia sees them"
    assert "Chile: " + NO_ACCESS in my_cards  # Chile's service convergence needs every comuna


def test_the_map_shows_true_totals_and_no_access_for_other_regions_convergence(cursors):
    state = td.MapState(indicator="cobertura")
    truth = td.map_view(cursors[PRESIDENCIA], state).table.set_index("codigo")
    seen = td.map_view(cursors[REGION], state).table.set_index("codigo")
    pd.testing.assert_series_equal(seen["cobertura"], truth["cobertura"])
    assert not seen["sin_acceso"].any()
    synergy = td.map_view(cursors[REGION], td.MapState(indicator="sinergia")).table
    synergy = synergy.set_index("codigo")
    others = synergy.index != DEMO_REGION
    assert synergy.loc[others, "sin_acceso"].all() and synergy.loc[others, "sinergia"].isna().all()
    assert not synergy.loc[DEMO_REGION, "sin_acceso"]
    # Another region's comunas: nothing of them is in scope.
    drilled = td.map_view(cursors[REGION], td.MapState(region="13")).table
    assert drilled["sin_acceso"].all() and drilled["cobertura"].isna().all()


def test_convergence_between_regions_is_presidencias_for_a_region(cursors):
    state = ConvergenceState()
    truth = convergence_view(cursors[PRESIDENCIA], state)
    seen = convergence_view(cursors[REGION], state)
    assert seen.access == "totales" and truth.access == "todo"
    assert seen.report.cv == pytest.approx(truth.report.cv)
    assert seen.report.gini == pytest.approx(truth.report.gini)
    other = convergence_view(cursors[REGION], ConvergenceState(level="comuna", region="13"))
    assert other.access == "nada"
    own = convergence_view(cursors[REGION], ConvergenceState(level="comuna", region=DEMO_REGION))
    assert own.access == "todo"
    assert FIGURE_ACCESS[SYNERGY][REGION] == OWN


# --------------------------------------------------------------------------- pages


@pytest.fixture(scope="module")
def app(demo_db):
    with app_on(demo_db) as built:
        yield built


def _page(app, scope: Scope, module: str, **args: str):
    import importlib

    from dashboard.server import database

    page = importlib.import_module(f"dashboard.pages.{module}")
    with app.server.test_request_context("/"):
        database.set_viewer(scope)
        return page.layout(**args)


def test_the_analysts_goal_page_says_no_access_for_management(app):
    tree = _page(app, VIEWERS[ANALISTA], "goal", codigo="SAL-01", mes="2025-05")
    from dashboard.ui import ids

    management = text_of(by_id(tree, ids.META_LIGHT_MANAGEMENT))
    assert "Sin acceso" in management and "no visibles para su perfil" in management
    assert "Verde" not in management and "0 restricciones" not in management
    bottlenecks = text_of(by_id(tree, ids.META_BOTTLENECKS))
    assert "no son visibles para su perfil" in bottlenecks
    assert "Sin restricciones registradas" not in bottlenecks


def test_the_goal_managers_goal_page_shows_its_goals_management_and_no_access_for_others(app):
    """FIGURE_ACCESS: the management light is the manager's own ('propio') on its goals, as
    presidencia sees it, and "sin acceso" on any other goal."""
    from dashboard.ui import ids

    assert FIGURE_ACCESS[MANAGEMENT][GERENTE] == OWN
    own = text_of(
        by_id(
            _page(app, VIEWERS[GERENTE], "goal", codigo="SAL-01", mes="2025-05"),
            ids.META_LIGHT_MANAGEMENT,
        )
    )
    truth = text_of(
        by_id(
            _page(app, VIEWERS[PRESIDENCIA], "goal", codigo="SAL-01", mes="2025-05"),
            ids.META_LIGHT_MANAGEMENT,
        )
    )
    assert own == truth and "Sin acceso" not in own
    other = _page(app, VIEWERS[GERENTE], "goal", codigo="EDU-01", mes="2025-05")
    management = text_of(by_id(other, ids.META_LIGHT_MANAGEMENT))
    assert "Sin acceso" in management and "no visibles para su perfil" in management
    assert "no son visibles para su perfil" in text_of(by_id(other, ids.META_BOTTLENECKS))


def test_the_analysts_review_never_says_none_to_escalate(app):
    from dashboard.ui import ids

    tree = _page(app, VIEWERS[ANALISTA], "weekly_review")
    escalate = text_of(by_id(tree, ids.HOME_ESCALATE))
    assert "no visibles para su perfil" in escalate
    assert "Ninguna restricción debe escalarse" not in escalate
    assert "Sin acceso" in text_of(by_id(tree, ids.HOME_CARDS))
    truth = text_of(by_id(_page(app, VIEWERS[PRESIDENCIA], "weekly_review"), ids.HOME_CARDS))
    assert "Sin acceso" not in truth


def test_map_table_and_hover_say_no_access_never_a_dash_or_zero(cursors):
    from dashboard.territory import map_views as tv

    view = td.map_view(cursors[REGION], td.MapState(indicator="sinergia"))
    rows = {r["codigo"]: r for r in tv.table_rows(view)}
    assert rows["13"]["sinergia_txt"] == NO_ACCESS
    assert rows["13"]["cobertura_txt"] != NO_ACCESS  # totals per region are the region's too
    assert rows[DEMO_REGION]["sinergia_txt"] != NO_ACCESS
    from dashboard.ui.maps import choropleth

    figure = choropleth(tv.map_data(view), "/assets/geo/regiones.json")
    hover = {
        code: data[1]
        for code, data in zip(
            figure["data"][0]["locations"], figure["data"][0]["customdata"], strict=True
        )
    }
    assert hover["13"] == NO_ACCESS and hover[DEMO_REGION] != NO_ACCESS


def test_another_regions_commitments_and_convergence_read_no_access(cursors):
    from dashboard.territory.region_views import key_figures

    seen = text_of(key_figures(td.region_view(cursors[REGION], "13", TerritoryFilters())))
    assert "Compromisos atrasados " + NO_ACCESS in seen
    assert "Convergencia de servicios " + NO_ACCESS in seen
    truth = text_of(key_figures(td.region_view(cursors[PRESIDENCIA], "13", TerritoryFilters())))
    assert NO_ACCESS not in truth


def test_the_warehouse_and_the_indicators_name_the_same_columns():
    from indicators import bottlenecks
    from warehouse import figure_access

    assert (bottlenecks.SEEN, bottlenecks.SEEN_REGION) == (
        figure_access.BOTTLENECKS_SEEN,
        figure_access.BOTTLENECKS_SEEN_REGION,
    )


# Pages with a path argument, opened on one demo value each (goal, region, ministry).
DETAIL_ARGS = {
    "/meta/<codigo>": {"codigo": "SAL-01"},
    "/region/<code>": {"code": "13"},
    "/ministerio/<slug>": {"slug": "salud"},
    "/publico/meta/<codigo>": {"codigo": "SAL-01"},
}
FALSE_NONES = (
    "Ninguna restricción debe escalarse",
    "No se abrieron restricciones",
    "Sus metas no tienen restricciones abiertas",
    "Sin restricciones registradas",
)


@pytest.mark.parametrize("role", [MINISTERIO, REGION, ANALISTA, ADMIN, GERENTE])
def test_every_page_a_role_opens_renders_and_never_says_none_over_hidden_rows(app, role):
    """Every page a role may open renders for it (no count of hidden rows reaches an int()),
    and where it reads no bottleneck, no page says there are none."""
    from dashboard.security import page_access
    from dashboard.server import database

    scope = VIEWERS[role]
    with app.server.test_request_context("/"):
        database.set_viewer(scope)
        pages = list(page_access.visible_pages(scope))
        assert pages
        for page in pages:
            text = text_of(page["layout"](**DETAIL_ARGS.get(page["path_template"] or "", {})))
            assert "Traceback" not in text and "Error al" not in text, page["path"]
            if FIGURE_ACCESS[MANAGEMENT][role] == HIDDEN:
                assert not any(none in text for none in FALSE_NONES), page["path"]
