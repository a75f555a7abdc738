"""Writing the demo tables as the files ministries would send, in two dated batches.

Each file has its own dialect (see formats.py) and some spell headers and regions their own
way (see spelling.py), because the loaders must cope with all of them. Names start with
`demo_` so nobody takes them for official data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from loaders.contracts import AREA_LABELS, KINDS
from loaders.demo import spelling
from loaders.demo.clock import DemoCalendar
from loaders.demo.dataset import DemoData
from loaders.demo.formats import (
    CSV_CHILE,
    CSV_UTF8,
    CSV_UTF8_BOM,
    PARQUET,
    XLSX,
    Dialect,
    write_csv,
    write_parquet,
    write_xlsx,
)
from loaders.demo.institutions import MINISTRIES

TITLE = spelling.TITLE_CASE
# Deliveries of the first load: each file groups some ministries. Few files keep the load
# quick (each file is one transaction, with its own refresh of the aggregates).
DELIVERY_FILES = (
    ("sector_social", ("SAL", "EDU", "DES", "MUJ"), PARQUET),
    ("infraestructura_y_transporte", ("MOP", "VIV", "INT", "MTT", "ENE"), PARQUET),
    ("economia_trabajo_y_ciencia", ("TRA", "ECO", "REX", "CIE"), PARQUET),
    ("cultura_deporte_y_medio_ambiente", ("CUL", "DEP", "MMA"), PARQUET),
    ("agricultura", ("AGR",), CSV_CHILE),
    ("justicia", ("JUS",), CSV_UTF8),
)


@dataclass(frozen=True)
class DemoFile:
    path: Path
    kind: str
    batch: int  # 1: loaded nine days ago, 2: loaded two days ago
    dialect: str
    rows: int


@dataclass(frozen=True)
class _Spec:
    name: str
    kind: str
    dialect: Dialect
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)
    sheet: str = ""


def write_demo_files(
    out_dir: Path, *, seed: int = 42, scale: int = 1, today: date | None = None
) -> list[DemoFile]:
    """Generate the demo and write its files into `out_dir` (old `demo_*` files are removed)."""
    if scale < 1:
        raise ValueError("scale debe ser un entero >= 1")
    calendar = DemoCalendar.for_today(today)
    data = DemoData.generate(seed, scale, calendar)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("demo_*"):
        old.unlink()
    created = datetime.combine(calendar.today, time(8))  # fixed: same seed, same bytes
    files = []
    for batch, specs in ((1, _first_batch(data)), (2, _second_batch(data))):
        files += [_write(out_dir, spec, batch, created) for spec in specs]
    return files


def _write(out_dir: Path, spec: _Spec, batch: int, created: datetime) -> DemoFile:
    path = out_dir / f"demo_{spec.name}{spec.dialect.suffix}"
    frame = spec.frame[[c for c in spec.frame.columns if c in KINDS[spec.kind].column_names]]
    if spec.dialect is PARQUET:
        write_parquet(frame, path, spec.headers)
    elif spec.dialect is XLSX:
        write_xlsx(frame, path, spec.kind, spec.headers, spec.sheet or spec.kind, created)
    else:
        write_csv(frame, path, spec.kind, spec.dialect, spec.headers)
    return DemoFile(path, spec.kind, batch, spec.dialect.name, len(frame))


def _first_batch(data: DemoData) -> list[_Spec]:
    """The state nine days ago: catalogues, goals, progress up to the second-to-last month."""
    month = f"{data.calendar.previous_month:%Y-%m}"
    metas = data.metas.assign(area_tematica=data.metas["area_tematica"].map(AREA_LABELS))
    commitments = data.commitments.first
    return [
        _Spec("instituciones", "instituciones", CSV_UTF8_BOM, data.institutions, TITLE),
        _Spec("productos", "productos", XLSX, data.products, TITLE),
        _Spec("metas", "metas", CSV_CHILE, metas, spelling.GOAL_HEADERS),
        _Spec(
            "metas_intermedias", "metas_intermedias", XLSX, data.milestones.first, TITLE, "Hitos"
        ),
        _Spec(f"avance_mensual_{month}", "avance_mensual", CSV_UTF8, data.progress.first),
        _Spec("restricciones", "restricciones", CSV_CHILE, data.bottlenecks.first, TITLE),
        _Spec("poblacion", "poblacion", PARQUET, data.population),
        *_delivery_specs(data.deliveries, data.calendar),
        _Spec(
            "compromisos",
            "compromisos",
            CSV_UTF8,
            commitments.assign(region=spelling.roman_numerals(commitments["region"])),
            TITLE,
        ),
        _Spec("etapas_pmg", "etapas_pmg", XLSX, data.stages, TITLE),
    ]


def _second_batch(data: DemoData) -> list[_Spec]:
    """Two days ago: the new month, validations and corrections, news of the week (among
    them the regional cabinets' follow-ups of their commitments)."""
    cal = data.calendar
    stamp = f"{cal.second_cutoff:%Y%m%d}"
    bottlenecks = data.bottlenecks.second
    last = data.deliveries[data.deliveries["mes"] == pd.Timestamp(cal.last_month)]
    return [
        _Spec(
            f"avance_mensual_{cal.last_month:%Y-%m}",
            "avance_mensual",
            CSV_CHILE,
            data.progress.second,
            TITLE,
        ),
        _Spec(
            f"restricciones_actualizacion_{stamp}",
            "restricciones",
            XLSX,
            bottlenecks.assign(region=spelling.region_names(bottlenecks["region"])),
            TITLE,
        ),
        _Spec(
            f"metas_intermedias_actualizacion_{stamp}",
            "metas_intermedias",
            CSV_UTF8_BOM,
            data.milestones.second,
        ),
        _Spec(
            f"compromisos_actualizacion_{stamp}",
            "compromisos",
            CSV_CHILE,
            data.commitments.second,
            TITLE,
        ),
        _Spec(f"seguimientos_{stamp}", "seguimientos", CSV_UTF8, data.follow_ups, TITLE),
        _Spec(f"entregas_{cal.last_month:%Y-%m}", "entregas", PARQUET, last),
    ]


def _delivery_specs(deliveries: pd.DataFrame, cal: DemoCalendar) -> list[_Spec]:
    """Months up to the second-to-last: mostly Parquet, one sheet typed by hand, one UTF-8 CSV."""
    known = deliveries[deliveries["mes"] <= pd.Timestamp(cal.previous_month)]
    specs = []
    for name, keys, dialect in DELIVERY_FILES:
        part = known[known["ministerio"].isin([MINISTRIES[k] for k in keys])]
        if dialect is CSV_CHILE:
            specs.append(
                _Spec(
                    f"entregas_{name}",
                    "entregas",
                    dialect,
                    spelling.spreadsheet_deliveries(part),
                    TITLE,
                )
            )
        else:
            specs.append(_Spec(f"entregas_{name}", "entregas", dialect, part))
    return specs
