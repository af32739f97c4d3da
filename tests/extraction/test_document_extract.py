"""Finding events in a record's stored pages: idempotent, and reviewed work is never lost."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from audit.services import Actor
from evidence.models import Document
from evidence.services import document_read_text
from extraction.models import DocumentExtraction, EventCandidate
from narratives.services import candidate_accept, candidate_reject
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

RECORD = (
    "Progress note dated 05/10/2004.\n"
    "In March 2009 he was retained in the fourth grade.\n"
    "He was placed in foster care in 2000.\n"
    "He denies any history of head injury.\n"
    "\f"
    "He was diagnosed with ADHD in 2005.\n"
)


@pytest.fixture
def document(django_capture_on_commit_callbacks):
    content = RECORD.encode()
    document = DocumentFactory(file=ContentFile(content, name="note.txt"), content=content)
    with django_capture_on_commit_callbacks(execute=False):
        document_read_text(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY and document.page_count == 2
    return document


def test_reading_a_record_queues_finding_its_events(document, sent_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document_read_text(document_id=document.pk)

    assert ("extraction.tasks.document_extract", (document.pk,)) in sent_tasks
    assert DocumentExtraction.objects.get(document=document).status == "queued"


def test_proposals_cite_page_and_span_and_leave_negations_out(document):
    from extraction.services import document_extract

    count = document_extract(document_id=document.pk)

    candidates = list(document.event_candidates.order_by("start"))
    assert count == len(candidates) >= 3
    categories = {c.category for c in candidates}
    assert {"education", "child_welfare", "mental_health"} <= categories
    assert "health" not in categories  # "denies any history of head injury"
    pages = dict(document.pages.values_list("number", "text"))
    for candidate in candidates:
        assert pages[candidate.page][candidate.page_start : candidate.page_end] == candidate.evidence
    adhd = next(c for c in candidates if c.category == "mental_health")
    assert (adhd.page, adhd.date) == (2, "2005")
    assert DocumentExtraction.objects.get(document=document).status == "done"


def test_extracting_twice_gives_the_same_rows_and_keeps_reviewed_work(document):
    from extraction.services import document_extract

    document_extract(document_id=document.pk)
    first = list(document.event_candidates.values_list("category", "start", "end", "date").order_by("start"))
    education = document.event_candidates.get(category="education")
    welfare = document.event_candidates.get(category="child_welfare")
    event = candidate_accept(candidate=education, actor=Actor(user=document.uploaded_by))
    candidate_reject(candidate=welfare, actor=Actor(user=document.uploaded_by))

    document_extract(document_id=document.pk)
    call_command("reextract", "--case", document.case.docket_number)

    again = list(document.event_candidates.values_list("category", "start", "end", "date").order_by("start"))
    assert again == first  # no duplicates, nothing lost
    assert EventCandidate.objects.get(pk=education.pk).review_status == "accepted"
    assert EventCandidate.objects.get(pk=welfare.pk).review_status == "rejected"
    assert document.event_candidates.pending().count() == len(first) - 2
    assert event.sources.count() == 1
