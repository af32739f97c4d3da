"""Hostile form input gets a clear answer and changes nothing: overlong text, odd unicode, absurd numbers."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cases.models import Case, CaseMembership
from narratives.models import TimelineEvent
from narratives.services import narrative_create
from tests.factories import (
    DocumentFactory,
    EventCandidateFactory,
    MembershipFactory,
    PageFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ODD_NAMES = [
    "Zoë O’Brien-Núñez",
    "\u202eevil\u202c name",  # right-to-left override
    "A\u200bB\u200dC",  # zero-width characters
    "e\u0301\u0301\u0301",  # stacked combining accents
    "😀 emoji",
    "<script>alert(1)</script>",
]


def _case_form(**overrides):
    data = {"client_name": "A Client", "docket_number": "24-CR-9", "stage": Case.Stage.PRETRIAL,
            "creator_role": CaseMembership.Role.ATTORNEY}
    return {**data, **overrides}


@pytest.mark.parametrize("name", ODD_NAMES)
def test_unicode_edge_cases_are_stored_as_typed_and_shown_escaped(client, name):
    client.force_login(UserFactory())

    response = client.post(reverse("cases:case_create"), _case_form(client_name=name), follow=True)

    assert response.status_code == 200
    assert Case.objects.get().client_name == name
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("client_name", "x" * 5000, "at most 200 characters"), ("client_name", "a\x00b", "Null characters"),
     ("docket_number", "", "required"), ("client_dob", "1850-01-01", "Check the year")],
)
def test_bad_case_fields_get_a_message_and_nothing_is_stored(client, field, value, message):
    client.force_login(UserFactory())

    response = client.post(reverse("cases:case_create"), _case_form(**{field: value}))

    assert response.status_code == 400 and message in response.content.decode()
    assert not Case.objects.exists()


def test_absurd_page_numbers_and_spans_are_refused_or_clamped(client):
    document = DocumentFactory()
    PageFactory(document=document, number=1, text="short page")
    client.force_login(MembershipFactory(case=document.case).user)
    kwargs = {"case_id": document.case_id, "document_id": document.pk}

    missing = client.get(reverse("evidence:document_page", kwargs={**kwargs, "number": 999999999}))
    clamped = client.get(reverse("evidence:document_page", kwargs={**kwargs, "number": 1}) + "?start=-5&end=99999999999999")
    garbage = client.get(reverse("evidence:document_page", kwargs={**kwargs, "number": 1}) + "?start=abc&end=%00")

    assert missing.status_code == 404
    assert clamped.status_code == 200 and '<mark id="cited">short page</mark>' in clamped.content.decode()
    assert garbage.status_code == 200


def test_an_overlong_event_summary_and_an_oversized_section_are_refused(client):
    candidate = EventCandidateFactory()
    case = candidate.document.case
    member = MembershipFactory(case=case).user
    client.force_login(member)
    section = narrative_create(case=case, title="N", created_by=member).sections.first()

    edit = client.post(
        reverse("narratives:candidate_edit", kwargs={"case_id": case.pk, "candidate_id": candidate.pk}),
        {"category": "education", "summary": "x" * 2001, "subject": "client"},
    )
    save = client.post(
        reverse("narratives:section_save", kwargs={"case_id": case.pk, "narrative_id": section.narrative_id,
                                                   "section_id": section.pk}),
        json.dumps({"body": "<p>" + "y" * 600_000 + "</p>", "version": 0}), content_type="application/json",
    )

    assert edit.status_code == 400 and "at most 2000 characters" in edit.content.decode()
    assert save.status_code == 413 and "too long" in save.json()["error"]
    assert not TimelineEvent.objects.exists()
    section.refresh_from_db()
    assert section.version == 0


@pytest.mark.parametrize("posted", ["abc", "²", "-1", "0", "99999999999999999999999", ""])
def test_ids_that_are_no_ids_get_a_message_not_an_error(client, posted):
    candidate = EventCandidateFactory()
    case = candidate.document.case
    event = TimelineEventFactory(case=case)
    client.force_login(case.created_by)

    merge = client.post(reverse("narratives:candidate_merge", kwargs={"case_id": case.pk, "candidate_id": candidate.pk}),
                        {"event": posted, "next": posted}, follow=True)
    conflict = client.post(reverse("narratives:event_conflict", kwargs={"case_id": case.pk, "event_id": event.pk}),
                           {"other": posted}, follow=True)

    assert merge.status_code == 200 and "Choose the fact to merge the proposal into" in merge.content.decode()
    assert conflict.status_code == 200 and "Choose another event of this case" in conflict.content.decode()
    candidate.refresh_from_db()
    assert candidate.review_status == "pending"


def test_too_many_files_in_one_upload_are_refused_with_advice_and_nothing_stored(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    membership = MembershipFactory()
    client.force_login(membership.user)
    files = [SimpleUploadedFile(f"note-{n}.txt", b"A note.\n", content_type="text/plain") for n in range(4)]

    response = client.post(reverse("evidence:document_upload", kwargs={"case_id": membership.case_id}),
                           {"files": files})

    assert response.status_code == 400
    assert "more than 3 files in one upload" in response.content.decode()
    assert "batches of up to 3" in response.content.decode()
    assert not membership.case.documents.exists()
