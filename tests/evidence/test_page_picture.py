"""A record page's picture: drawn from the original on its first view, kept, and shown beside the page's text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image, ImageDraw, ImageStat

from audit.services import Actor
from cases.models import CaseMembership
from evidence import services
from evidence.models import Document
from evidence.services import document_remove
from tests.factories import DocumentFactory, MembershipFactory, PageFactory

pytestmark = pytest.mark.django_db
RECORDS = Path(__file__).resolve().parents[2] / "demo" / "client-a" / "records"


def _pdf_record(name: str, pages: int) -> Document:
    content = (RECORDS / name).read_bytes()
    document = DocumentFactory(file=ContentFile(content, name=name), original_name=name, content=content,
                               file_kind=Document.FileKind.PDF, status=Document.Status.READY, page_count=pages,
                               pages_done=pages)
    for number in range(1, pages + 1):
        PageFactory(document=document, number=number, text=f"Text of page {number}.")
    return document


def _picture_url(document, number):
    return reverse("evidence:page_picture", kwargs={"case_id": document.case_id, "document_id": document.pk,
                                                    "number": number})


def _page_url(document, number):
    return reverse("evidence:document_page", kwargs={"case_id": document.case_id, "document_id": document.pk,
                                                     "number": number})


def _image(response) -> Image.Image:
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_a_scanned_page_is_pictured_as_scanned_and_kept_for_the_next_view(client, monkeypatch):
    document = _pdf_record("A06_substance_use_treatment_scan.pdf", 2)
    client.force_login(MembershipFactory(case=document.case).user)

    first = client.get(_picture_url(document, 1))
    monkeypatch.setattr(services, "page_picture_png", lambda *a, **k: pytest.fail("drawn again, not kept"))
    second = client.get(_picture_url(document, 1))

    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "image/png" and first["Cache-Control"] == "private, no-store"
    picture = _image(first)
    assert 1000 <= picture.width <= 1600 and picture.height > picture.width  # a portrait page, sharp enough to zoom
    assert ImageStat.Stat(picture.convert("L")).stddev[0] > 20  # ink on paper, not a blank page
    assert _image(second).size == picture.size


def test_each_page_of_a_pdf_has_its_own_picture(client):
    document = _pdf_record("A02_cps_investigation_placement.pdf", 3)
    client.force_login(MembershipFactory(case=document.case).user)

    pictures = [_image(client.get(_picture_url(document, number))) for number in (1, 2)]

    assert pictures[0].tobytes() != pictures[1].tobytes()


def test_an_image_record_is_pictured_from_the_image(client):
    scan = Image.new("RGB", (850, 1100), "white")
    ImageDraw.Draw(scan).rectangle((100, 100, 700, 160), fill="black")
    content = io.BytesIO()
    scan.save(content, format="PNG")
    document = DocumentFactory(file=ContentFile(content.getvalue(), name="scan.png"), content=content.getvalue(),
                               file_kind=Document.FileKind.IMAGE, page_count=1, pages_done=1)
    PageFactory(document=document, number=1, text="")
    client.force_login(MembershipFactory(case=document.case).user)

    picture = _image(client.get(_picture_url(document, 1)))

    assert picture.size == (850, 1100)
    assert picture.getpixel((400, 130)) == (0, 0, 0) and picture.getpixel((400, 500)) == (255, 255, 255)


def test_no_picture_of_a_page_the_record_lacks_or_of_another_cases_record(client):
    document = _pdf_record("A02_cps_investigation_placement.pdf", 3)
    outsider = MembershipFactory().user
    client.force_login(MembershipFactory(case=document.case).user)

    assert client.get(_picture_url(document, 4)).status_code == 404
    client.force_login(outsider)
    assert client.get(_picture_url(document, 1)).status_code == 404


def test_a_damaged_original_leaves_the_page_text_readable(client):
    document = DocumentFactory(file=ContentFile(b"%PDF-1.4 not really", name="bad.pdf"), content=b"%PDF-1.4 broken",
                               file_kind=Document.FileKind.PDF, page_count=1, pages_done=1)
    PageFactory(document=document, number=1, text="What was read before the file broke.")
    client.force_login(MembershipFactory(case=document.case).user)

    assert client.get(_picture_url(document, 1)).status_code == 404
    assert "What was read before the file broke." in client.get(_page_url(document, 1)).content.decode()


def test_the_page_view_shows_the_picture_beside_the_text_with_zoom_and_paging(client):
    document = _pdf_record("A02_cps_investigation_placement.pdf", 3)
    client.force_login(MembershipFactory(case=document.case).user)

    body = client.get(_page_url(document, 2), {"start": 0, "end": 4}).content.decode()

    assert f'<img id="page-picture" src="{_picture_url(document, 2)}"' in body
    assert 'data-zoom="1"' in body and 'data-zoom="-1"' in body
    assert f'href="{_page_url(document, 1)}"' in body and f'href="{_page_url(document, 3)}"' in body
    assert '<mark id="cited">Text</mark>' in body


def test_removing_a_record_deletes_its_kept_pictures(client, django_capture_on_commit_callbacks):
    document = _pdf_record("A02_cps_investigation_placement.pdf", 3)
    attorney = MembershipFactory(case=document.case, role=CaseMembership.Role.ATTORNEY).user
    client.force_login(attorney)
    client.get(_picture_url(document, 1))
    storage, folder = document.file.storage, f"pictures/case-{document.case_id}/record-{document.pk}"
    assert storage.listdir(folder)[1] == ["page-1.png"]

    with django_capture_on_commit_callbacks(execute=True):
        document_remove(document=document, actor=Actor(user=attorney))

    assert storage.listdir(folder)[1] == []
