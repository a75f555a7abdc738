"""Entry point: `python app.py` serves the dashboard (building a demo database on first run).

Configuration comes from TABLERO_* environment variables (see dashboard/server/settings.py).
"""

from __future__ import annotations

import sys

from dashboard.server.first_run import prepare
from dashboard.server.settings import Settings, SettingsError


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Configuración inválida: {exc}", file=sys.stderr)
        return 2
    prepare(settings)
    from dashboard.server.factory import create_app

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
