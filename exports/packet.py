"""The exhibit packet: the cited source records as one PDF, in exhibit order, Bates-stamped.

Layout: for each exhibit a slip sheet ("EXHIBIT C" / description / Bates range), then its record pages.
Every record page carries a stamp in its bottom-right corner: "Ex. C · ASHBY-000123".

Decisions:
- Bates numbers go on record pages only, never on slip sheets: a number then always means one page of
  a source record, so a citation "at 4 [ASHBY-000123]" stays right if slip sheets are added or dropped.
  Numbers are `prefix-NNNNNN`, continuous across exhibits from `start_number`.
- PDF records keep their own pages: each original page is imported (pypdf) and the stamp, drawn by
  WeasyPrint on a page of the same size, is laid over it, so the record's own text layer stays intact.
  Annotations and page-level metadata of the originals are dropped: they can hold text (comments) that
  the privacy pass never saw.
- Scanned PDF pages (no text layer) and image records get the product's OCR text as an invisible text
  layer (transparent text over the page image), so the packet can be searched and copied from. The
  text is laid out in reading order from the top of the page; it is not aligned word by word with the
  image, because the page texts we are given carry no word positions.
- DOCX and plain-text records, and every page that contains a redacted string, are rendered from their
  page text (monospace, tab tables aligned, shrunk to fit one page) with a note saying so. A redacted
  page is never copied from the original: its image and text layer are replaced, so no redacted string
  survives anywhere in the text layer; `render_exhibit_packet` checks every page's text before it
  returns and raises `RedactionLeak` otherwise.
"""

from __future__ import annotations

import io
import tempfile
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Literal

from exports.document import bates_label
from exports.redaction import Redactor
from exports.render import EMBEDDED_SERIF, FONTS_DIR, SERIF_FILES

ExhibitKind = Literal["pdf", "docx", "text", "image"]
EMBEDDED_MONO = "Narrative Liberation Mono"
MONO_FILE = "LiberationMono-Regular.ttf"
MONO_ADVANCE_EM = 0.6  # Liberation Mono glyphs are 0.6 em wide
SCANNED_TEXT_CHARS = 20  # a PDF page with less text than this is treated as an image


class RedactionLeak(RuntimeError):
    """A redacted string was found in the finished packet: the packet must not be used."""


@dataclass(frozen=True, slots=True)
class PacketExhibit:
    letter: str
    description: str
    path: str | Path  # the original record file
    kind: ExhibitKind
    page_texts: tuple[str, ...]  # the text of each page as the product read it (OCR for scans)


@dataclass(frozen=True, slots=True)
class PacketResult:
    pdf: bytes
    bates: dict[tuple[str, int], str]  # (exhibit letter, record page number) -> "ASHBY-000123"
    page_count: int  # pages of the packet, slip sheets included
    rerendered: tuple[tuple[str, int], ...] = ()  # record pages drawn from their text instead of copied
    outline: tuple[tuple[str, int], ...] = field(default=())  # (bookmark title, 0-based page index)


# Planning ------------------------------------------------------------------------------------------


@dataclass
class _Page:
    """One record page of the packet and how it is drawn."""

    letter: str
    number: int  # 1-based page of the record
    bates: str
    mode: Literal["original", "text", "image"]
    text: str = ""  # for "text": what is printed; for "original"/"image": the invisible OCR layer, if any
    note: str = ""
    source: Path | None = None
    source_index: int = 0  # 0-based page of the original PDF, or frame of the image
    width: float = 612.0  # points
    height: float = 792.0
    ocr_layer: bool = False


def _open_pdf(path: Path):
    """A pypdf reader; a record encrypted only against editing (empty user password) is opened too."""
    import pypdf

    reader = pypdf.PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    return reader


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _plan(
    exhibits: Sequence[PacketExhibit], bates_prefix: str, start_number: int, redactor: Redactor
) -> list[tuple[PacketExhibit, list[_Page]]]:
    import pypdfium2 as pdfium

    number = start_number
    plan: list[tuple[PacketExhibit, list[_Page]]] = []
    for exhibit in exhibits:
        pages: list[_Page] = []
        texts = list(exhibit.page_texts)
        if exhibit.kind == "pdf":
            source = Path(exhibit.path)
            reader = _open_pdf(source)
            pdf = pdfium.PdfDocument(source)
            try:
                for index in range(len(pdf)):
                    own_text = pdf[index].get_textpage().get_text_range()
                    given = texts[index] if index < len(texts) else own_text
                    box = reader.pages[index].mediabox
                    width, height = float(box.width), float(box.height)
                    if reader.pages[index].rotation % 180:
                        width, height = height, width
                    scanned = len(_normalise(own_text)) < SCANNED_TEXT_CHARS
                    label = bates_label(bates_prefix, number)
                    if redactor.finds(given) or redactor.finds(own_text):
                        pages.append(
                            _Page(
                                exhibit.letter,
                                index + 1,
                                label,
                                "text",
                                redactor.redact(given),
                                note="redacted",
                            )
                        )
                    else:
                        pages.append(
                            _Page(
                                exhibit.letter,
                                index + 1,
                                label,
                                "original",
                                given,
                                source=source,
                                source_index=index,
                                width=width,
                                height=height,
                                ocr_layer=scanned and bool(given.strip()),
                            )
                        )
                    number += 1
            finally:
                pdf.close()
        elif exhibit.kind == "image":
            from PIL import Image, ImageSequence

            with Image.open(exhibit.path) as image:
                frames = sum(1 for _ in ImageSequence.Iterator(image))
            for index in range(max(frames, len(texts), 1)):
                given = texts[index] if index < len(texts) else ""
                label = bates_label(bates_prefix, number)
                if index >= frames or redactor.finds(given):
                    pages.append(
                        _Page(
                            exhibit.letter,
                            index + 1,
                            label,
                            "text",
                            redactor.redact(given),
                            note="redacted" if index < frames else "text",
                        )
                    )
                else:
                    pages.append(
                        _Page(
                            exhibit.letter,
                            index + 1,
                            label,
                            "image",
                            given,
                            source=Path(exhibit.path),
                            source_index=index,
                            ocr_layer=bool(given.strip()),
                        )
                    )
                number += 1
        else:  # docx, text: the product's page texts are the record as read
            for index, given in enumerate(texts or [""]):
                label = bates_label(bates_prefix, number)
                redacted = redactor.finds(given)
                pages.append(
                    _Page(
                        exhibit.letter,
                        index + 1,
                        label,
                        "text",
                        redactor.redact(given),
                        note="redacted" if redacted else exhibit.kind,
                    )
                )
                number += 1
        plan.append((exhibit, pages))
    return plan


# Drawing (one WeasyPrint document for every page we draw) -----------------------------------------


def _font_faces() -> str:
    faces = [
        f'@font-face {{ font-family: "{EMBEDDED_SERIF}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(FONTS_DIR / filename).as_uri()}"); }}'
        for (weight, style), filename in SERIF_FILES.items()
    ]
    faces.append(
        f'@font-face {{ font-family: "{EMBEDDED_MONO}"; src: url("{(FONTS_DIR / MONO_FILE).as_uri()}"); }}'
    )
    return "\n".join(faces)


def _css(sizes: Iterable[tuple[float, float]]) -> str:
    overlay_pages = "\n".join(
        f"@page {_size_name(w, h)} {{ size: {w}pt {h}pt; margin: 0.45in 0.3in 0.45in 0.3in; }}"
        for w, h in sizes
    )
    return f"""
{_font_faces()}
@page {{ size: letter; margin: 0.6in 0.6in 0.75in 0.6in;
        @bottom-right {{ content: string(stamp); font-family: "{EMBEDDED_SERIF}"; font-size: 9pt;
                         font-weight: bold; vertical-align: middle; background: white; padding: 0 4pt;
                         margin: 0.1in 0; border: 0.5pt solid black; width: auto; }} }}
@page slip {{ @bottom-right {{ content: none; }} }}
{overlay_pages}
@page image {{ size: letter; margin: 0.3in 0.3in 0.45in 0.3in; }}
html {{ font-family: "{EMBEDDED_SERIF}"; color: black; }}
body {{ margin: 0; }}
.page {{ break-before: page; string-set: stamp attr(data-stamp); }}
.page:first-child {{ break-before: auto; }}
.slip {{ page: slip; text-align: center; padding-top: 3in; string-set: stamp ""; }}
.slip h1 {{ font-size: 36pt; margin: 0 0 0.3in 0; font-weight: bold; }}
.slip .description {{ font-size: 16pt; margin: 0 0 0.3in 0; }}
.slip .range {{ font-size: 11pt; }}
.note {{ font-family: "{EMBEDDED_SERIF}"; font-size: 8.5pt; font-style: italic;
         border-bottom: 0.5pt solid #555;
         padding-bottom: 3pt; margin-bottom: 6pt; }}
.record {{ font-family: "{EMBEDDED_MONO}"; white-space: pre; margin: 0;
           line-height: 1.2; }}
.overlay {{ height: 100%; position: relative; }}
.ocr {{ color: transparent; font-family: "{EMBEDDED_SERIF}"; font-size: 6pt; line-height: 1.1;
        white-space: pre-wrap; overflow: hidden; height: 100%; }}
.image img {{ display: block; max-width: 100%; max-height: 9.9in; margin: 0 auto; }}
.image {{ page: image; position: relative; }}
.image .ocr {{ position: absolute; top: 0; left: 0; right: 0; height: 9.9in; }}
.stamp-box {{ display: none; }}
"""


def _size_name(width: float, height: float) -> str:
    return f"overlay-{round(width)}x{round(height)}"


def _stamp(page: _Page) -> str:
    return f"Ex. {page.letter} · {page.bates}"


def _tables_aligned(text: str) -> str:
    """Runs of tab-separated lines become space-padded columns, so record tables stay readable."""
    if "\t" not in text:
        return text
    lines = text.split("\n")
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

    for line in lines:
        if "\t" in line:
            block.append([cell.strip() for cell in line.split("\t")])
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def _wrapped(text: str, per_line: int) -> list[str]:
    """Lines of at most `per_line` characters (monospace), broken at spaces where possible."""
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) <= per_line:
            lines.append(line)
        else:
            lines.extend(
                textwrap.wrap(
                    line, per_line, replace_whitespace=False, drop_whitespace=True, break_on_hyphens=False
                )
                or [""]
            )
    return lines


def _fit_to_page(text: str, *, width_pt: float = 525.0, height_pt: float = 655.0) -> tuple[float, str]:
    """The largest size (10 pt down to 5 pt) at which `text`, wrapped here, fits one page; and that text.

    Wrapping in Python (monospace: every glyph is 0.6 em) lets the page use `white-space: pre`, which
    lays out several times faster than letting the layout engine search for line breaks."""
    size = 10.0
    while True:
        lines = _wrapped(text, max(20, int(width_pt / (MONO_ADVANCE_EM * size))))
        if len(lines) * size * 1.2 <= height_pt or size <= 5.0:
            return size, "\n".join(lines)
        size -= 0.5


_NOTES = {
    "redacted": "Reproduced from the text of this record page, with redactions under Fed. R. Crim. P. 49.1; "
    "the original page is not included.",
    "docx": "Text of this record page as read from the original Word document; "
    "original formatting not shown.",
    "text": "Text of this record page as read from the original text file.",
}


def _page_html(page: _Page, image_dir: Path | None) -> str:
    page_id = f"p-{page.letter}-{page.number}"
    stamp = escape(_stamp(page), quote=True)
    if page.mode == "text":
        size, text = _fit_to_page(_tables_aligned(page.text.replace("\r\n", "\n").replace("\f", "\n")))
        note = escape(f"Exhibit {page.letter}, page {page.number}. {_NOTES.get(page.note, _NOTES['text'])}")
        return (
            f'<section class="page" id="{page_id}" data-stamp="{stamp}"><p class="note">{note}</p>'
            f'<pre class="record" style="font-size: {size}pt">{escape(text, quote=False)}</pre></section>'
        )
    ocr = ""
    if page.ocr_layer:
        ocr = f'<div class="ocr">{escape(_normalise_lines(page.text), quote=False)}</div>'
    if page.mode == "image":
        assert image_dir is not None
        src = (image_dir / f"{page_id}.png").as_uri()
        return (
            f'<section class="page image" id="{page_id}" data-stamp="{stamp}">'
            f'<img src="{src}" alt="">{ocr}</section>'
        )
    name = _size_name(page.width, page.height)
    return (
        f'<section class="page overlay" id="{page_id}" data-stamp="{stamp}" style="page: {name}">'
        f"{ocr or '&#8203;'}</section>"
    )


def _normalise_lines(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.replace("\f", "\n").splitlines())


def _slip_html(exhibit: PacketExhibit, pages: list[_Page]) -> str:
    span = f"{pages[0].bates} – {pages[-1].bates}" if pages else ""
    count = f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
    return (
        f'<section class="page slip" id="slip-{escape(exhibit.letter, quote=True)}">'
        f"<h1>EXHIBIT {escape(exhibit.letter, quote=False)}</h1>"
        f'<p class="description">{escape(exhibit.description, quote=False)}</p>'
        f'<p class="range">{escape(count, quote=False)}<br>{escape(span, quote=False)}</p></section>'
    )


def _write_images(plan: list[tuple[PacketExhibit, list[_Page]]], image_dir: Path) -> None:
    from PIL import Image, ImageSequence

    for _exhibit, pages in plan:
        for page in pages:
            if page.mode != "image" or page.source is None:
                continue
            with Image.open(page.source) as image:
                for index, frame in enumerate(ImageSequence.Iterator(image)):
                    if index == page.source_index:
                        frame.convert("RGB").save(image_dir / f"p-{page.letter}-{page.number}.png")
                        break


# Assembly ------------------------------------------------------------------------------------------


def render_exhibit_packet(
    exhibits: Sequence[PacketExhibit],
    *,
    bates_prefix: str,
    start_number: int = 1,
    redactions: Mapping[str, str] | None = None,
) -> PacketResult:
    """One PDF of the exhibits in the order given, with slip sheets, Bates stamps and one bookmark each.

    `redactions` maps each private string (e.g. a `Finding.text`) to what may be shown instead
    (`exports.redaction.redactions_from_findings`); a page containing any of them is re-drawn from its redacted text,
    reduced by the same matcher as the narrative (`exports.redaction.Redactor`)."""
    import pypdf
    from pypdf.generic import NameObject
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    redactions = dict(redactions or {})
    redactor = Redactor(redactions)
    # Descriptions are printed on slip sheets and bookmarks: they are reduced like the record text.
    exhibits = [replace(e, description=redactor.redact(e.description)) for e in exhibits]
    plan = _plan(exhibits, bates_prefix, start_number, redactor)

    with tempfile.TemporaryDirectory(prefix="packet-") as temp:
        image_dir = Path(temp)
        _write_images(plan, image_dir)
        sections = []
        for exhibit, pages in plan:
            sections.append(_slip_html(exhibit, pages))
            sections.extend(_page_html(page, image_dir) for page in pages)
        sizes = sorted({(p.width, p.height) for _e, pages in plan for p in pages if p.mode == "original"})
        font_config = FontConfiguration()
        stylesheet = CSS(string=_css(sizes), font_config=font_config)
        html = HTML(
            string=f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Exhibits</title>'
            f"</head><body>{''.join(sections)}</body></html>",
            base_url=temp,
        )
        drawn = html.render(stylesheets=[stylesheet], font_config=font_config)
        owners: list[str | None] = []  # for each drawn page, the id of the section that starts on it
        for drawn_page in drawn.pages:
            starts = [anchor for anchor in drawn_page.anchors if anchor.startswith(("p-", "slip-"))]
            owners.append(starts[0] if starts else None)
        drawn_pdf = pypdf.PdfReader(io.BytesIO(drawn.write_pdf()))

    by_id = {f"p-{page.letter}-{page.number}": page for _e, pages in plan for page in pages}
    writer = pypdf.PdfWriter()
    originals: dict[Path, pypdf.PdfReader] = {}
    outline: list[tuple[str, int]] = []
    current: _Page | None = None
    for index, owner in enumerate(owners):
        if owner is not None:
            current = by_id.get(owner)
            if owner.startswith("slip-"):
                current = None
                letter = owner.removeprefix("slip-")
                exhibit = next(e for e, _pages in plan if e.letter == letter)
                outline.append((f"Exhibit {exhibit.letter} — {exhibit.description}", len(writer.pages)))
        overlay = drawn_pdf.pages[index]
        if current is not None and current.mode == "original" and owner is not None:
            assert current.source is not None
            if current.source not in originals:
                originals[current.source] = _open_pdf(current.source)
            reader = originals[current.source]
            page = writer.add_page(reader.pages[current.source_index])
            for key in ("/Annots", "/Metadata", "/PieceInfo", "/Thumb"):
                if key in page:
                    del page[NameObject(key)]
            if page.rotation:
                page.transfer_rotation_to_content()
            _overlay(writer, page, overlay, f"/BatesStamp{index}")
        else:
            writer.add_page(overlay)
    for title, page_index in outline:
        writer.add_outline_item(title=title, page_number=page_index)
    writer.add_metadata({"/Title": "Exhibits", "/Producer": "mitigation-narrative-builder"})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()

    _check_no_leak(pdf, redactions, outline)
    bates = {(page.letter, page.number): page.bates for _e, pages in plan for page in pages}
    rerendered = tuple(
        (page.letter, page.number)
        for _e, pages in plan
        for page in pages
        if page.mode == "text" and page.note == "redacted"
    )
    return PacketResult(
        pdf=pdf, bates=bates, page_count=len(owners), rerendered=rerendered, outline=tuple(outline)
    )


def _overlay(writer, page, overlay, name: str) -> None:
    """Draw `overlay` (a page of the drawn PDF) over `page` as a Form XObject.

    Unlike pypdf's merge_page this parses neither content stream: the original's operators are wrapped
    in q/Q and left as they are, and the overlay's stream becomes the form's content (~0.2 ms a page)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    form = overlay["/Contents"].get_object()
    if isinstance(form, ArrayObject):  # WeasyPrint writes one stream; join several if ever given
        data = b"\n".join(part.get_object().get_data() for part in form)
        form = DecodedStreamObject()
        form.set_data(data)
    form = form.clone(writer, force_duplicate=True)
    media = overlay.mediabox
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(
        [FloatObject(v) for v in (media.left, media.bottom, media.right, media.top)]
    )
    form[NameObject("/Resources")] = overlay["/Resources"].get_object().clone(writer)
    form_ref = writer._add_object(form)

    # This page's own resources dictionary (originals often share one between pages) with the form added.
    resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[NameObject(name)] = form_ref
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources

    box = page.mediabox
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(f"\nQ\nq 1 0 0 1 {float(box.left):.4f} {float(box.bottom):.4f} cm {name} Do Q\n".encode())
    contents = page.get("/Contents")
    parts = (
        []
        if contents is None
        else list(contents.get_object())
        if isinstance(contents.get_object(), ArrayObject)
        else [contents]
    )
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *parts, writer._add_object(after)]
    )


def _check_no_leak(pdf: bytes, redactions: Mapping[str, str], outline: Sequence[tuple[str, int]]) -> None:
    """Raise RedactionLeak if any redacted string is in any page's text layer or in a bookmark."""
    redactor = Redactor(redactions)
    if redactor.pattern is None:
        return
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            if redactor.finds(document[index].get_textpage().get_text_range()):
                raise RedactionLeak(f"packet page {index + 1} still contains a redacted string")
    finally:
        document.close()
    for title, _index in outline:
        if redactor.finds(title):
            raise RedactionLeak("an exhibit description contains a redacted string")
