"""What both public pages share: their addresses, the light with its public tooltip, the
explanation of the quality seal, and the wording of a validated value.

The public pages show validated figures only, so the lights' tooltips say so (the internal
pages' tooltips mention other inputs that the public figures do not use).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode

import dash_bootstrap_components as dbc
from dash import html

from dashboard.ui.components import light_badge
from dashboard.ui.elements import Element
from dashboard.ui.formatting import NO_DATA
from dashboard.ui.goal_format import format_value, is_missing

PUBLIC_PATH = "/publico"
GOAL_PATH = PUBLIC_PATH + "/meta/"
OPEN_DATA_PATH = "/api/v1/publico/"  # the open data files (dashboard.public.open_data_routes)
REGION_PARAM = "region"
GROUP_PARAM = "agrupar"
SEAL = "publico-seal"

GROUPS = {"ministerio": "Ministerio", "area": "Área temática"}
DEFAULT_GROUP = "ministerio"
GRAPH_CONFIG = {"displaylogo": False, "responsive": True}

PAGE_TITLE = "Resultados de las metas de gobierno"
LIGHT_HELP = {
    "verde": "Avanza según lo programado: cumple al menos el umbral verde de su trayectoria "
    "(por omisión, 90 % de lo programado a la fecha), con cifras validadas.",
    "amarillo": "Avanza algo más lento de lo programado: entre el umbral amarillo (por omisión "
    "70 %) y el verde de su trayectoria, con cifras validadas.",
    "rojo": "Avanza bastante más lento de lo programado: bajo el umbral amarillo de su "
    "trayectoria (por omisión 70 %), con cifras validadas.",
    "cumplida": "Alcanzó su valor meta.",
    "no_iniciada": "Aún no llega su fecha de inicio.",
    "sin_informacion": "Sin cifra validada para el mes de corte ni para el mes anterior.",
}
SEAL_TEXT = (
    "Cada mes, los equipos responsables de cada meta informan sus cifras. La coordinación "
    "institucional del ministerio revisa cada cifra y, si es correcta, le pone su sello de "
    "calidad: la valida. Aquí solo se publican y se usan para los cálculos las cifras "
    "validadas; una cifra informada que todavía no ha sido revisada no aparece. Por eso el "
    "último mes validado de una meta puede ser anterior al mes de corte."
)
THERMOMETER_TEXT = (
    "El termómetro muestra cuánto ha avanzado la meta desde su línea base hacia su valor meta; "
    "la marca negra indica dónde debería estar a la fecha según lo programado (avance "
    "esperado). El semáforo compara el avance logrado con el programado."
)


def goal_href(codigo_meta: str, region: str | None = None) -> str:
    """/publico/meta/<codigo>, with ?region=XX when the visitor is looking at a region."""
    href = GOAL_PATH + quote(str(codigo_meta), safe="")
    return href + ("?" + urlencode({REGION_PARAM: region}) if region else "")


def board_search(region: str | None, group: str) -> str:
    """The /publico query string for a region and grouping ('' for the default view)."""
    query = {REGION_PARAM: region or "", GROUP_PARAM: "" if group == DEFAULT_GROUP else group}
    kept = {k: v for k, v in query.items() if v}
    return "?" + urlencode(kept) if kept else ""


def public_light(light: str | None, *, small: bool = False) -> Element:
    """Icon + word, with a tooltip about validated trajectories only."""
    return light_badge(light, small=small, title=LIGHT_HELP.get(light or ""))


def seal_explanation() -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2(
                [html.I(className="bi bi-patch-check-fill me-2", **{"aria-hidden": "true"}),
                 "¿Qué significa «validado» (sello de calidad)?"],
                className="h6 alert-heading",
            ),
            html.P(SEAL_TEXT, className="mb-1 small"),
            html.P(THERMOMETER_TEXT, className="mb-0 small"),
        ],
        id=SEAL,
        color="info",
        class_name="py-2",
    )  # fmt: skip


def value_text(value: object, unit: object, digits: int) -> str:
    """'1.234 personas', or a dash without a value."""
    if is_missing(value):
        return NO_DATA
    text = format_value(value, digits)  # type: ignore[arg-type]
    return f"{text} {unit}" if unit and not is_missing(unit) else text


def hidden(children: Sequence[object]) -> html.Div:
    return html.Div(list(children), hidden=True)
