"""Invented people: goal managers, reporters and people responsible for bottlenecks.

Names are drawn from common Chilean first names and surnames; none refers to a real official.
"""

from __future__ import annotations

import numpy as np

FIRST_NAMES = (
    "María José", "Camila", "Valentina", "Francisca", "Catalina", "Javiera", "Constanza",
    "Daniela", "Fernanda", "Carolina", "Paulina", "Andrea", "Macarena", "Claudia", "Ximena",
    "Lorena", "Paz", "Isidora", "Trinidad", "Antonia", "Juan Pablo", "Felipe", "Matías",
    "Sebastián", "Cristóbal", "Nicolás", "Diego", "Rodrigo", "Gonzalo", "Andrés", "Patricio",
    "Álvaro", "Tomás", "Ignacio", "Francisco", "Claudio", "Mauricio", "Héctor", "Raúl", "Víctor",
)  # fmt: skip
SURNAMES = (
    "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez",
    "Sepúlveda", "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya",
    "Flores", "Espinoza", "Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro",
    "Pizarro", "Álvarez", "Vásquez", "Sánchez", "Fernández", "Ramírez", "Carrasco", "Gómez",
    "Cortés", "Herrera", "Núñez", "Jara", "Vergara", "Rivera", "Figueroa", "Riquelme", "Bravo",
    "Vera", "Molina", "Vega", "Campos", "Sandoval", "Olivares", "Orellana", "Zúñiga", "Huenchullán",
    "Catrileo", "Millalén", "Ñancupil",
)  # fmt: skip
ROLES = (
    "Jefatura de División de Planificación",
    "Coordinación Institucional",
    "Jefatura de Presupuesto",
    "Fiscalía del servicio",
    "Jefatura de Comunicaciones",
    "Dirección Regional",
    "Jefatura de Gabinete",
    "Departamento de Gestión de Proyectos",
)


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct invented names: first name and two surnames, as Chileans write them."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        one, two = rng.choice(len(SURNAMES), size=2, replace=False)
        name = f"{first} {SURNAMES[one]} {SURNAMES[two]}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names
