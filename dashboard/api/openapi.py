"""The OpenAPI 3.1 document of /api/v1, written by hand: four routes do not need a generator."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "errores": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
_RESULT = {
    "type": "object",
    "properties": {
        "resultado": {"enum": ["guardada", "sin_cambios", "rechazada", "conflicto", "sin_permiso"]},
        "mensaje": {"type": "string"},
        "codigo_meta": {"type": "string"},
        "mes": {"type": "string", "example": "2025-06"},
        "region": {"type": ["string", "null"]},
        "version": {"type": ["string", "null"], "description": "La versión guardada."},
        "errores": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
_PROGRESS_BODY = {
    "type": "object",
    "required": ["codigo_meta", "mes", "valor_real"],
    "additionalProperties": False,
    "properties": {
        "codigo_meta": {"type": "string", "example": "SAL-01"},
        "mes": {"type": "string", "example": "2025-06", "description": "AAAA-MM"},
        "region": {"type": ["string", "null"], "example": "05",
                   "description": "Código de región; nulo o ausente: la cifra nacional."},
        "valor_real": {"type": "number"},
        "comentario": {"type": "string", "maxLength": 2000},
        "pronostico": {"type": "number", "description": "Pronóstico del valor del mes siguiente."},
        "version": {"type": "string", "description": "La versión leída (GET …/avance); "
                    "obligatoria si la cifra ya existe. Si cambió desde entonces: 409."},
    },
}  # fmt: skip


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document() -> dict[str, Any]:
    errors = {
        "401": _json(_ERROR, "Sin token, o token revocado."),
        "403": _json(_ERROR, "Fuera del ámbito de la cuenta."),
        "422": _json(_ERROR, "Datos inválidos: un motivo en español por campo."),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tablero de Metas y Territorio — API de escritura",
            "version": "1",
            "description": "Las mismas reglas y ámbitos que los formularios y las cargas de "
            "archivos. Tokens: `python -m dashboard.accounts token create USUARIO`.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
        "paths": {
            "/avance": {
                "post": {
                    "summary": "Informar el valor real de un mes de una meta",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _PROGRESS_BODY}},
                    },
                    "responses": {
                        "201": _json(_RESULT, "Guardada: una nueva versión, por validar."),
                        "200": _json(_RESULT, "Sin cambios: la cifra ya tenía esos valores."),
                        "409": _json(_RESULT, "La cifra cambió desde la versión enviada."),
                        **errors,
                    },
                }
            },
            "/archivos": {
                "post": {
                    "summary": "Cargar un archivo (CSV, XLSX o Parquet) como la consola",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "archivo": {"type": "string", "format": "binary"}
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _json({"type": "object"}, "Cargado (resumen de `ingest --json`)."),
                        "200": _json({"type": "object"}, "Ya se había cargado; nada cambió."),
                        "207": _json({"type": "object"}, "Cargado con filas en cuarentena."),
                        "413": _json(_ERROR, "Supera el tamaño máximo."),
                        **errors,
                    },
                }
            },
            "/metas/{codigo}/avance": {
                "get": {
                    "summary": "La serie mensual de una meta, como la lee la cuenta del token",
                    "parameters": [
                        {
                            "name": "codigo",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json({"type": "object"}, "Filas vigentes con su versión."),
                        "404": _json(_ERROR, "La meta no existe."),
                        "401": errors["401"],
                    },
                }
            },
        },
    }
