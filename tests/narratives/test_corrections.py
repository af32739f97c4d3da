"""Correcting mistakes: an accepted fact edited, sent back to the queue or removed, with its history; a rejection
undone; a merge into any fact of the case, chosen by searching; many proposals decided at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import Actor
from extraction.models import EventCandidate
from narratives.models import EventRevision, TimelineEvent
from narratives.services import EventEdits, candidate_accept, candidate_reject, event_remove, event_unaccept
from tests.factories import (
    DocumentFactory,
    EngagementFactory,
    EventCandidateFactory,
    MembershipFactory,
    PageFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(client):
    """A proposal accepted onto the timeline by the case's lead, who is signed in."""
    document = DocumentFactory()
    PageFactory(document=document, number=1, text="In March 2009 he was retained in the fourth grade. More text.")
    candidate = EventCandidateFactory(document=document)
    lead = Actor(user=document.case.created_by)
    event = candidate_accept(candidate=candidate, actor=lead)
    client.force_login(lead.user)
    return event, candidate, lead


def _url(name, event, **kwargs):
    return reverse(f"narratives:{name}", kwargs={"case_id": event.case_id, "event_id": event.pk, **kwargs})


def test_a_fact_is_corrected_and_what_it_said_before_is_kept(client, accepted):
    event, _candidate, lead = accepted

    response = client.post(_url("event_edit", event), {
        "category": "education", "summary": "Retained in the fourth grade (Lincoln Elementary).", "date": "2008-03",
        "subject": "client", "reason": "The report card is dated 2008.",
    })

    event.refresh_from_db()
    assert response.status_code == 302
    assert (event.summary, event.date, str(event.date_sort)) == (
        "Retained in the fourth grade (Lincoln Elementary).", "2008-03", "2008-03-01")
    (revision,) = EventRevision.objects.filter(event=event)
    assert revision.change == "edited" and revision.changed_by == lead.user
    assert revision.before["date"] == "2009-03" and revision.reason == "The report card is dated 2008."
    assert set(revision.changed_fields) == {"summary", "date"}
    page = client.get(_url("event_edit", event)).content.decode()
    assert "The report card is dated 2008." in page and "2009-03" in page
    assert AuditEntry.objects.filter(action="fact_changed", object_id=str(event.pk)).exists()


def test_an_unchanged_correction_records_nothing_and_a_bad_date_is_refused(client, accepted):
    event, _candidate, _lead = accepted
    same = {"category": "education", "summary": event.summary, "date": "2009-03", "subject": "client"}

    client.post(_url("event_edit", event), same)
    bad = client.post(_url("event_edit", event), {**same, "date": "2009-13-45"})

    assert bad.status_code == 400
    assert not EventRevision.objects.exists()


def test_a_fact_sent_back_to_the_queue_leaves_the_timeline_and_its_proposal_is_undecided(client, accepted):
    event, candidate, _lead = accepted
    event_id = event.pk

    response = client.post(_url("event_withdraw", event, how="unaccept"), {"reason": "Accepted by mistake."},
                           follow=True)

    candidate.refresh_from_db()
    assert not TimelineEvent.objects.filter(pk=event_id).exists()
    assert candidate.review_status == "pending" and candidate.reviewed_by is None
    assert "back in the review queue" in response.content.decode()
    (revision,) = EventRevision.objects.all()
    assert (revision.change, revision.event, revision.event_number) == ("unaccepted", None, event_id)
    assert "Accepted by mistake." in response.content.decode()  # the corrections page shows it
    queue = client.get(reverse("narratives:review_queue", kwargs={"case_id": event.case_id})).content.decode()
    assert f'id="candidate-{candidate.pk}"' in queue


def test_a_removed_fact_stays_decided_and_keeps_its_history(client, accepted):
    event, candidate, _lead = accepted

    client.post(_url("event_withdraw", event, how="remove"), {"reason": "About his cousin, not him."})

    candidate.refresh_from_db()
    assert not TimelineEvent.objects.exists()
    assert candidate.review_status == "accepted"  # re-extraction replaces only undecided proposals
    revision = EventRevision.objects.get()
    assert revision.change == "removed" and revision.before["summary"] == event.summary
    assert revision.before["sources"] == [f"{candidate.document.original_name}, p. 1"]


def test_a_fact_added_by_hand_cannot_go_back_to_a_queue_and_an_engagements_fact_stays_with_it():
    by_hand = TimelineEventFactory()
    engagement = EngagementFactory()
    lead = Actor(user=by_hand.case.created_by)

    with pytest.raises(ValidationError, match="added by hand"):
        event_unaccept(event=by_hand, actor=lead)
    with pytest.raises(ValidationError, match="service engagement"):
        event_remove(event=engagement.event, actor=Actor(user=engagement.case.created_by))
    assert TimelineEvent.objects.filter(pk=engagement.event_id).exists()


def test_an_advocate_cannot_correct_a_life_history_fact(client, accepted):
    event, _candidate, _lead = accepted
    client.force_login(MembershipFactory(case=event.case, role="advocate").user)

    assert client.get(_url("event_edit", event)).status_code == 403
    assert client.post(_url("event_withdraw", event, how="remove")).status_code == 403
    assert TimelineEvent.objects.filter(pk=event.pk).exists()


def test_a_rejection_is_undone_and_the_proposal_is_back_in_the_queue(client):
    candidate = EventCandidateFactory()
    case = candidate.document.case
    PageFactory(document=candidate.document, number=1)
    candidate_reject(candidate=candidate, actor=Actor(user=case.created_by))
    client.force_login(case.created_by)
    queue = reverse("narratives:review_queue", kwargs={"case_id": case.pk})

    listed = client.get(queue + "?status=rejected").content.decode()
    client.post(reverse("narratives:candidate_unreject", kwargs={"case_id": case.pk, "candidate_id": candidate.pk}))
    again = client.post(reverse("narratives:candidate_unreject", kwargs={"case_id": case.pk,
                                                                         "candidate_id": candidate.pk}), follow=True)

    assert f'id="rejected-{candidate.pk}"' in listed and "Undo reject" in listed
    candidate.refresh_from_db()
    assert candidate.review_status == "pending"
    assert "no longer rejected" in again.content.decode()
    assert AuditEntry.objects.filter(action="reject_undone").count() == 1


def test_merge_searches_every_fact_of_the_case_with_no_default(client):
    document = DocumentFactory()
    case = document.case
    PageFactory(document=document, number=1)
    candidate = EventCandidateFactory(document=document, category="education")
    other_category = TimelineEventFactory(case=case, category="employment", summary="Worked at the bakery.")
    client.force_login(case.created_by)

    page = client.get(reverse("narratives:review_queue", kwargs={"case_id": case.pk})).content.decode()
    merge_url = reverse("narratives:candidate_merge", kwargs={"case_id": case.pk, "candidate_id": candidate.pk})
    nothing = client.post(merge_url, {"event": ""}, follow=True).content.decode()
    client.post(merge_url, {"event": other_category.pk})

    assert f"no. {other_category.pk}" in page and "Worked at the bakery." in page  # any category is offered
    assert 'list="merge-targets"' in page and "<select" not in page.split('class="merge"')[1].split("</form>")[0]
    assert f'<label for="merge-{candidate.pk}">Same fact as</label>' in page
    assert "Choose the fact to merge the proposal into" in nothing
    candidate.refresh_from_db()
    assert candidate.review_status == "merged"
    assert other_category.sources.count() == 1


def test_many_proposals_are_accepted_or_rejected_at_once_and_one_decided_meanwhile_is_reported(client):
    document = DocumentFactory()
    case = document.case
    PageFactory(document=document, number=1)
    proposals = [EventCandidateFactory(document=document) for _ in range(4)]
    candidate_reject(candidate=proposals[3], actor=Actor(user=case.created_by))  # decided by someone else meanwhile
    client.force_login(case.created_by)
    url = reverse("narratives:candidate_bulk", kwargs={"case_id": case.pk})

    accepted = client.post(url, {"candidate": [p.pk for p in proposals[:2]] + [proposals[3].pk], "decision": "accept"},
                           follow=True).content.decode()
    rejected = client.post(url, {"candidate": [proposals[2].pk], "decision": "reject"}, follow=True).content.decode()
    nothing = client.post(url, {"decision": "accept"}, follow=True).content.decode()

    statuses = [EventCandidate.objects.get(pk=p.pk).review_status for p in proposals]
    assert statuses == ["accepted", "accepted", "rejected", "rejected"]
    assert "Accepted 2 proposals; 1 had already been decided by someone else." in accepted
    assert "Rejected 1 proposal." in rejected and "Tick the proposals" in nothing
    assert TimelineEvent.objects.filter(case=case).count() == 2


def test_an_advocates_bulk_accept_takes_the_engagements_and_leaves_the_life_history_for_others(client):
    document = DocumentFactory()
    case = document.case
    PageFactory(document=document, number=1)
    life = EventCandidateFactory(document=document)
    service = EventCandidateFactory(document=document, kind="service_engagement", category="education_services",
                                    status="active")
    client.force_login(MembershipFactory(case=case, role="advocate").user)

    response = client.post(reverse("narratives:candidate_bulk", kwargs={"case_id": case.pk}),
                           {"candidate": [life.pk, service.pk], "decision": "accept"}, follow=True)

    assert "Accepted 1 proposal; 1 is not yours to decide." in response.content.decode()
    assert [EventCandidate.objects.get(pk=c.pk).review_status for c in (life, service)] == ["pending", "accepted"]
