"""Notes on a goal (and on a bottleneck): the thread on the goal page with its form, and the
"Pendientes" panel of notes addressed to the viewer (weekly review, the manager's /reportar).
Never on /publico: the public reads no notes (warehouse.scope)."""
