"""Load test of the dashboard: the people of the README, doing what they do, over real HTTP.

Run by benchmarks/load.py (`python -m benchmarks.run --load-users 50,200`), or by hand against a
running server:

    .venv/bin/python -m benchmarks.locust_launch -f benchmarks/locustfile.py \
        --host http://127.0.0.1:8050        # `locust`, see benchmarks/locust_launch.py

The mix (weights are how many of each per ten people):

* 3 — weekly review (presidencia or a ministry's coordinator): the review, the goals table
  filtered by light, one goal's detail and its month.
* 2 — an intendente (account `region`) on the map of their region: indicator, back to Chile
  and into the region again, the region's page and its filters.
* 1 — an analyst in the explorer: deliveries by comuna, a product filter, a CSV export of
  the filtered rows; the goals' status.
* 4 — citizens on /publico and a goal's public page, without an account.

Each page view is what Chromium does (recorded once with headless Chromium): GET the address,
GET /_dash-layout and /_dash-dependencies, POST the page content, then the callbacks that fire
on load; each click is one POST /_dash-update-component with every input and state of that
callback as last shown (benchmarks.dash_requests builds them, as Dash's renderer does). POSTs
carry the X-CSRFToken header from the `_csrf_token` cookie. An answer showing an error, a
"no access", a "not found" or Dash's 404 counts as a failure, as does any status but 200.

The measure starts when the last person has signed in (argon2 makes a sign-in cost a good
fraction of a CPU second on purpose: 200 at once are a morning's login storm, not the steady
state of a working day) and, with TABLERO_LOAD_SECONDS, stops that many seconds later.

`Tour` (one person doing all of it) is the baseline run's user: what each action costs with no
queue. Settings (environment): TABLERO_LOAD_THINK "2-5" (seconds between actions; "0" = none),
TABLERO_LOAD_SECONDS (seconds measured once everyone is in), TABLERO_LOAD_CATALOG (JSON with
goal codes, regions, products…; benchmarks.load writes it).
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
from collections.abc import Callable
from http.cookiejar import CookieJar
from typing import Any, ClassVar
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, constant, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.stats import CSV_STATS_INTERVAL_SEC

from benchmarks import dash_requests as dr

ALL_IN = "Todos adentro"  # benchmarks.load looks for this line: the measure started
CSRF_COOKIE = "_csrf_token"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# What the demo holds (loaders/demo): used when benchmarks.load gave no catalogue.
DEMO_CATALOG: dict[str, list[str]] = {
    "goals": ["SAL-01", "SAL-02", "EDU-01", "EDU-02"],
    "regions": ["05", "13", "08"],
    "products": ["Programa Vínculos"],
    "areas": ["social"],
    "months": [],
}
REGION_OF_ACCOUNT = "05"  # the demo account `region` is Valparaíso's
INDICATORS = ("cobertura", "beneficiarios", "gasto_corriente", "sinergia", "metas_rojo")
LIGHTS = ("rojo", "amarillo", "verde")


def load_catalog() -> dict[str, list[str]]:
    path = os.environ.get("TABLERO_LOAD_CATALOG")
    if not path:
        return DEMO_CATALOG
    with open(path, encoding="utf-8") as handle:
        return {**DEMO_CATALOG, **json.load(handle)}


def think_time():
    """2–5 s by default (a person reads the page); "0" for a stress run. Used before every
    action — each page opened, each click — not only between tasks: a person reads a page
    before changing its filter, as between two pages."""
    spec = os.environ.get("TABLERO_LOAD_THINK", "2-5").strip()
    if spec in ("", "0"):
        return constant(0)
    low, _, high = spec.partition("-")
    return between(float(low), float(high or low))


CATALOG = load_catalog()
Check = Callable[[dict[str, Any]], str]


_arrived = 0


@events.test_start.add_listener
def _count_from_zero(environment: Environment, **_kwargs: Any) -> None:
    global _arrived
    _arrived = 0


def arrived(environment: Environment) -> None:
    """One more person is in; with the last one, statistics start from zero."""
    global _arrived
    _arrived += 1
    options = environment.parsed_options
    if options is None or _arrived != options.num_users:
        return
    environment.stats.reset_all()
    logging.warning("%s (%d personas): se mide desde ahora", ALL_IN, _arrived)
    seconds = float(os.environ.get("TABLERO_LOAD_SECONDS") or 0)
    if seconds > 0:
        gevent.spawn_later(seconds, _finish, environment)


_finishing = False
DRAIN_SECONDS = 30  # the longest the actions under way may take to end


def _finish(environment: Environment) -> None:
    """Let every person end the action under way (a request cut by the stop would count as a
    failure of the server), stop them, let the CSV writer record the numbers, then quit."""
    global _finishing
    assert environment.runner is not None
    _finishing = True
    waited = 0.0
    while environment.runner.user_count > 0 and waited < DRAIN_SECONDS:
        gevent.sleep(0.5)
        waited += 0.5
    environment.runner.stop()
    gevent.sleep(CSV_STATS_INTERVAL_SEC + 1)
    environment.runner.quit()


def explorer_filter(key: str, dataset: str = "entregas") -> str:
    """The 'id.value' name of one of the explorer's pattern-matched filters."""
    return dr.id_key({"dataset": dataset, "key": key, "type": "explorar-filtro"}) + ".value"


class Visitor(FastHttpUser):
    """A browser: signs in (or not), opens pages and clicks, as Dash's renderer would."""

    abstract = True
    accounts: tuple[str, ...] = ()  # demo accounts (password demo-<name>); () = citizen
    wait_time = constant(0)  # the pause comes before each action instead (`think`)
    pause = staticmethod(think_time())

    def on_start(self) -> None:
        self.props: dr.Props = {}
        self.callbacks: list[dr.Callback] = []
        self.username = ""
        if self.accounts:
            self.sign_in(random.choice(self.accounts))
        arrived(self.environment)

    # ----------------------------------------------------------------- what a browser sends

    def sign_in(self, username: str | None = None, attempts: int = 3) -> bool:
        """The login form, as a person fills it; a few tries if the server is swamped."""
        self.username = username or self.username
        for _ in range(attempts):
            form = self.get("/login", "GET /login")
            match = CSRF_FIELD.search(form if isinstance(form, str) else "")
            if match is None:
                continue
            body = urlencode(
                {"usuario": self.username, "clave": f"demo-{self.username}",
                 "csrf_token": match[1], "next": "/"}
            )  # fmt: skip
            with self.client.post(
                "/login",
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                allow_redirects=False,
                catch_response=True,
                name="POST /login",
            ) as response:
                if response.status_code == 302:
                    return True
                response.failure(f"no pudo ingresar como {self.username}: {response.status_code}")
        return False

    def csrf_header(self) -> dict[str, str]:
        jar: CookieJar = self.client.cookiejar
        token = next((c.value for c in jar if c.name == CSRF_COOKIE), None)
        return {"X-CSRFToken": token or ""}

    def post_callback(
        self, payload: dict[str, Any], name: str, check: Check | None = None
    ) -> dict[str, Any]:
        """One POST /_dash-update-component; its answer folded into what the page shows.
        `check` may name a problem in the answer that `dash_requests.problems` cannot see."""
        with self.client.post(
            dr.UPDATE_PATH,
            json=payload,
            headers=self.csrf_header(),
            catch_response=True,
            name=name,
        ) as response:
            if response.status_code == 204:  # PreventUpdate: nothing to change
                return {}
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return {}
            try:
                reading = dr.read(response.content)
            except ValueError:
                response.failure("la respuesta no es JSON")
                return {}
            answer = reading.answer
            found = [*reading.problems, *([check(answer)] if check else [])]
            found = [problem for problem in found if problem]
            if found:
                response.failure("; ".join(found)[:300])
            arrived = reading.fold(self.props)
        for callback in dr.fired_by(self.callbacks, self.props, arrived):
            self.post_callback(dr.request(callback, self.props), f"{name} → al cargar")
        return answer

    def get(self, path: str, name: str, read: Callable[[bytes], Any] | None = None) -> Any:
        """GET that must answer 200 itself; JSON answers decoded (by `read` from their bytes,
        when given), None when it failed. Sent to /login (the session ended or never began),
        the person signs in again, as in a browser."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("location") or "" if response.headers else ""
                response.failure(f"HTTP {response.status_code} {where}".strip())
                relogin = where.startswith("/login") and self.username
            elif "json" not in (response.headers.get("content-type") or ""):
                return response.text
            else:
                try:
                    return read(response.content) if read else response.json()
                except ValueError:
                    response.failure("la respuesta no es JSON")
                    return None
        if relogin:
            self.sign_in()
        return None

    def open(self, path: str, search: str = "", label: str | None = None) -> None:
        """Type an address: the HTML, Dash's layout and callbacks, then the page content."""
        self.think()
        label = label or path
        if self.get(path + search, f"GET {label}") is None:
            return
        props = self.get(dr.LAYOUT_PATH, f"GET {dr.LAYOUT_PATH}", dr.layout_props)
        callbacks = self.get(dr.DEPENDENCIES_PATH, f"GET {dr.DEPENDENCIES_PATH}", dr.read_callbacks)
        if props is None or callbacks is None:
            return
        self.callbacks, self.props = list(callbacks), props
        self.post_callback(dr.page_request(path, search), f"página {label}")

    def navigate(self, path: str, search: str, label: str) -> None:
        """A link or a control that rewrites the address: only the page content is asked."""
        self.think()
        self.post_callback(dr.page_request(path, search), f"página {label}")

    def change(
        self, target: str, label: str, changes: dict[str, Any], check: Check | None = None
    ) -> dict[str, Any]:
        """The person changes controls ({"id.prop": value}); the callback writing `target`
        ("id.prop") answers with every other input and state as the page shows them."""
        self.think()
        callback = dr.find(self.callbacks, target)
        return self.post_callback(dr.request(callback, self.props, changes), label, check)

    def think(self) -> None:
        """The person reads what is on the screen before the next action; once the measure
        is over, they leave instead of starting another."""
        if _finishing:
            raise StopUser
        pause = self.pause(self)
        if pause > 0:
            gevent.sleep(pause)


def pick(kind: str) -> str:
    return random.choice(CATALOG[kind])


def download_error(answer: dict[str, Any]) -> str:
    """The export's own error line (e.g. more rows than a sheet holds), empty when it worked."""
    response = answer.get("response") or {}
    if "explorar-descarga" not in response:
        return str((response.get("explorar-descarga-error") or {}).get("children") or "sin archivo")
    return ""


class WeeklyReview(Visitor):
    """The presidential or ministerial team preparing or holding the weekly meeting."""

    weight = 3
    accounts = ("presidencia", "ministerio")

    @task(3)
    def review(self) -> None:
        self.open("/", label="/ (revisión semanal)")
        if CATALOG["months"]:
            self.navigate("/", "?" + urlencode({"mes": pick("months")}), "/ (otro mes)")

    @task(2)
    def goals_in_red(self) -> None:
        self.open("/metas")
        self.change("metas-grid.rowData", "metas: filtro semáforo",
                    {"metas-filtro-semaforo.value": random.choice(LIGHTS)})  # fmt: skip

    @task(2)
    def one_goal(self) -> None:
        goal = pick("goals")
        self.open(f"/meta/{goal}", label="/meta/<codigo>")
        if CATALOG["months"]:
            search = "?" + urlencode({"mes": pick("months"), "validadas": "1"})
            self.navigate(f"/meta/{goal}", search, "/meta/<codigo> (otro mes)")


class Intendente(Visitor):
    """A regional government on the map of its region and the region's page."""

    weight = 2
    accounts = ("region",)

    @task(3)
    def map_of_the_region(self) -> None:
        self.open("/mapa", "?" + urlencode({"region": REGION_OF_ACCOUNT}), "/mapa?region")
        self.change("mapa-grafico.figure", "mapa: indicador",
                    {"mapa-indicador.value": random.choice(INDICATORS)})  # fmt: skip

    @task(2)
    def drill_down(self) -> None:
        """The map opens on the account's region: back to Chile, then into the region."""
        self.open("/mapa")
        self.change("mapa-grafico.figure", "mapa: volver a Chile", {"mapa-volver.n_clicks": 1})
        click = {"points": [{"location": REGION_OF_ACCOUNT}]}
        self.change("mapa-grafico.figure", "mapa: clic en la región",
                    {"mapa-grafico.clickData": click})  # fmt: skip

    @task(2)
    def region_page(self) -> None:
        self.open(f"/region/{REGION_OF_ACCOUNT}", label="/region/<codigo>")
        self.change("region-cuerpo.children", "región: filtro área",
                    {"region-filtro-area.value": pick("areas")})  # fmt: skip


class Analyst(Visitor):
    """An analyst filtering deliveries in the explorer and exporting them."""

    weight = 1
    accounts = ("analista",)

    @task(3)
    def deliveries_by_comuna(self) -> None:
        """Deliveries of a region by comuna, one product; every other time, to a CSV file."""
        search = "?" + urlencode({"conjunto": "entregas", "nivel": "comuna", "region": "05"})
        self.open("/explorar", search, "/explorar (entregas)")
        self.change("explorar-grilla.rowData", "explorar: filtro producto",
                    {explorer_filter("producto"): pick("products")})  # fmt: skip
        if random.random() < 0.5:
            self.change("explorar-descarga.data", "explorar: descargar CSV",
                        {"explorar-csv.n_clicks": 1}, check=download_error)  # fmt: skip

    @task(1)
    def goal_status(self) -> None:
        self.open("/explorar", "?conjunto=estado_metas", "/explorar (estado de metas)")


class Citizen(Visitor):
    """Someone without an account reading the public results of the goals."""

    weight = 4

    @task(2)
    def public_results(self) -> None:
        self.open("/publico")

    @task(1)
    def public_goal(self) -> None:
        self.open(f"/publico/meta/{pick('goals')}", label="/publico/meta/<codigo>")


class Tour(Visitor):
    """One person doing, in turn, what each of the others does (signed in as presidencia, who
    may open every page): the load test's baseline run, which shows what each action costs
    with no queue at all. Run only when named (`locust … Tour`); benchmarks.load names the
    four people above for every other run."""

    accounts = ("presidencia",)
    tasks: ClassVar[list[Callable[..., None]]] = [
        *(WeeklyReview.review, WeeklyReview.goals_in_red, WeeklyReview.one_goal),
        *(Intendente.map_of_the_region, Intendente.drill_down, Intendente.region_page),
        *(Analyst.deliveries_by_comuna, Analyst.goal_status),
        *(Citizen.public_results, Citizen.public_goal),
    ]
