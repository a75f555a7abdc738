"""Small building blocks every page uses: lights, thermometers, headline cards, captions.

Lights are always colour + icon + word (never colour alone), with the colour-blind safe
Okabe-Ito hues of `dashboard.ui.theme`. Builders are pure functions of their inputs, so unit tests
can assert the component tree without a browser.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.ui import elements as el
from dashboard.ui.elements import Element
from dashboard.ui.formatting import NO_ACCESS_HELP, NO_DATA, format_datetime
from warehouse.db import WarehouseError

# light -> (word on screen, bootstrap icon, css class suffix)
LIGHTS: dict[str, tuple[str, str, str]] = {
    "verde": ("Verde", "bi-check-circle-fill", "verde"),
    "amarillo": ("Amarillo", "bi-exclamation-triangle-fill", "amarillo"),
    "rojo": ("Rojo", "bi-x-octagon-fill", "rojo"),
    "cumplida": ("Cumplida", "bi-trophy-fill", "cumplida"),
    "no_iniciada": ("No iniciada", "bi-hourglass-split", "neutral"),
    "sin_informacion": ("Sin información", "bi-question-circle-fill", "neutral"),
    "sin_acceso": ("Sin acceso", "bi-lock-fill", "neutral"),
}
LIGHT_ORDER = (
    "rojo", "amarillo", "verde", "cumplida", "sin_informacion", "no_iniciada", "sin_acceso",
)  # fmt: skip
LIGHT_HELP = {
    "verde": "Cumple al menos el umbral verde de su trayectoria (por omisión 90 %).",
    "amarillo": "Cumple entre el umbral amarillo (70 %) y el verde de su trayectoria.",
    "rojo": "Bajo el umbral amarillo, o con una restricción roja abierta.",
    "cumplida": "Alcanzó su valor meta.",
    "no_iniciada": "Aún no llega su fecha de inicio.",
    "sin_informacion": "Sin cifra reportada para el mes de corte ni el anterior.",
    "sin_acceso": NO_ACCESS_HELP,
}


def light_word(light: str | None) -> str:
    """The light as a word, for tables and exports ('Sin información')."""
    if not light:
        return NO_DATA
    return LIGHTS.get(light, (light, "", ""))[0]


def light_badge(light: str | None, *, small: bool = False, title: str | None = None) -> Element:
    """Icon + word in the light's colour; the tooltip says what the light means (`title`: a
    page's own explanation instead). An element (dashboard.ui.elements): tables show one per row."""
    if not light or light not in LIGHTS:
        extra = {} if title is None else {"title": title}
        return el.span(NO_DATA, className="text-muted", **extra)
    word, icon, css = LIGHTS[light]
    return el.span(
        [el.icon(f"bi {icon} me-1"), word],
        className=f"light light-{css}" + (" small" if small else ""),
        title=LIGHT_HELP.get(light, "") if title is None else title,
    )


def percent(value: float | None, digits: int = 0) -> str:
    """0.8734 -> '87 %' (Chilean style: space before %, decimal comma)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    text = f"{value * 100:.{digits}f}".replace(".", ",")
    return f"{text} %"


def thermometer(avance: float | None, esperado: float | None = None) -> Element:
    """A progress bar towards the target with a mark where it should be today.

    The true value is written as text (it may be below 0 % or above 100 %); only the drawing
    is clipped to the bar. An element (dashboard.ui.elements): goal tables show one per row."""
    filled = 0.0 if avance is None or math.isnan(avance) else min(max(avance, 0.0), 1.0)
    children = [el.element("Div", className="thermo-fill", style={"width": f"{filled * 100:.1f}%"})]
    title = "Avance " + percent(avance)
    if esperado is not None and not math.isnan(esperado):
        mark = min(max(esperado, 0.0), 1.0)
        children.append(
            el.element("Div", className="thermo-mark", style={"left": f"{mark * 100:.1f}%"})
        )
        title += " · esperado hoy " + percent(esperado)
    bar = el.element("Div", children, className="thermo-bar", role="img", **{"aria-label": title})
    return el.element(
        "Div",
        [bar, el.span(percent(avance), className="thermo-value")],
        className="thermometer",
        title=title,
    )


def kpi_card(
    label: str, value: str, note: str = "", *, accent: str = "", id_: str = ""
) -> dbc.Card:
    """A headline figure. `accent` is a light or a css suffix that colours the left border."""
    body = [html.Div(label, className="kpi-label"), html.Div(value, className="kpi-value")]
    if note:
        body.append(html.Div(note, className="kpi-note"))
    props = {"id": id_} if id_ else {}
    return dbc.Card(
        dbc.CardBody(body),
        class_name=f"kpi-card h-100 kpi-{accent}" if accent else "kpi-card h-100",
        **props,
    )


def caption(filters: Mapping[str, object], last_load: datetime | None, *, id_: str = "") -> html.P:
    """What the screen shows and when the data were loaded: 'Región: Valparaíso · Año: 2025'."""
    shown = [f"{name}: {value}" for name, value in filters.items() if value not in (None, "", [])]
    text = " · ".join(shown) if shown else "Sin filtros: todo el país"
    props = {"id": id_} if id_ else {}
    return html.P(
        [
            html.I(className="bi bi-funnel me-1", **{"aria-hidden": "true"}),
            html.Span(text, className="filters-text"),
            html.Span(" · Datos cargados: " + format_datetime(last_load), className="text-muted"),
        ],
        className="caption small mb-2",
        **props,
    )


def section(
    title: str, children: Sequence[object] | object, *, help_text: str = ""
) -> html.Section:
    """A titled block of a page; `help_text` explains a definition in a tooltip."""
    heading = [title]
    if help_text:
        heading.append(html.I(className="bi bi-info-circle ms-2 text-muted small", title=help_text))
    return html.Section([html.H2(heading, className="h5 mt-3"), html.Div(children)])


def table(
    headers: Sequence[str],
    rows: Sequence[object],
    id_: str,
    numeric: Collection[str] = frozenset(),
    *,
    class_name: str = "",
) -> html.Div:
    """A striped, responsive Bootstrap table; `numeric` headers are right-aligned like their
    cells, so figures line up by their units."""
    head = html.Thead(
        el.tr([el.th(h, className="text-end") if h in numeric else el.th(h) for h in headers])
    )
    return html.Div(
        dbc.Table(
            [head, html.Tbody(rows)],
            striped=True,
            hover=True,
            responsive=True,
            size="sm",
            class_name=("align-middle " + class_name).strip(),
        ),
        id=id_,
    )


def error_alert(exc: WarehouseError, id_: str) -> dbc.Alert:
    """A database problem in words (title and detail), where the page would have been."""
    return dbc.Alert(
        [html.H4(exc.title, className="alert-heading"), html.P(exc.detail)], id=id_, color="danger"
    )


def empty_state(text: str) -> html.Div:
    return html.Div([html.I(className="bi bi-inbox me-2"), text], className="text-muted py-3")


# Dash 4's dcc.Dropdown writes its own texts in English ("Search", "Select All", …) unless
# given `labels`; every dropdown of the board is built here so none is left in English.
DROPDOWN_LABELS = {
    "select_all": "Seleccionar todo",
    "deselect_all": "Quitar todo",
    "selected_count": "{num_selected} seleccionados",
    "search": "Buscar",
    "clear_search": "Borrar búsqueda",
    "clear_selection": "Borrar selección",
    "no_options_found": "Sin opciones",
}


def dropdown(**kwargs: object) -> dcc.Dropdown:
    """A dcc.Dropdown with its search box, buttons and messages in Spanish."""
    return dcc.Dropdown(**{"labels": DROPDOWN_LABELS, **kwargs})
