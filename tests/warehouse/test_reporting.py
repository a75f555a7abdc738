"""What the manager's screens read (warehouse.reporting), on a copy of the demo."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from loaders.entries import Entry, write_entry
from tests.support.demo_copies import writable_demo
from warehouse.audit import FORM
from warehouse.reporting import (
    figure_versions,
    goal_bottlenecks_to_edit,
    goal_figures,
    goal_milestones_to_edit,
    next_bottleneck_code,
)
from warehouse.scope import Scope, apply_scope

MANAGER = Scope("gerente", user="gerente", goals=("SAL-01", "SAL-02"))


@pytest.fixture
def con(demo_db, tmp_path):
    with writable_demo(demo_db, tmp_path) as connection:
        yield connection


def test_figures_carry_the_version_a_form_sends_back(con):
    figures = goal_figures(con, "SAL-02")
    assert not figures.empty and figures["version"].notna().all()
    latest = figures.iloc[-1]
    stored = con.execute(
        "SELECT CAST(valid_from AS VARCHAR) FROM avance_mensual WHERE valid_to IS NULL"
        " AND codigo_meta = 'SAL-02' AND mes = ? AND region IS NULL",
        [latest["mes"]],
    ).fetchone()
    assert stored == (latest["version"],)


def test_every_version_of_a_figure_comes_with_its_channel_and_sender(con):
    entry = Entry("avance_mensual", {"codigo_meta": "SAL-02", "mes": date(2025, 6, 1), "region": None},
                  {"valor_real": 301_000}, FORM, "gerente", "informar mes")  # fmt: skip
    assert write_entry(con, MANAGER, entry, datetime(2025, 7, 2, 15, 0)).written
    versions = figure_versions(con, "SAL-02", date(2025, 6, 1))
    assert list(versions[["canal", "usuario", "archivo", "estado"]].itertuples(index=False)) == [
        ("formulario", "gerente", "formulario web", "reportado")
    ]


def test_bottlenecks_and_milestones_come_with_versions_and_codes_are_never_reused(con):
    assert goal_bottlenecks_to_edit(con, "SAL-02")["version"].notna().all()
    assert goal_milestones_to_edit(con, "SAL-02")["version"].notna().all()
    highest = con.execute(
        "SELECT max(CAST(substr(codigo_restriccion, 3) AS INTEGER)) FROM restricciones"
    ).fetchone()[0]
    assert next_bottleneck_code(con) == f"R-{highest + 1:03d}"


def test_an_analyst_reads_no_unvalidated_version(con):
    cursor = con.cursor()
    apply_scope(cursor, Scope("analista", user="analista"))
    versions = figure_versions(cursor, "SAL-02", date(2025, 1, 1))
    assert not versions.empty
    assert set(versions["estado"]) <= {"validado"}
