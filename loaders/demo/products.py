"""Strategic products of the services, with the figures that drive the demo deliveries.

Each product carries a delivery profile: monthly beneficiaries per 1,000 inhabitants, which
comunas it reaches, spending per beneficiary, units per beneficiary, whether regional gaps
narrow or widen over time, and a seasonal pattern. The catalogue itself (service, product,
thematic area, unit) is what the `productos` file carries.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders.contracts import AREA_LABELS
from loaders.demo.institutions import SERVICE_BY_SIGLA


@dataclass(frozen=True)
class Product:
    sigla: str
    name: str
    area: str
    unit: str
    rate: float  # monthly beneficiaries per 1,000 inhabitants (national mean)
    reach: str  # all | rural | urban | partial | coastal | south | region (reported by region)
    cost: float  # current spending per beneficiary-month, CLP
    invest: float  # investment spending per beneficiary-month, CLP (0: none)
    units_per: float  # units delivered per beneficiary
    trend: str  # converge | diverge | stable: regional gaps narrowing, widening or steady
    season: str = ""  # school (low in Jan-Feb) | summer (high in Dec-Mar) | ""


_ROWS = (
    ("FONASA", "Atenciones en modalidad libre elección", "social", "bonos", 22, "all", 18_000, 0,
     1.3, "converge"),
    ("FONASA", "Resolución de listas de espera quirúrgicas", "social", "intervenciones", 0.9,
     "urban", 420_000, 0, 1.0, "converge"),
    ("CENABAST", "Despacho de medicamentos a farmacias municipales", "social", "recetas", 9,
     "partial", 6_500, 0, 2.4, "stable"),
    ("SSRA", "Atenciones de telemedicina (Hospital Digital)", "cientifico_tecnologico",
     "teleconsultas", 2.2, "all", 24_000, 0, 1.1, "converge"),
    ("SSRA", "Operativos médicos en zonas rurales", "social", "atenciones", 1.5, "rural", 35_000,
     0, 1.2, "converge"),
    ("JUNAEB", "Programa de Alimentación Escolar (PAE)", "social", "raciones", 55, "all", 48_000,
     0, 19.0, "stable", "school"),
    ("JUNAEB", "Beca de Apoyo a la Retención Escolar", "social", "becas", 1.1, "all", 21_000, 0,
     1.0, "converge", "school"),
    ("JUNAEB", "Programa de Salud Oral escolar", "social", "atenciones", 1.8, "partial", 15_000, 0,
     1.0, "diverge", "school"),
    ("JUNJI", "Educación parvularia en jardines infantiles", "social", "párvulos", 11, "all",
     245_000, 0, 1.0, "converge"),
    ("JUNJI", "Construcción de salas cuna y jardines infantiles", "infraestructura", "salas", 0.25,
     "partial", 0, 2_900_000, 0.01, "diverge"),
    ("DEP", "Mejoramiento de infraestructura escolar pública", "infraestructura",
     "establecimientos", 3, "partial", 0, 95_000, 0.002, "converge"),
    ("DV", "Conservación de la red vial", "infraestructura", "km", 40, "partial", 120, 6_500,
     0.0004, "stable"),
    ("DV", "Pavimentación de caminos básicos rurales", "infraestructura", "km", 25, "rural", 80,
     14_000, 0.0002, "converge"),
    ("DOH", "Sistemas de Agua Potable Rural (APR)", "infraestructura", "sistemas", 14, "rural",
     900, 21_000, 0.0015, "converge"),
    ("DOH", "Obras de manejo de cauces y control aluvional", "infraestructura", "obras", 6,
     "partial", 0, 18_000, 0.0003, "diverge"),
    ("SERVIU", "Subsidio habitacional DS49 (Fondo Solidario de Elección de Vivienda)", "social",
     "subsidios", 0.22, "all", 0, 31_000_000, 1.0, "converge"),
    ("SERVIU", "Pavimentos participativos", "infraestructura", "m2", 6, "urban", 0, 45_000, 3.5,
     "diverge"),
    ("SUBDERE", "Programa de Mejoramiento Urbano (PMU)", "infraestructura", "proyectos", 4, "all",
     0, 15_000, 0.0008, "converge"),
    ("SUBDERE", "Programa de Mejoramiento de Barrios (saneamiento sanitario)", "infraestructura",
     "proyectos", 3, "rural", 0, 38_000, 0.0004, "converge"),
    ("SENAPRED", "Capacitación comunitaria en gestión del riesgo de desastres", "social",
     "personas capacitadas", 0.8, "partial", 12_000, 0, 1.0, "stable"),
    ("FOSIS", "Programa Yo Emprendo", "productivo", "emprendimientos", 0.6, "all", 420_000, 0, 1.0,
     "converge"),
    ("FOSIS", "Acompañamiento familiar Seguridades y Oportunidades", "social", "familias", 2.5,
     "all", 65_000, 0, 1.0, "converge"),
    ("SENAMA", "Centros Diurnos para personas mayores", "social", "personas mayores", 0.5,
     "partial", 110_000, 0, 1.0, "diverge"),
    ("SENAMA", "Programa Vínculos", "social", "personas mayores", 1.4, "all", 38_000, 0, 1.0,
     "converge"),
    ("SENADIS", "Ayudas técnicas para personas con discapacidad", "social", "ayudas técnicas",
     0.35, "region", 650_000, 0, 1.2, "converge"),
    ("CONADI", "Fondo de Tierras y Aguas Indígenas", "productivo", "hectáreas", 0.08, "region", 0,
     12_000_000, 4.0, "diverge"),
    ("INJUV", "Programa Voluntariado Joven", "cultural", "jóvenes", 0.7, "partial", 9_000, 0, 1.0,
     "stable", "summer"),
    ("SENCE", "Becas Laborales de capacitación", "productivo", "cursos", 1.3, "all", 480_000, 0,
     0.05, "converge"),
    ("SENCE", "Subsidio al Empleo Joven", "productivo", "subsidios", 6, "all", 38_000, 0, 1.0,
     "diverge"),
    ("IPS", "Pago de la Pensión Garantizada Universal (PGU)", "social", "pensiones", 125, "all",
     214_000, 0, 1.0, "stable"),
    ("IPS", "Atenciones en sucursales ChileAtiende", "social", "atenciones", 30, "partial", 3_500,
     0, 1.0, "converge"),
    ("DT", "Fiscalizaciones laborales", "productivo", "fiscalizaciones", 1.6, "urban", 95_000, 0,
     0.08, "stable"),
    ("CORFO", "Créditos y coberturas CORFO para pymes", "productivo", "operaciones", 0.18,
     "region", 0, 8_000_000, 1.0, "diverge"),
    ("CORFO", "Programa de Fomento a la Innovación (Innova)", "cientifico_tecnologico",
     "proyectos", 0.02, "region", 0, 95_000_000, 0.15, "diverge"),
    ("SERCOTEC", "Capital Semilla Emprende", "productivo", "proyectos", 0.25, "all", 0, 3_500_000,
     1.0, "converge"),
    ("SERCOTEC", "Asesorías en Centros de Negocios", "productivo", "asesorías", 1.2, "partial",
     85_000, 0, 1.6, "stable"),
    ("SERNATUR", "Programa Vacaciones Tercera Edad", "social", "pasajeros", 0.9, "partial",
     160_000, 0, 1.0, "stable", "summer"),
    ("SERNATUR", "Promoción internacional de destinos regionales", "insercion_global", "campañas",
     0.05, "region", 900_000, 0, 0.01, "diverge"),
    ("SERNAPESCA", "Certificación sanitaria de exportaciones pesqueras", "insercion_global",
     "certificados", 0.9, "coastal", 28_000, 0, 3.0, "diverge"),
    ("INDESPA", "Fomento a la pesca artesanal", "productivo", "pescadores", 1.1, "coastal", 0,
     1_400_000, 1.0, "converge"),
    ("AgenciaSE", "Programa Casa Solar", "cientifico_tecnologico", "sistemas fotovoltaicos", 0.25,
     "partial", 0, 4_800_000, 1.0, "diverge"),
    ("SEC", "Fiscalización de instalaciones de gas y electricidad", "infraestructura",
     "inspecciones", 1.2, "urban", 55_000, 0, 1.0, "stable"),
    ("SUBTRANS", "Subsidio al transporte público regional", "infraestructura", "usuarios", 45,
     "all", 9_500, 0, 22.0, "converge"),
    ("SUBTRANS", "Transporte escolar gratuito", "social", "estudiantes", 6, "rural", 42_000, 0,
     1.0, "converge", "school"),
    ("SUBTEL", "Conectividad digital para localidades rurales", "cientifico_tecnologico",
     "localidades conectadas", 3, "rural", 0, 52_000, 0.002, "converge"),
    ("SUBTEL", "Zonas WiFi ChileGob", "cientifico_tecnologico", "zonas WiFi", 25, "urban", 300,
     800, 0.0004, "diverge"),
    ("INDAP", "Servicio de Asesoría Técnica (SAT)", "productivo", "agricultores", 4, "rural",
     95_000, 0, 1.0, "converge"),
    ("INDAP", "Programa de Desarrollo Local (PRODESAL)", "productivo", "agricultores", 9, "rural",
     55_000, 0, 1.0, "converge"),
    ("INDAP", "Créditos de corto plazo para pequeños agricultores", "productivo", "créditos", 1.5,
     "rural", 0, 2_300_000, 1.0, "diverge"),
    ("CONAF", "Prevención de incendios forestales", "infraestructura", "brigadas", 8, "south",
     25_000, 0, 0.0005, "stable", "summer"),
    ("CONAF", "Programa de Arborización urbana", "social", "árboles", 2, "urban", 12_000, 0, 3.0,
     "diverge"),
    ("SAG", "Certificación fitosanitaria de exportaciones agrícolas", "insercion_global",
     "certificados", 2.2, "partial", 22_000, 0, 2.5, "diverge"),
    ("SAG", "Recuperación de suelos degradados (SIRSD-S)", "productivo", "hectáreas", 1.4, "rural",
     0, 260_000, 2.2, "stable"),
    ("CNR", "Bonificación a obras de riego (Ley 18.450)", "productivo", "proyectos", 0.35, "rural",
     0, 9_500_000, 0.3, "diverge"),
    ("SMMA", "Programa de Recambio de Calefactores", "social", "calefactores", 0.6, "south", 0,
     1_600_000, 1.0, "converge"),
    ("SEA", "Evaluación ambiental de proyectos de inversión (SEIA)", "productivo",
     "proyectos evaluados", 0.06, "region", 3_800_000, 0, 1.0, "stable"),
    ("SMA", "Fiscalizaciones ambientales", "cientifico_tecnologico", "fiscalizaciones", 0.03,
     "region", 2_100_000, 0, 1.0, "stable"),
    ("SRCeI", "Emisión de cédulas de identidad", "social", "documentos", 14, "all", 6_500, 0, 1.0,
     "converge"),
    ("GENCHI", "Programas de reinserción social y laboral", "social", "personas", 0.8, "urban",
     310_000, 0, 1.0, "stable"),
    ("CAJ", "Orientación y asistencia jurídica gratuita", "social", "atenciones", 5, "partial",
     28_000, 0, 1.0, "converge"),
    ("SERPAT", "Visitas a museos y bibliotecas públicas", "cultural", "visitas", 40, "partial",
     900, 0, 1.0, "diverge", "summer"),
    ("SERPAT", "Programa BiblioRedes", "cultural", "usuarios", 8, "all", 2_200, 0, 1.0,
     "converge"),
    ("SCA", "Fondos de Cultura (FONDART Regional)", "cultural", "proyectos", 0.04, "region", 0,
     11_000_000, 1.0, "converge"),
    ("SCA", "Programa Red Cultura", "cultural", "actividades", 6, "partial", 4_500, 0, 0.02,
     "converge"),
    ("ANID", "Becas de postgrado", "cientifico_tecnologico", "becas", 0.12, "region", 1_300_000, 0,
     1.0, "diverge"),
    ("ANID", "Programa Explora", "cientifico_tecnologico", "estudiantes", 2.5, "partial", 6_000, 0,
     1.0, "converge", "school"),
    ("ProChile", "Asesoría exportadora a empresas", "insercion_global", "empresas", 0.05, "region",
     1_700_000, 0, 1.0, "diverge"),
    ("ProChile", "Participación en ferias internacionales", "insercion_global", "empresas", 0.02,
     "region", 3_900_000, 0, 1.0, "stable"),
    ("IND", "Programa Crecer en Movimiento", "cultural", "participantes", 6, "all", 11_000, 0, 1.0,
     "converge", "school"),
    ("IND", "Infraestructura deportiva comunal", "infraestructura", "recintos", 0.4, "partial", 0,
     5_200_000, 0.01, "diverge"),
    ("SernamEG", "Atención en Centros de la Mujer", "social", "mujeres atendidas", 1.1, "urban",
     105_000, 0, 1.0, "converge"),
    ("SernamEG", "Programa Mujeres Jefas de Hogar", "productivo", "mujeres", 1.2, "partial",
     70_000, 0, 1.0, "converge"),
)  # fmt: skip
PRODUCTS = tuple(Product(*row) for row in _ROWS)


Line = tuple[Product, str, int]  # profile, product name, line number


def product_lines(scale: int) -> list[Line]:
    """(profile, product name, line number) for every product line the deliveries carry.

    `scale` > 1 adds more lines of each product (e.g. «… (línea 2)»): more rows in the same
    territories and months, so the data grows K-fold with the same shape.
    """
    lines = []
    for line in range(1, scale + 1):
        for product in PRODUCTS:
            name = product.name if line == 1 else f"{product.name} (línea {line})"
            lines.append((product, name, line))
    return lines


def products_frame(scale: int = 1) -> pd.DataFrame:
    """The `productos` catalogue; the thematic area as people write it («Inserción global»)."""
    lines = product_lines(scale)
    return pd.DataFrame(
        {
            "servicio": [SERVICE_BY_SIGLA[p.sigla].name for p, _, _ in lines],
            "producto": [name for _, name, _ in lines],
            "area_tematica": [AREA_LABELS[p.area] for p, _, _ in lines],
            "unidad": [p.unit for p, _, _ in lines],
        }
    )
