"""A small goal history loaded in three steps, for the weekly review's tests: meetings on
Tuesday 3 and 10 June 2025 judge goals at May 2025; step 1 is loaded on 2 June, step 2 on
9 June, step 3 (a later revision) on 20 June."""

from __future__ import annotations

from datetime import date, datetime

from tests.support.tiny_warehouse import load

D0, D1 = date(2025, 6, 3), date(2025, 6, 10)
STEP1, STEP2, STEP3 = datetime(2025, 6, 2, 10), datetime(2025, 6, 9, 15), datetime(2025, 6, 20, 8)


def goal(code: str) -> dict:
    return {"codigo_meta": code, "nombre": f"Meta {code}", "linea_base": 0.0,
            "valor_meta": 100.0, "fecha_inicio": date(2025, 1, 1),
            "fecha_meta": date(2025, 12, 31)}  # fmt: skip


def may(code: str, real: float, plan: float = 40.0) -> dict:
    return {"codigo_meta": code, "mes": date(2025, 5, 1), "valor_programado": plan,
            "valor_real": real}  # fmt: skip


def step1(con) -> None:
    load(con, "metas", [goal(c) for c in ("G1", "G2", "G3", "G4")], STEP1)
    # May, plan 40: G1 40 (r = 1, verde), G2 25 (r = .625, rojo), G3 and G4 40 (verde).
    load(con, "avance_mensual", [may("G1", 40), may("G2", 25), may("G3", 40), may("G4", 40)], STEP1)
    load(con, "restricciones", [
        # G3: amarillo since 20 May → G3 amarillo on 3 June.
        {"codigo_restriccion": "R1", "codigo_meta": "G3", "severidad": "amarillo",
         "fecha_alerta": date(2025, 5, 20)},
        # G4: institutional red since 6 May: 28 days on 3 June, 35 on 10 June → escalate.
        {"codigo_restriccion": "R5", "codigo_meta": "G4", "severidad": "rojo",
         "fecha_alerta": date(2025, 5, 6)},
    ], STEP1)  # fmt: skip
    load(con, "metas_intermedias", [
        {"codigo_meta": "G1", "codigo_hito": "H1", "fecha_programada": date(2025, 6, 20)},
        {"codigo_meta": "G2", "codigo_hito": "H2", "fecha_programada": date(2025, 6, 5)},
        {"codigo_meta": "G3", "codigo_hito": "H3", "fecha_programada": date(2025, 5, 15)},
        {"codigo_meta": "G3", "codigo_hito": "H4", "fecha_programada": date(2025, 5, 30),
         "fecha_cumplida": date(2025, 6, 1)},
        {"codigo_meta": "G4", "codigo_hito": "H5", "fecha_programada": date(2025, 7, 15)},
    ], STEP1)  # fmt: skip
    load(con, "compromisos", [
        {"codigo_compromiso": "K1", "region": "05", "fecha_compromiso": date(2025, 6, 5)},
        {"codigo_compromiso": "K2", "region": "05", "fecha_compromiso": date(2025, 5, 1)},
        {"codigo_compromiso": "K3", "region": "13", "fecha_compromiso": date(2025, 6, 6)},
    ], STEP1)  # fmt: skip


def step2(con) -> None:
    # G2's May figure is revised to 38 (r = .95): rojo → verde.
    load(con, "avance_mensual", [may("G2", 38)], STEP2)
    load(con, "restricciones", [
        # R1 resolved on 8 June: G3 amarillo → verde.
        {"codigo_restriccion": "R1", "codigo_meta": "G3", "severidad": "amarillo",
         "fecha_alerta": date(2025, 5, 20), "fecha_resolucion": date(2025, 6, 8)},
        # New amarillo bottleneck on G1 since 6 June: G1 verde → amarillo.
        {"codigo_restriccion": "R3", "codigo_meta": "G1", "severidad": "amarillo",
         "fecha_alerta": date(2025, 6, 6)},
    ], STEP2)  # fmt: skip
    load(con, "compromisos", [
        # K3 fulfilled in time; K4 is registered late, already past its date.
        {"codigo_compromiso": "K3", "region": "13", "fecha_compromiso": date(2025, 6, 6),
         "estado": "cumplido", "fecha_cumplimiento": date(2025, 6, 6)},
        {"codigo_compromiso": "K4", "region": "13", "fecha_compromiso": date(2025, 6, 4)},
    ], STEP2)  # fmt: skip


def step3(con) -> None:
    load(con, "avance_mensual", [may("G1", 5), may("G2", 1)], STEP3)
    load(con, "restricciones", [{"codigo_restriccion": "R9", "codigo_meta": "G3",
                                 "fecha_alerta": date(2025, 6, 1)}], STEP3)  # fmt: skip
