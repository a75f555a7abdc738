"""A link with filters survives the login (issue 16, item 4): the page's address goes to the
login form URL-encoded in `next`, and signing in lands on exactly that path and query string.
`next` only ever leads to a path of this site."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from dash.testing.wait import until

from dashboard.security.login_page import login_url, safe_next
from dashboard.ui import ids
from tests.support.sessions import CSRF_FIELD, DashClient, browser_login

FILTERED = "/metas?mes=2025-05&ministerio=salud&semaforo=rojo"


def _login_form(client: DashClient, location: str) -> tuple[str, str]:
    """(csrf token, next) of the login form that `location` shows."""
    form = client.get(location).get_data(as_text=True)
    token = CSRF_FIELD.search(form)
    assert token
    hidden = form.split('name="next" value="', 1)[1].split('"', 1)[0]
    return token[1], hidden.replace("&amp;", "&")


def _post_login(client: DashClient, token: str, next_path: str):
    data = {"usuario": "presidencia", "clave": "demo-presidencia", "csrf_token": token}
    return client.http.post("/login", data={**data, "next": next_path})


def test_anonymous_link_goes_to_login_with_its_whole_query_and_comes_back(app_for, make_warehouse):
    client = DashClient(app_for(make_warehouse()))
    response = client.get(FILTERED)
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.path == "/login"
    assert parse_qs(parts.query) == {"next": [FILTERED]}  # one parameter, decoded whole

    token, next_path = _login_form(client, location)
    assert next_path == FILTERED
    signed = _post_login(client, token, next_path)
    assert signed.status_code == 302
    assert signed.headers["Location"] == FILTERED


@pytest.mark.parametrize(
    "hostile",
    [
        "//evil.example",
        "//evil.example/metas?mes=2025-05",
        "https://evil.example",
        "https://evil.example/metas",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example/x",
    ],
)
def test_next_never_leaves_the_site(app_for, make_warehouse, hostile):
    assert safe_next(hostile) == "/"
    client = DashClient(app_for(make_warehouse()))
    token, shown = _login_form(client, login_url(hostile))
    assert shown == "/"
    signed = _post_login(client, token, hostile)  # a form posted by hand, bypassing the page
    assert signed.status_code == 302
    assert signed.headers["Location"] == "/"


def test_local_paths_are_kept_whole():
    assert safe_next(FILTERED) == FILTERED
    assert safe_next("/meta/SAL-01?mes=2025-05#hitos") == "/meta/SAL-01?mes=2025-05#hitos"
    assert safe_next("/explorar?conjunto=entregas&filtros=%7B%22a%22%3A1%7D").startswith(
        "/explorar?"
    )
    assert login_url("/") == "/login" and login_url(None) == "/login"
    assert parse_qs(urlsplit(login_url(FILTERED)).query) == {"next": [FILTERED]}


# --------------------------------------------------------------------------- browser


def _count(dash_duo) -> str:
    return dash_duo.wait_for_element(f"#{ids.GOALS_COUNT}", timeout=20).text


def test_filtered_link_opened_signed_out_shows_the_same_goals_after_signing_in(
    dash_duo, app_for, demo_db
):
    dash_duo.start_server(app_for(demo_db), navigate=False)
    base = dash_duo.server.url
    dash_duo.driver.get(base + FILTERED)
    dash_duo.wait_for_element("#usuario", timeout=10).send_keys("presidencia")
    dash_duo.find_element("#clave").send_keys("demo-presidencia")
    dash_duo.find_element("#login-submit").click()
    until(lambda: dash_duo.driver.current_url == base + FILTERED, timeout=10)
    until(lambda: "de 55 metas" in _count(dash_duo), timeout=20)
    after_login = _count(dash_duo)

    browser_login(dash_duo)  # signed in already: the same link opened directly
    dash_duo.driver.get(base + FILTERED)
    until(lambda: "de 55 metas" in _count(dash_duo), timeout=20)
    assert _count(dash_duo) == after_login
    assert after_login != "55 metas"
    assert dash_duo.get_logs() == []
