"""The explorer's grid filters as the screen says them: AG Grid's filterModel translated to
bound SQL through the warehouse's plain column filters, each filter and setting in Spanish."""

from __future__ import annotations

import pytest

from dashboard.explore import grid_filters
from warehouse.explore.datasets import dataset_for
from warehouse.explore.filters import ColumnFilter, Condition

# field, model -> SQL, params, description (columns of the `entregas` region dataset)
GRID_CASES = [
    ("servicio", {"filterType": "text", "type": "contains", "filter": "Salud"},
     '(contains(lower(CAST(t."servicio" AS VARCHAR)), lower($g0_0)))', {"g0_0": "Salud"},
     "Servicio contiene «Salud»"),
    ("servicio", {"filterType": "text", "type": "notEqual", "filter": "x"},
     '((t."servicio" IS NULL OR lower(CAST(t."servicio" AS VARCHAR)) <> lower($g0_0)))',
     {"g0_0": "x"}, "Servicio ≠ «x»"),
    ("producto", {"filterType": "text", "type": "blank"},
     """((t."producto" IS NULL OR trim(CAST(t."producto" AS VARCHAR)) = ''))""", {},
     "Producto está vacío"),
    ("beneficiarios", {"filterType": "number", "type": "greaterThan", "filter": 100},
     '(t."beneficiarios" > $g0_0)', {"g0_0": 100.0}, "Beneficiarios > 100"),
    ("beneficiarios", {"filterType": "number", "type": "inRange", "filter": 10, "filterTo": 20.5},
     '(t."beneficiarios" BETWEEN $g0_0 AND $g0_0_to)', {"g0_0": 10.0, "g0_0_to": 20.5},
     "Beneficiarios entre 10 y 20,5"),
    ("gasto_corriente", {"filterType": "number", "type": "notBlank"},
     '((t."gasto_corriente" IS NOT NULL AND TRUE))', {}, "Gasto corriente (CLP) no está vacío"),
    ("servicio", {"filterType": "text", "operator": "OR", "conditions": [
        {"filterType": "text", "type": "startsWith", "filter": "a"},
        {"filterType": "text", "type": "endsWith", "filter": "z"}]},
     '(starts_with(lower(CAST(t."servicio" AS VARCHAR)), lower($g0_0))'
     ' OR ends_with(lower(CAST(t."servicio" AS VARCHAR)), lower($g0_1)))',
     {"g0_0": "a", "g0_1": "z"}, "Servicio empieza con «a» o termina con «z»"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "model", "sql", "params", "described"), GRID_CASES)
def test_grid_filter_model_becomes_bound_sql(field, model, sql, params, described):
    columns = dataset_for("entregas", {}).columns
    (clause,) = grid_filters.grid_clauses(columns, {field: model})
    assert (clause.sql, clause.params, clause.description) == (sql, params, described)


def test_grid_filters_on_unknown_columns_or_types_are_refused():
    columns = dataset_for("compromisos").columns
    with pytest.raises(ValueError, match="columna desconocida"):
        grid_filters.grid_clauses(columns, {"nope": {"filterType": "text", "type": "contains"}})
    with pytest.raises(ValueError, match="no admitido"):
        grid_filters.grid_clauses(columns, {"region": {"filterType": "set", "values": ["x"]}})


def test_settings_are_described_with_their_defaults():
    query = grid_filters.build_query("entregas", {})
    assert query.settings == (("Nivel territorial", "Región"), ("Desglose", "Sumado en el período"))
    assert grid_filters.build_query("estado_metas", {"mes": "2025-05"}).settings == (
        ("Mes de corte", "2025-05"),
    )


def test_the_filter_model_becomes_plain_column_filters():
    model = {
        "servicio": {"filterType": "text", "operator": "OR", "conditions": [
            {"filterType": "text", "type": "contains", "filter": "a"},
            {"filterType": "text", "type": "blank"}]},
        "beneficiarios": {"filterType": "number", "type": "inRange", "filter": 1, "filterTo": 2},
    }  # fmt: skip
    found = grid_filters.column_filters(dataset_for("entregas").columns, model)
    assert found == [
        (ColumnFilter("beneficiarios", False, (Condition("between", 1.0, 2.0),)), "entre 1 y 2"),
        (ColumnFilter("servicio", True, (Condition("contains", "a"), Condition("blank")), True),
         "contiene «a» o está vacío"),
    ]  # fmt: skip


def test_the_query_carries_the_grid_filters_in_words():
    model = {"servicio": {"filterType": "text", "type": "contains", "filter": "Salud"}}
    query = grid_filters.build_query("compromisos", {"region": "05"}, None, model)
    assert query.descriptions() == ["Región = 05", "Servicio contiene «Salud»"]
    assert query.params["g0_0"] == "Salud" and "$g0_0" in query.sql
