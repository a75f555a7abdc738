"""Follow-ups of the regional cabinet commitments (seguimientos) and notes on goals, so the
region page shows a history, the commitments change state through their follow-ups, and the
"Pendientes" panel of the demo accounts is not empty.

The follow-ups are a file loaded by the real loader in the second load, like the other kinds;
the notes are written with `warehouse.notes.add_note`, as the goal page writes them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from loaders.demo.accounts import DEMO_GOALS, DEMO_MINISTRY, DEMO_REGION
from loaders.demo.clock import DemoCalendar, child_rng
from warehouse.notes import add_note
from warehouse.scope import MINISTERIO, PRESIDENCIA, Scope

# Valparaíso (the demo region account) first, then a few others.
FOLLOW_UP_REGIONS = (DEMO_REGION, "08", "09", "13")
PER_REGION = 2  # commitments followed up in each region
UNDER_WAY = (
    "Licitación adjudicada; obras en ejecución",
    "Convenio firmado con el municipio; primeras actividades realizadas",
    "Avance informado por la Seremi en la sesión del gabinete",
)
MET = (
    "Cumplido; acta de recepción enviada al Gobierno Regional",
    "Cumplido; verificado en terreno por la Delegación Presidencial",
)


def follow_up_frame(commitments: pd.DataFrame, cal: DemoCalendar, seed: int) -> pd.DataFrame:
    """Follow-ups of the open commitments (`commitments`: the final state of the commitments
    file) of FOLLOW_UP_REGIONS: in each region the first gets "en curso" and later
    "cumplido", the next "en curso" only. Every date falls after the agreement and before
    the second load (so before the demo's today)."""
    rng = child_rng(seed, "follow_ups")
    open_ = commitments[commitments["estado"] != "cumplido"].assign(
        under_way=lambda f: f["estado"] == "en_curso"
    )
    rows = []
    for region in FOLLOW_UP_REGIONS:
        chosen = open_[open_["region"] == region].sort_values(
            ["under_way", "codigo_compromiso"], ascending=[False, True]
        )
        for n, commitment in enumerate(chosen.head(PER_REGION).itertuples()):
            agreed = pd.Timestamp(commitment.fecha_acuerdo).date()
            first = _day_between(agreed, cal.first_cutoff, rng)
            rows.append(_row(commitment.codigo_compromiso, first, "en_curso", UNDER_WAY, rng))
            if n == 0:
                met = _day_between(first, cal.second_cutoff, rng)
                rows.append(_row(commitment.codigo_compromiso, met, "cumplido", MET, rng))
    return pd.DataFrame(rows, columns=["codigo_compromiso", "fecha", "estado", "nota"])


def _day_between(after: date, until: date, rng) -> date:
    """A day after `after` and no later than `until` (`until` itself when there is no room)."""
    room = (until - after).days
    return until if room < 1 else after + timedelta(int(rng.integers(1, room + 1)))


def _row(code: str, day: date, state: str, notes: tuple[str, ...], rng) -> dict:
    return {
        "codigo_compromiso": code,
        "fecha": pd.Timestamp(day),
        "estado": state,
        "nota": str(notes[int(rng.integers(len(notes)))]),
    }


# (author, goal, addressee, text, days from the demo's today to "revisar el" or None)
DEMO_NOTES = (
    (PRESIDENCIA, DEMO_GOALS[0], "gerente",
     "¿Qué falta para recuperar la trayectoria? Traer propuesta a la próxima revisión.", 5),
    (PRESIDENCIA, DEMO_GOALS[1], MINISTERIO,
     "Confirmar con la subsecretaría la fecha del próximo informe mensual.", -1),
    (MINISTERIO, DEMO_GOALS[0], PRESIDENCIA,
     "El servicio pide priorizar esta meta en el Comité de Ministros.", None),
)  # fmt: skip
_AUTHORS = {
    PRESIDENCIA: Scope(PRESIDENCIA, user="presidencia"),
    MINISTERIO: Scope(MINISTERIO, (DEMO_MINISTRY,), user="ministerio"),
}


def add_demo_notes(con: duckdb.DuckDBPyConnection, cal: DemoCalendar) -> list[int]:
    """Write DEMO_NOTES as their authors would, a day before the demo's today (inside the
    caller's transaction, after the demo accounts exist); their ids."""
    at = datetime.combine(cal.today - timedelta(days=1), time(13))
    ids = []
    for n, (author, goal, to, text, review) in enumerate(DEMO_NOTES):
        when = None if review is None else cal.today + timedelta(days=review)
        result = add_note(
            con, _AUTHORS[author], codigo_meta=goal, texto=text, para=to, revisar_el=when,
            at=at + timedelta(minutes=n),
        )  # fmt: skip
        if not result.saved or result.note_id is None:
            raise ValueError(f"nota de demostración rechazada: {result.message}")
        ids.append(result.note_id)
    return ids
