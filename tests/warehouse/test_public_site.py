"""After a publish, the static public site is exported by a process of its own
(warehouse.public_site): only when TABLERO_SITIO_PUBLICO is set, without making the writer
wait, and the request is taken by the export that runs."""

from __future__ import annotations

import time
from datetime import datetime

from tests.support.demo_copies import demo_copy
from warehouse import public_site, snapshots
from warehouse.accounts import add_account
from warehouse.db import transaction


def change_something(db) -> None:
    """One committed change (an account): a publish that writes a new snapshot."""
    with snapshots.writer(db) as con, transaction(con):
        add_account(con, username="nueva.cuenta", name="Nueva", role="analista",
                    password="una-clave-bastante-larga-2026", actor="prueba")  # fmt: skip


def test_without_the_setting_a_publish_asks_for_nothing(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv(public_site.SETTING, "  ")
    assert public_site.site_target() is None
    db = demo_copy(demo_db, tmp_path)
    before = set(tmp_path.rglob("*"))
    public_site.request_export(db)
    assert set(tmp_path.rglob("*")) == before


def test_a_publish_starts_an_export_that_the_writer_does_not_wait_for(
    demo_db, tmp_path, monkeypatch
):
    db = demo_copy(demo_db, tmp_path)
    target = tmp_path / "web" / "sitio"
    monkeypatch.setenv(public_site.SETTING, str(target))
    started = datetime.now()
    change_something(db)
    assert not target.exists()  # the writer is back before the export is done
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with public_site.exclusive(target, wait=False) as free:
            if free and target.is_symlink() and not public_site.pending_file(target).exists():
                break
        time.sleep(0.5)
    log = public_site.log_file(target).read_text()
    assert "Sitio actualizado" in log, log
    assert (target / "meta" / "SAL-01" / "index.html").is_file()
    assert target.resolve().stat().st_mtime >= started.timestamp() - 1
