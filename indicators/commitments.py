"""Commitments of the Gabinete Regional Ampliado and the PMG stages of the services.

Choices:
* A commitment is *atrasado* on day D when its estado is not `cumplido` and its due date
  (fecha_compromiso) is before D: on the due date itself it is still on time.
* Days overdue = D − fecha_compromiso, for atrasado commitments only; the regional median is
  over those (NaN when the region has none).
* Shares are over all the region's commitments (cumplido, pendiente and en_curso alike).
* A PMG stage is `cumplida` when the validated stage reaches the committed one, `no_cumplida`
  when a lower stage was validated, `pendiente` when nothing has been validated yet.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from indicators.months import moments

SUMMARY_COLUMNS = [
    "region", "compromisos", "cumplidos", "atrasados", "proporcion_cumplido",
    "proporcion_atrasado", "mediana_dias_atraso",
]  # fmt: skip


def commitment_status(commitments: pd.DataFrame, at: date) -> pd.DataFrame:
    """Each commitment with `atrasado` and `dias_atraso` (NaN unless atrasado) on day `at`."""
    day = np.datetime64(pd.Timestamp(at))
    due = moments(commitments["fecha_compromiso"])
    late = (commitments["estado"].to_numpy(dtype=object) != "cumplido") & (due < day)
    days = np.full(len(late), np.nan)
    days[late] = (day - due[late]) // np.timedelta64(1, "D")
    # Whole days stay integers when every commitment is late (no NaN to hold), as pandas does.
    return commitments.assign(
        atrasado=late, dias_atraso=days.astype(np.int64) if late.all() else days
    )


def commitments_by_region(commitments: pd.DataFrame, at: date) -> pd.DataFrame:
    """Per region: counts, share cumplido, share atrasado, median days overdue.

    Counted on arrays (bincount per region) rather than a pandas groupby: the same figures in
    half the time, and the convergence page computes them on every render."""
    status = commitment_status(commitments, at)
    regions, group = np.unique(status["region"].to_numpy(dtype=str), return_inverse=True)
    fulfilled = status["estado"].to_numpy(dtype=object) == "cumplido"
    late = status["atrasado"].to_numpy(dtype=bool)
    days = status["dias_atraso"].to_numpy(dtype="float64")
    size = len(regions)
    total = np.bincount(group, minlength=size)
    done = np.bincount(group[fulfilled], minlength=size)
    overdue = np.bincount(group[late], minlength=size)
    median = np.full(size, np.nan)
    for g in np.unique(group[late]):
        median[g] = np.median(days[late & (group == g)])
    summary = pd.DataFrame(
        {
            "region": pd.array(regions, dtype=status["region"].dtype),
            "compromisos": total.astype("int64"),
            "cumplidos": done.astype("int64"),
            "atrasados": overdue.astype("int64"),
            "proporcion_cumplido": done / total,
            "proporcion_atrasado": overdue / total,
            "mediana_dias_atraso": median,
        }
    )
    return summary[SUMMARY_COLUMNS]


def stage_status(stages: pd.DataFrame) -> pd.DataFrame:
    """PMG stages with `estado_etapa` (cumplida / no_cumplida / pendiente)."""
    # As floats: DuckDB hands nullable integers over as pandas' Int32, whose NA is not a bool.
    validated = stages["etapa_validada"].astype("float64")
    committed = stages["etapa_comprometida"].astype("float64")
    state = np.where(
        validated.isna(),
        "pendiente",
        np.where(validated >= committed, "cumplida", "no_cumplida"),
    )
    return stages.assign(estado_etapa=state)


def services_with_stage(services: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    """The services active in a territory (column `servicio`) with their stage for the year;
    services without a stage row keep NaN stages and estado_etapa `sin_etapa`."""
    merged = services.merge(stage_status(stages), on="servicio", how="left")
    whole = {c: "Int64" for c in ("anio", "etapa_comprometida", "etapa_validada") if c in merged}
    merged = merged.astype(whole).assign(estado_etapa=merged["estado_etapa"].fillna("sin_etapa"))
    return merged.sort_values("servicio", ignore_index=True)
