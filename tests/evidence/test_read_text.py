from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from evidence.models import Document
from evidence.services import document_read_text
from tests import badfiles
from tests.factories import DocumentFactory, MembershipFactory

RECORDS = Path(__file__).resolve().parents[2] / "demo" / "client-a" / "records"
GOLD = RECORDS.parent / "gold"


def _document_from_sample(name: str, kind: str) -> Document:
    content = (RECORDS / name).read_bytes()
    return DocumentFactory(file=ContentFile(content, name=name), original_name=name, file_kind=kind, content=content)


@pytest.mark.django_db
def test_reading_a_record_twice_gives_the_same_pages():
    """A redelivered task (acks_late) must not duplicate pages."""
    document = _document_from_sample("A02_cps_investigation_placement.pdf", Document.FileKind.PDF)

    first = document_read_text(document_id=document.pk)
    pages_once = list(document.pages.values_list("number", "text"))
    second = document_read_text(document_id=document.pk)

    document.refresh_from_db()
    assert first == second == document.page_count == document.pages_done > 1
    assert list(document.pages.values_list("number", "text")) == pages_once
    assert document.status == Document.Status.READY and document.processed_at


@pytest.mark.django_db
def test_a_scanned_record_is_read_by_ocr_with_a_confidence():
    document = _document_from_sample("A06_substance_use_treatment_scan.pdf", Document.FileKind.PDF)

    document_read_text(document_id=document.pk)

    pages = list(document.pages.all())
    assert len(pages) == 2 and all(p.ocr_used and p.ocr_confidence > 60 for p in pages)
    read = set(" ".join(p.text for p in pages).lower().split())
    drawn = set((GOLD / "A06_substance_use_treatment_scan.txt").read_text().lower().split())
    assert len(read & drawn) / len(drawn) > 0.8  # most words right


@pytest.mark.django_db
def test_an_unreadable_record_fails_with_a_reason_and_can_be_retried(client, sent_tasks, django_capture_on_commit_callbacks):
    document = DocumentFactory(file=ContentFile(badfiles.truncated_pdf(), name="x.pdf"), file_kind="pdf")
    member = MembershipFactory(case=document.case)

    assert document_read_text(document_id=document.pk) == 0

    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert document.failure_reason and "error" not in document.failure_reason.lower().split()[:1]
    client.force_login(member.user)
    detail = client.get(reverse("evidence:document_detail", kwargs={"case_id": document.case_id, "document_id": document.pk}))
    assert document.failure_reason in detail.content.decode() and "Retry" in detail.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evidence:document_retry", kwargs={"case_id": document.case_id, "document_id": document.pk}))

    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED and document.failure_reason == ""
    assert sent_tasks == [("evidence.tasks.document_read_text", (document.pk,))]


@pytest.mark.django_db
def test_a_missing_record_row_is_skipped():
    assert document_read_text(document_id=987654) == 0


@pytest.mark.django_db
def test_record_viewer_shows_pages_and_status_and_serves_the_original(client):
    document = _document_from_sample("A08_shelter_case_notes.txt", Document.FileKind.TEXT)
    member = MembershipFactory(case=document.case)
    document_read_text(document_id=document.pk)
    client.force_login(member.user)
    kwargs = {"case_id": document.case_id, "document_id": document.pk}

    detail = client.get(reverse("evidence:document_detail", kwargs=kwargs)).content.decode()
    status = client.get(reverse("evidence:document_status", kwargs=kwargs)).json()
    page = client.get(reverse("evidence:document_page", kwargs={**kwargs, "number": 1}) + "?start=0&end=9")
    original = client.get(reverse("evidence:document_original", kwargs=kwargs))

    assert "Page 1" in detail and "Ready" in detail
    assert status == {"status": "ready", "status_label": "Ready", "pages_done": 1, "page_count": 1,
                      "percent": 100, "failure_reason": "", "finished": True, "busy": True}  # events not found yet
    assert "<mark id=\"cited\">" in page.content.decode()
    assert b"".join(original.streaming_content) == (RECORDS / "A08_shelter_case_notes.txt").read_bytes()
    assert original["Cache-Control"] == "private, no-store"
    assert "sandbox" in original["Content-Security-Policy"]


@pytest.mark.django_db
def test_progress_is_visible_while_pages_are_read(client, monkeypatch):
    """Each page is saved as it is read, so the status shows pages done of total."""
    document = _document_from_sample("A05_psychological_evaluation.pdf", Document.FileKind.PDF)
    member = MembershipFactory(case=document.case)
    client.force_login(member.user)
    url = reverse("evidence:document_status", kwargs={"case_id": document.case_id, "document_id": document.pk})
    seen = []

    from evidence.reading import record_reader

    reader = record_reader()
    real_pages = reader.pages

    def watching(*args, **kwargs):
        for page in real_pages(*args, **kwargs):
            seen.append(client.get(url).json())
            yield page

    monkeypatch.setattr(reader, "pages", watching)
    document_read_text(document_id=document.pk)

    assert [s["pages_done"] for s in seen] == list(range(len(seen)))
    assert all(s["status"] == "processing" and s["page_count"] == len(seen) for s in seen)


@pytest.mark.django_db
def test_a_record_that_keeps_killing_the_reader_is_set_aside_not_retried_forever(settings):
    """A crash never reaches the except clauses; the attempt count, taken before reading, stops the loop."""
    document = _document_from_sample("A08_shelter_case_notes.txt", Document.FileKind.TEXT)
    Document.objects.filter(pk=document.pk).update(read_attempts=settings.RECORD_MAX_READ_ATTEMPTS,
                                                   status=Document.Status.PROCESSING)

    assert document_read_text(document_id=document.pk) == 0

    document.refresh_from_db()
    assert document.status == Document.Status.FAILED and "stopped the reader" in document.failure_reason
    assert not document.pages.exists()
