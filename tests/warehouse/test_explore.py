"""The explorer's queries: filters as data (args -> where, params, description), plain column
filters translated to SQL, and the queries run on the demo warehouse, checked against the
same filters applied in pandas to the unfiltered rows. (AG Grid's filterModel and the Spanish
words for column filters: tests/dashboard/explore/test_grid_filters.py.)"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from indicators.goal_report import goal_scorecard
from loaders.ingest import ingest_file
from tests.support.demo_copies import writable_demo
from warehouse.commitments import commitments
from warehouse.db import connect
from warehouse.explore import dataset_parts, datasets, queries, words
from warehouse.explore.filters import ColumnFilter, Condition, column_clauses
from warehouse.explore.options import filter_options
from warehouse.scope import Scope, apply_scope

NAMES = {"region": {"05": "Valparaíso"}, "region_nacional": {"05": "Valparaíso"}}

# dataset, args -> dataset WHERE fragments, bound params, descriptions
FILTER_CASES = [
    ("compromisos", {"region": "05"}, ["c.region = $region"], {"region": "05"},
     ["Región = Valparaíso"]),
    ("compromisos", {"region": "", "estado": None}, [], {}, []),
    ("compromisos", {"desconocido": "x", "area": "social"}, ["c.comision = $area"],
     {"area": "social"}, ["Comisión = Social"]),
    ("avance_mensual", {"region": "nacional"}, ["a.region IS NULL"], {}, ["Región = Nacional"]),
    ("avance_mensual", {"region": "05", "estado": "validado"},
     ["a.region = $region", "a.estado = $estado"], {"region": "05", "estado": "validado"},
     ["Región = Valparaíso", "Estado del dato = Validado"]),
    ("avance_mensual", {"desde": "2025-01", "hasta": "2025-05"},
     ["a.mes >= $desde", "a.mes <= $hasta"],
     {"desde": date(2025, 1, 1), "hasta": date(2025, 5, 1)}, ["Mes ≥ 2025-01", "Mes ≤ 2025-05"]),
    ("avance_mensual", {"desde": "enero", "hasta": "2025-13"}, [], {}, []),
    ("restricciones", {"situacion": "abierta", "semaforo": "rojo"},
     ["r.severidad = $semaforo", "r.fecha_resolucion IS NULL"], {"semaforo": "rojo"},
     ["Severidad = Rojo", "Situación = Abierta"]),
    ("restricciones", {"situacion": "resuelta"}, ["r.fecha_resolucion IS NOT NULL"], {},
     ["Situación = Resuelta"]),
    ("estado_metas", {"mes": "2025-05", "ministerio": "Ministerio de Salud"},
     ["m.ministerio = $ministerio"], {"ministerio": "Ministerio de Salud"},
     ["Ministerio = Ministerio de Salud"]),
    ("entregas", {"area": "cientifico_tecnologico", "servicio": "FONASA", "nivel": "comuna"},
     ["a.area_tematica = $area", "a.servicio = $servicio"],
     {"area": "cientifico_tecnologico", "servicio": "FONASA"},
     ["Área temática = Científico-tecnológico", "Servicio = FONASA"]),
]  # fmt: skip


@pytest.mark.parametrize(("dataset", "args", "where", "params", "described"), FILTER_CASES)
def test_filters_are_data(dataset, args, where, params, described):
    query = queries.build_query(dataset, args, NAMES)
    assert [c.sql for c in query.clauses] == where
    assert {k: v for k, v in query.params.items() if not k.startswith("label_")} == params
    assert query.descriptions() == described
    for fragment in where:
        assert fragment in query.sql


def test_values_are_bound_never_written_into_sql():
    hostile = "05' OR 1=1 --"
    query = queries.build_query("compromisos", {"region": hostile, "servicio": hostile})
    assert hostile not in query.sql
    assert query.params["region"] == hostile


def test_label_lists_are_bound_only_when_the_query_uses_them():
    query = queries.build_query("entregas", {"desglose": "total"})
    assert "label_codes" not in query.params  # no code column in a total per territory
    query = queries.build_query("compromisos", {})
    assert query.params["label_words"][query.params["label_codes"].index("en_curso")] == "En curso"


def test_settings_are_listed_with_their_defaults():
    query = queries.build_query("entregas", {})
    assert query.settings == (("nivel", "region"), ("desglose", "periodo"))
    assert queries.build_query("estado_metas", {"mes": "2025-05"}).settings == (("mes", "2025-05"),)


def test_delivery_shapes_follow_level_and_breakdown():
    names = lambda args: [c.name for c in datasets.dataset_for("entregas", args).columns]  # noqa: E731
    assert names({})[:5] == ["codigo_region", "region", "area_tematica", "servicio", "producto"]
    assert "mes" in names({"desglose": "mes"}) and "meses" not in names({"desglose": "mes"})
    assert names({"nivel": "comuna", "desglose": "total"}) == [
        "codigo_comuna", "comuna", "region", "beneficiarios", "gasto_corriente",
        "gasto_inversion", "meses",
    ]  # fmt: skip
    assert "producto" not in names({"nivel": "comuna"})  # the comuna aggregate has no product
    assert "producto" in names({"nivel": "comuna", "producto": "Programa Explora"})


# column filter -> SQL, params (columns of the `entregas` region dataset)
COLUMN_CASES = [
    (ColumnFilter("servicio", True, (Condition("contains", "Salud"),)),
     '(contains(lower(CAST(t."servicio" AS VARCHAR)), lower($g0_0)))', {"g0_0": "Salud"}),
    (ColumnFilter("servicio", True, (Condition("not_equal", "x"),)),
     '((t."servicio" IS NULL OR lower(CAST(t."servicio" AS VARCHAR)) <> lower($g0_0)))',
     {"g0_0": "x"}),
    (ColumnFilter("producto", True, (Condition("blank"),)),
     """((t."producto" IS NULL OR trim(CAST(t."producto" AS VARCHAR)) = ''))""", {}),
    (ColumnFilter("beneficiarios", False, (Condition(">", 100.0),)),
     '(t."beneficiarios" > $g0_0)', {"g0_0": 100.0}),
    (ColumnFilter("beneficiarios", False, (Condition("between", 10.0, 20.5),)),
     '(t."beneficiarios" BETWEEN $g0_0 AND $g0_0_to)', {"g0_0": 10.0, "g0_0_to": 20.5}),
    (ColumnFilter("gasto_corriente", False, (Condition("not_blank"),)),
     '((t."gasto_corriente" IS NOT NULL AND TRUE))', {}),
    (ColumnFilter("servicio", True, (Condition("starts_with", "a"), Condition("ends_with", "z")),
                  any_of=True),
     '(starts_with(lower(CAST(t."servicio" AS VARCHAR)), lower($g0_0))'
     ' OR ends_with(lower(CAST(t."servicio" AS VARCHAR)), lower($g0_1)))',
     {"g0_0": "a", "g0_1": "z"}),
]  # fmt: skip


def _labels(dataset: str) -> dict[str, str]:
    return {c.name: c.label for c in datasets.dataset_for(dataset, {}).columns}


@pytest.mark.parametrize(("found", "sql", "params"), COLUMN_CASES)
def test_column_filters_become_bound_sql(found, sql, params):
    (clause,) = column_clauses(_labels("entregas"), [found])
    assert (clause.sql, clause.params) == (sql, params)
    assert clause.label == _labels("entregas")[found.column]


def test_column_filters_on_unknown_columns_or_operators_are_refused():
    with pytest.raises(ValueError, match="columna desconocida"):
        column_clauses(
            _labels("compromisos"), [ColumnFilter("nope", True, (Condition("contains"),))]
        )
    with pytest.raises(ValueError, match="no admitido"):
        column_clauses(_labels("compromisos"), [ColumnFilter("region", True, (Condition(">", 1),))])


def test_column_filters_reach_the_query_with_their_own_parameters():
    found = ColumnFilter("servicio", True, (Condition("contains", "Salud"),))
    query = queries.build_query("compromisos", {"region": "05"}, None, [found])
    assert query.params["region"] == "05" and query.params["g0_0"] == "Salud"
    assert query.sql.endswith(
        ' AS t WHERE (contains(lower(CAST(t."servicio" AS VARCHAR)), lower($g0_0)))'
        " ORDER BY orden, codigo_compromiso"
    )


def test_unknown_dataset_is_refused():
    with pytest.raises(ValueError, match="desconocido"):
        queries.build_query("usuarios", {})


# --------------------------------------------------------------------------- on the demo


@pytest.fixture(scope="module")
def con(demo_db) -> duckdb.DuckDBPyConnection:
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def scorecard(con) -> pd.DataFrame:
    return goal_scorecard(con, date(2025, 5, 1))


def rows(con, dataset, args=None, filters=(), scorecard=None, limit=None) -> pd.DataFrame:
    query = queries.build_query(dataset, args or {}, None, filters)
    return queries.fetch_rows(con, query, limit, scorecard)


@pytest.mark.parametrize("dataset", list(datasets.DATASETS))
def test_count_limit_and_columns_agree(con, scorecard, dataset):
    query = queries.build_query(dataset, {"mes": "2025-05"})
    everything = queries.fetch_rows(con, query, None, scorecard)
    assert queries.count_rows(con, query, scorecard) == len(everything) > 0
    assert list(everything.columns) == [c.name for c in query.columns]
    first = queries.fetch_rows(con, query, 3, scorecard)
    as_records = lambda frame: frame.astype(object).where(frame.notna(), None).to_dict("records")  # noqa: E731
    assert as_records(first) == as_records(everything.head(3))


def test_text_filters_match_pandas_on_the_same_rows(con):
    full = rows(con, "compromisos")
    found = [ColumnFilter("servicio", True, (Condition("contains", "SALUD"),))]
    expected = full[full["servicio"].str.contains("salud", case=False)]
    assert rows(con, "compromisos", filters=found)["codigo_compromiso"].tolist() == (
        expected["codigo_compromiso"].tolist()
    )
    # Blanks pass 'notContains', as in AG Grid.
    found = [ColumnFilter("fecha_cumplimiento", True, (Condition("not_contains", "2025"),))]
    expected = full[~full["fecha_cumplimiento"].fillna("").str.contains("2025")]
    got = rows(con, "compromisos", filters=found)
    assert got["fecha_cumplimiento"].isna().sum() == full["fecha_cumplimiento"].isna().sum() > 0
    assert len(got) == len(expected)


def test_number_filters_match_pandas(con):
    full = rows(con, "entregas")
    found = [ColumnFilter("beneficiarios", False, (Condition("between", 1000.0, 5000.0),))]
    got = rows(con, "entregas", filters=found)
    assert len(got) == full["beneficiarios"].between(1000, 5000).sum() > 0


def test_dataset_filters_match_pandas(con):
    full = rows(con, "avance_mensual")
    national = rows(con, "avance_mensual", {"region": "nacional", "desde": "2025-01"})
    expected = full[(full["region"] == "Nacional") & (full["mes"] >= "2025-01")]
    assert len(national) == len(expected) > 0
    assert set(rows(con, "restricciones", {"situacion": "abierta"})["situacion"]) == {"Abierta"}


def test_delivery_totals_equal_the_aggregate_table(con):
    period = {"desde": "2025-01", "hasta": "2025-03"}
    got = rows(con, "entregas", {"desglose": "total", **period})
    assert len(got) == 16 and got["region"].iloc[0] == "Arica y Parinacota"  # north first
    total = con.execute(
        "SELECT sum(beneficiarios) FROM agg_entregas_region_mes"
        " WHERE mes BETWEEN DATE '2025-01-01' AND DATE '2025-03-01'"
    ).fetchall()[0][0]
    assert got["beneficiarios"].sum() == total
    product = {"nivel": "comuna", "producto": "Programa Explora", "desglose": "total"}
    comunas = rows(con, "entregas", product)
    raw = con.execute(
        "SELECT sum(beneficiarios) FROM v_entregas_actuales"
        " WHERE es_comuna AND producto = 'Programa Explora'"
    ).fetchall()[0][0]
    assert comunas["beneficiarios"].sum() == raw


def test_goal_status_reads_the_registered_scorecard(con, scorecard):
    red = rows(con, "estado_metas", {"semaforo": "rojo"}, scorecard=scorecard)
    assert len(red) == (scorecard["estado"] == "rojo").sum() > 0
    assert set(red["estado"]) == {"Rojo"}
    with pytest.raises(duckdb.CatalogException):  # unregistered after the query
        con.execute("SELECT * FROM " + dataset_parts.SCORECARD).fetchall()
    with pytest.raises(ValueError, match="tablero de metas"):
        rows(con, "estado_metas")


def test_options_and_source(con):
    options = filter_options(con)
    assert [code for code, _ in options["region"]][:2] == ["15", "01"]  # north to south
    assert options["region_nacional"][0] == ("nacional", "Nacional")
    assert ("social", "Social") in options["area"]
    assert options["mes"][0][0] == "2025-05"
    source = queries.source_info(con)
    assert source.database == "demo.duckdb" and source.is_demo and source.last_load is not None


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        ({}, ["codigo_region", "area_tematica", "servicio", "producto"]),
        ({"desglose": "total"}, ["codigo_region"]),
        ({"nivel": "comuna", "region": "05"}, ["codigo_comuna", "area_tematica", "servicio"]),
        ({"nivel": "comuna", "desglose": "total"}, ["codigo_comuna"]),
        (
            {"nivel": "comuna", "producto": "Programa Explora"},
            ["codigo_comuna", "area_tematica", "servicio", "producto"],
        ),
    ],
    ids=["regiones", "total-region", "comunas-05", "total-comuna", "comunas-producto"],
)
def test_months_with_deliveries_are_the_distinct_months_of_the_current_rows(con, args, keys):
    """Summed over the period the grid counts rows, which are months of the grain; totals
    count distinct months. Both against the current delivery rows, in pandas; names and the
    area's word are joined after grouping and must still belong to each row."""
    got = rows(con, "entregas", args)
    raw = con.execute("SELECT * FROM v_entregas_actuales").df()
    level = args.get("nivel", "region")
    if level == "comuna":
        raw = raw[raw["es_comuna"]].rename(columns={"territorio": "codigo_comuna"})
    for key in ("region", "producto"):
        if key in args:
            column = "codigo_region" if key == "region" else key
            raw = raw[raw[column] == args[key]]
    raw = raw.assign(area_tematica=raw["area_tematica"].map(words.LABELS))
    want = raw.groupby(keys, dropna=False)["mes"].nunique().rename("meses").reset_index()
    merged = got.merge(want, on=keys, how="outer", suffixes=("", "_pandas"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert (merged["meses"] == merged["meses_pandas"]).all()
    names = dict(con.execute("SELECT codigo, nombre_corto FROM territorios").fetchall())
    assert (
        got["region"]
        == got.get("codigo_region", got.get("codigo_comuna")).map(lambda code: names[code[:2]])
    ).all()
    if level == "comuna":
        assert (got["comuna"] == got["codigo_comuna"].map(names)).all()


# --------------------------------------------------------------------------- commitments


def test_commitment_states_are_their_latest_follow_ups(con):
    """The explorer reads a commitment's state as every screen does (warehouse.commitments):
    the demo's follow-ups change some states, and the rows agree one by one."""
    got = rows(con, "compromisos").set_index("codigo_compromiso").sort_index()
    want = commitments(con).set_index("codigo_compromiso").sort_index()
    assert list(got.index) == list(want.index)
    assert (got["estado"] == want["estado"].map(words.LABELS)).all()
    assert got["fecha_cumplimiento"].fillna("").tolist() == [
        "" if pd.isna(d) else f"{d:%Y-%m-%d}" for d in want["fecha_cumplimiento"]
    ]
    assert got["ultimo_seguimiento"].tolist() == want["ultimo_seguimiento"].tolist()
    filed = con.execute("SELECT codigo_compromiso, estado FROM compromisos WHERE valid_to IS NULL")
    changed = {code for code, state in filed.fetchall() if want.loc[code, "estado"] != state}
    assert changed  # the demo's follow-ups moved some commitments on


def test_a_follow_up_met_shows_in_the_region_accounts_explorer(demo_db, tmp_path):
    with writable_demo(demo_db, tmp_path) as writable:
        csv = tmp_path / "seguimientos.csv"
        csv.write_text(
            "codigo_compromiso,fecha,estado,nota\nGRA-05-002,2025-06-10,cumplido,Puente entregado\n",
            encoding="utf-8",
        )
        assert ingest_file(writable, csv, loaded_at=datetime(2025, 6, 18, 12)).rows_new == 1
        cur = writable.cursor()
        apply_scope(cur, Scope("region", region="05", user="region"))

        region = rows(cur, "compromisos")
        row = region.set_index("codigo_compromiso").loc["GRA-05-002"]
        assert (row["estado"], row["fecha_cumplimiento"], row["ultimo_seguimiento"]) == (
            "Cumplido", "2025-06-10", "Puente entregado",
        )  # fmt: skip
        assert set(region["region"]) == {"Valparaíso"}  # scope kept: its region only
        query = queries.build_query("compromisos", {"estado": "cumplido"})
        met = queries.fetch_rows(cur, query)
        assert "GRA-05-002" in set(met["codigo_compromiso"]) and set(met["estado"]) == {"Cumplido"}
        assert queries.count_rows(cur, query) == len(met)
        # A grid filter on the shown word finds the same rows (the output columns).
        found = [ColumnFilter("estado", True, (Condition("equals", "Cumplido"),))]
        assert rows(cur, "compromisos", filters=found)["codigo_compromiso"].tolist() == (
            met["codigo_compromiso"].tolist()
        )
