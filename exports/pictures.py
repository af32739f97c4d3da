"""Record pages drawn as their picture with a text layer: redactions burned in, and image records made pages.

A redacted page is the original page's picture (rendered from the PDF, or the scanned image itself) with an opaque
box burned over exactly the reduced words and the reduction's label printed in the box, so the page still looks
like the record and shows where something was taken out. Its searchable text layer is rebuilt, invisible, word by
word at the words' places (evidence/geometry.py) from the page's text with the reduced ranges left out; the
label takes the reduced words' place. Nothing of the original's own text layer, annotations or metadata is kept, so
nothing under a box can be selected, copied or searched.

The same builder makes the pages of image records (a photo or a scan in a TIFF) for both packets, so a public page
differs from its sealed twin only inside the boxes.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from common.fonts import EMBEDDED_SERIF, FONTS_DIR, font_faces_css
from evidence.geometry import PageGeometry, Rectangle

PICTURE_DPI = 300  # what a court's scanner makes; the burned page is a true picture at print resolution
BOX_PAD_PT = 1.5  # beyond the glyphs' own boxes: anti-aliased edges and accents must be covered too
LABEL_FONT = "LiberationSerif-Bold.ttf"


class RedactionUnlocated(RuntimeError):
    """A reduced string whose place on the page picture is not known: the page cannot be redacted by a box."""


@dataclass(frozen=True, slots=True)
class Reduction:
    start: int  # offsets into the page text
    end: int
    label: str  # what the rule allows in its place: "XXX-XX-0447", "1995", "M.D.", "Brennan, AR"


@dataclass(frozen=True, slots=True)
class Burned:
    box: Rectangle  # fractions of the page
    label: str
    start: int = 0  # where the reduced passage starts in the page text


@functools.cache
def _font(name: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS_DIR / name), size)


def text_width(text: str, size_pt: float) -> float:
    """The width of `text` in Liberation Serif at `size_pt`, in points (the font the text layer is set in)."""
    return _font("LiberationSerif-Regular.ttf", 100).getlength(text) * size_pt / 100


def boxes_for(
    text: str, geometry: PageGeometry | None, reductions: Sequence[Reduction], *, width_pt: float, height_pt: float,
    where: str,
) -> list[Burned]:
    """The boxes to burn for the page's reductions; RedactionUnlocated when one cannot be placed exactly."""
    burned: list[Burned] = []
    for reduction in reductions:
        located = geometry.covering(text, reduction.start, reduction.end) if geometry is not None else None
        if located is None or not located.complete or not located.rectangles:
            raise RedactionUnlocated(
                f"{where}: the place of a reduced passage on the page picture is not known (the page's words "
                "could not be matched to its picture), so it cannot be covered. Leave the page out, file the "
                "exhibit under seal, or read the record again."
            )
        for index, box in enumerate(located.rectangles):
            pad_x, pad_y = BOX_PAD_PT / width_pt, BOX_PAD_PT / height_pt
            grow = 0.15 * (box.bottom - box.top)
            burned.append(
                Burned(
                    Rectangle(
                        max(0.0, box.x0 - pad_x),
                        max(0.0, box.top - pad_y - grow),
                        min(1.0, box.x1 + pad_x),
                        min(1.0, box.bottom + pad_y + grow),
                    ),
                    reduction.label if index == 0 else "",
                    reduction.start,
                )
            )
    return burned


def burn(picture, burned: Sequence[Burned]):
    """The picture with each box filled black and its label printed in white inside it (shrunk to fit)."""
    from PIL import ImageDraw

    picture = picture.convert("RGB")
    draw = ImageDraw.Draw(picture)
    width, height = picture.size
    placed = []
    for item in burned:
        box = (
            int(item.box.x0 * width),
            int(item.box.top * height),
            int(item.box.x1 * width + 0.999),
            int(item.box.bottom * height + 0.999),
        )
        draw.rectangle(box, fill="black")
        placed.append((box, item.label))
    for box, label in placed:  # after every box, so a neighbouring box never covers a label
        if not label:
            continue
        box_w, box_h = box[2] - box[0], box[3] - box[1]
        size = max(6, int(box_h * 0.78))
        while size > 6 and _font(LABEL_FONT, size).getlength(label) > box_w - 4:
            size -= 1
        font = _font(LABEL_FONT, size)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        x = box[0] + max(2, (box_w - (right - left)) // 2) - left
        y = box[1] + (box_h - (bottom - top)) // 2 - top
        draw.text((x, y), label, font=font, fill="white")
    return picture


def _inside(box: Rectangle, burned: Sequence[Burned]) -> bool:
    cx, cy = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
    return any(b.box.x0 <= cx <= b.box.x1 and b.box.top <= cy <= b.box.bottom for b in burned)


def text_layer(
    text: str, geometry: PageGeometry | None, reductions: Sequence[Reduction], burned: Sequence[Burned]
) -> list[tuple[str, Rectangle]]:
    """The words of the page's text outside every reduction, each at its place, and the labels at theirs."""
    if geometry is None:
        return [(b.label, b.box) for b in burned if b.label]
    cut = sorted((r.start, r.end) for r in reductions)

    def reduced(index: int) -> bool:
        return any(start <= index < end for start, end in cut)

    placed: list[tuple[int, str, Rectangle]] = []  # (offset in the text, words, box): the layer keeps reading order
    for word in geometry.words:
        run: list[int] = []
        for index in range(word.start, word.end):
            if reduced(index):
                if run:
                    placed.append(_piece(text, word, run))
                    run = []
            else:
                run.append(index)
        if run:
            placed.append(_piece(text, word, run))
    # A word may have been matched to a glyph under a box (text that differs from what the page shows): drop it.
    placed = [item for item in placed if not _inside(item[2], burned)]
    ends = {r.start: r.end for r in reductions}
    placed += [(item.start, item.label, item.box) for item in burned if item.label]
    layer = []
    for offset, words, box in sorted(placed, key=lambda item: item[0]):
        end = ends.get(offset, offset + len(words))  # a label ends where its reduced passage ends
        # A space where the text has one: readers of the layer join words by it, not by the gap they see.
        spaced = end < len(text) and text[end].isspace()
        layer.append((words + " " if spaced else words, box))
    return layer


def _piece(text: str, word, indexes: list[int]) -> tuple[int, str, Rectangle]:
    xs = word.xs[indexes[0] - word.start : indexes[-1] - word.start + 1]
    return indexes[0], text[indexes[0] : indexes[-1] + 1], Rectangle(xs[0][0], word.top, xs[-1][1], word.bottom)


def layer_html(words: Sequence[tuple[str, Rectangle]], *, width_pt: float, height_pt: float,
               left_pt: float = 0.0, top_pt: float = 0.0, area_w_pt: float | None = None,
               area_h_pt: float | None = None) -> str:
    """Invisible, absolutely placed spans: the page's searchable text at the words' places.

    (left_pt, top_pt, area_w_pt, area_h_pt) is where the page's picture is drawn inside the page, when it does not
    fill the page; the spans are stretched to each word's width so a selection covers the word it shows."""
    area_w = area_w_pt if area_w_pt is not None else width_pt
    area_h = area_h_pt if area_h_pt is not None else height_pt
    spans = []
    for word, box in words:
        if not word.strip():
            continue
        height = max((box.bottom - box.top) * area_h, 1.0)
        size = height / 1.15
        natural = text_width(word, size) or 1.0
        stretch = max(0.05, min(20.0, (box.x1 - box.x0) * area_w / natural))
        spans.append(
            f'<span style="left: {left_pt + box.x0 * area_w:.2f}pt; top: {top_pt + box.top * area_h:.2f}pt; '
            f'font-size: {size:.2f}pt; transform: scaleX({stretch:.4f})">{escape(word, quote=False)}</span>'
        )
    return "".join(spans)


LAYER_CSS = f"""
.layer span {{ position: absolute; white-space: pre; color: transparent; font-family: "{EMBEDDED_SERIF}";
               line-height: 1.15; transform-origin: 0 0; }}
"""


def _smallest_mode(picture):
    """Grey when the page has no colour: a third of the bytes, and exactly the same picture."""
    if picture.mode != "RGB":
        return picture
    from PIL import ImageChops

    red, green, blue = picture.split()
    if ImageChops.difference(red, green).getbbox() is None and ImageChops.difference(green, blue).getbbox() is None:
        return red
    return picture


def picture_page_pdf(
    picture, words: Sequence[tuple[str, Rectangle]], *, width_pt: float, height_pt: float,
    fit: tuple[float, float, float, float] | None = None, title: str = "",
) -> bytes:
    """One PDF page: the picture (filling the page, or at `fit` = left, top, width, height in points) and the
    invisible text layer, fonts embedded."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    left, top, area_w, area_h = fit or (0.0, 0.0, width_pt, height_pt)
    png = io.BytesIO()
    _smallest_mode(picture).save(png, format="PNG", optimize=False, compress_level=6)
    src = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    css = f"""
{font_faces_css()}
@page {{ size: {width_pt:.2f}pt {height_pt:.2f}pt; margin: 0; }}
html, body {{ margin: 0; }}
.layer {{ position: relative; width: {width_pt:.2f}pt; height: {height_pt:.2f}pt; overflow: hidden; }}
.layer img {{ position: absolute; left: {left:.2f}pt; top: {top:.2f}pt;
              width: {area_w:.2f}pt; height: {area_h:.2f}pt; }}
{LAYER_CSS}
"""
    spans = layer_html(
        words, width_pt=width_pt, height_pt=height_pt, left_pt=left, top_pt=top, area_w_pt=area_w, area_h_pt=area_h
    )
    body = f'<div class="layer"><img src="{src}" alt="">{spans}</div>'
    fonts = FontConfiguration()
    html = HTML(string=f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
                f"</head><body>{body}</body></html>")
    return html.render(stylesheets=[CSS(string=css, font_config=fonts)], font_config=fonts).write_pdf()



def finding_outlined(picture, text: str, geometry_json: dict, start: int, end: int) -> bytes:
    """A PNG of the part of a page around a finding, the box that will be burned outlined in red.

    Without geometry (a page read before it was kept) the whole page is shown with no box, and says so by that."""
    from PIL import ImageDraw

    picture = picture.convert("RGB")
    geometry = PageGeometry.from_json(geometry_json)
    located = geometry.rectangles(text, start, end) if geometry is not None else None
    if located is not None and located.rectangles:
        draw = ImageDraw.Draw(picture)
        width, height = picture.size
        for box in located.rectangles:
            draw.rectangle(
                (box.x0 * width - 3, box.top * height - 3, box.x1 * width + 3, box.bottom * height + 3),
                outline=(200, 0, 0), width=3,
            )
        top = max(0, int(min(b.top for b in located.rectangles) * height) - 90)
        bottom = min(height, int(max(b.bottom for b in located.rectangles) * height) + 90)
        picture = picture.crop((0, top, width, bottom))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()
