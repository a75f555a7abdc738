"""`python -m indicators`: the figures of the screens on the command line (goals, weekly
changes, territory), as text, JSON or CSV. Same functions as the dashboard, so they agree."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, datetime

import duckdb
import pandas as pd

from indicators import serialize as out
from indicators.goal_regions import REGION_COLUMNS
from indicators.goal_report import goal_region_scorecard, goal_scorecard, review
from indicators.scorecard import GOAL_COLUMNS
from indicators.territory_report import TerritoryQuery, territory_report
from warehouse.db import WarehouseError, connect
from warehouse.territory import Selection
from warehouse.vocabulary import parse_month


def mes(text: str) -> date:
    """An 'AAAA-MM' argument (argparse names this function when it refuses one)."""
    month = parse_month(text)
    if month is None:
        raise ValueError(f"mes inválido {text!r}: use AAAA-MM")
    return month


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indicators", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    goals = commands.add_parser("goals", help="semáforos y termómetros de cada meta")
    _common(goals)
    goals.add_argument("--as-of", required=True, type=mes, help="mes AAAA-MM")
    goals.add_argument("--known-at", type=datetime.fromisoformat, help="datos conocidos en (UTC)")
    goals.add_argument("--by-region", action="store_true", help="desglose por región")
    _format(goals, csv=True)
    changes = commands.add_parser("changes", help="cambios entre dos reuniones de revisión")
    _common(changes)
    changes.add_argument("--from", dest="date_from", type=date.fromisoformat)
    changes.add_argument("--to", dest="date_to", type=date.fromisoformat)
    _format(changes, csv=False)
    territory = commands.add_parser("territory", help="cobertura, gasto y convergencia")
    territory.add_argument("--db", required=True)
    territory.add_argument("--year", type=int)
    territory.add_argument("--from-month", type=mes, help="AAAA-MM (rango de meses)")
    territory.add_argument("--to-month", type=mes, help="AAAA-MM (rango de meses)")
    territory.add_argument("--from-year", type=int, help="primer año de σ y β")
    territory.add_argument("--level", choices=("region", "comuna"), default="region")
    territory.add_argument(
        "--region", help="código de región: sus comunas con --level comuna (sin él: todas)"
    )
    what = territory.add_mutually_exclusive_group()
    what.add_argument("--area")
    what.add_argument("--servicio")
    what.add_argument("--producto")
    _format(territory, csv=False)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="archivo DuckDB del tablero")
    parser.add_argument(
        "--all-reported",
        action="store_true",
        help="usar también cifras reportadas sin validar (por defecto: sólo validadas)",
    )


def _format(parser: argparse.ArgumentParser, *, csv: bool) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true")
    if csv:
        group.add_argument("--csv", action="store_true")


def run_goals(args: argparse.Namespace, con: duckdb.DuckDBPyConnection) -> str:
    validated = not args.all_reported
    if args.by_region:
        frame = goal_region_scorecard(
            con, args.as_of, validated_only=validated, known_at=args.known_at
        )
        columns = REGION_COLUMNS
    else:
        frame = goal_scorecard(con, args.as_of, validated_only=validated, known_at=args.known_at)
        columns = GOAL_COLUMNS
    if args.json:
        return out.to_json(out.records(frame, columns))
    if args.csv:
        return out.to_csv(frame, columns)
    brief = ["codigo_meta", "avance", "cumplimiento", "semaforo_trayectoria", "semaforo_gestion",
             "estado", "proyeccion", "en_riesgo", "escalar"]  # fmt: skip
    if args.by_region:
        brief.insert(1, "region")
    return frame[brief].to_string(index=False) if not frame.empty else "(sin metas)"


def run_changes(args: argparse.Namespace, con: duckdb.DuckDBPyConnection) -> str:
    changes = review(con, args.date_from, args.date_to, validated_only=not args.all_reported)
    data = out.changes_dict(changes)
    if args.json:
        return out.to_json(data)
    months = f"meses {data['mes_desde']} → {data['mes_hasta']}"
    lines = [f"Revisión {data['desde']} → {data['hasta']} ({months})"]
    for name in sorted(k for k, v in data.items() if isinstance(v, list)):
        lines.append(f"{name}: {len(data[name])}")
        lines.extend("  " + _short(row) for row in data[name])
    return "\n".join(lines)


def _short(row: dict) -> str:
    keys = [k for k in ("codigo_meta", "codigo_restriccion", "codigo_hito", "codigo_compromiso",
                        "estado_anterior", "estado_actual", "severidad", "fecha_programada",
                        "fecha_compromiso", "region") if k in row]  # fmt: skip
    return ", ".join(f"{k}={row[k]}" for k in keys)


def run_territory(args: argparse.Namespace, con: duckdb.DuckDBPyConnection) -> str:
    if args.year is None and (args.from_month is None or args.to_month is None):
        raise SystemExit("indique --year o --from-month y --to-month")
    query = TerritoryQuery(
        year=args.year,
        first_month=args.from_month,
        last_month=args.to_month,
        from_year=args.from_year,
        level=args.level,
        region=args.region,
        selection=Selection(area=args.area, servicio=args.servicio, producto=args.producto),
    )
    data = out.territory_dict(territory_report(con, query))
    if args.json:
        return out.to_json(data)
    table = territory_table(data)
    summary = {k: data[k] for k in ("brecha", "theil", "gini", "cv", "beta")}
    return table + "\n" + out.to_json(summary | {"sigma": data["sigma"]})


def territory_table(data: dict) -> str:
    columns = ["codigo", "nombre", "beneficiarios", "poblacion", "cobertura", "gasto_per_capita"]
    return pd.DataFrame(data["territorios"], columns=columns).to_string(index=False)


COMMANDS = {"goals": run_goals, "changes": run_changes, "territory": run_territory}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        con = connect(args.db, read_only=True)
    except WarehouseError as exc:
        print(f"Error: {exc.title}. {exc.detail}", file=sys.stderr)
        return 2
    try:
        print(COMMANDS[args.command](args, con))
    except (WarehouseError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    return 0
