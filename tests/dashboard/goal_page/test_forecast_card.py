"""The goal page's "Pronóstico del mes pasado" (dashboard.goal_page.forecast_card): what it says
for a forecast, none, and "sin acceso", built alone and on /meta/<codigo> for each viewer."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dashboard.goal_page.forecast_card import ACCURACY_ID, CARD_ID, card
from indicators.forecasts import OPTIMISTIC, Accuracy, LastForecast, hidden_accuracy
from loaders.demo.accounts import DEMO_GOALS
from tests.support.apps import app_on
from tests.support.components import by_id, text_of
from warehouse.scope import ANALISTA, GERENTE, Scope

MAY = date(2025, 5, 1)


def said(tree) -> str:
    """The text as read: pieces joined by one space."""
    return " ".join(text_of(tree).split())


def test_a_forecast_against_what_happened_with_the_goals_accuracy():
    found = LastForecast(MAY, "ok", 1066.0, 986.0, 80.0, True, Accuracy(16, 1.37, 1.37, OPTIMISTIC))
    text = said(card(found, 0))
    assert "Pronóstico del mes pasado" in text
    assert "pronosticado 1.066, ocurrió 986" in text
    assert "error +80" in text and "dirección acertada" in text
    assert "error medio 137 % del cambio mensual (16 pronósticos)" in text
    assert OPTIMISTIC in text


def test_a_forecast_below_and_a_wrong_direction():
    found = LastForecast(MAY, "ok", 84.5, 86.25, -1.75, False, Accuracy(1, 0.5, -0.5, "x"))
    text = said(card(found, 2))
    assert "pronosticado 84,50, ocurrió 86,25" in text
    assert "error -1,75" in text and "dirección errada" in text
    assert "(1 pronóstico)" in text


def test_no_forecast_and_nothing_reported():
    summary = Accuracy(0, np.nan, np.nan, "sin pronósticos suficientes")
    text = said(card(LastForecast(MAY, "sin_pronostico", actual=5.0, accuracy=summary), 0))
    assert "Sin pronóstico para" in text and "sin pronósticos evaluados" in text
    assert "%" not in text
    nothing = text_of(card(LastForecast(None, "sin_pronostico", accuracy=summary), 0))
    assert "la meta no tiene cifras reportadas" in nothing


def test_no_access_is_said_never_a_number():
    tree = card(LastForecast(MAY, "sin_acceso", accuracy=hidden_accuracy()), 0)
    text = said(tree)
    assert text.count("sin acceso") == 2
    assert "0" not in text.replace("2025", "") and "%" not in text
    assert "sin acceso" in text_of(by_id(tree, ACCURACY_ID))


# --------------------------------------------------------------------------- on the page


@pytest.fixture(scope="module")
def app(demo_db):
    with app_on(demo_db) as built:
        yield built


def page_card(app, scope: Scope, codigo: str) -> str:
    from dashboard.pages import goal
    from dashboard.server import database

    with app.server.test_request_context("/"):
        database.set_viewer(scope)
        return text_of(by_id(goal.layout(codigo=codigo, mes="2025-05"), CARD_ID))


def test_on_the_page_the_manager_reads_its_unvalidated_forecast_and_the_analyst_no_access(app):
    code = DEMO_GOALS[0]  # its May figure is still `reportado` in the demo
    truth = page_card(app, Scope.everything("presidencia"), code)
    assert "pronosticado" in truth and "error medio" in truth
    assert page_card(app, Scope(GERENTE, user="gerente", goals=DEMO_GOALS), code) == truth
    analyst = page_card(app, Scope(ANALISTA, user="analista"), code)
    assert "sin acceso" in analyst and "pronosticado" not in analyst
