"""Component ids of the manager's pages (/reportar, /reportar/<codigo>)."""

from __future__ import annotations

INBOX = "reportar-bandeja"
GOAL = "reportar-meta"  # dcc.Store with the goal's code
TITLE = "reportar-titulo"
ERROR = "reportar-error"

MONTH = "reportar-mes"
MONTH_FIELDS = "reportar-campos-mes"
VERSIONS = "reportar-versiones"  # dcc.Store: version read per region of the month shown
VALUE = "reportar-valor"  # pattern id {"type": VALUE, "region": "nacional" | code}
COMMENT = "reportar-comentario"
FORECAST = "reportar-pronostico"
CONFIRM = "reportar-confirmar-salto"
SAVE_MONTH = "reportar-guardar-mes"
MONTH_RESULT = "reportar-resultado-mes"

NEW_BOTTLENECK = "reportar-nueva-restriccion"
BOTTLENECK_FIELD = "reportar-restriccion"  # pattern id {"type": …, "field": column}
SAVE_BOTTLENECK = "reportar-guardar-restriccion"
BOTTLENECK_RESULT = "reportar-resultado-restriccion"
UPDATE_BOTTLENECK = "reportar-actualizar-restriccion"
UPDATE_FIELD = "reportar-actualizar"  # pattern id {"type": …, "field": name}
SAVE_UPDATE = "reportar-guardar-actualizacion"
UPDATE_RESULT = "reportar-resultado-actualizacion"
BOTTLENECK_VERSIONS = "reportar-versiones-restricciones"

MILESTONES = "reportar-hitos"
MILESTONE_DATE = "reportar-hito-fecha"  # pattern id {"type": …, "hito": code}
SAVE_MILESTONE = "reportar-guardar-hito"  # pattern id {"type": …, "hito": code}
MILESTONE_RESULT = "reportar-resultado-hito"
MILESTONE_VERSIONS = "reportar-versiones-hitos"

HISTORY = "reportar-historial"
NATIONAL = "nacional"  # the region key of the national figure in pattern ids
