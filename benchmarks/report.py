"""RESULTS.md: machine, versions, and every measure against its target from the issue."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version

from benchmarks.interactions import Interaction
from benchmarks.loading import LoadResult
from benchmarks.map_bytes import MapBytes
from benchmarks.timing import geometric_mean

GB = 1024**3


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    target: str
    verdict: str  # "met" | "missed by …" | "—"


def _verdict(ok: bool, missed: str) -> str:
    return "met" if ok else "missed by " + missed


def _at_least(value: float, target: float, unit: str = "") -> str:
    return _verdict(value >= target, f"{target / value:.1f}× ({value:,.0f}{unit})")


def _at_most(value: float, target: float) -> str:
    return _verdict(value <= target, f"{value / target:.2f}×")


def rows(load: LoadResult, steps: list[Interaction], payload: MapBytes, rss: int) -> list[Row]:
    out = [
        Row("Carga CSV (filas/s)", f"{load.csv_rate:,.0f}", "≥ 2.000.000",
            _at_least(load.csv_rate, 2e6)),
        Row("Carga Parquet (filas/s)", f"{load.parquet_rate:,.0f}", "—", "—"),
        Row("Piso DuckDB read_csv (filas/s)", f"{load.floor_rate:,.0f}", "—", "—"),
        Row("Carga CSV / piso (veces más lenta)", f"{load.csv_over_floor:.2f}×", "≤ 2×",
            _at_most(load.csv_over_floor, 2)),
    ]  # fmt: skip
    for step in steps:
        target = step.p95_target_ms
        out.append(Row(f"{step.label}: p95 (ms)", f"{step.p95_ms:.1f}", f"≤ {target:.0f} ms",
                       _at_most(step.p95_ms, target)))  # fmt: skip
        if step.speedup is not None:
            same = "respuestas iguales" if step.equal else "RESPUESTAS DISTINTAS"
            slower = f"{1 / step.speedup:.1f}× (más lenta)"
            out.append(Row(f"{step.label}: aceleración sobre pandas ({same})",
                           f"{step.speedup:.2f}×", "> 1× (ninguna más lenta)",
                           _verdict(step.speedup > 1, slower)))  # fmt: skip
    speedups = [s.speedup for s in steps if s.speedup is not None]
    mean = geometric_mean(speedups)
    share = payload.share * 100
    out += [
        Row("Aceleración media geométrica sobre pandas", f"{mean:.2f}×", "≥ 10×",
            _verdict(mean >= 10, f"{10 / mean:.1f}×")),
        Row("Bytes por interacción del mapa (GeoJSON por URL)", f"{payload.url_bytes:,}",
            "—", "—"),
        Row("Bytes con el GeoJSON de comunas incrustado", f"{payload.embedded_bytes:,}", "—", "—"),
        Row("Bytes del mapa / incrustado (%)", f"{share:.2f} %", "≤ 2 %", _at_most(share, 2)),
        Row("Memoria máxima del proceso (GB)", f"{rss / GB:.2f}", "≤ 1,5 GB",
            _at_most(rss / GB, 1.5)),
    ]  # fmt: skip
    return out


def markdown(table: list[Row], rows_loaded: int, demo_rows: int, settings: str) -> str:
    versions = ", ".join(
        f"{name} {version(name)}" for name in ("duckdb", "pandas", "pyarrow", "plotly")
    )
    head = [
        "# Resultados del benchmark",
        "",
        "| campo | valor |",
        "| --- | --- |",
        f"| fecha | {datetime.now():%Y-%m-%d %H:%M} |",
        f"| máquina | {os.cpu_count()} CPU, {platform.platform()} |",
        f"| carga de la máquina (1/5/15 min) | {', '.join(f'{x:.2f}' for x in os.getloadavg())} |",
        f"| versiones | Python {sys.version.split()[0]}, {versions} |",
        f"| N (filas de entregas cargadas) | {rows_loaded:,} |",
        f"| filas de entregas en el almacén de interacciones | {demo_rows:,} |",
        f"| parámetros | {settings} |",
        "",
        "| medida | valor | meta | resultado |",
        "| --- | --- | --- | --- |",
    ]
    body = [f"| {r.measure} | {r.value} | {r.target} | {r.verdict} |" for r in table]
    notes = [
        "",
        "Tiempos: medianas (carga) y p95 (interacciones) medidos en la misma corrida; la",
        "aceleración es mediana de pandas / mediana del almacén. Las líneas base de pandas",
        "agrupan las entregas crudas en memoria (leídas antes de medir). El informe territorial",
        "calcula además σ, β, sinergia y compromisos; pandas solo la cobertura comparada.",
        "",
    ]
    return "\n".join(head + body + notes)
