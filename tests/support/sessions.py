"""Signing in from tests: a Flask test client that keeps the CSRF token and calls Dash
callbacks, the login through the real form in headless Chromium, and request contexts."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

# Every POST needs the session's CSRF token: Dash's renderer sends it as the X-CSRFToken header
# from the `_csrf_token` cookie, and these helpers do the same.

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class DashClient:
    """A Flask test client that keeps the session's CSRF token and calls Dash callbacks."""

    def __init__(self, app) -> None:
        self.app = app
        self.http = app.server.test_client()

    @property
    def csrf_token(self) -> str | None:
        cookie = self.http.get_cookie("_csrf_token")
        return cookie.value if cookie else None

    def get(self, path: str, **kwargs):
        return self.http.get(path, **kwargs)

    def login(self, username: str, password: str):
        form = self.http.get("/login").get_data(as_text=True)
        match = CSRF_FIELD.search(form)
        assert match, "the login form carries a CSRF token"
        return self.http.post(
            "/login", data={"usuario": username, "clave": password, "csrf_token": match[1]}
        )

    def callback(
        self,
        output: str,
        inputs: dict[str, object] | None = None,
        state: dict[str, object] | None = None,
        *,
        csrf: bool = True,
    ):
        """POST /_dash-update-component for the callback whose output key contains `output`
        (e.g. "meta-table.children"), with values for its inputs/state by "id.prop"."""
        return self.http.post(
            "/_dash-update-component",
            json=callback_payload(self.app, output, inputs or {}, state or {}),
            headers={"X-CSRFToken": self.csrf_token or ""} if csrf else {},
        )


def callback_payload(app, output: str, inputs: dict, state: dict) -> dict:
    from dash._utils import split_callback_id

    keys = [key for key in app.callback_map if output in key]
    assert len(keys) == 1, f"one callback outputs {output!r}, found {keys}"
    key = keys[0]
    spec = app.callback_map[key]

    def values(items: list[dict], given: dict) -> list:
        # A pattern-matching input (id '{"key":["ALL"],…}') takes the caller's list of
        # {"id": {...}, "property": …, "value": …} entries as it is.
        return [
            given[f"{item['id']}.{item['property']}"]
            if item["id"].startswith("{")
            else {**item, "value": given.get(f"{item['id']}.{item['property']}")}
            for item in items
        ]

    return {
        "output": key,
        "outputs": split_callback_id(key),
        "inputs": values(spec["inputs"], inputs),
        "state": values(spec.get("state", []), state),
        "changedPropIds": list(inputs),
    }


def signed_in(app, username: str = "presidencia", password: str | None = None) -> DashClient:
    """A client signed in as one of the test or demo accounts."""
    client = DashClient(app)
    response = client.login(username, password or f"demo-{username}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.get("/")  # receives the CSRF cookie of the new session
    return client


def anonymous(app) -> DashClient:
    client = DashClient(app)
    client.get("/publico")
    return client


def browser_login(dash_duo, username: str = "presidencia", password: str | None = None) -> None:
    """Sign in through the real login form in headless Chromium, landing on the home page."""
    driver = dash_duo.driver
    driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#usuario").send_keys(username)
    driver.find_element("css selector", "#clave").send_keys(password or f"demo-{username}")
    driver.find_element("css selector", "#login-submit").click()
    dash_duo.wait_for_element("#account-name", timeout=10)


def start_signed_in(dash_duo, app, username: str = "presidencia", path: str = "/") -> None:
    """`dash_duo.start_server(app)`, signed in: the home page needs a session, so the server
    starts without navigating, the login form is filled, and then `path` opens."""
    dash_duo.start_server(app, navigate=False)
    browser_login(dash_duo, username)
    dash_duo.server_url = dash_duo.server.url  # Dash's own wait for the app to render
    if path != "/":
        dash_duo.driver.get(dash_duo.server_url + path)


def requests_login(base_url: str, username: str, password: str | None = None):
    """A `requests.Session` signed in on a live server, sending the CSRF header on POSTs."""
    import requests

    session = requests.Session()
    form = session.get(base_url + "/login", timeout=10).text
    match = CSRF_FIELD.search(form)
    assert match
    response = session.post(
        base_url + "/login",
        data={"usuario": username, "clave": password or f"demo-{username}", "csrf_token": match[1]},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:300]
    session.get(base_url + "/", timeout=30)
    session.headers["X-CSRFToken"] = session.cookies.get("_csrf_token", "")
    return session


@contextlib.contextmanager
def staff_request(app, path: str = "/", scope=None) -> Iterator[None]:
    """A request context whose viewer is signed in (presidencia unless `scope` says otherwise),
    for tests that call page layouts and callbacks as plain functions."""
    from dashboard.server import database
    from warehouse.scope import Scope

    with app.server.test_request_context(path):
        database.set_viewer(scope or Scope.everything("presidencia"))
        yield
