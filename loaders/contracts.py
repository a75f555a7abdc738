"""The data contracts (docs/data-contracts.md) as data: kinds, columns, types and keys.

Everything else in the loaders is driven by these definitions, so adding a column to a kind is
one line here plus a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from loaders.normalize import token
from warehouse.vocabulary import (
    AREA_LABELS,
    BOTTLENECK_TYPE_LABELS,
    COMMITMENT_STATE_LABELS,
    DIRECTION_LABELS,
    LEVEL_LABELS,
    PROGRESS_STATE_LABELS,
    SEVERITY_LABELS,
)


class ColumnType(Enum):
    TEXT = "text"
    CODE = "code"  # an identifier chosen by the sender (codigo_meta …): trimmed text
    NUMBER = "number"  # any real number (baselines, targets, planned and actual values)
    COUNT = "count"  # integer >= 0 (beneficiaries, units, population)
    AMOUNT = "amount"  # CLP >= 0
    RATIO = "ratio"  # a threshold between 0 and 1
    MONTH = "month"
    DATE = "date"
    YEAR = "year"
    STAGE = "stage"  # PMG stage: integer within the column's bounds
    REGION = "region"  # a region in any accepted form, stored as its CUT code
    TERRITORY = "territory"  # a comuna or a region, stored as its CUT code
    SCOPE = "scope"  # 'nacional' or a region
    CATEGORY = "category"
    SERVICE = "service"  # a service registered by an `instituciones` file (name or acronym)
    GOAL = "goal"  # a goal registered by a `metas` file
    COMMITMENT = "commitment"  # a commitment registered by a `compromisos` file


# Category values are the codes of their Spanish labels (warehouse.vocabulary, defined once).
AREAS = tuple(AREA_LABELS)
BOTTLENECK_TYPES = tuple(BOTTLENECK_TYPE_LABELS)
SEVERITIES = tuple(SEVERITY_LABELS)
LEVELS = tuple(LEVEL_LABELS)
DIRECTIONS = tuple(DIRECTION_LABELS)
PROGRESS_STATES = tuple(PROGRESS_STATE_LABELS)
COMMITMENT_STATES = tuple(COMMITMENT_STATE_LABELS)
# Category code -> the label the UI shows for it: a category cell may hold either (matched
# ignoring case, accents and separators by loaders.values.parse_category).
CATEGORY_LABELS: dict[str, str] = {**AREA_LABELS, **LEVEL_LABELS}


# Longest value a column takes, in characters: a longer one is quarantined with its reason
# (one rule for text, loaders.text). Names and codes are short; descriptions are paragraphs.
NAME_CHARS = 200
TITLE_CHARS = 500  # a goal's or a milestone's name
DESCRIPTION_CHARS = 2_000


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None
    bounds: tuple[int, int] | None = None  # for STAGE
    aliases: tuple[str, ...] = ()  # other headers people write for it ("Año" for anio)
    max_length: int = NAME_CHARS

    @property
    def header_tokens(self) -> frozenset[str]:
        return frozenset(token(h) for h in (self.name, *self.aliases))


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # Spanish, for messages
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: ColumnType, required: bool = False, **kw: object) -> Column:
    return Column(name, type_, required, **kw)  # type: ignore[arg-type]


T = ColumnType
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "instituciones",
            "ministerios y servicios",
            (_c("ministerio", T.TEXT, True), _c("servicio", T.TEXT, True), _c("sigla", T.TEXT)),
            ("servicio",),
        ),
        Kind(
            "productos",
            "catálogo de productos estratégicos",
            (
                _c("servicio", T.SERVICE, True),
                _c("producto", T.TEXT, True),
                _c("area_tematica", T.CATEGORY, True, choices=AREAS),
                _c("unidad", T.TEXT),
            ),
            ("servicio", "producto"),
        ),
        Kind(
            "metas",
            "metas",
            (
                _c("codigo_meta", T.CODE, True),
                _c("nombre", T.TEXT, True, max_length=TITLE_CHARS),
                _c("ministerio", T.TEXT, True),
                _c("servicio", T.TEXT),
                _c("area_tematica", T.CATEGORY, choices=AREAS),
                _c("gerente", T.TEXT, True),
                _c("unidad", T.TEXT, True),
                _c("sentido", T.CATEGORY, True, choices=DIRECTIONS),
                _c("linea_base", T.NUMBER, True),
                _c("valor_meta", T.NUMBER, True),
                _c("fecha_inicio", T.DATE, True),
                _c("fecha_meta", T.DATE, True),
                _c("ambito", T.SCOPE, default="nacional"),
                _c("umbral_verde", T.RATIO, default="0.90"),
                _c("umbral_amarillo", T.RATIO, default="0.70"),
            ),
            ("codigo_meta",),
        ),
        Kind(
            "metas_intermedias",
            "metas intermedias (hitos)",
            (
                _c("codigo_meta", T.GOAL, True),
                _c("codigo_hito", T.CODE, True),
                _c("nombre", T.TEXT, True, max_length=TITLE_CHARS),
                _c("fecha_programada", T.DATE, True),
                _c("fecha_cumplida", T.DATE),
                _c("peso", T.NUMBER),
            ),
            ("codigo_meta", "codigo_hito"),
        ),
        Kind(
            "avance_mensual",
            "avance mensual de metas",
            (
                _c("codigo_meta", T.GOAL, True),
                _c("mes", T.MONTH, True),
                _c("region", T.REGION),
                _c("valor_programado", T.NUMBER),
                _c("valor_real", T.NUMBER),
                _c("estado", T.CATEGORY, choices=PROGRESS_STATES, default="reportado"),
                _c("reportado_por", T.TEXT),
                _c("comentario", T.TEXT, max_length=DESCRIPTION_CHARS),
                _c("pronostico", T.NUMBER),
            ),
            ("codigo_meta", "mes", "region"),
        ),
        Kind(
            "restricciones",
            "restricciones (cuellos de botella)",
            (
                _c("codigo_restriccion", T.CODE, True),
                _c("codigo_meta", T.GOAL, True),
                _c("tipo", T.CATEGORY, True, choices=BOTTLENECK_TYPES),
                _c("severidad", T.CATEGORY, True, choices=SEVERITIES),
                _c("nivel", T.CATEGORY, True, choices=LEVELS),
                _c("region", T.REGION),
                _c("descripcion", T.TEXT, True, max_length=DESCRIPTION_CHARS),
                _c("responsable", T.TEXT),
                _c("fecha_alerta", T.DATE, True),
                _c("fecha_resolucion", T.DATE),
            ),
            ("codigo_restriccion",),
        ),
        Kind(
            "entregas",
            "entregas de productos por territorio",
            (
                _c("servicio", T.SERVICE, True),
                _c("producto", T.TEXT, True),
                _c("territorio", T.TERRITORY, True),
                _c("mes", T.MONTH, True),
                _c("beneficiarios", T.COUNT, True),
                _c("unidades", T.COUNT),
                _c("gasto_corriente", T.AMOUNT),
                _c("gasto_inversion", T.AMOUNT),
            ),
            ("servicio", "producto", "territorio", "mes"),
        ),
        Kind(
            "compromisos",
            "compromisos del Gabinete Regional Ampliado",
            (
                _c("codigo_compromiso", T.CODE, True),
                _c("region", T.REGION, True),
                _c("servicio", T.SERVICE, True),
                _c("comision", T.CATEGORY, True, choices=AREAS),
                _c("descripcion", T.TEXT, True, max_length=DESCRIPTION_CHARS),
                _c("fecha_acuerdo", T.DATE, True),
                _c("fecha_compromiso", T.DATE, True),
                _c("estado", T.CATEGORY, choices=COMMITMENT_STATES, default="pendiente"),
                _c("fecha_cumplimiento", T.DATE),
                _c("ultimo_seguimiento", T.TEXT, max_length=DESCRIPTION_CHARS),
            ),
            ("codigo_compromiso",),
        ),
        Kind(
            "seguimientos",
            "seguimiento de los compromisos",
            (
                _c("codigo_compromiso", T.COMMITMENT, True),
                _c("fecha", T.DATE, True),
                _c("estado", T.CATEGORY, True, choices=COMMITMENT_STATES),
                _c("nota", T.TEXT, max_length=DESCRIPTION_CHARS),
            ),
            ("codigo_compromiso", "fecha"),
        ),
        Kind(
            "etapas_pmg",
            "etapas PMG de los servicios",
            (
                _c("servicio", T.SERVICE, True),
                _c("anio", T.YEAR, True, aliases=("año",)),
                _c("etapa_comprometida", T.STAGE, True, bounds=(1, 4)),
                _c("etapa_validada", T.STAGE, bounds=(0, 4)),
                _c("fecha_validacion", T.DATE),
            ),
            ("servicio", "anio"),
        ),
        Kind(
            "poblacion",
            "población por territorio",
            (
                _c("territorio", T.TERRITORY, True),
                _c("anio", T.YEAR, True, aliases=("año",)),
                _c("poblacion", T.COUNT, True),
            ),
            ("territorio", "anio"),
        ),
    )
}

# Loading order when several files come together: referenced kinds first.
LOAD_ORDER = (
    "instituciones",
    "productos",
    "metas",
    "metas_intermedias",
    "avance_mensual",
    "restricciones",
    "poblacion",
    "entregas",
    "compromisos",
    "seguimientos",
    "etapas_pmg",
)
assert set(LOAD_ORDER) == set(KINDS)
