"""A record's details are edited after upload (one record or a selection) and reach the exhibit index; a record is
removed by the case's attorney or specialist, leaving the facts that cited it flagged and the audit entry kept."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import Actor
from cases.models import CaseMembership
from engagements.models import EngagementEvidence
from evidence.models import Document, Page
from evidence.search import page_matches, search_query_parse
from evidence.services import document_remove
from exports.assemble import exhibit_description
from extraction.models import DocumentExtraction, EventCandidate
from narratives.models import EventSource, TimelineEvent
from tests.exports import test_export_flow as export_flow
from tests.factories import (
    DocumentFactory,
    EngagementFactory,
    EventCandidateFactory,
    EventSourceFactory,
    MembershipFactory,
    PageFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db
filing = export_flow.filing  # the export tests' case: two records, two approved facts, a narrative citing both


def _member(case, role=CaseMembership.Role.MITIGATION_SPECIALIST):
    return MembershipFactory(case=case, role=role).user


def _details_url(document):
    return reverse("evidence:document_details", kwargs={"case_id": document.case_id, "document_id": document.pk})


def test_a_records_details_are_edited_and_the_change_is_audited_by_field_name(client):
    document = DocumentFactory(source="Brennan County Schools")
    client.force_login(_member(document.case))

    response = client.post(_details_url(document), {
        "record_type": "school", "source": "Wexbridge Unified School District",
        "description": "Cumulative school record", "dates_from": "2000-08-28", "dates_to": "2011-04-19",
        "date_received": "",
    })

    document.refresh_from_db()
    assert response.status_code == 302
    assert (document.record_type, document.description) == ("school", "Cumulative school record")
    assert (document.dates_from, document.dates_to) == (datetime.date(2000, 8, 28), datetime.date(2011, 4, 19))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RECORD_DETAILS_CHANGED)
    assert entry.detail == {"fields": ["dates_from", "dates_to", "description", "record_type", "source"]}
    assert exhibit_description(document) == "Cumulative school record, 08/2000–04/2011"


def test_dates_in_the_wrong_order_are_refused_and_nothing_is_saved(client):
    document = DocumentFactory(description="Kept")
    client.force_login(_member(document.case))

    response = client.post(_details_url(document), {"description": "Changed", "dates_from": "2011-01-01",
                                                    "dates_to": "2000-01-01"})

    document.refresh_from_db()
    assert response.status_code == 400
    assert "The last date is before the first" in response.content.decode()
    assert document.description == "Kept"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.RECORD_DETAILS_CHANGED).exists()


def test_details_set_on_a_selection_change_only_the_fields_filled_in(client):
    first = DocumentFactory(description="School record", source="Old source")
    second = DocumentFactory(case=first.case, record_type="medical")
    untouched = DocumentFactory(case=first.case, source="Own source")
    client.force_login(_member(first.case))
    url = reverse("evidence:documents_details", kwargs={"case_id": first.case_id})

    client.post(url, {"documents": [first.pk, second.pk], "source": "Arden County", "dates_from": "2001-02-03"})

    for document in (first, second, untouched):
        document.refresh_from_db()
    assert [(d.source, d.dates_from) for d in (first, second)] == [("Arden County", datetime.date(2001, 2, 3))] * 2
    assert (first.description, second.record_type) == ("School record", "medical")  # empty fields left as they were
    assert untouched.source == "Own source"


def test_a_selection_cannot_reach_a_record_of_another_case(client):
    mine = DocumentFactory(source="Mine")
    theirs = DocumentFactory(source="Theirs")
    client.force_login(_member(mine.case))

    response = client.post(reverse("evidence:documents_details", kwargs={"case_id": mine.case_id}),
                           {"documents": [mine.pk, theirs.pk], "source": "Changed"}, follow=True)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.source, theirs.source) == ("Mine", "Theirs")
    assert "Select a valid choice" in response.content.decode()


def test_a_selection_with_nothing_to_set_says_so(client):
    document = DocumentFactory()
    client.force_login(_member(document.case))

    response = client.post(reverse("evidence:documents_details", kwargs={"case_id": document.case_id}),
                           {"documents": [document.pk]}, follow=True)

    assert "Fill in at least one detail" in response.content.decode()


def test_a_renamed_record_is_named_so_in_the_next_exports_exhibit_index(filing, client):
    case, narrative, user, documents, _events = filing
    client.force_login(user)
    client.post(_details_url(documents["school"]), {"record_type": "school", "source": "Brennan County Schools",
                                                    "description": "Cumulative record, Brennan County Schools"})

    export = export_flow._export(narrative, user)

    index = [table for table in docx.Document(io.BytesIO(export.docx_file.read())).tables
             if table.rows[0].cells[0].text == "Ex."][0]
    assert [row.cells[1].text for row in index.rows[1:]] == ["County Child Welfare Records",
                                                             "Cumulative record, Brennan County Schools"]


@pytest.fixture
def cited_record(settings):
    """A read record with a waiting and a rejected proposal, a fact citing two of its pages and another record,
    and an engagement it is evidence of."""
    document = DocumentFactory(status=Document.Status.READY, page_count=2, pages_done=2)
    PageFactory(document=document, number=1, text="In March 2009 he was retained in the fourth grade.")
    PageFactory(document=document, number=2, text="He repeated the grade.")
    other = DocumentFactory(case=document.case, status=Document.Status.READY)
    DocumentExtraction.objects.create(document=document, status=DocumentExtraction.Status.DONE)
    EventCandidateFactory(document=document)
    EventCandidateFactory(document=document, review_status="rejected")
    event = TimelineEventFactory(case=document.case, summary="Retained in the fourth grade.")
    EventSourceFactory(event=event, document=document, page_number=1)
    EventSourceFactory(event=event, document=document, page_number=2, start=0, end=8, quote="He repea")
    EventSourceFactory(event=event, document=other, page_number=1)
    engagement = EngagementFactory(case=document.case)
    EngagementEvidence.objects.create(engagement=engagement, document=document, kind="certificate",
                                      attached_by=document.uploaded_by)
    return document, event, other


def test_removing_a_record_flags_its_facts_and_keeps_an_audit_entry(client, cited_record,
                                                                     django_capture_on_commit_callbacks):
    document, event, other = cited_record
    attorney = _member(document.case, CaseMembership.Role.ATTORNEY)
    client.force_login(attorney)
    storage, stored_name = document.file.storage, document.file.name
    assert storage.exists(stored_name)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evidence:document_remove", kwargs={"case_id": document.case_id,
                                                                           "document_id": document.pk}), follow=True)

    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Page.objects.filter(document_id=document.pk).exists()
    assert not EventCandidate.objects.filter(document_id=document.pk).exists()
    assert not EngagementEvidence.objects.filter(document_id=document.pk).exists()
    assert not storage.exists(stored_name)
    event.refresh_from_db()
    assert TimelineEvent.objects.filter(pk=event.pk).exists() and event.summary == "Retained in the fourth grade."
    assert list(EventSource.objects.filter(event=event).values_list("document_id", flat=True)) == [other.pk]
    assert f"“{document.original_name}” (p. 1, 2), was removed" in event.review_flag
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RECORD_REMOVED)
    assert (entry.case_id, entry.object_id, entry.username) == (document.case_id, str(document.pk), attorney.username)
    assert entry.detail == {"pages": 2, "proposals_removed": 1, "facts_flagged": 1, "engagement_evidence_removed": 1}
    assert page_matches(case_id=document.case_id, query=search_query_parse("retained")) == []
    body = response.content.decode()
    assert "removed, with its 2 pages and 1 proposal waiting for review." in body and "1 fact that cited it is flagged" in body


def test_a_flagged_fact_shows_on_the_timeline_until_someone_has_checked_it(client, cited_record):
    document, event, _other = cited_record
    user = _member(document.case, CaseMembership.Role.ATTORNEY)
    document_remove(document=document, actor=Actor(user=user))
    client.force_login(user)
    timeline = reverse("narratives:timeline", kwargs={"case_id": document.case_id})

    assert "was removed on" in client.get(timeline).content.decode()
    client.post(reverse("narratives:event_update", kwargs={"case_id": document.case_id, "event_id": event.pk}),
                {"reviewed": "1"})

    event.refresh_from_db()
    assert event.review_flag == ""
    assert "was removed on" not in client.get(timeline).content.decode()


@pytest.mark.parametrize("role", [CaseMembership.Role.ADVOCATE, CaseMembership.Role.SUPERVISOR])
def test_only_the_attorney_or_specialist_may_remove_a_record(client, cited_record, role):
    document, _event, _other = cited_record
    user = _member(document.case, role)
    client.force_login(user)

    response = client.post(reverse("evidence:document_remove", kwargs={"case_id": document.case_id,
                                                                       "document_id": document.pk}))
    with pytest.raises(PermissionDenied):
        document_remove(document=document, actor=Actor(user=user))

    assert response.status_code == 403
    assert Document.objects.filter(pk=document.pk).exists() and document.file.storage.exists(document.file.name)
    page = client.get(reverse("evidence:document_detail", kwargs={"case_id": document.case_id,
                                                                 "document_id": document.pk})).content.decode()
    assert "Remove…" not in page


def test_a_record_being_read_is_not_removed(cited_record):
    document, _event, _other = cited_record
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PROCESSING)

    with pytest.raises(ValidationError):
        document_remove(document=document, actor=Actor(user=_member(document.case)))

    assert Document.objects.filter(pk=document.pk).exists()


def test_the_case_page_and_the_timeline_lead_to_the_facts_flagged_for_review(client, cited_record):
    document, event, _other = cited_record
    user = _member(document.case, CaseMembership.Role.ATTORNEY)
    TimelineEventFactory(case=document.case, summary="Unrelated and unflagged.")
    document_remove(document=document, actor=Actor(user=user))
    client.force_login(user)

    case_page = client.get(reverse("cases:case_detail", kwargs={"case_id": document.case_id})).content.decode()
    flagged = client.get(reverse("narratives:timeline", kwargs={"case_id": document.case_id}), {"flagged": "on"})

    assert "⚠ 1 fact to check again" in case_page
    body = flagged.content.decode()
    assert f'id="event-{event.pk}"' in body and "Unrelated and unflagged." not in body
