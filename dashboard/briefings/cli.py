"""`python -m dashboard.briefings send|alerts [--fecha AAAA-MM-DD] [--dry-run]`.

`send` mails each subscribed account its weekly meeting pack; `alerts` mails each account the
new alert episodes it answers for. Both are meant for cron or a systemd timer (README). The
mail server comes from TABLERO_SMTP_*; `--dry-run` needs none and prints what would be sent.

Exit status: 0 done, 1 some mail failed (it is tried again next run), 2 refused (bad input or
settings: nothing sent).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from dashboard.briefings import smtp
from dashboard.briefings.alerts import send_alerts
from dashboard.briefings.weekly import send_briefings
from dashboard.security.accounts_cli import SpanishParser
from dashboard.security.console_db import EXIT_OK, EXIT_REFUSED, EXIT_UNEXPECTED, require_database
from dashboard.server.settings import SettingsError
from indicators.alerts import GRACE_DAYS
from warehouse.chile_time import chile_today
from warehouse.db import WarehouseError, default_db_path


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» no es una fecha AAAA-MM-DD") from None


def _days(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"«{text}» no es un número de días")
    return int(text)


def parser() -> argparse.ArgumentParser:
    root = SpanishParser(
        prog="python -m dashboard.briefings",
        description="Informe semanal y alertas por correo. El servidor de correo se configura"
        " con TABLERO_SMTP_HOST, TABLERO_SMTP_PORT, TABLERO_SMTP_USER, TABLERO_SMTP_PASSWORD,"
        " TABLERO_SMTP_TLS (starttls, ssl o no) y TABLERO_SMTP_FROM.",
        epilog="Estado de salida: 0 hecho, 1 algún correo falló (se reintenta en la próxima"
        " corrida), 2 rechazado (nada se envió).",
    )
    sub = root.add_subparsers(dest="command", required=True, title="comandos", metavar="COMANDO")
    send = sub.add_parser(
        "send",
        help="enviar el informe semanal a las cuentas suscritas",
        description="Enviar a cada cuenta suscrita el informe (PDF) de la revisión semanal, con"
        " lo que su cuenta puede leer. Una cuenta que ya lo recibió para esa fecha no lo recibe"
        " de nuevo.",
    )
    alerts = sub.add_parser(
        "alerts",
        help="enviar las alertas nuevas",
        description="Enviar a cada cuenta, una sola vez, las alertas de lo que tiene a su cargo:"
        " meta en rojo, restricción institucional en rojo por más de 30 días, hito vencido,"
        " decisión vencida, mes sin reporte.",
    )
    for command in (send, alerts):
        command.add_argument(
            "--db",
            type=Path,
            default=None,
            help="base de datos DuckDB (por omisión $TABLERO_DB o data/tablero.duckdb)",
        )
        command.add_argument(
            "--dry-run", action="store_true", help="mostrar qué se enviaría, sin enviar nada"
        )
    send.add_argument(
        "--fecha",
        type=_day,
        default=None,
        help="fecha de la revisión (por omisión la de la revisión semanal: la última carga)",
    )
    alerts.add_argument(
        "--fecha", type=_day, default=None, help="día en que se juzga (por omisión hoy en Chile)"
    )
    alerts.add_argument(
        "--dias-reporte",
        type=_days,
        default=GRACE_DAYS,
        metavar="N",
        help=f"días tras el cierre de un mes para alertar que falta su reporte ({GRACE_DAYS})",
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    db = Path(args.db) if args.db else default_db_path()
    try:
        require_database(db)
        settings = None if args.dry_run else smtp.SmtpSettings.from_env()
        if args.command == "send":
            outcome = send_briefings(db, args.fecha, settings)
            for line in outcome.skipped:
                print(f"Omitido: {line}")
            sent, failed = outcome.sent, outcome.failed
        else:
            run = send_alerts(
                db, args.fecha or chile_today(), settings, grace_days=args.dias_reporte
            )
            for line in run.closed:
                print(f"Terminó: {line}")
            sent, failed = run.sent, run.failed
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except WarehouseError as exc:
        print(f"{exc.title}: {exc.detail}" if exc.detail else exc.title, file=sys.stderr)
        return EXIT_REFUSED
    for line in failed:
        print(f"No se pudo enviar: {line}", file=sys.stderr)
    what = "se enviarían" if args.dry_run else "enviados"
    print(f"{len(sent)} correo(s) {what}; {len(failed)} con error.")
    return EXIT_UNEXPECTED if failed else EXIT_OK
