"""`python -m dashboard.public export DIR [--db DB]`: the public site as static files.

DIR becomes a link to the folder of the newest export (see dashboard.public.site.export); serve
it with any web server. With `--pendientes` (what a publish starts when TABLERO_SITIO_PUBLICO is
set, warehouse.public_site) it exports once per pending request until none is left, and exits
at once when another export is running.

Exit status: 0 done (or nothing to do), 2 refused (bad input), 1 unexpected error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard.public.site.export import export
from dashboard.security.accounts_cli import SpanishParser
from dashboard.security.console_db import EXIT_OK, EXIT_REFUSED, EXIT_UNEXPECTED, require_database
from warehouse import public_site
from warehouse.db import WarehouseError, default_db_path


def parser() -> SpanishParser:
    root = SpanishParser(
        prog="python -m dashboard.public",
        description="El sitio público (resultados validados y datos abiertos) como archivos"
        " estáticos, para servirlo con cualquier servidor web o CDN.",
        epilog="Estado de salida: 0 hecho, 2 rechazado (nada cambió), 1 error inesperado.",
    )
    sub = root.add_subparsers(dest="command", required=True, title="comandos", metavar="COMANDO")
    export_command = sub.add_parser(
        "export",
        help="escribir el sitio en DIR",
        description="Escribir el sitio en una carpeta nueva y reemplazar DIR (un enlace a esa"
        " carpeta) de una vez: quien lee nunca ve un sitio a medio escribir.",
    )
    export_command.add_argument("carpeta", type=Path, metavar="DIR")
    export_command.add_argument(
        "--db",
        type=Path,
        default=None,
        help="base de datos DuckDB (por omisión $TABLERO_DB o data/tablero.duckdb)",
    )
    export_command.add_argument(
        "--pendientes",
        action="store_true",
        help="exportar mientras haya pedidos de las publicaciones (uso interno)",
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    target: Path = args.carpeta
    try:
        if args.pendientes:
            return _run_pending(target)
        db = Path(args.db) if args.db else default_db_path()
        require_database(db)
        done = export(db, target)
    except WarehouseError as exc:
        print(f"{exc.title}: {exc.detail}" if exc.detail else exc.title, file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:
        print(f"Error inesperado ({type(exc).__name__}): {exc}", file=sys.stderr)
        return EXIT_UNEXPECTED
    state = "actualizado" if done.changed else "sin cambios"
    print(f"Sitio {state}: {target} → {done.folder.name} ({done.files} archivos).")
    return EXIT_OK


def _run_pending(target: Path) -> int:
    """Export for each pending request; the lock keeps one such process at a time."""
    target = target.absolute()
    while True:
        with public_site.exclusive(target, wait=False) as held:
            if not held:
                return EXIT_OK  # the export running now takes the request
            while (primary := public_site.take_request(target)) is not None:
                done = export(primary, target)
                state = "actualizado" if done.changed else "sin cambios"
                print(f"Sitio {state}: {done.folder.name} ({done.files} archivos).", flush=True)
        if not public_site.pending_file(target).exists():
            return EXIT_OK
