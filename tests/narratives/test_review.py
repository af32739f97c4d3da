"""Review: nothing reaches the timeline until a person accepts it; accepted work keeps its sources."""

from __future__ import annotations

import pytest
from django.urls import reverse

from narratives.models import TimelineEvent
from tests.factories import (
    DocumentFactory,
    EventCandidateFactory,
    MembershipFactory,
    PageFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(client):
    document = DocumentFactory()
    PageFactory(document=document, number=1, text="In March 2009 he was retained in the fourth grade. More text.")
    membership = MembershipFactory(case=document.case)
    client.force_login(membership.user)
    return document, membership.user


def _post(client, name, candidate, **data):
    url = reverse(f"narratives:{name}", kwargs={"case_id": candidate.document.case_id, "candidate_id": candidate.pk})
    return client.post(url, data)


def test_queue_shows_pending_proposals_with_their_span_highlighted(client, reviewer):
    document, _user = reviewer
    candidate = EventCandidateFactory(document=document)
    EventCandidateFactory(document=document, review_status="rejected", sentence="SHOULD NOT SHOW")

    page = client.get(reverse("narratives:review_queue", kwargs={"case_id": document.case_id})).content.decode()

    assert "<mark>retained in the fourth grade</mark>" in page
    assert f'id="candidate-{candidate.pk}"' in page
    assert "SHOULD NOT SHOW" not in page
    assert "1 waiting" in page


def test_accept_puts_the_fact_on_the_timeline_with_its_source(client, reviewer):
    document, user = reviewer
    candidate = EventCandidateFactory(document=document)

    response = _post(client, "candidate_accept", candidate, next="")

    candidate.refresh_from_db()
    event = TimelineEvent.objects.get()
    assert response.status_code == 302
    assert candidate.review_status == "accepted" and candidate.reviewed_by == user
    assert list(event.candidates.all()) == [candidate]  # the event keeps where the review found it
    assert (event.category, event.date, str(event.date_sort)) == ("education", "2009-03", "2009-03-01")
    source = event.sources.get()
    assert (source.document, source.page_number, source.quote) == (document, 1, "retained in the fourth grade")


def test_reject_keeps_the_proposal_off_the_timeline(client, reviewer):
    document, _user = reviewer
    candidate = EventCandidateFactory(document=document)

    _post(client, "candidate_reject", candidate)

    candidate.refresh_from_db()
    assert candidate.review_status == "rejected"
    assert not TimelineEvent.objects.exists()


def test_edit_then_accept_stores_the_reviewers_version(client, reviewer):
    document, _user = reviewer
    candidate = EventCandidateFactory(document=document)

    response = _post(
        client, "candidate_edit", candidate,
        category="education", summary="Held back in fourth grade.", date="2009", date_end="", subject="client",
        status="", provider="", age="",
    )

    assert response.status_code == 302
    event = TimelineEvent.objects.get()
    assert (event.summary, event.date) == ("Held back in fourth grade.", "2009")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("date", "2091-01-01", "in the future"), ("date", "March 2009", "YYYY"), ("date", "1901", "decades before")],
)
def test_edit_refuses_impossible_dates(client, reviewer, field, value, message):
    document, _user = reviewer
    candidate = EventCandidateFactory(document=document)
    data = {"category": "education", "summary": "x", "date": "", "date_end": "", "subject": "client"}

    response = _post(client, "candidate_edit", candidate, **{**data, field: value})

    assert response.status_code == 400 and message in response.content.decode()
    assert not TimelineEvent.objects.exists()


def test_merge_makes_one_event_with_two_sources(client, reviewer):
    document, _user = reviewer
    other_record = DocumentFactory(case=document.case, content=b"another record", sha256="b" * 64)
    first = EventCandidateFactory(document=document)
    second = EventCandidateFactory(document=other_record, start=0, end=7, page_start=0, page_end=7, evidence="another")
    _post(client, "candidate_accept", first)
    event = TimelineEvent.objects.get()

    _post(client, "candidate_merge", second, event=event.pk)

    second.refresh_from_db()
    assert second.review_status == "merged"
    assert sorted(c.pk for c in event.candidates.all()) == sorted([first.pk, second.pk])
    assert TimelineEvent.objects.count() == 1
    assert sorted(s.document_id for s in event.sources.all()) == sorted([document.pk, other_record.pk])


def test_ids_from_another_case_are_refused(client, reviewer):
    document, _user = reviewer
    foreign = EventCandidateFactory()  # another case's proposal
    mine = EventCandidateFactory(document=document)
    foreign_event = TimelineEventFactory()  # another case's event

    url = reverse("narratives:candidate_accept", kwargs={"case_id": document.case_id, "candidate_id": foreign.pk})
    assert client.post(url).status_code == 404
    _post(client, "candidate_merge", mine, event=foreign_event.pk)

    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert mine.review_status == foreign.review_status == "pending"
    assert foreign_event.sources.count() == 0


def test_a_proposal_reviewed_twice_is_reported_not_duplicated(client, reviewer):
    document, _user = reviewer
    candidate = EventCandidateFactory(document=document)
    _post(client, "candidate_accept", candidate)

    response = client.post(
        reverse("narratives:candidate_accept", kwargs={"case_id": document.case_id, "candidate_id": candidate.pk}),
        follow=True,
    )

    assert "already reviewed" in response.content.decode()
    assert TimelineEvent.objects.count() == 1


def test_add_an_event_by_hand_from_selected_page_text(client, reviewer):
    document, _user = reviewer
    url = reverse("narratives:event_add_from_page", kwargs={"case_id": document.case_id, "document_id": document.pk, "number": 1})

    form = client.get(url + "?start=21&end=49")
    response = client.post(url, {"start": 21, "end": 49, "category": "education", "summary": "Retained.",
                                 "date": "2009-03", "subject": "client"})

    assert "retained in the fourth grade" in form.content.decode()
    assert response.status_code == 302
    source = TimelineEvent.objects.get().sources.get()
    assert (source.start, source.end, source.quote) == (21, 49, "retained in the fourth grade")


def test_add_an_event_with_a_span_off_the_page_is_refused(client, reviewer):
    document, _user = reviewer
    url = reverse("narratives:event_add_from_page", kwargs={"case_id": document.case_id, "document_id": document.pk, "number": 1})

    response = client.post(url, {"start": 5, "end": 99999, "category": "education", "summary": "x", "subject": "client"}, follow=True)

    assert "Select the words" in response.content.decode()
    assert not TimelineEvent.objects.exists()


def test_timeline_shows_accepted_events_in_date_order_with_undated_last(client, reviewer):
    document, _user = reviewer
    TimelineEventFactory(case=document.case, summary="UNDATED FACT", date="", date_sort=None)
    TimelineEventFactory(case=document.case, summary="LATER FACT", date="2015", date_sort="2015-01-01")
    TimelineEventFactory(case=document.case, summary="EARLIER FACT", date="2001-05", date_sort="2001-05-01")

    page = client.get(reverse("narratives:timeline", kwargs={"case_id": document.case_id})).content.decode()

    assert page.index("EARLIER FACT") < page.index("LATER FACT") < page.index("UNDATED FACT")
    assert "May 2001" in page and "undated" in page


def _queue(client, document, **params) -> str:
    url = reverse("narratives:review_queue", kwargs={"case_id": document.case_id})
    return client.get(url, params).content.decode()


def test_proposals_show_their_confidence_in_words_and_their_cue(client, reviewer):
    document, _user = reviewer
    EventCandidateFactory(document=document, confidence=0.93, cue="retained")

    page = _queue(client, document)

    assert "likely · cue “retained”" in page
    assert "0.93" in page  # the probability itself stays one hover away


def test_the_queue_shows_down_to_the_models_threshold_and_a_reviewer_can_look_lower(client, reviewer):
    from extraction.confidence import LIKELY, default_threshold

    document, _user = reviewer
    likely = EventCandidateFactory(document=document, confidence=LIKELY + 0.05)
    possible = EventCandidateFactory(document=document, confidence=default_threshold() + 0.01)
    unlikely = EventCandidateFactory(document=document, confidence=default_threshold() - 0.05)

    default = _queue(client, document)
    assert f'id="candidate-{likely.pk}"' in default and f'id="candidate-{possible.pk}"' in default
    assert f'id="candidate-{unlikely.pk}"' not in default
    assert "(+1 below the threshold)" in default

    only_likely = _queue(client, document, show="likely")
    assert f'id="candidate-{possible.pk}"' not in only_likely and f'id="candidate-{likely.pk}"' in only_likely

    everything = _queue(client, document, show="unlikely")
    assert all(f'id="candidate-{c.pk}"' in everything for c in (likely, possible, unlikely))
    # the choice is remembered while the reviewer works through the queue
    assert f'id="candidate-{unlikely.pk}"' in _queue(client, document)


def test_the_queue_can_put_the_surest_first(client, reviewer):
    document, _user = reviewer
    early_unsure = EventCandidateFactory(document=document, confidence=0.55, start=1, end=10, page_start=1, page_end=10)
    late_sure = EventCandidateFactory(document=document, confidence=0.97)

    by_position = _queue(client, document)
    surest_first = _queue(client, document, order="confidence")

    assert by_position.index(f"candidate-{early_unsure.pk}") < by_position.index(f"candidate-{late_sure.pk}")
    assert surest_first.index(f"candidate-{late_sure.pk}") < surest_first.index(f"candidate-{early_unsure.pk}")
