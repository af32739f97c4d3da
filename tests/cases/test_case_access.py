"""Every case URL answers 404 to anyone not on the case's team: the case's existence is not revealed."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.services import Actor
from evidence.models import Document
from exports.models import Export
from narratives.services import narrative_create, section_save
from tests.factories import (
    CaseFactory,
    ClientGoalFactory,
    DocumentFactory,
    EngagementLogEntryFactory,
    EventCandidateFactory,
    MembershipFactory,
    PageFactory,
    TimelineEventFactory,
    UserFactory,
)


def _case_patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, tuple[str, ...]]]:
    """(name, parameters) of every URL pattern that takes a case id, found from the resolver itself."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _case_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and "case_id" in entry.pattern.regex.groupindex:
            assert entry.name, f"every case URL needs a name: {entry.pattern}"
            found.append((f"{namespace}{entry.name}", tuple(entry.pattern.regex.groupindex)))
    return found


CASE_URLS = _case_patterns()


def _url(name: str, params: tuple[str, ...], document: Document) -> str:
    """The URL with ids of objects that really exist in the case, so only the team check can say no."""
    candidate = document.event_candidates.first()
    event = document.case.timeline_events.first()
    narrative = document.case.narratives.first()
    section = narrative.sections.first()
    engagement = document.case.engagements.first()
    values = {
        "case_id": document.case_id,
        "document_id": document.pk,
        "number": 1,  # a page number, or a version number for restore
        "candidate_id": candidate.pk,
        "event_id": event.pk,
        "category": "education",
        "format": "csv",
        "narrative_id": narrative.pk,
        "section_id": section.pk,
        "action": "rename",
        "how": "remove",
        "version": 1,
        "export_id": narrative.exports.first().pk,
        "kind": "pdf",
        "engagement_id": engagement.pk,
        "entry_id": engagement.log_entries.first().pk,
        "goal_id": document.case.goal_items.first().pk,
        "start": 0,  # a character range of a page's text
        "end": 4,
        "membership_id": document.case.memberships.first().pk,
    }
    missing = set(params) - set(values)
    assert not missing, f"add a value for {missing} to this test so {name} is checked"
    return reverse(name, kwargs={key: values[key] for key in params})


@pytest.fixture
def guarded():
    document = DocumentFactory()
    PageFactory(document=document, number=1)
    EventCandidateFactory(document=document)
    TimelineEventFactory(case=document.case)
    narrative = narrative_create(case=document.case, title="Mitigation", created_by=document.uploaded_by)
    section_save(section=narrative.sections.first(), body="<p>x</p>", expected_version=0, actor=Actor(user=document.uploaded_by))
    EngagementLogEntryFactory(engagement__case=document.case)
    ClientGoalFactory(case=document.case)
    Export.objects.create(case=document.case, narrative=narrative, requested_by=document.uploaded_by)
    member = MembershipFactory(case=document.case).user
    outsider = UserFactory()
    MembershipFactory(user=outsider)  # on another case's team: must not help
    return document, member, outsider


def test_every_case_url_is_found():
    names = {name for name, _params in CASE_URLS}
    assert {"cases:case_detail", "evidence:document_upload", "evidence:document_original"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), CASE_URLS)
def test_non_member_gets_404_on_every_case_url(client, guarded, name, params):
    document, _member, outsider = guarded
    url = _url(name, params, document)
    client.force_login(outsider)

    assert client.get(url).status_code in {404, 405}
    assert client.post(url).status_code in {404, 405}
    # Not even the status of a record in someone else's case leaks.
    assert Document.objects.get(pk=document.pk).status == Document.Status.QUEUED


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), CASE_URLS)
def test_staff_not_on_the_team_gets_404(client, guarded, name, params):
    document, _member, _outsider = guarded
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.get(_url(name, params, document))

    assert response.status_code in {404, 405}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), CASE_URLS)
def test_anonymous_is_sent_to_login(client, guarded, name, params):
    document, _member, _outsider = guarded

    response = client.get(_url(name, params, document))

    assert response.status_code in {302, 405}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_member_sees_case_and_case_list_shows_only_own_cases(client, guarded):
    document, member, _outsider = guarded
    other_case = CaseFactory(client_name="Someone Else Entirely")
    client.force_login(member)

    listing = client.get(reverse("cases:case_list"))
    detail = client.get(reverse("cases:case_detail", kwargs={"case_id": document.case_id}))

    assert document.case.client_name in listing.content.decode()
    assert other_case.client_name not in listing.content.decode()
    assert detail.status_code == 200
    assert document.original_name in detail.content.decode()
