"""Component ids of the decisions page (/decisiones), beside its builders (one page, one
module), so the page, its builders and the tests agree."""

from __future__ import annotations

TITLE = "decisiones-titulo"
INTRO = "decisiones-intro"
READ_ONLY = "decisiones-solo-lectura"
STATE = "decisiones-estado"
MINISTRY = "decisiones-ministerio"
GOAL = "decisiones-meta"
BOTTLENECK = "decisiones-restriccion"
COUNT = "decisiones-cantidad"
GRID = "decisiones-grilla"
CSV = "decisiones-csv"
DOWNLOAD = "decisiones-descarga"
ERROR = "decisiones-error"
# Record a decision.
RECORD_FORM = "decisiones-registrar-formulario"
RECORD_BOTTLENECK = "decisiones-registrar-restriccion"
RECORD_TEXT = "decisiones-registrar-texto"
RECORD_OWNER = "decisiones-registrar-responsable"
RECORD_OWNERS = "decisiones-registrar-responsables"
RECORD_DUE = "decisiones-registrar-vence"
RECORD = "decisiones-registrar"
RECORD_RESULT = "decisiones-registrar-resultado"
RECORDED = "decisiones-registradas"
# Close one.
CLOSE_FORM = "decisiones-cerrar-formulario"
CLOSE_DECISION = "decisiones-cerrar-decision"
CLOSE_OUTCOME = "decisiones-cerrar-resultado-texto"
CLOSE = "decisiones-cerrar"
CLOSE_RESULT = "decisiones-cerrar-resultado"
CLOSED = "decisiones-cerradas"
