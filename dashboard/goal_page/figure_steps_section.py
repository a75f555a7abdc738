"""The goal page's "Historial de las cifras": each figure of the months up to the as-of month
through the work loop (reported → returned → corrected → validated), as the viewer may read it
(a role that reads only validated figures sees only their validation)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
from dash import html

from dashboard.server import database
from dashboard.ui.components import section
from dashboard.ui.figure_history import figure_history
from indicators.months import add_months
from warehouse.reporting import figure_versions

HISTORY_ID = "meta-historial-cifras"
MONTHS_SHOWN = 6


def figure_steps_section(codigo: str, as_of: date, region_names: dict[str, str]) -> html.Section:
    since = add_months(as_of.replace(day=1), -(MONTHS_SHOWN - 1))
    versions = database.run(figure_versions, codigo, since)
    shown = versions[pd.to_datetime(versions["mes"]).dt.date <= as_of]
    return section(
        "Historial de las cifras",
        figure_history(shown, region_names, datetime.now(UTC).replace(tzinfo=None), id_=HISTORY_ID),
        help_text=f"Los últimos {MONTHS_SHOWN} meses hasta el mes de corte: quién informó cada "
        "cifra, si la coordinación la devolvió, su corrección y su validación, con los días que "
        "esperó en cada paso.",
    )
