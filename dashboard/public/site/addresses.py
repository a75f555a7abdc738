"""Where each public page lives in the static site, and the live address it stands for.

Stable, readable addresses a journalist can link to and a CDN can cache:

    index.html, area.html                      every goal, grouped by ministry / thematic area
    region/<cut>/index.html, …/area.html       the goals with figures of their own for a region
    meta/<codigo>/index.html                   one goal, national
    meta/<codigo>/<cut>.html                   one goal, with a region's results too
    datos/…                                    open data and its dictionary

Links inside the site are relative, so it can be served from any folder of any web server.
"""

from __future__ import annotations

import posixpath
from urllib.parse import parse_qs, unquote, urlsplit

from dashboard.public.parts import (
    DEFAULT_GROUP,
    GOAL_PATH,
    GROUP_PARAM,
    OPEN_DATA_PATH,
    PUBLIC_PATH,
    REGION_PARAM,
)

INDEX = "index.html"
DATA_INDEX = "datos/index.html"


def board_file(region: str | None, group: str) -> str:
    name = INDEX if group == DEFAULT_GROUP else f"{group}.html"
    return f"region/{region}/{name}" if region else name


def goal_file(codigo: str, region: str | None = None) -> str:
    return f"meta/{codigo}/{region}.html" if region else f"meta/{codigo}/{INDEX}"


def site_file(live: str) -> str:
    """The site's file for a live public address; anything else goes to the index (the site
    has no staff pages to link to)."""
    parts = urlsplit(live)
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if v}
    region = query.get(REGION_PARAM) or None
    if parts.path.startswith(GOAL_PATH):
        return goal_file(unquote(parts.path.removeprefix(GOAL_PATH)), region)
    if parts.path.startswith(OPEN_DATA_PATH):
        return "datos/" + parts.path.removeprefix(OPEN_DATA_PATH)
    if parts.path == PUBLIC_PATH:
        return board_file(region, query.get(GROUP_PARAM) or DEFAULT_GROUP)
    return INDEX


def relative(target: str, page: str) -> str:
    """`target` (a site file) as a link from `page` (another site file)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")
