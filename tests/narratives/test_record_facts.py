"""A record says which facts came from it, on its page and in the case's records table, and the table follows the
work (reading, finding events) by itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence.models import Document
from extraction.models import DocumentExtraction
from tests.factories import (
    DocumentFactory,
    EventCandidateFactory,
    EventSourceFactory,
    MembershipFactory,
    PageFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(client):
    document = DocumentFactory(status=Document.Status.READY, page_count=2, pages_done=2)
    PageFactory(document=document, number=1, text="In March 2009 he was retained in the fourth grade. More text.")
    membership = MembershipFactory(case=document.case)
    client.force_login(membership.user)
    return document


def _facts(document, *, extraction=DocumentExtraction.Status.DONE):
    DocumentExtraction.objects.create(document=document, status=extraction)
    accepted = EventCandidateFactory(document=document, review_status="accepted")
    event = TimelineEventFactory(case=document.case, summary="Retained in the fourth grade.")
    event.candidates.add(accepted)
    EventSourceFactory(event=event, document=document, page_number=1, start=21, end=49, quote="retained")
    EventSourceFactory(event=event, document=document, page_number=2, start=0, end=5, quote="again")  # counted once
    waiting = EventCandidateFactory(document=document, sentence="He was suspended for ten days.", category="education")
    rejected = EventCandidateFactory(document=document, review_status="rejected", sentence="His cousin was arrested.")
    return event, waiting, rejected


def test_the_record_page_lists_its_accepted_waiting_and_rejected_facts_with_links(client, record):
    event, waiting, rejected = _facts(record)

    body = client.get(reverse("evidence:document_detail", kwargs={"case_id": record.case_id,
                                                                  "document_id": record.pk})).content.decode()

    assert "1 accepted · 1 waiting for review · 1 rejected" in body
    assert reverse("narratives:timeline_event", kwargs={"case_id": record.case_id, "event_id": event.pk}) in body
    page_1 = reverse("evidence:document_page", kwargs={"case_id": record.case_id, "document_id": record.pk, "number": 1})
    assert f'{page_1}?start=21&amp;end=49">p. 1</a>' in body  # the accepted fact's citation, highlighted
    assert "He was suspended for ten days." in body
    assert reverse("narratives:candidate_edit", kwargs={"case_id": record.case_id, "candidate_id": waiting.pk}) in body
    assert "His cousin was arrested." in body and f'data-candidate="{rejected.pk}"' in body


def test_a_record_with_no_facts_yet_says_so(client, record):
    body = client.get(reverse("evidence:document_detail", kwargs={"case_id": record.case_id,
                                                                  "document_id": record.pk})).content.decode()
    assert "No facts from this record yet." in body


def test_the_records_table_counts_accepted_waiting_and_rejected(client, record):
    _facts(record)

    body = client.get(reverse("cases:case_detail", kwargs={"case_id": record.case_id})).content.decode()

    assert "<th>Facts</th>" in body
    assert "1 accepted · 1 waiting · 1 rejected" in body
    assert 'data-busy="0"' in body


def test_the_records_table_status_follows_reading_then_finding_events(client, record):
    url = reverse("evidence:records_status", kwargs={"case_id": record.case_id})
    Document.objects.filter(pk=record.pk).update(status=Document.Status.PROCESSING, pages_done=1)

    reading = client.get(url).json()
    Document.objects.filter(pk=record.pk).update(status=Document.Status.READY, pages_done=2)
    extraction = DocumentExtraction.objects.create(document=record, status=DocumentExtraction.Status.RUNNING)
    finding = client.get(url).json()
    EventCandidateFactory(document=record)
    extraction.status = DocumentExtraction.Status.DONE
    extraction.save()
    done = client.get(url).json()

    (row,) = reading["records"]
    assert reading["busy"] and row["status"] == "processing" and row["pages_done"] == 1
    assert row["cells"] == ["Waiting to find events"]
    assert finding["busy"] and finding["records"][0]["cells"] == ["Finding events"]
    assert not done["busy"] and done["records"][0]["cells"] == ["0 accepted · 1 waiting · 0 rejected"]
    assert done["records"][0]["busy"] is False


def test_the_records_table_of_another_case_is_not_served(client, record):
    other = DocumentFactory()
    response = client.get(reverse("evidence:records_status", kwargs={"case_id": other.case_id}))
    assert response.status_code == 404


def test_a_record_that_failed_to_read_is_not_polled_for_facts(client, record):
    Document.objects.filter(pk=record.pk).update(status=Document.Status.FAILED, failure_reason="Damaged PDF.")

    data = client.get(reverse("evidence:records_status", kwargs={"case_id": record.case_id})).json()

    assert data["busy"] is False and data["records"][0]["cells"] == [""]
