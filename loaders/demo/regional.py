"""Regional management: Gabinete Regional Ampliado commitments and PMG stages of the services.

Commitments are taken at the regional cabinet's sessions, each by one service in one thematic
commission; some are met, some are overdue. PMG stages climb from diagnosis towards evaluation
year after year, and SUBDERE validates them after the year ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from loaders.demo.clock import YEARS, DemoCalendar, child_rng
from loaders.demo.institutions import SERVICES
from loaders.demo.products import PRODUCTS
from loaders.geography import REGION_ORDER, REGION_SHORT_NAMES

ACTIONS = {
    "infraestructura": (
        "Priorizar la conservación de caminos y puentes en {place}",
        "Acelerar la recepción de obras de agua potable rural en {place}",
    ),
    "productivo": (
        "Realizar ferias de fomento productivo para pymes de {place}",
        "Abrir una ventanilla única de apoyo al emprendimiento en {place}",
    ),
    "social": (
        "Instalar operativos de atención en terreno en sectores rurales de {place}",
        "Coordinar la oferta social para familias en campamentos de {place}",
    ),
    "cultural": (
        "Financiar un circuito de actividades culturales en {place}",
        "Recuperar un inmueble patrimonial como centro cultural en {place}",
    ),
    "cientifico_tecnologico": (
        "Conectar escuelas rurales de {place} a internet de alta velocidad",
        "Instalar un programa de divulgación científica en liceos de {place}",
    ),
    "insercion_global": (
        "Apoyar a exportadores de {place} en ferias internacionales",
        "Certificar a productores de {place} para mercados de exportación",
    ),
}
FOLLOW_UP = (
    "Sin avances informados",
    "Avance parcial informado en la última sesión",
    "En ejecución según lo programado",
    "Requiere apoyo del Gobierno Regional",
)


@dataclass(frozen=True)
class CommitmentBatches:
    first: pd.DataFrame
    second: pd.DataFrame  # commitments met between the two loads
    final: pd.DataFrame


def _service_areas() -> dict[str, list[str]]:
    areas: dict[str, list[str]] = {}
    for product in PRODUCTS:
        areas.setdefault(product.sigla, []).append(product.area)
    return areas


def _commitment(code, region, cal: DemoCalendar, rng, comunas) -> dict:
    service = SERVICES[int(rng.integers(len(SERVICES)))]
    area = str(rng.choice(_service_areas()[service.sigla]))
    agreed = date(2024, 3, 1) + timedelta(
        int(rng.integers(0, (cal.first_cutoff - date(2024, 3, 1)).days))
    )
    due = agreed + timedelta(int(rng.integers(60, 420)))
    state, done = _state(agreed, due, cal, rng)
    place = (
        str(rng.choice(comunas))
        if rng.random() < 0.7
        else f"la región de {REGION_SHORT_NAMES[region]}"
    )
    return {
        "codigo_compromiso": code,
        "region": region,
        "servicio": service.name,
        "comision": area,
        "descripcion": str(rng.choice(ACTIONS[area])).format(place=place),
        "fecha_acuerdo": pd.Timestamp(agreed),
        "fecha_compromiso": pd.Timestamp(due),
        "estado": state,
        "fecha_cumplimiento": pd.Timestamp(done) if done else pd.NaT,
        "ultimo_seguimiento": str(rng.choice(FOLLOW_UP))
        if state != "cumplido"
        else "Cumplido y verificado",
    }


def _state(agreed: date, due: date, cal: DemoCalendar, rng) -> tuple[str, date | None]:
    cutoff = cal.first_cutoff
    chance = 0.6 if due < cutoff else 0.15
    if rng.random() < chance:
        latest = min(due + timedelta(60), cutoff)
        done = agreed + timedelta(int(rng.integers(1, max(2, (latest - agreed).days))))
        return "cumplido", min(done, cutoff)
    return ("en_curso" if rng.random() < 0.6 else "pendiente"), None


def commitment_batches(
    cal: DemoCalendar, seed: int, comuna_names: pd.DataFrame
) -> CommitmentBatches:
    """`comuna_names`: codigo_region, nombre of the comunas (to place the commitments)."""
    rng = child_rng(seed, "commitments")
    rows = []
    for region in REGION_ORDER:
        comunas = sorted(comuna_names.loc[comuna_names["codigo_region"] == region, "nombre"])
        count = int(rng.integers(4, 9))
        rows += [_commitment(f"GRA-{region}-{n:03d}", region, cal, rng, comunas)
                 for n in range(1, count + 1)]  # fmt: skip
    first = pd.DataFrame(rows)
    pending = first.index[first["estado"] != "cumplido"]
    met = first.loc[np.sort(rng.choice(pending, size=6, replace=False))].copy()
    window = (cal.second_cutoff - cal.first_cutoff).days
    met["estado"] = "cumplido"
    days = rng.integers(1, window + 1, size=len(met))
    met["fecha_cumplimiento"] = [pd.Timestamp(cal.first_cutoff + timedelta(int(d))) for d in days]
    met["ultimo_seguimiento"] = "Cumplido; verificado por la Seremi en la última semana"
    final = first.copy()
    final.loc[met.index] = met
    return CommitmentBatches(first, met.reset_index(drop=True), final)


def pmg_stages(cal: DemoCalendar, seed: int) -> pd.DataFrame:
    """Stage committed and validated by every service for each demo year."""
    rng = child_rng(seed, "pmg")
    rows = []
    for service in SERVICES:
        start = int(rng.integers(1, 3))
        for offset, year in enumerate(YEARS):
            committed = min(4, start + offset)
            validated, when = None, pd.NaT
            if date(year + 1, 3, 31) < cal.today:  # SUBDERE validates in the first quarter
                validated = committed - int(
                    rng.choice([0, 0, 0, 1, committed], p=[0.3, 0.3, 0.2, 0.15, 0.05])
                )
                when = pd.Timestamp(date(year + 1, 3, int(rng.integers(2, 29))))
            rows.append(
                {
                    "servicio": service.sigla,
                    "anio": year,
                    "etapa_comprometida": committed,
                    "etapa_validada": validated,
                    "fecha_validacion": when,
                }
            )
    frame = pd.DataFrame(rows)
    frame["etapa_validada"] = frame["etapa_validada"].astype("Int64")
    return frame
