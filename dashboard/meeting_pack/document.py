"""The pack as one HTML document and its PDF (WeasyPrint: HTML and CSS to PDF through Pango,
no browser). Every page repeats the filters and the data freshness in its header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from dashboard.meeting_pack import goal_pages, sections
from dashboard.meeting_pack.data import Pack
from dashboard.meeting_pack.markup import esc, tag
from dashboard.ui.formatting import format_datetime
from warehouse.scope import Scope

STYLE = """
@page { size: A4; margin: 22mm 15mm 18mm 15mm;
  @top-left { content: element(running); width: 100%; }
  @bottom-right { content: "Página " counter(page) " de " counter(pages); font-size: 8pt;
                  color: #555; } }
@page :first { @top-left { content: none; } }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9pt; color: #111; }
.running { position: running(running); font-size: 7.5pt; color: #444;
           border-bottom: 0.5pt solid #999; padding-bottom: 2pt; }
h1 { font-size: 22pt; margin: 0 0 6pt; } h2 { font-size: 13pt; margin: 12pt 0 6pt; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; }
.title-page { page-break-after: always; padding-top: 40mm; }
.kicker { text-transform: uppercase; letter-spacing: 1pt; color: #555; }
.lead { font-size: 12pt; }
dl.facts { display: grid; grid-template-columns: 42mm auto; gap: 3pt 8pt; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
.note, .help, .empty { color: #555; font-style: italic; }
table { width: 100%; border-collapse: collapse; margin-bottom: 6pt; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
th, td { border-bottom: 0.5pt solid #ccc; padding: 2pt 4pt; text-align: left;
         vertical-align: top; }
th { background: #eee; } td.num { text-align: right; white-space: nowrap; }
.count { margin-left: 6pt; font-size: 8pt; background: #666; color: white;
         border-radius: 6pt; padding: 0 4pt; }
.code { font-family: "DejaVu Sans Mono", monospace; font-weight: bold; }
.light { font-weight: bold; white-space: nowrap; }
.light-rojo { color: #b3261e; } .light-amarillo { color: #8a6d00; }
.light-verde { color: #1b6e3a; } .light-cumplida { color: #0b5394; }
.cards { display: flex; gap: 6pt; margin-bottom: 8pt; }
.card { border: 0.5pt solid #999; padding: 4pt 8pt; text-align: center; }
.card .big { font-size: 16pt; font-weight: bold; }
.cause-revision { font-weight: bold; color: #8a4b00; } .cause-reporte { color: #1b6e3a; }
.overdue, .new { font-weight: bold; color: #b3261e; margin-left: 4pt; }
.goal-page { page-break-before: always; }
.chart svg { width: 100%; height: auto; }
"""


def pack_html(
    pack: Pack,
    scope: Scope,
    *,
    generated: datetime | None = None,
    decisions: Sequence[Mapping[str, object]] = (),
) -> str:
    """The whole pack as HTML; `decisions` are the open and overdue decisions (see
    sections.decisions_section)."""
    generated = generated or datetime.now(UTC)
    running = tag(
        "div",
        esc(sections.filters_text(pack))
        + esc(" · Datos cargados: " + format_datetime(pack.defaults.last_load)),
        "running",
    )
    body = "".join(
        [
            running,
            sections.title_page(pack, scope, generated),
            sections.scorecard(pack),
            sections.changes(pack),
            sections.decisions_section(decisions),
            sections.escalate(pack),
            sections.milestones(pack),
            sections.commitments(pack),
            goal_pages.red_goal_pages(pack),
        ]
    )
    title = "Informe de la revisión semanal " + sections.filters_text(pack)
    return (
        '<!DOCTYPE html><html lang="es-CL"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def pack_pdf(html: str) -> bytes:
    """The PDF of the pack's HTML. WeasyPrint is imported here: it loads Pango when imported,
    and only this download needs it."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
