"""Decisions of the Grupo de Estrategia (/decisiones): the filtered list and its CSV, and the
forms with which presidencia records a decision on an escalated bottleneck and closes it."""
