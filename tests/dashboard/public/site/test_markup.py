"""The component trees of the public pages written as HTML (dashboard.public.site.markup):
tags, Bootstrap's classes, escaped text, links rewritten to the site's files, choice controls
as links, charts as JSON, and a refusal for any component it does not know."""

from __future__ import annotations

import json
import re

import dash_bootstrap_components as dbc
import pytest
from dash import dcc, html

from dashboard.public.site.markup import render
from dashboard.ui import elements as el


def site(live: str) -> str:
    return "SITE:" + live


def test_html_elements_keep_their_tag_and_text_is_escaped():
    tree = html.Div(
        [html.Span("<b>5 & 6</b>", className="x"), el.td("7", colSpan=2)],
        id="a",
        style={"marginTop": "1px"},
    )
    assert render(tree, site) == (
        '<div id="a" style="margin-top: 1px"><span class="x">&lt;b&gt;5 &amp; 6&lt;/b&gt;</span>'
        '<td colspan="2">7</td></div>'
    )


def test_bootstrap_components_become_bootstrap_markup():
    tree = dbc.Row(
        [dbc.Col("a", xs=6, md=3, lg=True), dbc.Col(dbc.Badge("b", color="danger"))],
        class_name="g-3",
    )
    assert render(tree, site) == (
        '<div class="row g-3"><div class="col-6 col-md-3 col-lg">a</div>'
        '<div class="col"><span class="badge text-bg-danger">b</span></div></div>'
    )
    table = render(dbc.Table(html.Tbody(), striped=True, size="sm", responsive=True), site)
    assert table == (
        '<div class="table-responsive"><table class="table table-striped table-sm">'
        "<tbody></tbody></table></div>"
    )


def test_links_go_to_the_sites_files():
    assert render(dcc.Link("x", href="/publico/meta/A?region=05"), site) == (
        '<a href="SITE:/publico/meta/A?region=05">x</a>'
    )


def test_a_choice_control_is_the_list_of_its_pages():
    control = dcc.Dropdown(
        id="r",
        options=[{"label": "Valparaíso", "value": "05"}, {"label": "Biobío", "value": "08"}],
        value="08",
        placeholder="Todo el país",
    )
    written = render(control, site, {"r": lambda value: f"/publico?region={value or ''}"})
    assert re.findall(r'href="([^"]+)"', written) == [
        "SITE:/publico?region=",
        "SITE:/publico?region=05",
        "SITE:/publico?region=08",
    ]
    assert 'aria-current="page">Biobío</a>' in written


def test_a_chart_is_its_figure_as_json_in_the_page():
    figure = {
        "data": [{"type": "scatter", "y": [1, 2]}],
        "layout": {"title": {"text": "</script>"}},
    }
    written = render(dcc.Graph(id="g", figure=figure, config={"displaylogo": False}), site)
    payload = re.search(
        r'<script type="application/json" class="chart-data">(.*)</script>', written
    )
    assert payload and "</script>" not in payload[1]
    assert json.loads(payload[1]) == {"config": {"displaylogo": False}, "figure": figure}


def test_a_component_it_does_not_know_is_refused():
    with pytest.raises(TypeError, match=r"dash_core_components\.Slider"):
        render(dcc.Slider(0, 10), site)
    with pytest.raises(TypeError):
        render(dcc.Dropdown(id="unknown", options=[]), site)  # a control without its pages
