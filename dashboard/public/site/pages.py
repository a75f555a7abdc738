"""The static site's HTML documents: the live public pages' bodies (the same builders) inside a
plain page with the site's stylesheets, a header linking the results and the open data, and,
where there are charts, Plotly's JS and the script that draws them.

Nothing here depends on when the site is written: the only time on a page is the data's own
(last load), so writing the same data twice gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import html
from markupsafe import escape

from dashboard.public import board_views, goal_views, parts
from dashboard.public.data import PublicBoard, PublicGoal
from dashboard.public.site.addresses import (
    DATA_INDEX,
    INDEX,
    board_file,
    goal_file,
    relative,
    site_file,
)
from dashboard.public.site.markup import Choices, render

STYLESHEETS = (
    "static/bootstrap/css/bootstrap.min.css",
    "static/bootstrap/css/font/bootstrap-icons.min.css",
    "static/tablero.css",
    "static/meta.css",
    "static/sitio.css",
)
CHART_SCRIPTS = ("static/plotly.min.js", "static/sitio.js")


def document(page: str, title: str, body: str, *, charts: bool = False) -> str:
    """A whole page at site file `page`: every link relative to it."""
    up = relative(INDEX, page).removesuffix(INDEX)
    links = "".join(f'<link rel="stylesheet" href="{up}{sheet}">' for sheet in STYLESHEETS)
    scripts = "".join(f'<script src="{up}{s}"></script>' for s in CHART_SCRIPTS) if charts else ""
    return (
        '<!doctype html>\n<html lang="es-CL"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" type="image/svg+xml" href="{up}static/favicon.svg">'
        f"<title>{escape(title)} · {escape(parts.PAGE_TITLE)}</title>{links}</head>"
        '<body><header class="navbar navbar-expand bg-light border-bottom mb-3">'
        '<nav class="container" aria-label="Sitio">'
        f'<a class="navbar-brand" href="{up}{INDEX}">{escape(parts.PAGE_TITLE)}</a>'
        '<ul class="navbar-nav">'
        f'<li class="nav-item"><a class="nav-link" href="{up}{INDEX}">Metas</a></li>'
        f'<li class="nav-item"><a class="nav-link" href="{up}{DATA_INDEX}">Datos abiertos</a>'
        "</li></ul></nav></header>"
        f'<main class="container pb-4">{body}</main>{scripts}</body></html>\n'
    )


def _href(page: str):
    return lambda live: relative(site_file(live), page)


def board_page(board: PublicBoard, region: str | None, group: str) -> tuple[str, str]:
    """(site file, HTML) of the board for a region (None: the whole country) and grouping."""
    page = board_file(region, group)
    choices: Choices = {
        board_views.REGION: lambda value: parts.PUBLIC_PATH + parts.board_search(value, group),
        board_views.GROUP: lambda value: (
            parts.PUBLIC_PATH + parts.board_search(region, value or parts.DEFAULT_GROUP)
        ),
    }
    tree = [
        *board_views.header(),
        board_views.controls(board, region, group),
        parts.seal_explanation(),
        board_views.board_caption(board, region, group),
        board_views.update_text(board.last_load),
        html.Div(board_views.board_results(board, region, group), id=board_views.RESULTS),
    ]
    name = board.region_names.get(region or "", region) if region else "Todo el país"
    return page, document(page, f"Metas · {name}", render(tree, _href(page), choices))


def goal_page(goal: PublicGoal, asked: str | None = None) -> tuple[str, str]:
    """(site file, HTML) of one goal's page: national, or the page of the region `asked` (which
    shows that region's results when the goal has its own figures for it)."""
    code = str(goal.record["codigo_meta"])
    page = goal_file(code, asked)
    choices: Choices = {goal_views.GOAL_REGION: lambda value: parts.goal_href(code, value)}
    body = render(goal_views.goal_view(goal), _href(page), choices)
    title = f"Meta {code}" + (
        f" · {goal.region_names.get(goal.region, goal.region)}" if goal.region else ""
    )
    return page, document(page, title, body, charts=True)


def data_page(
    board: PublicBoard,
    files: Sequence[str],
    columns: Sequence[Mapping[str, object]],
    descriptions: Mapping[str, str],
) -> str:
    """The open data's index: each data set, its files, and what each column means (`columns`:
    the dictionary's rows: archivo, columna, tipo, unidad, significado)."""
    sections = []
    for name, about in descriptions.items():
        links = " · ".join(
            f'<a href="{escape(f)}">{escape(f)}</a>' for f in files if f.startswith(name + ".")
        )
        rows = "".join(
            f"<tr><td><code>{escape(c['columna'])}</code></td><td>{escape(c['tipo'])}</td>"
            f"<td>{escape(c.get('unidad') or '')}</td><td>{escape(c['significado'])}</td></tr>"
            for c in columns
            if c["archivo"] == name
        )
        sections.append(
            f'<section><h2 class="h5 mt-3">{escape(name)}</h2><p>{escape(about)}</p>'
            f"<p>Archivos: {links}</p>"
            '<table class="table table-sm"><thead><tr><th>Columna</th><th>Tipo</th>'
            f"<th>Unidad</th><th>Significado</th></tr></thead><tbody>{rows}</tbody></table>"
            "</section>"
        )
    stamp = render(board_views.update_text(board.last_load), lambda live: live)
    body = (
        '<h1 class="h2 mt-2">Datos abiertos</h1>'
        '<p class="lead">Las cifras validadas de las metas de gobierno para descargar: una fila'
        " por meta y la serie mensual, nacional y por región, en CSV (separado por «;», coma"
        " decimal) y JSON, con su diccionario de datos"
        ' (<a href="diccionario.json">diccionario.json</a>). Solo cifras con sello de'
        " calidad.</p>" + stamp + "".join(sections)
    )
    return document(DATA_INDEX, "Datos abiertos", body)
