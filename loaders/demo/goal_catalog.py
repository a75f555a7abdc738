"""The demo's presidential and ministerial goals, as a ministry would write them down.

`flow` goals count something delivered since the start (houses built: the level only grows);
`stock` goals measure a level that can move both ways (a waiting list, a percentage).
`breakdown` marks goals also reported by region: `sum` (regions add up to the national figure)
or `mean` (the population-weighted mean of the regions is the national figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class GoalTemplate:
    ministry: str
    sigla: str
    area: str
    name: str
    unit: str
    direction: str
    baseline: float
    target: float
    decimals: int
    start: date
    deadline: date
    nature: str  # flow | stock
    scope: str = "nacional"  # or a region code
    breakdown: str = ""  # sum | mean | ""
    thresholds: tuple[float, float] | None = None  # custom (verde, amarillo)
    shape: str = ""  # forced trajectory shape, else drawn


D = date
ASC, DESC = "ascendente", "descendente"
S24, S24M, S25 = D(2024, 1, 1), D(2024, 3, 11), D(2025, 1, 1)
E26, E27, E28 = D(2026, 12, 31), D(2027, 12, 31), D(2028, 12, 31)

GOALS = tuple(
    GoalTemplate(*row[:12], **(row[12] if len(row) > 12 else {}))
    for row in (
        ("SAL", "SSRA", "social", "Reducir la lista de espera de consultas de especialidad",
         "personas en espera", DESC, 1_980_000, 1_500_000, 0, S24, E26, "stock",
         {"breakdown": "sum"}),
        ("SAL", "SSRA", "social", "Reducir la lista de espera quirúrgica no GES",
         "personas en espera", DESC, 320_000, 240_000, 0, S24, E26, "stock"),
        ("SAL", "FONASA", "social", "Reducir el tiempo promedio de espera para cirugía electiva",
         "días", DESC, 520, 365, 0, S24, E27, "stock", {"thresholds": (0.95, 0.80)}),
        ("SAL", "", "social",
         "Aumentar la cobertura de vacunación contra influenza en grupos de riesgo", "%", ASC,
         72.0, 85.0, 1, S24, D(2026, 9, 30), "stock"),
        ("SAL", "FONASA", "social", "Comunas con Atención Primaria Universal implementada",
         "comunas", ASC, 3, 20, 0, S24M, E27, "flow"),
        ("EDU", "", "social", "Aumentar la asistencia escolar promedio", "%", ASC, 84.5, 90.0, 1,
         S24, E27, "stock", {"breakdown": "mean"}),
        ("EDU", "", "social", "Reducir el número de estudiantes desvinculados del sistema escolar",
         "estudiantes", DESC, 50_529, 35_000, 0, S24, E27, "stock"),
        ("EDU", "JUNJI", "social",
         "Aumentar la cobertura de educación parvularia en niveles medios", "%", ASC, 54.0, 62.0,
         1, S24, E28, "stock"),
        ("EDU", "DEP", "social", "Servicios Locales de Educación Pública en funcionamiento",
         "SLEP", ASC, 11, 26, 0, S24, D(2026, 6, 30), "flow"),
        ("MOP", "DV", "infraestructura", "Pavimentar caminos básicos rurales", "km", ASC, 0, 3_000,
         0, S24, E27, "flow", {"breakdown": "sum"}),
        ("MOP", "DOH", "infraestructura", "Construir o ampliar sistemas de Agua Potable Rural",
         "sistemas", ASC, 0, 150, 0, S24, E27, "flow"),
        ("MOP", "", "infraestructura",
         "Reducir el plazo de tramitación de concesiones de obras públicas", "días", DESC, 540,
         360, 0, S24, E26, "stock"),
        ("MOP", "DOH", "infraestructura", "Avance físico de embalses en construcción",
         "% de avance físico", ASC, 12, 60, 0, S24, E28, "flow"),
        ("MOP", "DV", "infraestructura", "Pavimentar tramos de la Carretera Austral", "km", ASC, 0,
         120, 0, S24, E27, "flow", {"scope": "11"}),
        ("VIV", "SERVIU", "social", "Viviendas terminadas del Plan de Emergencia Habitacional",
         "viviendas", ASC, 0, 260_000, 0, S24, D(2026, 3, 10), "flow", {"breakdown": "sum"}),
        ("VIV", "SERVIU", "social", "Reducir el número de familias en campamentos", "familias",
         DESC, 113_887, 95_000, 0, S24, E27, "stock"),
        ("VIV", "SERVIU", "social", "Viviendas reconstruidas tras el megaincendio de Valparaíso",
         "viviendas", ASC, 0, 1_700, 0, S24M, E26, "flow", {"scope": "05"}),
        ("VIV", "SERVIU", "social", "Reducir el plazo de pago de subsidios habitacionales", "días",
         DESC, 95, 45, 0, S24, E26, "stock"),
        ("INT", "SENAPRED", "social",
         "Comunas con Plan Comunal de Gestión del Riesgo de Desastres aprobado", "comunas", ASC,
         40, 345, 0, S24, E27, "flow"),
        ("INT", "SUBDERE", "infraestructura", "Proyectos PMU ejecutados en comunas vulnerables",
         "proyectos", ASC, 0, 1_200, 0, S24, E26, "flow"),
        ("INT", "SENAPRED", "social", "Reducir el tiempo de envío de alertas de emergencia",
         "minutos", DESC, 18, 8, 1, S24, E26, "stock", {"thresholds": (0.85, 0.60)}),
        ("DES", "FOSIS", "social",
         "Familias con acompañamiento del Subsistema Seguridades y Oportunidades", "familias", ASC,
         0, 60_000, 0, S24, E26, "flow"),
        ("DES", "SENAMA", "social", "Personas mayores atendidas en Centros Diurnos", "personas",
         ASC, 6_500, 12_000, 0, S24, E27, "stock"),
        ("DES", "SENADIS", "social", "Reducir el tiempo de calificación de discapacidad", "días",
         DESC, 120, 60, 0, S24, E26, "stock"),
        ("DES", "CONADI", "productivo",
         "Plan Buen Vivir: proyectos productivos indígenas financiados", "proyectos", ASC, 0, 800,
         0, S24, E26, "flow", {"scope": "09"}),
        ("TRA", "SENCE", "productivo", "Personas capacitadas por SENCE que obtienen empleo",
         "personas", ASC, 0, 45_000, 0, S24, E26, "flow"),
        ("TRA", "IPS", "social",
         "Reducir el tiempo de concesión de la Pensión Garantizada Universal", "días", DESC, 45,
         20, 0, S24, E26, "stock"),
        ("TRA", "", "productivo", "Aumentar la tasa de ocupación formal de mujeres", "%", ASC,
         70.2, 73.0, 1, S24, E27, "stock"),
        ("ECO", "SERCOTEC", "productivo", "Pymes beneficiadas con Capital Semilla y Crece",
         "empresas", ASC, 0, 9_000, 0, S24, E26, "flow"),
        ("ECO", "", "productivo", "Reducir el tiempo de tramitación de permisos sectoriales",
         "días", DESC, 210, 140, 0, S25, E27, "stock"),
        ("ECO", "SERNATUR", "insercion_global", "Llegada de turistas extranjeros en doce meses",
         "millones de turistas", ASC, 3.8, 5.5, 2, S24, E26, "stock"),
        ("ENE", "AgenciaSE", "cientifico_tecnologico", "Viviendas con sistemas solares instalados",
         "viviendas", ASC, 0, 25_000, 0, S24, E27, "flow"),
        ("ENE", "", "infraestructura",
         "Participación de energías renovables en la generación eléctrica", "%", ASC, 63.0, 70.0,
         1, S24, E26, "stock"),
        ("ENE", "SEC", "infraestructura", "Reducir el plazo de conexión de generación distribuida",
         "días", DESC, 300, 180, 0, S24, E26, "stock"),
        ("MTT", "SUBTRANS", "infraestructura", "Comunas con transporte público subsidiado",
         "comunas", ASC, 250, 300, 0, S24, E27, "flow"),
        ("MTT", "SUBTEL", "cientifico_tecnologico", "Localidades rurales con conectividad digital",
         "localidades", ASC, 0, 1_500, 0, S24, E27, "flow"),
        ("MTT", "SUBTRANS", "infraestructura",
         "Reducir el tiempo de viaje promedio en buses del sistema RED", "minutos", DESC, 52, 45,
         1, S24, E26, "stock", {"scope": "13"}),
        ("AGR", "INDAP", "productivo", "Agricultores con asesoría técnica de INDAP",
         "agricultores", ASC, 0, 120_000, 0, S24, E26, "flow", {"breakdown": "sum"}),
        ("AGR", "CNR", "productivo", "Hectáreas con riego tecnificado incorporadas", "hectáreas",
         ASC, 0, 45_000, 0, S24, E27, "flow"),
        ("AGR", "CONAF", "infraestructura",
         "Reducir la superficie afectada por incendios forestales", "hectáreas", DESC, 95_000,
         50_000, 0, S24, E27, "stock"),
        ("MMA", "SMMA", "social", "Recambiar calefactores a leña en zonas saturadas",
         "calefactores", ASC, 0, 30_000, 0, S24, E27, "flow"),
        ("MMA", "SMMA", "social", "Reducir los días con episodios críticos de MP2,5 en Osorno",
         "días", DESC, 35, 15, 0, S24, E26, "stock", {"scope": "10"}),
        ("MMA", "SEA", "productivo",
         "Reducir el plazo de evaluación ambiental de proyectos (SEIA)", "días", DESC, 420, 300, 0,
         S24, E27, "stock"),
        ("JUS", "SRCeI", "social", "Reducir el tiempo de espera para obtener cédula de identidad",
         "días", DESC, 14, 5, 1, S24, E26, "stock", {"thresholds": (0.95, 0.85)}),
        ("JUS", "GENCHI", "social",
         "Personas privadas de libertad en programas de reinserción laboral", "personas", ASC,
         4_000, 7_500, 0, S24, E27, "stock"),
        ("JUS", "GENCHI", "social", "Reducir la ocupación carcelaria", "% de ocupación", DESC, 128,
         110, 0, S24, E28, "stock"),
        ("CUL", "SCA", "cultural", "Comunas con Plan Municipal de Cultura vigente", "comunas", ASC,
         150, 280, 0, S24, E27, "flow"),
        ("CUL", "SERPAT", "cultural", "Visitas a museos del Servicio Nacional del Patrimonio",
         "visitas", ASC, 0, 4_000_000, 0, S24, E26, "flow"),
        ("CIE", "", "cientifico_tecnologico",
         "Aumentar la inversión en I+D como porcentaje del PIB", "% del PIB", ASC, 0.36, 0.50, 2,
         S24, E28, "stock"),
        ("CIE", "ANID", "cientifico_tecnologico", "Becas de doctorado adjudicadas", "becas", ASC,
         0, 2_400, 0, S24, E27, "flow"),
        ("REX", "ProChile", "insercion_global", "Pymes exportadoras apoyadas por ProChile",
         "empresas", ASC, 0, 6_000, 0, S24, E26, "flow"),
        ("DEP", "IND", "infraestructura", "Recintos deportivos comunales construidos", "recintos",
         ASC, 0, 90, 0, S24, E27, "flow"),
        ("MUJ", "SernamEG", "social", "Mujeres atendidas en Centros de la Mujer", "mujeres", ASC,
         0, 80_000, 0, S24, E26, "flow"),
        ("DES", "INJUV", "social", "Jóvenes en voluntariado en comunas rurales", "jóvenes", ASC, 0,
         15_000, 0, D(2027, 3, 1), E28, "flow", {"shape": "not_started"}),
        ("MOP", "DOH", "infraestructura",
         "Reducir las familias abastecidas por camión aljibe en Coquimbo", "familias", DESC,
         18_000, 6_000, 0, S24, E27, "stock", {"scope": "04"}),
    )
)  # fmt: skip
