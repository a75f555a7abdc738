"""Ministries and their services: the `instituciones` catalogue of the demo.

Real Chilean ministries and services (names and acronyms as they use them), so that a person
who knows the State recognises the screens. The figures attached to them are invented.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MINISTRIES = {
    "SAL": "Ministerio de Salud",
    "EDU": "Ministerio de Educación",
    "MOP": "Ministerio de Obras Públicas",
    "VIV": "Ministerio de Vivienda y Urbanismo",
    "INT": "Ministerio del Interior",
    "DES": "Ministerio de Desarrollo Social y Familia",
    "TRA": "Ministerio del Trabajo y Previsión Social",
    "ECO": "Ministerio de Economía, Fomento y Turismo",
    "ENE": "Ministerio de Energía",
    "MTT": "Ministerio de Transportes y Telecomunicaciones",
    "AGR": "Ministerio de Agricultura",
    "MMA": "Ministerio del Medio Ambiente",
    "JUS": "Ministerio de Justicia y Derechos Humanos",
    "CUL": "Ministerio de las Culturas, las Artes y el Patrimonio",
    "CIE": "Ministerio de Ciencia, Tecnología, Conocimiento e Innovación",
    "REX": "Ministerio de Relaciones Exteriores",
    "DEP": "Ministerio del Deporte",
    "MUJ": "Ministerio de la Mujer y la Equidad de Género",
}


@dataclass(frozen=True)
class Service:
    sigla: str
    name: str
    ministry: str  # key of MINISTRIES


SERVICES = tuple(
    Service(*row)
    for row in (
        ("FONASA", "Fondo Nacional de Salud", "SAL"),
        ("CENABAST", "Central de Abastecimiento del Sistema Nacional de Servicios de Salud", "SAL"),
        ("SSRA", "Subsecretaría de Redes Asistenciales", "SAL"),
        ("JUNAEB", "Junta Nacional de Auxilio Escolar y Becas", "EDU"),
        ("JUNJI", "Junta Nacional de Jardines Infantiles", "EDU"),
        ("DEP", "Dirección de Educación Pública", "EDU"),
        ("DV", "Dirección de Vialidad", "MOP"),
        ("DOH", "Dirección de Obras Hidráulicas", "MOP"),
        ("SERVIU", "Servicio de Vivienda y Urbanización", "VIV"),
        ("SUBDERE", "Subsecretaría de Desarrollo Regional y Administrativo", "INT"),
        ("SENAPRED", "Servicio Nacional de Prevención y Respuesta ante Desastres", "INT"),
        ("FOSIS", "Fondo de Solidaridad e Inversión Social", "DES"),
        ("SENAMA", "Servicio Nacional del Adulto Mayor", "DES"),
        ("SENADIS", "Servicio Nacional de la Discapacidad", "DES"),
        ("CONADI", "Corporación Nacional de Desarrollo Indígena", "DES"),
        ("INJUV", "Instituto Nacional de la Juventud", "DES"),
        ("SENCE", "Servicio Nacional de Capacitación y Empleo", "TRA"),
        ("IPS", "Instituto de Previsión Social", "TRA"),
        ("DT", "Dirección del Trabajo", "TRA"),
        ("CORFO", "Corporación de Fomento de la Producción", "ECO"),
        ("SERCOTEC", "Servicio de Cooperación Técnica", "ECO"),
        ("SERNATUR", "Servicio Nacional de Turismo", "ECO"),
        ("SERNAPESCA", "Servicio Nacional de Pesca y Acuicultura", "ECO"),
        ("INDESPA", "Instituto Nacional de Desarrollo Sustentable de la Pesca Artesanal", "ECO"),
        ("AgenciaSE", "Agencia de Sostenibilidad Energética", "ENE"),
        ("SEC", "Superintendencia de Electricidad y Combustibles", "ENE"),
        ("SUBTRANS", "Subsecretaría de Transportes", "MTT"),
        ("SUBTEL", "Subsecretaría de Telecomunicaciones", "MTT"),
        ("INDAP", "Instituto de Desarrollo Agropecuario", "AGR"),
        ("CONAF", "Corporación Nacional Forestal", "AGR"),
        ("SAG", "Servicio Agrícola y Ganadero", "AGR"),
        ("CNR", "Comisión Nacional de Riego", "AGR"),
        ("SMMA", "Subsecretaría del Medio Ambiente", "MMA"),
        ("SEA", "Servicio de Evaluación Ambiental", "MMA"),
        ("SMA", "Superintendencia del Medio Ambiente", "MMA"),
        ("SRCeI", "Servicio de Registro Civil e Identificación", "JUS"),
        ("GENCHI", "Gendarmería de Chile", "JUS"),
        ("CAJ", "Corporación de Asistencia Judicial", "JUS"),
        ("SERPAT", "Servicio Nacional del Patrimonio Cultural", "CUL"),
        ("SCA", "Subsecretaría de las Culturas y las Artes", "CUL"),
        ("ANID", "Agencia Nacional de Investigación y Desarrollo", "CIE"),
        ("ProChile", "Dirección General de Promoción de Exportaciones", "REX"),
        ("IND", "Instituto Nacional de Deportes", "DEP"),
        ("SernamEG", "Servicio Nacional de la Mujer y la Equidad de Género", "MUJ"),
    )
)
SERVICE_BY_SIGLA = {s.sigla: s for s in SERVICES}


def institutions_frame() -> pd.DataFrame:
    """One row per service: ministerio, servicio, sigla (the contract's columns)."""
    return pd.DataFrame(
        {
            "ministerio": [MINISTRIES[s.ministry] for s in SERVICES],
            "servicio": [s.name for s in SERVICES],
            "sigla": [s.sigla for s in SERVICES],
        }
    )
