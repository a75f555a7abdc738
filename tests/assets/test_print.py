"""Every page prints (assets/print.css): a goal page printed by Chromium has no navigation bar
and carries the filters and the data freshness on every sheet."""

from __future__ import annotations

import base64
import io

from pypdf import PdfReader

from dashboard.ui import ids
from tests.support.sessions import start_signed_in


def printed_pages(dash_duo) -> list[list[tuple[float, str]]]:
    """Each printed sheet's text pieces with their height on the sheet, top first."""
    printed = dash_duo.driver.execute_cdp_cmd(
        "Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True}
    )
    reader = PdfReader(io.BytesIO(base64.b64decode(printed["data"])))
    pages = []
    for page in reader.pages:
        pieces: list[tuple[float, str]] = []

        def keep(text, cm, tm, _font, _size, pieces=pieces):
            if text.strip():
                pieces.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

        page.extract_text(visitor_text=keep)
        pages.append(sorted(pieces, key=lambda piece: -piece[0]))
    return pages


def test_a_goal_page_prints_without_navbar_and_with_its_caption_on_every_sheet(
    dash_duo, app_for, demo_db
):
    start_signed_in(dash_duo, app_for(demo_db), path="/meta/SAL-01")
    dash_duo.wait_for_element(f"#{ids.META_TIMELINE} .js-plotly-plot", timeout=30)
    caption = dash_duo.wait_for_element(".caption", timeout=30).text
    assert "Datos cargados" in caption
    pages = printed_pages(dash_duo)
    assert len(pages) > 1, "the goal page takes several sheets"
    for page in pages:
        text = " ".join(piece for _, piece in page)
        assert "Revisión semanal" not in text  # the navbar's first link
        # The caption heads every sheet, clear of the sheet's first line of content.
        caption_at = [y for y, piece in page if "Datos cargados" in piece]
        assert caption_at, text
        line = max(caption_at)
        below = [y for y, _ in page if abs(y - line) > 3]
        assert line > max(below) + 8, "the caption's line is the sheet's first, with room below"
    assert dash_duo.get_logs() == []
