"""Traffic-light values and their order, shared by every goal indicator and screen.

Lights are plain strings (the values the files and the screens use), so a DataFrame column of
lights can be filtered, exported and compared without conversion.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

VERDE = "verde"
AMARILLO = "amarillo"
ROJO = "rojo"
NO_INICIADA = "no_iniciada"
CUMPLIDA = "cumplida"
SIN_INFORMACION = "sin_informacion"
# Not a state of the goal: the viewer may not read every bottleneck the light is computed on.
SIN_ACCESO = "sin_acceso"

SEVERITIES = (VERDE, AMARILLO, ROJO)
TRAJECTORY_LIGHTS = (NO_INICIADA, CUMPLIDA, SIN_INFORMACION, VERDE, AMARILLO, ROJO)
OVERALL_LIGHTS = TRAJECTORY_LIGHTS

# Severity rank of a bottleneck light: the worst open bottleneck sets the management light.
_RANK = {VERDE: 0, AMARILLO: 1, ROJO: 2}


def worst(severities: Iterable[str]) -> str:
    """The worst of some verde/amarillo/rojo values; `verde` when there are none."""
    worst_light = VERDE
    for severity in severities:
        if _RANK[severity] > _RANK[worst_light]:
            worst_light = severity
    return worst_light


def overall_lights(trajectory: np.ndarray, management: np.ndarray) -> np.ndarray:
    """Each goal's overall light (estado), in the order indicators.md gives.

    rojo if either light is rojo; else amarillo if either is amarillo; else no_iniciada or
    sin_informacion when the trajectory light is one of them; else cumplida; else verde.
    A management light the viewer may not read (sin_acceso) leaves the overall light unknown
    (sin_acceso) unless the trajectory light alone makes it rojo.
    """
    trajectory = np.asarray(trajectory, dtype=object)
    management = np.asarray(management, dtype=object)
    checks = [
        (trajectory == ROJO) | (management == ROJO),
        management == SIN_ACCESO,
        (trajectory == AMARILLO) | (management == AMARILLO),
        np.isin(trajectory, [NO_INICIADA, SIN_INFORMACION, CUMPLIDA]),
    ]
    return np.select(checks, [ROJO, SIN_ACCESO, AMARILLO, trajectory], VERDE).astype(object)


def overall(trajectory: str, management: str) -> str:
    """overall_lights for one goal."""
    return str(overall_lights(np.array([trajectory]), np.array([management]))[0])
