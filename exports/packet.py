"""The exhibit packet: the cited source records as one PDF, in exhibit order, Bates-stamped.

Layout: for each exhibit a slip sheet ("EXHIBIT C" / description / Bates range), then its record pages.
Every record page carries a stamp in its bottom-right corner, inside a 0.5 in margin: "Ex. C · ASHBY-000123".

Decisions:
- Bates numbers go on record pages only, never on slip sheets: a number then always means one page of
  a source record, so a citation "at 4 [ASHBY-000123]" stays right if slip sheets are added or dropped.
  Numbers are `prefix-NNNNNN`, continuous across exhibits from `start_number`.
- Every record page is a true copy. A PDF record's page is imported as it is (pypdf) and the stamp, drawn
  by WeasyPrint on a page of the same size, is laid over it, so its text layer stays intact; a scanned page
  gets its OCR text as an invisible layer placed word by word. Word and text records are copied from their
  rendition, the pages drawn once when they were read (evidence/rendition.py); image records become pages
  holding the picture with its OCR text placed word by word (exports/pictures.py). Annotations and page
  metadata of the originals are dropped: they can hold text (comments) that the privacy pass never saw.
- A page with a reduction is the same page's picture with an opaque box burned over exactly the reduced
  words and the label the rule allows printed in the box; its text layer is rebuilt from the page text
  without the reduced words (exports/pictures.py). Outside the boxes and the stamp it shows what the sealed
  packet shows. A reduced passage whose place on the page is not known stops the packet
  (RedactionUnlocated): it is never guessed. `render_exhibit_packet` checks every page's text layer before
  it returns and raises `RedactionLeak` if a reduced string is still there.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Literal

from common.fonts import EMBEDDED_SERIF, font_faces_css
from evidence.geometry import PageGeometry, Rectangle, image_dpi, ocr_page_geometry, pdf_glyphs, align, render_page
from exports.document import bates_label
from exports.fonts import with_fonts_embedded
from exports.pictures import (
    LAYER_CSS,
    PICTURE_DPI,
    Reduction,
    RedactionUnlocated,
    boxes_for,
    burn,
    layer_html,
    picture_page_pdf,
    text_layer,
)
from exports.redaction import Redactor

ExhibitKind = Literal["pdf", "docx", "text", "image"]
SCANNED_TEXT_CHARS = 20  # a PDF page with less text than this is treated as a picture
STAMP_MARGIN_IN = 0.5  # printers clip closer to the edge than this
PRODUCER = "Mitigation Narrative Builder"

__all__ = ["PacketExhibit", "PacketResult", "RedactionLeak", "RedactionUnlocated", "render_exhibit_packet"]


class RedactionLeak(RuntimeError):
    """A redacted string was found in the finished packet: the packet must not be used."""


@dataclass(frozen=True, slots=True)
class PacketExhibit:
    letter: str
    description: str
    path: str | Path  # the original record file
    kind: ExhibitKind
    page_texts: tuple[str, ...]  # the text of each page as the product read it (OCR for scans)
    page_geometry: tuple[dict, ...] = ()  # each page's stored geometry (evidence Page.geometry); measured if missing
    rendition: str | Path | None = None  # Word and text records: their pages as drawn when read
    # Filing decisions (exports/filing.py): passages to cover on a page {page: ((start, end, label), ...)}, pages
    # left out of this filing (a stamped sheet keeps their Bates numbers), and, when set, why the whole exhibit is
    # not in this version (filed under seal, or not filed): its slip sheet says so and keeps its Bates range.
    passages: Mapping[int, tuple[tuple[int, int, str], ...]] = field(default_factory=dict)
    left_out: frozenset[int] = frozenset()
    not_here: str = ""


@dataclass(frozen=True, slots=True)
class PacketResult:
    pdf: bytes
    bates: dict[tuple[str, int], str]  # (exhibit letter, record page number) -> "ASHBY-000123"
    page_count: int  # pages of the packet, slip sheets included
    redacted: tuple[tuple[str, int], ...] = ()  # record pages with boxes burned in
    outline: tuple[tuple[str, int], ...] = field(default=())  # (bookmark title, 0-based page index)
    boxes: dict[tuple[str, int], tuple[Rectangle, ...]] = field(default_factory=dict)  # burned, fractions of the page


# Planning ------------------------------------------------------------------------------------------


@dataclass
class _Page:
    """One record page of the packet: which page of which PDF is copied, and what is laid over it."""

    letter: str
    number: int  # 1-based page of the record
    bates: str
    source: Path | str  # a file, or the key of a page drawn here (in `drawn`)
    source_index: int = 0
    width: float = 612.0  # points, as displayed
    height: float = 792.0
    layer: str = ""  # invisible OCR words (HTML) laid over a scanned page
    redacted: bool = False
    left_out: bool = False  # drawn here as a stamped sheet saying the page is not in this filing
    boxes: tuple = ()  # the burned boxes (fractions of the page), for whoever checks the page


def _open_pdf(source):
    """A pypdf reader; a record encrypted only against editing (empty user password) is opened too."""
    import pypdf

    reader = pypdf.PdfReader(source)
    if reader.is_encrypted:
        reader.decrypt("")
    return reader


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _geometry(exhibit: PacketExhibit, index: int) -> PageGeometry | None:
    stored = exhibit.page_geometry[index] if index < len(exhibit.page_geometry) else None
    return PageGeometry.from_json(stored)


class _Planner:
    def __init__(self, redactor: Redactor, bates_prefix: str, start_number: int) -> None:
        self.redactor = redactor
        self.bates_prefix = bates_prefix
        self.number = start_number
        self.drawn: dict[str, bytes] = {}  # pages drawn here (pictures, redactions), one-page PDFs by key
        self.reserved: dict[str, tuple[str, str, int]] = {}  # exhibits not in this version: first, last, pages

    def label(self) -> str:
        label = bates_label(self.bates_prefix, self.number)
        self.number += 1
        return label

    def exhibit(self, exhibit: PacketExhibit) -> list[_Page]:
        if exhibit.not_here:
            # Its numbers stay reserved, so a Bates number means the same page in the sealed and public packets.
            first = self.number
            self.number += max(len(exhibit.page_texts), 1)
            self.reserved[exhibit.letter] = (
                bates_label(self.bates_prefix, first), bates_label(self.bates_prefix, self.number - 1),
                max(len(exhibit.page_texts), 1),
            )
            return []
        if exhibit.kind == "image":
            return self._image(exhibit)
        source: Path | str = Path(exhibit.path)
        if exhibit.kind in ("docx", "text"):
            source = self._rendition(exhibit)
        else:
            embedded = with_fonts_embedded(source)
            if embedded is not None:  # copied, and pictured when redacted, with the same fonts in both versions
                source = f"fonts-{exhibit.letter}"
                self.drawn[source] = embedded
        return self._pdf(exhibit, source, drawn=exhibit.kind in ("docx", "text"))

    def _rendition(self, exhibit: PacketExhibit) -> Path | str:
        if exhibit.rendition and Path(exhibit.rendition).exists():
            return Path(exhibit.rendition)
        # Read before renditions existed: draw it now, the same way reading draws it.
        from evidence.rendition import rendition_pdf

        key = f"rendition-{exhibit.letter}"
        self.drawn[key] = rendition_pdf(exhibit.page_texts, kind=exhibit.kind, name=Path(exhibit.path).name)
        return key

    def _source_bytes(self, source: Path | str):
        return io.BytesIO(self.drawn[source]) if isinstance(source, str) else source

    def _pdf(self, exhibit: PacketExhibit, source: Path | str, *, drawn: bool) -> list[_Page]:
        import pypdfium2 as pdfium

        pages: list[_Page] = []
        texts = list(exhibit.page_texts)
        pdf = pdfium.PdfDocument(self._source_bytes(source))
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                width, height = page.get_size()
                if page.get_rotation() % 180:
                    width, height = height, width
                own_text = page.get_textpage().get_text_range()
                given = texts[index] if index < len(texts) else own_text
                scanned = not drawn and len(_normalise(own_text)) < SCANNED_TEXT_CHARS
                where = f"Exhibit {exhibit.letter}, page {index + 1}"
                planned = _Page(exhibit.letter, index + 1, self.label(), source, index, width, height)
                if index + 1 in exhibit.left_out:
                    planned.left_out, planned.width, planned.height = True, 612.0, 792.0
                    pages.append(planned)
                    page.close()
                    continue
                text, geometry = given, None
                spans = _merged(self.redactor.spans(given), exhibit.passages.get(index + 1, ()))
                if not spans and self.redactor.finds(own_text):
                    # The page's own text layer holds a reduced string the reading left out: redact by that layer.
                    text, spans = own_text, self.redactor.spans(own_text)
                    geometry = align(own_text, pdf_glyphs(page), source="pdf")
                if spans or (scanned and given.strip()):
                    geometry = geometry or _geometry(exhibit, index)
                    if geometry is None:
                        geometry = self._measure(source, index, page, text, scanned=scanned)
                if spans:
                    reductions = [Reduction(start, end, label) for start, end, label in spans]
                    burned = boxes_for(text, geometry, reductions, width_pt=width, height_pt=height, where=where)
                    picture = render_page(page, dpi=PICTURE_DPI)
                    key = f"redacted-{exhibit.letter}-{index + 1}"
                    self.drawn[key] = picture_page_pdf(
                        burn(picture, burned), text_layer(text, geometry, reductions, burned),
                        width_pt=width, height_pt=height, title=where,
                    )
                    picture.close()
                    planned.source, planned.source_index, planned.redacted = key, 0, True
                    planned.boxes = tuple(b.box for b in burned)
                elif scanned and geometry is not None:
                    planned.layer = layer_html(
                        text_layer(given, geometry, (), ()), width_pt=width, height_pt=height,
                        left_pt=-STAMP_MARGIN_IN * 72, top_pt=-STAMP_MARGIN_IN * 72, area_w_pt=width, area_h_pt=height,
                    )
                pages.append(planned)
                page.close()
        finally:
            pdf.close()
        return pages

    def _measure(self, source, index: int, page, text: str, *, scanned: bool) -> PageGeometry:
        if not scanned:
            return align(text, pdf_glyphs(page), source="pdf")
        picture = render_page(page, dpi=PICTURE_DPI, grayscale=True)
        try:
            return ocr_page_geometry(picture, text, dpi=PICTURE_DPI)
        finally:
            picture.close()

    def _image(self, exhibit: PacketExhibit) -> list[_Page]:
        from PIL import Image, ImageSequence

        from evidence.geometry import image_frame

        with Image.open(exhibit.path) as image:
            frames = sum(1 for _ in ImageSequence.Iterator(image))
            dpi = image_dpi(image)
        pages: list[_Page] = []
        for index in range(frames):
            text = exhibit.page_texts[index] if index < len(exhibit.page_texts) else ""
            where = f"Exhibit {exhibit.letter}, page {index + 1}"
            picture = image_frame(exhibit.path, index)
            geometry = _geometry(exhibit, index)
            if geometry is None and text.strip():
                geometry = ocr_page_geometry(picture, text, dpi=dpi)
            width, height, fit = _image_layout(picture.size)
            if index + 1 in exhibit.left_out:
                picture.close()
                pages.append(_Page(exhibit.letter, index + 1, self.label(), "", 0, 612.0, 792.0, left_out=True))
                continue
            spans = _merged(self.redactor.spans(text), exhibit.passages.get(index + 1, ()))
            reductions = [Reduction(start, end, label) for start, end, label in spans]
            burned = boxes_for(text, geometry, reductions, width_pt=fit[2], height_pt=fit[3], where=where)
            key = f"image-{exhibit.letter}-{index + 1}"
            self.drawn[key] = picture_page_pdf(
                burn(picture, burned) if burned else picture,
                text_layer(text, geometry, reductions, burned) if text.strip() else [],
                width_pt=width, height_pt=height, fit=fit, title=where,
            )
            picture.close()
            # Boxes in fractions of the page, not of the picture placed on it.
            boxes = tuple(
                Rectangle((fit[0] + b.box.x0 * fit[2]) / width, (fit[1] + b.box.top * fit[3]) / height,
                          (fit[0] + b.box.x1 * fit[2]) / width, (fit[1] + b.box.bottom * fit[3]) / height)
                for b in burned
            )
            pages.append(_Page(exhibit.letter, index + 1, self.label(), key, 0, width, height,
                               redacted=bool(burned), boxes=boxes))
        return pages


def _merged(found: list[tuple[int, int, str]], passages) -> list[tuple[int, int, str]]:
    """The matcher's reductions and the decided passages, without overlaps (a passage wins: it is longer)."""
    kept = list(passages)
    for start, end, label in found:
        if all(end <= s or start >= e for s, e, _label in kept):
            kept.append((start, end, label))
    return sorted(kept)


def _image_layout(size: tuple[int, int]) -> tuple[float, float, tuple[float, float, float, float]]:
    """A Letter page (turned to match the picture) and where the picture sits on it, clear of the stamp."""
    pixels_w, pixels_h = size
    width, height = (792.0, 612.0) if pixels_w > pixels_h else (612.0, 792.0)
    margin, bottom = 0.3 * 72, (STAMP_MARGIN_IN + 0.35) * 72
    room_w, room_h = width - 2 * margin, height - margin - bottom
    scale = min(room_w / pixels_w, room_h / pixels_h)
    w, h = pixels_w * scale, pixels_h * scale
    return width, height, ((width - w) / 2, margin, w, h)


# Drawing (one WeasyPrint document for the slip sheets and the stamps) ------------------------------


def _css(sizes: Iterable[tuple[float, float]]) -> str:
    margin = f"{STAMP_MARGIN_IN}in"
    overlay_pages = "\n".join(
        f"@page {_size_name(w, h)} {{ size: {w}pt {h}pt; margin: {margin} {margin} 0.8in {margin}; }}"
        for w, h in sizes
    )
    return f"""
{font_faces_css()}
@page {{ size: letter; margin: {margin} {margin} 0.8in {margin};
        @bottom-right {{ content: string(stamp); font-family: "{EMBEDDED_SERIF}"; font-size: 9pt;
                         font-weight: bold; vertical-align: middle; background: white; padding: 0 4pt;
                         margin: 0.04in 0 {margin} 0; border: 0.5pt solid black; width: auto; }} }}
@page slip {{ @bottom-right {{ content: none; }} }}
{overlay_pages}
html {{ font-family: "{EMBEDDED_SERIF}"; color: black; }}
body {{ margin: 0; }}
.page {{ break-before: page; string-set: stamp attr(data-stamp); }}
.page:first-child {{ break-before: auto; }}
.slip {{ page: slip; text-align: center; padding-top: 3in; string-set: stamp ""; }}
.slip h1 {{ font-size: 36pt; margin: 0 0 0.3in 0; font-weight: bold; }}
.slip .description {{ font-size: 16pt; margin: 0 0 0.3in 0; }}
.slip .range {{ font-size: 11pt; }}
.slip .note {{ font-size: 11pt; margin: 0.4in 0.6in 0 0.6in; font-style: italic; }}
.left-out {{ text-align: center; padding-top: 3.5in; }}
.left-out h2 {{ font-size: 16pt; margin: 0 0 0.2in 0; }}
.left-out p {{ font-size: 12pt; font-style: italic; }}
.overlay {{ height: 100%; position: relative; }}
.overlay.layer {{ overflow: visible; }}
{LAYER_CSS}
"""


def _size_name(width: float, height: float) -> str:
    return f"overlay-{round(width)}x{round(height)}"


def _stamp(page: _Page) -> str:
    return f"Ex. {page.letter} · {page.bates}"


def _page_html(page: _Page) -> str:
    page_id = f"p-{page.letter}-{page.number}"
    stamp = escape(_stamp(page), quote=True)
    if page.left_out:
        return (
            f'<section class="page left-out" id="{page_id}" data-stamp="{stamp}">'
            f"<h2>Exhibit {escape(page.letter)}, page {page.number}</h2>"
            "<p>This page is not included in this filing.</p></section>"
        )
    name = _size_name(page.width, page.height)
    classes = "page overlay layer" if page.layer else "page overlay"
    return (
        f'<section class="{classes}" id="{page_id}" data-stamp="{stamp}" style="page: {name}">'
        f"{page.layer or '&#8203;'}</section>"
    )


def _slip_html(exhibit: PacketExhibit, pages: list[_Page], reserved: tuple[str, str, int] | None = None) -> str:
    note = exhibit.not_here
    if reserved is not None:
        first, last, total = reserved
        span, count = f"{first} – {last}", f"{total} page{'s' if total != 1 else ''}"
    else:
        span = f"{pages[0].bates} – {pages[-1].bates}" if pages else ""
        count = f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
    return (
        f'<section class="page slip" id="slip-{escape(exhibit.letter, quote=True)}">'
        f"<h1>EXHIBIT {escape(exhibit.letter, quote=False)}</h1>"
        f'<p class="description">{escape(exhibit.description, quote=False)}</p>'
        f'<p class="range">{escape(count, quote=False)}<br>{escape(span, quote=False)}</p>'
        + (f'<p class="note">{escape(note, quote=False)}</p>' if note else "")
        + "</section>"
    )


# Assembly ------------------------------------------------------------------------------------------


def render_exhibit_packet(
    exhibits: Sequence[PacketExhibit],
    *,
    bates_prefix: str,
    start_number: int = 1,
    redactions: Mapping[str, str] | None = None,
    title: str = "Exhibits",
    made_at: dt.datetime | None = None,
) -> PacketResult:
    """One PDF of the exhibits in the order given, with slip sheets, Bates stamps and one bookmark each.

    `redactions` maps each private string (e.g. a `Finding.text`) to what may be shown instead
    (`exports.redaction.redactions_from_findings`); every place a page's text holds one is covered by a box on the
    page's picture, found by the same matcher as the narrative's (`exports.redaction.Redactor`)."""
    import pypdf
    from pypdf.generic import NameObject
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    redactions = dict(redactions or {})
    redactor = Redactor(redactions)
    # Descriptions are printed on slip sheets and bookmarks: they are reduced like the record text.
    exhibits = [replace(e, description=redactor.redact(e.description)) for e in exhibits]
    planner = _Planner(redactor, bates_prefix, start_number)
    plan = [(exhibit, planner.exhibit(exhibit)) for exhibit in exhibits]

    with tempfile.TemporaryDirectory(prefix="packet-") as temp:
        sections = []
        for exhibit, pages in plan:
            sections.append(_slip_html(exhibit, pages, planner.reserved.get(exhibit.letter)))
            sections.extend(_page_html(page) for page in pages)
        sizes = sorted({(p.width, p.height) for _e, pages in plan for p in pages if not p.left_out})
        font_config = FontConfiguration()
        stylesheet = CSS(string=_css(sizes), font_config=font_config)
        html = HTML(
            string=f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
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
    originals: dict = {}
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
        if current is not None and owner is not None and not current.left_out:
            if current.source not in originals:
                originals[current.source] = _open_pdf(
                    io.BytesIO(planner.drawn[current.source]) if isinstance(current.source, str) else current.source
                )
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
    for title_text, page_index in outline:
        writer.add_outline_item(title=title_text, page_number=page_index)
    _write_properties(writer, title=title, made_at=made_at)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()

    _check_no_leak(pdf, redactions, outline)
    bates = {(page.letter, page.number): page.bates for _e, pages in plan for page in pages}
    redacted = tuple((page.letter, page.number) for _e, pages in plan for page in pages if page.redacted)
    boxes = {(page.letter, page.number): page.boxes for _e, pages in plan for page in pages if page.boxes}
    return PacketResult(
        pdf=pdf, bates=bates, page_count=len(owners), redacted=redacted, outline=tuple(outline), boxes=boxes
    )


def _pdf_date(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("D:%Y%m%d%H%M%SZ")


def _write_properties(writer, *, title: str, made_at: dt.datetime | None) -> None:
    """Our own document properties: a packet must not carry a record's author, title or dates."""
    moment = _pdf_date(made_at or dt.datetime.now(dt.UTC))
    writer.add_metadata(
        {"/Title": title, "/Producer": PRODUCER, "/Creator": PRODUCER, "/CreationDate": moment, "/ModDate": moment}
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
