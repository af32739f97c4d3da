"""Word and text records drawn to pages once, when they are read.

A Word document has no fixed pages and a text file no look at all, so there is no original page to copy into an
exhibit. Each record page (as the reader split it) is drawn once to one Letter page of a PDF, the "rendition", kept
beside the original; the sealed and the public packet both copy that same page, its geometry is measured from it,
and a redaction is burned into it like into any scanned or PDF page. Monospace keeps the reader's tab-separated
tables in columns; a long page is set smaller rather than split, so page N of the record stays page N of the
exhibit. The rendition says on every page what it is.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape

from common.fonts import EMBEDDED_MONO, EMBEDDED_SERIF, font_faces_css

MONO_ADVANCE_EM = 0.6  # Liberation Mono glyphs are 0.6 em wide
TEXT_WIDTH_PT = 7.0 * 72  # Letter with 0.75 in margins
TEXT_HEIGHT_PT = 9.0 * 72  # what is left under the heading line
KINDS = {"docx": "Word document", "text": "text file"}
NOTES = {
    "docx": "Drawn from the text of the Word document; its own page layout is not shown.",
    "text": "Printed from the text file as it was received.",
}


def tables_aligned(text: str) -> str:
    """Runs of tab-separated lines become space-padded columns, so record tables stay readable."""
    if "\t" not in text:
        return text
    out: list[str] = []
    block: list[list[str]] = []

    def flush() -> None:
        if not block:
            return
        widths = [0] * max(len(row) for row in block)
        for row in block:
            for column, cell in enumerate(row):
                widths[column] = min(max(widths[column], len(cell)), 40)
        for row in block:
            out.append("  ".join(cell.ljust(widths[column]) for column, cell in enumerate(row)).rstrip())
        block.clear()

    for line in text.split("\n"):
        if "\t" in line:
            block.append([cell.strip() for cell in line.split("\t")])
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def _wrapped(text: str, per_line: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) <= per_line:
            lines.append(line)
        else:
            lines.extend(
                textwrap.wrap(line, per_line, replace_whitespace=False, drop_whitespace=True, break_on_hyphens=False)
                or [""]
            )
    return lines


def fit_to_page(text: str, *, width_pt: float = TEXT_WIDTH_PT, height_pt: float = TEXT_HEIGHT_PT) -> tuple[float, str]:
    """The largest size (11 pt down to 5 pt) at which `text`, wrapped here, fits one page; and that text.

    Wrapping in Python (every glyph is 0.6 em) lets the page use `white-space: pre`, which lays out several times
    faster than letting the layout engine look for line breaks."""
    size = 11.0
    while True:
        lines = _wrapped(text, max(20, int(width_pt / (MONO_ADVANCE_EM * size))))
        if len(lines) * size * 1.25 <= height_pt or size <= 5.0:
            return size, "\n".join(lines)
        size -= 0.5


def _page_height_in(size: float, text: str) -> float:
    """Letter, or longer when a record page is too long for Letter even at 5 pt: one record page stays one page."""
    needed_pt = (text.count("\n") + 1) * size * 1.25 + 2 * 72  # the text, the heading line and the margins
    return max(11.0, needed_pt / 72 + 0.2)


def rendition_pdf(page_texts: Sequence[str], *, kind: str, name: str) -> bytes:
    """One Letter page per record page, with the shipped fonts embedded."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    sections = []
    sizes: list[str] = []  # page sizes for record pages longer than Letter
    total = len(page_texts)
    what = KINDS.get(kind, "record")
    for number, text in enumerate(page_texts or ("",), 1):
        size, body = fit_to_page(tables_aligned(text.replace("\r\n", "\n").replace("\f", "\n")))
        note = f"{name} ({what}), page {number} of {max(total, 1)}. {NOTES.get(kind, NOTES['text'])}"
        height = _page_height_in(size, body)
        if height > 11.0:
            sizes.append(f"@page long{number} {{ size: 8.5in {height:.2f}in; }}")
        named = f' style="page: long{number}"' if height > 11.0 else ""
        sections.append(
            f'<section{named}><p class="note">{escape(note)}</p>'
            f'<pre style="font-size: {size}pt">{escape(body, quote=False)}</pre></section>'
        )
    css = f"""
{font_faces_css()}
@page {{ size: letter; margin: 0.6in 0.75in 0.75in 0.75in; }}
html {{ font-family: "{EMBEDDED_SERIF}"; color: black; }}
body {{ margin: 0; }}
section {{ break-before: page; }}
section:first-child {{ break-before: auto; }}
.note {{ font-size: 8pt; font-style: italic; color: #444; border-bottom: 0.5pt solid #888; padding-bottom: 3pt;
        margin: 0 0 8pt 0; }}
pre {{ font-family: "{EMBEDDED_MONO}"; white-space: pre; margin: 0; line-height: 1.25; }}
{"".join(sizes)}
"""
    fonts = FontConfiguration()
    html = HTML(string=f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(name)}</title>'
                f"</head><body>{''.join(sections)}</body></html>")
    document = html.render(stylesheets=[CSS(string=css, font_config=fonts)], font_config=fonts)
    if len(document.pages) != len(sections):  # one record page must stay one page of the rendition
        raise ValueError(f"rendition has {len(document.pages)} pages for {len(sections)} record pages")
    return document.write_pdf()
