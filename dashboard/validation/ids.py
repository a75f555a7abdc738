"""Component ids of the validation page (/validacion), kept beside its builders rather than in
dashboard/ui/ids.py (one page, one module), so the page, its builders and the tests agree."""

from __future__ import annotations

TITLE = "validacion-titulo"
INTRO = "validacion-intro"
COUNT = "validacion-cantidad"
GRID = "validacion-grilla"
COMMENT = "validacion-comentario"
VALIDATE = "validacion-validar"
RETURN_BUTTON = "validacion-devolver"
RESULT = "validacion-resultado"
HISTORY = "validacion-historial"
NOT_ALLOWED = "validacion-sin-permiso"
ERROR = "validacion-error"
READ_ONLY = "validacion-solo-lectura"
HISTORY_GOAL = "validacion-historial-meta"
