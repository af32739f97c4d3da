"""A record page's picture: a PDF page as pdfium draws it (a scan as scanned), or the frame of an image file. Word and
text files have no pages of their own to draw: the evidence service draws their rendition's PDF pages instead.

Pure Python (pypdfium2 and Pillow, no Django): the evidence service caches what this returns in storage."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageOps

PICTURE_WIDTH = 1600  # pixels: sharp at twice the width the page view shows it at, so zooming to 200% stays crisp
MAX_SCALE = 300 / 72  # never more than 300 dpi, whatever the page's size in points
MAX_PIXELS = 40_000_000  # a page drawn bigger than this is drawn smaller instead: memory stays bounded


class NoPicture(Exception):
    """The page has no picture to draw (a kind of file with no pages, or a page the file does not have)."""


def page_picture_png(path: Path, *, kind: str, number: int, width: int = PICTURE_WIDTH) -> bytes:
    """Page `number` (1-based) of the record at `path`, drawn `width` pixels wide (less for a small original), as PNG.

    NoPicture if the record has no such page to draw; the library's own errors for a damaged file."""
    if kind == "pdf":
        picture = _pdf_page(path, number, width)
    elif kind == "image":
        picture = _image_frame(path, number, width)
    else:
        raise NoPicture(f"a {kind} record has no page pictures")
    try:
        out = io.BytesIO()
        picture.save(out, format="PNG", optimize=False, compress_level=6)
        return out.getvalue()
    finally:
        picture.close()


def _pdf_page(path: Path, number: int, width: int) -> Image.Image:
    pdf = pdfium.PdfDocument(path)
    try:
        if not 1 <= number <= len(pdf):
            raise NoPicture(f"the PDF has no page {number}")
        page = pdf[number - 1]
        try:
            page_width, page_height = page.get_size()
            scale = min(width / max(page_width, 1.0), MAX_SCALE)
            if page_width * page_height * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / (page_width * page_height)) ** 0.5
            bitmap = page.render(scale=scale, draw_annots=True, may_draw_forms=True)
            try:
                return bitmap.to_pil().convert("RGB")  # copies the pixels: the bitmap can be closed
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        pdf.close()


def _image_frame(path: Path, number: int, width: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # checked at upload; checked again here
        image = Image.open(path)
        try:
            frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
            if not 1 <= number <= frames:
                raise NoPicture(f"the image has no page {number}")
            image.seek(number - 1)
            frame = ImageOps.exif_transpose(image) if number == 1 else image  # phone photos are stored sideways
            if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
                rgba = frame.convert("RGBA")
                paper = Image.new("RGBA", rgba.size, "white")  # transparency laid over white paper
                paper.alpha_composite(rgba)
                picture = paper.convert("RGB")
            else:
                picture = frame.convert("RGB")
        finally:
            image.close()
    if picture.width > width:
        picture.thumbnail((width, width * 10), Image.Resampling.LANCZOS)
    return picture
