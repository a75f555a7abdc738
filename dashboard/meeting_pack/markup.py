"""HTML by plain string building, every value escaped here: a handful of tags, no template
engine to learn for a one-off document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape


def esc(value: object) -> str:
    return escape("" if value is None else str(value))


def tag(name: str, body: str = "", cls: str = "", **attrs: str) -> str:
    """<name class=… attrs>body</name>; `body` is HTML already (escape text with `esc`)."""
    names = ([f'class="{esc(cls)}"'] if cls else []) + [
        f'{k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items()
    ]
    opening = " ".join([name, *names])
    return f"<{opening}>{body}</{name}>"


def text(name: str, value: object, cls: str = "") -> str:
    return tag(name, esc(value), cls)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    empty: str,
    numeric: Sequence[int] = (),
    cls: str = "",
) -> str:
    """A table whose header repeats on every page it spans; cells are HTML already; `empty`
    says in words that there is nothing (good news in a meeting, not a missing section)."""
    body = [
        tag("tr", "".join(tag("td", c, "num" if i in numeric else "") for i, c in enumerate(row)))
        for row in rows
    ]
    if not body:
        return text("p", empty, "empty")
    head = tag("thead", tag("tr", "".join(text("th", h) for h in headers)))
    return tag("table", head + tag("tbody", "".join(body)), cls)


def section(title: str, body: str, count: int | None = None, cls: str = "") -> str:
    heading = esc(title) + (tag("span", str(count), "count") if count is not None else "")
    return tag("section", tag("h2", heading) + body, cls)


def sub(title: str, body: str, count: int | None = None) -> str:
    heading = esc(title) + (tag("span", str(count), "count") if count is not None else "")
    return tag("div", tag("h3", heading) + body, "sub")
