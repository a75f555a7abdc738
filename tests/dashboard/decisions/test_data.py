"""The decisions page's filters from the URL (dashboard.decisions.data): lenient, an unknown
state falls back to the open decisions, long text is cut; and the view read on a real demo
cursor offers the escalated bottlenecks first."""

from __future__ import annotations

from datetime import date

from dashboard.decisions.data import DecisionFilters, load_view, parse_filters
from warehouse.db import connect


def test_filters_parse_leniently():
    assert parse_filters({}) == DecisionFilters()
    assert parse_filters({"estado": "borradas"}).estado == "abiertas"
    parsed = parse_filters(
        {"estado": "cerradas", "ministerio": " Ministerio de Salud ", "meta": "SAL-01" * 20,
         "restriccion": ""}
    )  # fmt: skip
    assert (parsed.estado, parsed.ministerio, parsed.restriccion) == (
        "cerradas", "Ministerio de Salud", None)  # fmt: skip
    assert len(parsed.meta or "") == 40
    assert parsed.described()[:2] == ["Estado: cerradas", "Ministerio: Ministerio de Salud"]


def test_the_view_offers_open_bottlenecks_escalated_first(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        view = load_view(con, DecisionFilters(), date(2025, 6, 18))
    finally:
        con.close()
    flags = list(view.bottlenecks["escalar"])
    assert any(flags) and flags == sorted(flags, reverse=True)
    assert view.rows.empty and view.open_decisions.empty
    assert "Ministerio de Salud" in view.ministries and ("SAL-01" in dict(view.goals))
