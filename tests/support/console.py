"""The accounts command as a person runs it (a subprocess on a given warehouse), and the audit
trail it leaves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO
from warehouse.db import connect


def accounts_command(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m dashboard.accounts ARGS`, never reading the caller's TABLERO_DB."""
    env = {k: v for k, v in os.environ.items() if k != "TABLERO_DB"}
    return subprocess.run(
        [sys.executable, "-m", "dashboard.accounts", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def account_audit(path: Path) -> list[tuple]:
    """(actor, usuario, accion) of every account change, oldest first."""
    con = connect(path, read_only=True)
    try:
        return con.execute(
            "SELECT actor, usuario, accion FROM auditoria_cuentas ORDER BY en"
        ).fetchall()
    finally:
        con.close()
