"""The dashboard's connection: closing waits for the queries still running on its cursors."""

from __future__ import annotations

import threading
import time

from dashboard.server.database import Database
from warehouse.scope import Scope


def test_close_waits_for_a_running_cursor(make_warehouse) -> None:
    database = Database(make_warehouse(), threads=1)
    started, finished = threading.Event(), []

    def slow_query() -> None:
        with database.cursor(Scope.everything()) as cur:
            started.set()
            time.sleep(0.3)  # a page still being computed when the server shuts down
            finished.append(cur.execute("SELECT count(*) FROM territorios").fetchall()[0][0])

    worker = threading.Thread(target=slow_query)
    worker.start()
    started.wait(5)
    database.close()  # must neither raise nor cut the query short
    worker.join(5)
    assert finished == [417]  # 16 regions + 56 provinces + 345 comunas
    assert not database.is_open
