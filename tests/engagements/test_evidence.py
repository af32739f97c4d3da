"""Evidence goes in through the real upload path: it becomes a record of the case, read like any other, and the
engagement's timeline event cites its page."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import Actor
from engagements.models import EngagementEvidence
from engagements.services import EngagementDetails, engagement_attach_evidence, engagement_create
from evidence import tasks as evidence_tasks
from evidence.models import Document
from evidence.services import RecordRejected
from narratives.models import EventSource
from tests.factories import CaseFactory, DocumentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parenting(db):
    case = CaseFactory()
    return engagement_create(
        case=case,
        details=EngagementDetails(service_type="family_services", provider_name="Family Roots Center",
                                  program="the Fathers at the Table parenting program", start_date="2023-06-06",
                                  end_date="2023-08-22"),
        status="completed", actor=Actor(user=case.created_by), today=datetime.date(2026, 11, 27),
    )


def test_an_uploaded_certificate_is_a_record_queued_for_reading_and_cited_on_page_1(
    parenting, data_dir, django_capture_on_commit_callbacks
):
    certificate = data_dir / "family_roots_certificate.pdf"
    with mock.patch.object(evidence_tasks.document_read_text, "delay") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            link = engagement_attach_evidence(
                engagement=parenting, kind=EngagementEvidence.Kind.CERTIFICATE, actor=Actor(user=parenting.created_by),
                file=ContentFile(certificate.read_bytes(), name="family_roots_certificate.pdf"),
            )

    document = link.document
    assert document.case == parenting.case and document.file_kind == Document.FileKind.PDF
    assert document.status == Document.Status.QUEUED and document.source == "Family Roots Center"
    queued.assert_called_once_with(document.pk)  # read like any record, after the commit
    source = EventSource.objects.get(event=parenting.event)
    assert (source.document, source.page_number, source.start) == (document, 1, 0)
    assert source.quote == "Certificate: family_roots_certificate.pdf"


def test_a_file_the_upload_refuses_stores_nothing_and_links_nothing(parenting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RecordRejected, match="empty"):
        engagement_attach_evidence(engagement=parenting, kind="certificate", actor=Actor(user=parenting.created_by),
                                   file=ContentFile(b"", name="empty.pdf"))

    assert not Document.objects.exists() and not EngagementEvidence.objects.exists()
    assert not EventSource.objects.exists()


def test_a_file_already_in_the_case_is_linked_not_stored_twice(parenting, django_capture_on_commit_callbacks):
    existing = DocumentFactory(case=parenting.case)
    existing.file.open("rb")
    content = existing.file.read()
    existing.file.close()

    with django_capture_on_commit_callbacks(execute=True):
        link = engagement_attach_evidence(engagement=parenting, kind="attendance_sheet", actor=Actor(user=parenting.created_by),
                                          file=ContentFile(content, name="again.txt"))

    assert link.document == existing and Document.objects.count() == 1
    with pytest.raises(ValidationError, match="already attached"):
        engagement_attach_evidence(engagement=parenting, kind="other", actor=Actor(user=parenting.created_by), document=existing)


def test_a_record_already_in_the_case_can_be_cited_on_a_chosen_page(parenting):
    packet = DocumentFactory(case=parenting.case, original_name="A10_advocate_service_records.pdf", page_count=3)
    foreign = DocumentFactory()

    link = engagement_attach_evidence(engagement=parenting, kind="certificate", actor=Actor(user=parenting.created_by),
                                      document=packet, page_number=3)

    assert EventSource.objects.get(event=parenting.event).page_number == 3 and link.page_number == 3
    with pytest.raises(ValidationError, match="another case"):
        engagement_attach_evidence(engagement=parenting, kind="other", actor=Actor(user=parenting.created_by), document=foreign)
    other = DocumentFactory(case=parenting.case, page_count=2)
    with pytest.raises(ValidationError, match="has 2 pages"):
        engagement_attach_evidence(engagement=parenting, kind="other", actor=Actor(user=parenting.created_by), document=other,
                                   page_number=5)


def test_attaching_through_the_page_is_audited(client, parenting, data_dir, django_capture_on_commit_callbacks):
    member = MembershipFactory(case=parenting.case, role="advocate").user
    client.force_login(member)
    url = reverse("engagements:evidence_attach", kwargs={"case_id": parenting.case_id, "engagement_id": parenting.pk})
    upload = SimpleUploadedFile("family_roots_certificate.pdf", (data_dir / "family_roots_certificate.pdf").read_bytes(),
                                content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "certificate", "file": upload, "page_number": 1})

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EVIDENCE_ATTACHED)
    assert entry.case_id == parenting.case_id and entry.user == member
    assert entry.detail == {"document": Document.objects.get().pk, "kind": "certificate", "page": 1}


def test_a_refused_upload_is_explained_on_the_page(client, parenting):
    client.force_login(MembershipFactory(case=parenting.case).user)
    url = reverse("engagements:evidence_attach", kwargs={"case_id": parenting.case_id, "engagement_id": parenting.pk})

    response = client.post(url, {"kind": "certificate", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.7 broken"),
                                 "page_number": 1})

    assert response.status_code == 400
    assert "Not uploaded:" in response.content.decode() and not Document.objects.exists()
