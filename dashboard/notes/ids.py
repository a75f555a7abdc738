"""Component ids of the notes wing."""

from __future__ import annotations

THREAD = "notas-hilo"
THREAD_LIST = "notas-hilo-lista"
GOAL = "notas-meta"  # dcc.Store with the goal's code
TO = "notas-para"
TO_OPTIONS = "notas-para-opciones"  # the datalist of roles
TEXT = "notas-texto"
REVIEW_ON = "notas-revisar-el"
BOTTLENECK = "notas-restriccion"
SAVE = "notas-guardar"
RESULT = "notas-resultado"
CLOSE = "notas-marcar-vista"  # pattern id {"type": CLOSE, "note": id}
CLOSE_RESULT = "notas-vista-resultado"
PENDING = "notas-pendientes"
