"""Page geometry: a character range of a page's stored text maps to rectangles that hold exactly those words."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core.files.base import ContentFile
from docx import Document as new_docx
from PIL import Image, ImageDraw, ImageFont

from common.fonts import FONTS_DIR
from evidence.geometry import Glyph, PageGeometry, Rectangle, WordBox, align, ocr_page_geometry
from evidence.models import Document
from evidence.services import document_read_text
from tests.factories import DocumentFactory

RECORDS = Path(__file__).resolve().parents[2] / "demo" / "client-a" / "records"


def _text_inside(pdf_path_or_bytes, index: int, box: Rectangle) -> str:
    """The characters of a PDF page's own text layer inside a rectangle given in fractions of the page."""
    pdf = pdfium.PdfDocument(pdf_path_or_bytes)
    page = pdf[index]
    width, height = page.get_size()
    textpage = page.get_textpage()
    return textpage.get_text_bounded(
        left=box.x0 * width, bottom=(1 - box.bottom) * height, right=box.x1 * width, top=(1 - box.top) * height
    )


def _document(name: str, content: bytes, kind: str) -> Document:
    return DocumentFactory(file=ContentFile(content, name=name), original_name=name, file_kind=kind, content=content)


@pytest.mark.django_db
def test_a_text_page_range_maps_to_the_box_of_those_words():
    path = RECORDS / "A01_birth_hospital_record.pdf"
    document = _document(path.name, path.read_bytes(), Document.FileKind.PDF)
    document_read_text(document_id=document.pk)
    page = document.pages.get(number=2)
    geometry = PageGeometry.from_json(page.geometry)
    assert geometry is not None and geometry.source == "pdf" and geometry.unplaced == 0

    start = page.text.index("06/11/1995")
    located = geometry.rectangles(page.text, start, start + len("06/11/1995"))

    assert located.complete and len(located.rectangles) == 1
    assert _text_inside(str(path), 1, located.rectangles[0]).strip() == "06/11/1995"


def test_an_ocr_page_range_maps_to_where_the_words_are_drawn():
    picture = Image.new("L", (2550, 3300), 255)  # Letter at 300 dpi
    draw = ImageDraw.Draw(picture)
    font = ImageFont.truetype(str(FONTS_DIR / "LiberationSerif-Regular.ttf"), 60)
    draw.text((300, 400), "Client name: Devon Ashby", font=font, fill=0)
    draw.text((300, 600), "Date of birth 06/11/1995 per intake", font=font, fill=0)
    drawn = draw.textbbox((300, 600), "Date of birth ", font=font)[2], draw.textbbox((300, 600), "Date of birth 06/11/1995", font=font)[2]
    text = "Client name: Devon Ashby\n\nDate of birth 06/11/1995 per intake\n"

    geometry = ocr_page_geometry(picture, text, dpi=300)
    start = text.index("06/11/1995")
    located = geometry.rectangles(text, start, start + 10)

    assert geometry.source == "ocr" and located.complete and len(located.rectangles) == 1
    box = located.rectangles[0]
    assert abs(box.x0 * 2550 - drawn[0]) < 25 and abs(box.x1 * 2550 - drawn[1]) < 25
    assert 590 < box.top * 3300 < box.bottom * 3300 < 680


@pytest.mark.django_db
def test_a_word_page_is_drawn_once_and_its_ranges_map_to_the_drawing():
    word = new_docx()
    word.add_paragraph("Brennan County Schools")
    word.add_paragraph("Student lives at 41 Harlow Street, Brennan, AR 72001 with his mother.")
    buffer = io.BytesIO()
    word.save(buffer)
    document = _document("school.docx", buffer.getvalue(), Document.FileKind.DOCX)

    document_read_text(document_id=document.pk)

    document.refresh_from_db()
    page = document.pages.get(number=1)
    geometry = PageGeometry.from_json(page.geometry)
    assert document.rendition and geometry.source == "rendition" and geometry.unplaced == 0
    start = page.text.index("41 Harlow Street")
    located = geometry.rectangles(page.text, start, start + len("41 Harlow Street"))
    with document.rendition.open("rb") as drawn:
        rendition = drawn.read()
    assert located.complete and len(located.rectangles) == 1
    assert _text_inside(rendition, 0, located.rectangles[0]).strip() == "41 Harlow Street"


def test_characters_the_page_does_not_show_are_reported_not_guessed():
    boxes = [Glyph(ch, Rectangle(0.1 + i * 0.01, 0.1, 0.11 + i * 0.01, 0.12)) for i, ch in enumerate("SSN 123")]
    text = "SSN 123-45-6789"

    geometry = align(text, boxes, source="pdf")
    located = geometry.rectangles(text, 4, len(text))

    assert geometry.unplaced == len("-45-6789") and not located.complete


def test_geometry_survives_its_json_form():
    glyphs = [Glyph(ch, Rectangle(0.1 + i * 0.01, 0.2, 0.11 + i * 0.01, 0.22)) for i, ch in enumerate("Ashby")]
    geometry = align("Mr.  Ashby", [Glyph("M", Rectangle(0.0, 0.2, 0.01, 0.22))] + glyphs, source="pdf")

    again = PageGeometry.from_json(geometry.to_json())

    assert again.rectangles("Mr.  Ashby", 5, 10) == geometry.rectangles("Mr.  Ashby", 5, 10)


def test_a_range_partly_unplaced_is_widened_over_its_missing_characters_on_the_same_line():
    shown = "DOB 06/11/19 per chart"  # the last two digits of the year did not align
    glyphs = [Glyph(ch, Rectangle(0.1 + i * 0.01, 0.2, 0.109 + i * 0.01, 0.22)) for i, ch in enumerate(shown)
              if ch != " "]
    text = "DOB 06/11/1995 per chart"
    geometry = align(text, glyphs, source="ocr")

    located = geometry.covering(text, 4, 14)

    assert not geometry.rectangles(text, 4, 14).complete and located.complete
    (box,) = located.rectangles
    assert box.x0 == pytest.approx(0.14) and box.x1 > 0.1 + 11 * 0.01  # two more character widths to the right


def test_a_range_with_nothing_placed_is_covered_between_its_neighbours_on_the_line():
    glyphs = [Glyph(ch, Rectangle(0.1 + i * 0.01, 0.2, 0.109 + i * 0.01, 0.22)) for i, ch in enumerate("SSN ####### ok")
              if ch not in " #"]
    text = "SSN 123-456 ok"
    geometry = align(text, glyphs, source="ocr")

    located = geometry.covering(text, 4, 11)

    assert located.complete and located.rectangles[0].x0 < 0.14 and located.rectangles[0].x1 > 0.2


def test_a_record_page_too_long_for_letter_stays_one_longer_page_of_the_rendition():
    from evidence.rendition import rendition_pdf

    long_page = "\n".join(f"line {n} of a shelter log exported as one long page" for n in range(400))

    drawn = pdfium.PdfDocument(rendition_pdf(["a short page", long_page], kind="text", name="log.txt"))

    assert len(drawn) == 2 and drawn[0].get_size() == (612.0, 792.0) and drawn[1].get_size()[1] > 792.0
    assert "line 399 of a shelter log" in drawn[1].get_textpage().get_text_range()


def test_words_of_x_height_letters_stay_on_their_line():
    """"a cry" sits lower than "Big" and "Tall" beside it; the range is still one rectangle, not overlapping ones."""
    text = "Big a cry Tall"
    tall, short = (0.100, 0.120), (0.104, 0.120)

    def word(start, end, box, x):
        xs = tuple((x + 0.01 * k, x + 0.01 * (k + 1)) for k in range(end - start))
        return WordBox(start, end, box[0], box[1], xs)

    geometry = PageGeometry("pdf", (word(0, 3, tall, 0.10), word(4, 5, short, 0.14), word(6, 9, short, 0.16),
                                    word(10, 14, tall, 0.20)))

    located = geometry.rectangles(text, 0, len(text))

    (box,) = located.rectangles
    assert (box.x0, box.top, box.x1, box.bottom) == pytest.approx((0.10, 0.100, 0.24, 0.120))
