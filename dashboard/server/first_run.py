"""What a machine needs before the dashboard serves, created once: the demo database when
there is none, its published snapshot (or a newer one, when a writer died between its commit
and its publication), and the map geometry.

`python app.py` (development) and `python -m dashboard.server.wsgi` (run by gunicorn_conf before the
workers start) both call `prepare`, so the two ways of serving start from the same state and
workers never race to create any of it.
"""

from __future__ import annotations

from dashboard.server.settings import Settings


def ensure_demo_database(settings: Settings) -> None:
    """First run on a machine: no database yet, so build the demo one (invented figures)."""
    if settings.db_path.exists():
        return
    print(
        f"No existe la base de datos {settings.db_path}.\n"
        "Construyendo la base de DEMOSTRACIÓN (datos ficticios, no oficiales); "
        "esto tarda un momento…",
        flush=True,
    )
    from loaders.demo import build_demo  # imported here: only needed on first run

    summary = build_demo(settings.db_path)
    rows = ", ".join(f"{kind} {n:,}".replace(",", ".") for kind, n in summary.rows_per_kind.items())
    print(
        f"Base de demostración lista: {len(summary.files)} archivos en {summary.out_dir}; "
        f"filas cargadas: {rows}.",
        flush=True,
    )


def prepare(settings: Settings) -> None:
    """Create, once and before any request, what serving processes only read."""
    from dashboard.server.factory import ASSETS_DIR
    from loaders.web_geometry import ensure_web_geometry
    from warehouse import snapshots

    ensure_demo_database(settings)
    snapshots.ensure_published(settings.db_path)  # publishes what a dead writer committed
    ensure_web_geometry(ASSETS_DIR / "geo")
