"""Citizens reading the public results: on the live app (`Citizen` of benchmarks/locustfile.py,
every page view as Dash's renderer asks for it) and on the static site served by a plain web
server (`StaticCitizen`: the same pages as files). Run by benchmarks/public_site.py.

A static citizen's browser fetches the site's styles and scripts once (then they are in its
cache, as the live app's bundles are in the live citizen's) and then, like the live one, opens
the results twice for each goal page it opens, reading each page 2–5 s first.
"""

from __future__ import annotations

import random

import gevent
from locust import FastHttpUser, constant, task
from locust.exception import StopUser

from benchmarks import locustfile
from benchmarks.locustfile import Citizen, arrived, pick, think_time

__all__ = ["Citizen", "StaticCitizen"]

ASSETS = (
    "/static/bootstrap/css/bootstrap.min.css",
    "/static/bootstrap/css/font/bootstrap-icons.min.css",
    "/static/tablero.css",
    "/static/meta.css",
    "/static/sitio.css",
    "/static/plotly.min.js",
    "/static/sitio.js",
)
BOARDS = ("/index.html", "/area.html")


class StaticCitizen(FastHttpUser):
    """Someone without an account reading the exported public site."""

    wait_time = constant(0)  # the pause comes before each page instead (`think`)
    pause = staticmethod(think_time())

    def on_start(self) -> None:
        for asset in ASSETS:
            self.page(asset, "estáticos (una vez por persona)")
        arrived(self.environment)

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def think(self) -> None:
        if locustfile._finishing:
            raise StopUser
        pause = self.pause(self)
        if pause > 0:
            gevent.sleep(pause)

    @task(2)
    def public_results(self) -> None:
        self.think()
        self.page(random.choice(BOARDS), "sitio: resultados")

    @task(1)
    def public_goal(self) -> None:
        self.think()
        self.page(f"/meta/{pick('goals')}/index.html", "sitio: /meta/<codigo>")
