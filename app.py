"""Entry point: `python app.py` serves the dashboard (building a demo database on first run).

Configuration comes from TABLERO_* environment variables (see dashboard/settings.py).
"""

from __future__ import annotations

import sys

from dashboard.settings import Settings, SettingsError


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


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Configuración inválida: {exc}", file=sys.stderr)
        return 2
    ensure_demo_database(settings)
    from dashboard.app import create_app

    app = create_app(settings)
    print(f"Tablero disponible en http://{settings.host}:{settings.port}/", flush=True)
    print(
        "Resultados públicos sin cuenta en /publico. En la base de demostración, ingrese como "
        "presidencia / demo-presidencia (las demás cuentas de demostración están en el README).",
        flush=True,
    )
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
