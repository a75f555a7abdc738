"""Tiny delivery, product and population rows for the territory tests: Valparaíso (05) with
comunas 05101 and 05109 (province 051), Santiago (13101) in region 13, and Biobío (08)
reporting by region only."""

from __future__ import annotations

from datetime import date

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
YEAR = (JAN, date(2025, 12, 1))
ATENCIONES, SUBSIDIOS, JARDINES = "Atenciones", "Subsidios", "Jardines"


def delivery(service, product, territory, month, people, **amounts) -> dict:
    return {"servicio": service, "producto": product, "territorio": territory, "mes": month,
            "beneficiarios": people} | amounts  # fmt: skip


DELIVERIES = [
    delivery("FONASA", ATENCIONES, "05101", JAN, 100, gasto_corriente=1000.0),
    delivery("FONASA", ATENCIONES, "05101", FEB, 50),
    delivery("FONASA", ATENCIONES, "05109", JAN, 30),
    delivery("SERVIU", SUBSIDIOS, "05109", JAN, 20, gasto_inversion=5000.0),
    delivery("JUNJI", JARDINES, "05101", JAN, 10),
    delivery("SERVIU", SUBSIDIOS, "05", JAN, 40),  # region level: no comuna
    delivery("FONASA", ATENCIONES, "13101", JAN, 200),
    delivery("SERVIU", SUBSIDIOS, "08", MAR, 60),
    delivery("FONASA", ATENCIONES, "05101", date(2024, 1, 1), 80),
    delivery("FONASA", ATENCIONES, "05109", date(2024, 1, 1), 10),
    delivery("FONASA", ATENCIONES, "13101", date(2024, 1, 1), 100),
]
PRODUCTS = [
    {"servicio": "FONASA", "producto": ATENCIONES, "area_tematica": "social"},
    {"servicio": "SERVIU", "producto": SUBSIDIOS, "area_tematica": "infraestructura"},
    {"servicio": "JUNJI", "producto": JARDINES, "area_tematica": "social"},
]
POPULATION = [
    {"territorio": "05101", "anio": 2025, "poblacion": 400},
    {"territorio": "05109", "anio": 2025, "poblacion": 100},
    {"territorio": "05", "anio": 2025, "poblacion": 1000},
    {"territorio": "13", "anio": 2025, "poblacion": 2000},
    {"territorio": "13101", "anio": 2025, "poblacion": 500},
]
