"""Population rules, coverage, spending, gap, service convergence, commitments, PMG stages."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from indicators.commitments import commitments_by_region, services_with_stage, stage_status
from indicators.population import comuna_population, nearest_year, region_population
from indicators.synergy import co_delivery_pairs, service_counts, synergy_index
from indicators.territory import coverage_table, gap
from tests.support.tiny_warehouse import frame

# A toy country: region 01 with comunas 01101 and 01102, region 02 with 02101.
COMUNAS = pd.DataFrame({"codigo": ["01101", "01102", "02101"], "codigo_region": ["01", "01", "02"]})
REGIONS = pd.DataFrame({"codigo": ["01", "02", "03"]})
CENSUS = pd.DataFrame({"codigo_region": ["01", "02", "03"], "poblacion": [900, 800, 700]})


def test_nearest_year_prefers_the_earlier_on_ties() -> None:
    rows = pd.DataFrame(
        {
            "territorio": ["A", "A", "B", "B"],
            "anio": [2019, 2021, 2018, 2024],
            "poblacion": [1, 2, 3, 4],
        }
    )
    picked = nearest_year(rows, 2020).set_index("territorio")
    assert picked.loc["A", "anio"] == 2019  # 2019 and 2021 are both one year away
    assert picked.loc["B", "anio"] == 2018  # two years vs four


def test_region_population_rules() -> None:
    rows = pd.DataFrame(
        {
            "territorio": ["01101", "01102", "01101", "02101", "02"],
            "anio": [2024, 2024, 2020, 2024, 2022],
            "poblacion": [100, 200, 90, 300, 5000],
        }
    )
    # Region 01: all its comunas have a figure → 100 + 200.
    # Region 02: its only comuna has one too → 300 (the region row is not needed).
    # Region 03: no comuna figure, no region row → Censo 2017.
    people = region_population(REGIONS, COMUNAS, rows, CENSUS, 2024).set_index("codigo")
    assert people["poblacion"].to_dict() == {"01": 300.0, "02": 300.0, "03": 700.0}
    assert people["fuente_poblacion"].to_dict() == {
        "01": "comunas", "02": "comunas", "03": "censo_2017"
    }  # fmt: skip
    # Without comuna 01102, region 01 is incomplete: no region row → census; region 02 → 300.
    partial = rows[rows["territorio"] != "01102"]
    people = region_population(REGIONS, COMUNAS, partial, CENSUS, 2024).set_index("codigo")
    assert (
        people.loc["01", "poblacion"] == 900
        and people.loc["01", "fuente_poblacion"] == "censo_2017"
    )
    # Without comuna 02101, region 02 falls back to its own row (2022, nearest to 2024).
    partial = rows[rows["territorio"] != "02101"]
    people = region_population(REGIONS, COMUNAS, partial, CENSUS, 2024).set_index("codigo")
    assert people.loc["02", "poblacion"] == 5000
    assert people.loc["02", "fuente_poblacion"] == "poblacion_region"
    assert people.loc["02", "anio_poblacion"] == 2022


def test_comuna_population_uses_the_requested_or_nearest_year() -> None:
    rows = pd.DataFrame(
        {
            "territorio": ["01101", "01101", "01102"],
            "anio": [2020, 2024, 2019],
            "poblacion": [90, 100, 7],
        }
    )
    people = comuna_population(COMUNAS, rows, 2021).set_index("codigo")
    assert people.loc["01101", "poblacion"] == 90  # 2020 is nearer to 2021 than 2024
    assert people.loc["01102", "anio_poblacion"] == 2019
    assert np.isnan(people.loc["02101", "poblacion"])  # no figure: unknown, not zero


def test_coverage_and_spending_per_capita() -> None:
    territories = pd.DataFrame(
        {
            "codigo": ["A", "B", "C", "D"],
            "nombre_corto": ["Alfa", "Beta", "Gama", "Delta"],
            "codigo_region": ["01"] * 4,
        }
    )
    deliveries = pd.DataFrame(
        {
            "codigo": ["A", "B", "D"],
            "beneficiarios": [50, 10, 5],
            "gasto_corriente": [1000.0, np.nan, np.nan],
            "gasto_inversion": [500.0, 300.0, np.nan],
        }
    )
    population = pd.DataFrame(
        {"codigo": ["A", "B", "C", "D"], "poblacion": [1000.0, 2000.0, 500.0, np.nan]}
    )
    table = coverage_table(territories, deliveries, population).set_index("codigo")
    # A: 1000 · 50 / 1000 = 50 per 1,000; B: 1000 · 10 / 2000 = 5; C receives nothing: 0.
    assert table["cobertura"].tolist()[:3] == [50.0, 5.0, 0.0]
    assert np.isnan(table.loc["D", "cobertura"])  # unknown population
    assert table.loc["C", "beneficiarios"] == 0
    # Spending: A total 1500 → 1.5 per inhabitant; B only investment known: 300 / 2000.
    assert table.loc["A", "gasto_per_capita"] == 1.5
    assert table.loc["A", "gasto_corriente_per_capita"] == 1.0
    assert table.loc["B", "gasto_total"] == 300.0
    assert table.loc["B", "gasto_per_capita"] == 0.15
    assert np.isnan(table.loc["C", "gasto_total"])  # nothing known is not zero
    # Gap over coverage > 0: A / B = 10 (C's zero coverage is left out).
    result = gap(table.reset_index())
    assert (result.brecha, result.codigo_max, result.codigo_min) == (10.0, "A", "B")


def test_gap_without_positive_coverage() -> None:
    assert gap(pd.DataFrame({"codigo": ["A"], "cobertura": [0.0]})) is None


DELIVERIES = pd.DataFrame(
    [
        # comuna, region, area, service, beneficiaries
        ("01101", "01", "social", "FONASA", 10),
        ("01101", "01", "social", "SERVIU", 5),
        ("01101", "01", "social", "JUNJI", 3),
        ("01101", "01", "cultural", "CNCA", 4),
        ("01102", "01", "social", "FONASA", 7),
        ("01102", "01", "social", "SERVIU", 0),  # no beneficiaries: does not count
        ("02101", "02", "social", "FONASA", 2),
        ("02101", "02", "social", "SERVIU", 2),
    ],
    columns=["codigo_comuna", "codigo_region", "area_tematica", "servicio", "beneficiarios"],
)


def test_service_convergence() -> None:
    counts = service_counts(DELIVERIES).set_index(["codigo_comuna", "area_tematica"])
    assert counts.loc[("01101", "social"), "servicios"] == 3
    assert counts.loc[("01101", "cultural"), "servicios"] == 1
    assert counts.loc[("01102", "social"), "servicios"] == 1
    assert counts["converge"].to_dict() == {
        ("01101", "cultural"): False, ("01101", "social"): True,
        ("01102", "social"): False, ("02101", "social"): True,
    }  # fmt: skip
    population = pd.DataFrame({"codigo": ["01101", "01102", "02101"], "poblacion": [300, 100, 50]})
    index = synergy_index(service_counts(DELIVERIES), COMUNAS, population)
    index = index.set_index(["codigo_region", "area_tematica"])
    # Region 01, social: 01101 (300 people) converges, 01102 (100) does not → 300 / 400.
    assert index.loc[("01", "social"), "indice_sinergia"] == 0.75
    assert index.loc[("01", "social"), "comunas_convergentes"] == 1
    assert index.loc[("01", "cultural"), "indice_sinergia"] == 0.0
    assert index.loc[("01", "todas"), "indice_sinergia"] == 0.75
    assert index.loc[("02", "social"), "indice_sinergia"] == 1.0


def test_co_delivering_pairs() -> None:
    pairs = co_delivery_pairs(DELIVERIES)
    # FONASA–SERVIU deliver together in 01101 and 02101; the other pairs only in 01101.
    assert pairs.iloc[0][["servicio_a", "servicio_b", "comunas"]].tolist() == [
        "FONASA",
        "SERVIU",
        2,
    ]
    assert len(pairs) == 3
    assert pairs["comunas"].tolist() == [2, 1, 1]
    assert len(co_delivery_pairs(DELIVERIES, top=1)) == 1


COMMITMENTS = frame(
    [
        {"codigo_compromiso": "C1", "region": "05", "fecha_compromiso": "2025-06-01",
         "estado": "cumplido"},
        # Due 1 June, pending on 11 June: atrasado, 10 days.
        {"codigo_compromiso": "C2", "region": "05", "fecha_compromiso": "2025-06-01"},
        # Due 11 June: on its due date it is still on time.
        {"codigo_compromiso": "C3", "region": "05", "fecha_compromiso": "2025-06-11",
         "estado": "en_curso"},
        # Due 1 May: 41 days late.
        {"codigo_compromiso": "C4", "region": "05", "fecha_compromiso": "2025-05-01",
         "estado": "en_curso"},
        {"codigo_compromiso": "C5", "region": "13", "fecha_compromiso": "2025-12-01"},
    ],
    "compromisos",
)  # fmt: skip


def test_commitments_summary_per_region() -> None:
    summary = commitments_by_region(COMMITMENTS, date(2025, 6, 11)).set_index("region")
    assert summary.loc["05", "compromisos"] == 4
    assert summary.loc["05", "proporcion_cumplido"] == 0.25
    assert summary.loc["05", "proporcion_atrasado"] == 0.5  # C2 and C4
    assert summary.loc["05", "mediana_dias_atraso"] == 25.5  # median of 10 and 41
    assert summary.loc["13", "atrasados"] == 0
    assert np.isnan(summary.loc["13", "mediana_dias_atraso"])


def test_pmg_stages() -> None:
    stages = pd.DataFrame(
        {
            "servicio": ["A", "B", "C"],
            "anio": [2025] * 3,
            "etapa_comprometida": [3, 3, 2],
            "etapa_validada": [3, 2, np.nan],
        }
    )
    assert stage_status(stages)["estado_etapa"].tolist() == ["cumplida", "no_cumplida", "pendiente"]
    active = pd.DataFrame({"codigo_region": ["05", "05"], "servicio": ["D", "A"]})
    merged = services_with_stage(active, stages)
    assert merged["servicio"].tolist() == ["A", "D"]
    assert merged["estado_etapa"].tolist() == ["cumplida", "sin_etapa"]


@pytest.mark.parametrize("year", [2017, 2030])
def test_region_population_census_when_no_rows(year: int) -> None:
    empty = pd.DataFrame(columns=["territorio", "anio", "poblacion"])
    people = region_population(REGIONS, COMUNAS, empty, CENSUS, year)
    assert people["poblacion"].tolist() == [900.0, 800.0, 700.0]
    assert set(people["fuente_poblacion"]) == {"censo_2017"}
