"""The audit log's detail column names what an entry touched in words (people, records, proposals, facts, goals,
log entries, old and new values), on the page and in the CSV; the entries themselves keep ids only."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import Actor
from cases.services import case_create, case_member_remove, case_member_set
from engagements.services import client_goal_add, client_goal_move, engagement_log_add
from evidence.services import page_view
from narratives.services import candidate_accept, event_set_consent, narrative_create, section_save
from tests.factories import DocumentFactory, EngagementFactory, EventCandidateFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_case():
    """A case with one of each kind of entry whose detail names something by its id."""
    lead = UserFactory(username="alead", first_name="Avery", last_name="Lead")
    advocate = UserFactory(username="amoreno", first_name="Alex", last_name="Moreno")
    gone = UserFactory(username="pgone", first_name="Pat", last_name="Gone")
    actor = Actor(user=lead)
    case = case_create(actor=actor, creator_role="attorney", client_name="Jordan Q. Sample",
                       docket_number="24-CF-00417")
    case_member_set(case=case, user=advocate, role="advocate", actor=actor)
    membership = case_member_set(case=case, user=gone, role="mitigation_specialist", actor=actor)
    case_member_remove(membership=membership, actor=actor)
    document = DocumentFactory(case=case, original_name="school_records.pdf", uploaded_by=lead)
    PageFactory(document=document, number=1)
    page_view(document=document, number=1, actor=actor)
    candidate = EventCandidateFactory(document=document)
    event = candidate_accept(candidate=candidate, actor=actor)
    event_set_consent(event=event, consent="withheld", actor=actor)
    narrative = narrative_create(case=case, title="Mitigation", created_by=lead)
    section_save(section=narrative.sections.get(title="Introduction"), body="<p>He grew up here.</p>",
                 expected_version=0, actor=actor)
    client_goal_add(case=case, text="Keep my job.", actor=actor)
    goal = client_goal_add(case=case, text="Finish my GED.", actor=actor)
    client_goal_move(goal=goal, offset=-1, actor=actor)
    engagement = EngagementFactory(case=case, created_by=lead)
    engagement_log_add(engagement=engagement, date=datetime.date(2024, 5, 3), kind="attended", actor=actor,
                       today=datetime.date(2024, 6, 1))
    return case, lead, candidate


def test_the_page_names_people_records_proposals_facts_and_goals_in_words(client, logged_case):
    case, lead, candidate = logged_case
    client.force_login(lead)

    page = client.get(reverse("cases:case_audit", args=[case.pk])).content.decode()

    rows = page.split('id="audit-entries"')[1]
    assert "lead attorney: Avery Lead (alead)" in rows  # opened
    assert "added Alex Moreno (amoreno) as Advocate" in rows
    assert "removed Pat Gone (pgone)" in rows
    assert f"proposal no. {candidate.pk} (Education) in record “school_records.pdf”" in rows
    assert re.search(r"fact “[^”]+” \(Education\)", rows)  # by the summary the team accepted
    assert "consent: withheld" in rows
    assert "page 1" in rows and "record “school_records.pdf”" in rows
    assert "version 1" in rows and "section “Introduction” of “Mitigation”" in rows
    assert "goal “Finish my GED.”" in rows
    assert re.search(r"attended on 05/03/2024 at “[^”]+”", rows)
    # No detail is shown as a key and a bare id any more.
    details = re.findall(r'<td class="small muted">(.*?)</td>', rows)
    assert details and not [d for d in details if re.search(r"\b(candidate|lead|added|removed|goal|entry): \[?\d", d)]


def test_the_csv_has_the_same_words_and_keeps_the_detail_as_recorded(client, logged_case):
    case, lead, candidate = logged_case
    client.force_login(lead)

    exported = client.get(reverse("cases:case_audit_csv", args=[case.pk]))

    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    accepted = next(row for row in rows if row["Action"] == "event_accepted")
    assert accepted["Detail"] == f"proposal no. {candidate.pk} (Education) in record “school_records.pdf”"
    assert json.loads(accepted["Detail as recorded"]) == {"candidate": candidate.pk}
    added = next(row for row in rows if row["Action"] == "team_changed")
    assert added["Detail"] == "added Alex Moreno (amoreno) as Advocate"


def test_an_object_since_removed_keeps_its_kind_and_number(client, logged_case):
    from extraction.models import EventCandidate

    case, lead, candidate = logged_case
    EventCandidate.objects.filter(pk=candidate.pk).delete()
    client.force_login(lead)

    page = client.get(reverse("cases:case_audit", args=[case.pk])).content.decode()

    assert f"proposal no. {candidate.pk} (since removed)" in page


def test_a_destroyed_cases_entry_reads_in_words():
    from cases.selectors import audit_detail_words

    entry = AuditEntry.objects.create(
        action="case_destroyed", case_id=99, username="retention schedule",
        detail={"docket_number": "24-CF-00417", "archived_by": "alead", "archived_at": "2026-01-05T15:00:00+00:00",
                "destroy_after": "2026-12-01", "deleted": {"records": 2, "pages": 7, "stored files": 4}},
    )

    words = audit_detail_words([entry])[entry.pk]

    assert words == ("No. 24-CF-00417; archived by alead on January 5, 2026 10:00; to be destroyed after "
                     "December 1, 2026; deleted: 2 records, 7 pages, 4 stored files")
