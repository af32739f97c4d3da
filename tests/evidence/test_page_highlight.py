"""The words of a cited span, a proposal or a search hit marked on the page's picture: boxes in percent of the
picture, from the page's geometry, on a text PDF, a scan read by OCR and a Word record's rendition alike."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document as new_docx
from PIL import Image, ImageDraw, ImageFont

from audit.services import Actor
from common.fonts import FONTS_DIR
from evidence.geometry import PageGeometry, Rectangle
from evidence.models import Document
from evidence.selectors import MARK_PAD_LINE, MARK_PAD_X
from evidence.services import document_read_text, page_picture
from tests.factories import DocumentFactory, MembershipFactory, PageFactory

pytestmark = pytest.mark.django_db
RECORDS = Path(__file__).resolve().parents[2] / "demo" / "client-a" / "records"
MARK = re.compile(
    r'<span class="picture-mark (\w*)" aria-hidden="true" style="left: ([\d.]+)%; top: ([\d.]+)%; '
    r'width: ([\d.]+)%; height: ([\d.]+)%"></span>'
)


def _read(name: str, content: bytes, kind: str) -> Document:
    document = DocumentFactory(file=ContentFile(content, name=name), original_name=name, file_kind=kind,
                               content=content)
    document_read_text(document_id=document.pk)
    document.refresh_from_db()
    return document


def _page_url(document: Document, number: int) -> str:
    return reverse("evidence:document_page", kwargs={"case_id": document.case_id, "document_id": document.pk,
                                                     "number": number})


def _picture_url(document: Document, number: int) -> str:
    return reverse("evidence:page_picture", kwargs={"case_id": document.case_id, "document_id": document.pk,
                                                    "number": number})


def _marks(body: str) -> list[tuple[str, Rectangle]]:
    """The marks drawn over the picture, as fractions of the page."""
    return [
        (kind, Rectangle(float(left) / 100, float(top) / 100, (float(left) + float(width)) / 100,
                         (float(top) + float(height)) / 100))
        for kind, left, top, width, height in MARK.findall(body)
    ]


def _unpadded(mark: Rectangle) -> Rectangle:
    """The words' own box inside a mark (the mark adds MARK_PAD_X each side, MARK_PAD_LINE of a line above, below)."""
    line = (mark.bottom - mark.top) / (1 + 2 * MARK_PAD_LINE)
    return Rectangle(mark.x0 + MARK_PAD_X, mark.top + MARK_PAD_LINE * line, mark.x1 - MARK_PAD_X,
                     mark.bottom - MARK_PAD_LINE * line)


def _text_inside(pdf, index: int, box: Rectangle) -> str:
    """The characters of a PDF page's own text layer inside a box given in fractions of the page."""
    page = pdfium.PdfDocument(pdf)[index]
    width, height = page.get_size()
    return page.get_textpage().get_text_bounded(
        left=box.x0 * width, bottom=(1 - box.bottom) * height, right=box.x1 * width, top=(1 - box.top) * height
    )


def _close(a: Rectangle, b: Rectangle, tolerance: float = 0.002) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip((a.x0, a.top, a.x1, a.bottom), (b.x0, b.top, b.x1, b.bottom)))


def test_a_cited_span_on_a_text_page_is_marked_over_exactly_its_words(client):
    path = RECORDS / "A01_birth_hospital_record.pdf"
    document = _read(path.name, path.read_bytes(), Document.FileKind.PDF)
    page = document.pages.get(number=2)
    start = page.text.index("06/11/1995")
    client.force_login(MembershipFactory(case=document.case).user)

    body = client.get(_page_url(document, 2), {"start": start, "end": start + 10}).content.decode()

    ((kind, mark),) = _marks(body)
    expected = PageGeometry.from_json(page.geometry).rectangles(page.text, start, start + 10).rectangles[0]
    assert kind == "cited" and _close(_unpadded(mark), expected)
    assert _text_inside(str(path), 1, _unpadded(mark)).strip() == "06/11/1995"
    assert '<mark id="cited">06/11/1995</mark>' in body and "marked on the picture and in the text" in body


def test_a_span_over_several_lines_has_one_mark_per_line(client):
    path = RECORDS / "A01_birth_hospital_record.pdf"
    document = _read(path.name, path.read_bytes(), Document.FileKind.PDF)
    page = document.pages.get(number=2)
    start = page.text.index("Beginning on day 2")  # a sentence the page wraps over lines; the text does not
    end = page.text.index("peaked at 9.") + len("peaked at 9.")
    client.force_login(MembershipFactory(case=document.case).user)

    body = client.get(_page_url(document, 2), {"start": start, "end": end}).content.decode()

    marks = [mark for _, mark in _marks(body)]
    located = PageGeometry.from_json(page.geometry).covering(page.text, start, end)
    assert len(marks) == len(located.rectangles) >= 2
    assert all(_close(_unpadded(m), r) for m, r in zip(marks, located.rectangles, strict=True))
    assert [m.top for m in marks] == sorted(m.top for m in marks)  # top to bottom, as the lines are read


def test_a_cited_span_on_a_scanned_page_is_marked_where_the_scan_shows_it(client):
    scan = Image.new("L", (2550, 3300), 255)  # Letter at 300 dpi, no text layer: read by OCR
    draw = ImageDraw.Draw(scan)
    font = ImageFont.truetype(str(FONTS_DIR / "LiberationSerif-Regular.ttf"), 60)
    draw.text((300, 400), "Client name: Devon Ashby", font=font, fill=0)
    draw.text((300, 600), "Date of birth 06/11/1995 per intake", font=font, fill=0)
    words = (draw.textbbox((300, 600), "Date of birth ", font=font)[2],
             draw.textbbox((300, 600), "Date of birth 06/11/1995", font=font)[2])
    content = io.BytesIO()
    scan.save(content, format="PNG", dpi=(300, 300))
    document = _read("intake-scan.png", content.getvalue(), Document.FileKind.IMAGE)
    page = document.pages.get(number=1)
    assert page.ocr_used
    start = page.text.index("06/11/1995")
    client.force_login(MembershipFactory(case=document.case).user)

    body = client.get(_page_url(document, 1), {"start": start, "end": start + 10}).content.decode()

    ((_, mark),) = _marks(body)
    box = _unpadded(mark)
    assert abs(box.x0 * 2550 - words[0]) < 25 and abs(box.x1 * 2550 - words[1]) < 25
    assert 590 < box.top * 3300 < box.bottom * 3300 < 680
    picture = Image.open(io.BytesIO(b"".join(client.get(_picture_url(document, 1)).streaming_content)))
    assert picture.size == (1600, round(1600 * 3300 / 2550))  # the marks' percentages are of this picture
    assert 'id="page-picture"' in body and "read from this picture by OCR" in body


def test_a_word_record_shows_the_page_of_its_rendition_with_the_span_marked(client):
    word = new_docx()
    word.add_paragraph("Brennan County Schools")
    word.add_paragraph("Student lives at 41 Harlow Street, Brennan, AR 72001 with his mother.")
    buffer = io.BytesIO()
    word.save(buffer)
    document = _read("school.docx", buffer.getvalue(), Document.FileKind.DOCX)
    page = document.pages.get(number=1)
    start = page.text.index("41 Harlow Street")
    client.force_login(MembershipFactory(case=document.case).user)

    body = client.get(_page_url(document, 1), {"start": start, "end": start + 16}).content.decode()
    response = client.get(_picture_url(document, 1))

    ((_, mark),) = _marks(body)
    with document.rendition.open("rb") as drawn:
        rendition = drawn.read()
    assert _text_inside(rendition, 0, _unpadded(mark)).strip() == "41 Harlow Street"
    assert f'<img id="page-picture" src="{_picture_url(document, 1)}"' in body
    assert "A Word document has no fixed pages of its own: this is its page 1 as drawn for the exhibits" in body
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    picture = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert picture.width == 1600 and abs(picture.height / picture.width - 11 / 8.5) < 0.01  # a Letter page
    x0, top, x1, bottom = (round(v * s) for v, s in zip((mark.x0, mark.top, mark.x1, mark.bottom), picture.size * 2))
    inked = picture.convert("L").crop((x0, top, x1, bottom))
    assert inked.getextrema()[0] < 100  # the mark lies over printed words, not blank paper


def test_a_text_record_read_before_renditions_were_kept_is_drawn_on_first_view(client):
    document = DocumentFactory(page_count=1, pages_done=1, status=Document.Status.READY)
    PageFactory(document=document, number=1, text="In March 2009 he was retained in the fourth grade.")
    client.force_login(MembershipFactory(case=document.case).user)

    response = client.get(_picture_url(document, 1))

    document.refresh_from_db()
    assert response.status_code == 200 and document.rendition
    assert PageGeometry.from_json(document.pages.get().geometry).source == "rendition"


def test_a_search_hit_is_marked_on_the_picture(client):
    path = RECORDS / "A01_birth_hospital_record.pdf"
    document = _read(path.name, path.read_bytes(), Document.FileKind.PDF)
    client.force_login(MembershipFactory(case=document.case).user)

    body = client.get(_page_url(document, 2), {"q": "Finnegan"}).content.decode()

    marks = _marks(body)
    assert marks and {kind for kind, _ in marks} == {"hit"}
    assert _text_inside(str(path), 1, _unpadded(marks[0][1])).strip() == "Finnegan"


def test_a_page_never_measured_is_shown_without_marks_and_says_so(client):
    document = DocumentFactory(file_kind=Document.FileKind.PDF, page_count=1, pages_done=1)
    PageFactory(document=document, number=1, text="He was retained in the fourth grade.", geometry={})
    client.force_login(MembershipFactory(case=document.case).user)

    body = client.get(_page_url(document, 1), {"start": 7, "end": 15}).content.decode()

    assert _marks(body) == [] and '<mark id="cited">retained</mark>' in body
    assert "could not be found on the picture: look for them in the text" in body


@pytest.mark.parametrize(("query", "marked"), [
    ({"start": "-5", "end": "99999"}, "all"),  # clamped to the page: the whole page
    ({"start": "x", "end": "3"}, "none"),
    ({"start": "9", "end": "2"}, "none"),
])
def test_offsets_out_of_the_page_are_clamped_or_ignored(client, query, marked):
    path = RECORDS / "A01_birth_hospital_record.pdf"
    document = _read(path.name, path.read_bytes(), Document.FileKind.PDF)
    page = document.pages.get(number=2)
    client.force_login(MembershipFactory(case=document.case).user)

    response = client.get(_page_url(document, 2), query)

    assert response.status_code == 200
    whole = PageGeometry.from_json(page.geometry).covering(page.text, 0, len(page.text)).rectangles
    assert len(_marks(response.content.decode())) == (len(whole) if marked == "all" else 0)


def test_another_cases_page_is_refused_with_or_without_a_span(client):
    path = RECORDS / "A01_birth_hospital_record.pdf"
    document = _read(path.name, path.read_bytes(), Document.FileKind.PDF)
    outsider = MembershipFactory().user  # a member of another case
    client.force_login(outsider)
    own_case_url = reverse("evidence:document_page", kwargs={"case_id": outsider.case_memberships.get().case_id,
                                                             "document_id": document.pk, "number": 2})

    assert client.get(_page_url(document, 2), {"start": 0, "end": 20}).status_code == 404
    assert client.get(own_case_url, {"start": 0, "end": 20}).status_code == 404  # the record through one's own case
    assert client.get(_picture_url(document, 2)).status_code == 404
    client.logout()
    assert client.get(_page_url(document, 2), {"start": 0, "end": 20}).status_code == 302


def test_a_findings_picture_is_the_kept_page_picture_made_smaller(client, monkeypatch):
    """One drawing serves the page view and the findings: a second picture of the page is not drawn again."""
    from evidence import services

    path = RECORDS / "A01_birth_hospital_record.pdf"
    document = _read(path.name, path.read_bytes(), Document.FileKind.PDF)
    member = MembershipFactory(case=document.case).user
    client.force_login(member)
    kept = Image.open(io.BytesIO(b"".join(client.get(_picture_url(document, 2)).streaming_content)))
    monkeypatch.setattr(services, "page_picture_png", lambda *a, **k: pytest.fail("drawn again, not kept"))

    picture, page = page_picture(document=document, number=2, actor=Actor(user=member))

    assert page.number == 2 and picture.width == 850
    assert abs(picture.height / picture.width - kept.height / kept.width) < 0.005
