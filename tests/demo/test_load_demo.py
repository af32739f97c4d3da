from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEntry
from cases.models import Case, CaseMembership
from evidence.models import Document, Page
from extraction.models import EventCandidate
from narratives.models import (
    Consent,
    EventSource,
    Narrative,
    NarrativeSection,
    SectionVersion,
    TimelineEvent,
)
from narratives.richtext import cited_event_ids


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(settings, sent_tasks, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    counts = (Case.objects.count(), CaseMembership.objects.count(), Document.objects.count())
    queued = len(sent_tasks)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")

    assert counts == (1, 4, 10)
    assert (Case.objects.count(), CaseMembership.objects.count(), Document.objects.count()) == counts
    assert queued == 10 and len(sent_tasks) == 10  # nothing queued twice
    roles = set(CaseMembership.objects.values_list("role", flat=True))
    assert roles == {"attorney", "mitigation_specialist", "advocate", "supervisor"}


@pytest.mark.django_db
def test_load_demo_now_reads_reviews_and_drafts_and_twice_changes_nothing(settings):
    call_command("load_demo", "--now", "--allow-in-production")
    counts = (TimelineEvent.objects.count(), EventSource.objects.count(), NarrativeSection.objects.count(),
              SectionVersion.objects.count(), AuditEntry.objects.count())

    call_command("load_demo", "--now", "--allow-in-production")

    assert set(Document.objects.values_list("status", flat=True)) == {Document.Status.READY}
    assert Page.objects.filter(ocr_used=True).count() == 2
    assert counts[0] > 60 and counts[1] > counts[0]  # some facts merged from several records
    assert TimelineEvent.objects.filter(consent=Consent.WITHHELD).count() == 1
    # every record reviewed: the bakery job is on the timeline, and no fact waits outside the memorandum
    assert not EventCandidate.objects.pending().exists()
    assert TimelineEvent.objects.filter(sources__document__original_name="A07_employment_letter.docx").exists()
    assert Narrative.objects.count() == 1
    early = NarrativeSection.objects.get(title="Early childhood and family")
    assert cited_event_ids(early.body) and early.version == 1
    assert (TimelineEvent.objects.count(), EventSource.objects.count(), NarrativeSection.objects.count(),
            SectionVersion.objects.count(), AuditEntry.objects.count()) == counts


@pytest.mark.django_db
def test_load_demo_is_audited_like_work_in_the_browser():
    """The demo goes through the same services as the pages, so the audit log tells who did what in it."""
    call_command("load_demo", "--now", "--allow-in-production")

    case = Case.objects.get()
    entries = AuditEntry.objects.filter(case_id=case.pk)
    by_action = {action: set(entries.filter(action=action).values_list("username", flat=True))
                 for action in entries.values_list("action", flat=True).distinct()}
    assert by_action["case_opened"] == {"attorney"}
    assert by_action["record_uploaded"] == {"specialist"} and entries.filter(action="record_uploaded").count() == 10
    assert {"event_accepted", "event_merged", "event_rejected", "consent_changed"} <= set(by_action)
    assert by_action["event_accepted"] == {"specialist"}
    assert by_action["engagement_changed"] == {"advocate"} and by_action["client_goals_changed"] == {"advocate"}
    assert by_action["narrative_saved"] == {"specialist", "attorney"}  # the attorney wrote the frame
    assert entries.filter(action="event_accepted").count() == EventCandidate.objects.filter(review_status="accepted").count()
    assert not entries.exclude(ip_address=None).exists()  # nobody was at a browser


@pytest.mark.django_db
def test_load_demo_refuses_in_production_without_the_flag(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="published password"):
        call_command("load_demo")
