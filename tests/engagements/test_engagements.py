"""Engagements: dated status history, the log, the timeline event kept in step, and the three ways in."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.services import Actor
from engagements.models import CollateralFlag, Engagement
from engagements.selectors import attendance_of
from engagements.services import (
    EngagementDetails,
    client_goal_add,
    client_goal_move,
    client_goal_remove,
    collateral_flag_set,
    engagement_change_status,
    engagement_create,
    engagement_create_from_event,
    engagement_log_add,
    engagement_log_remove,
    engagement_update,
)
from narratives.models import TimelineEvent
from narratives.services import candidate_accept
from tests.factories import CaseFactory, DocumentFactory, EventCandidateFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)


def _treatment(case=None, **overrides):
    case = case or CaseFactory()
    details = {
        "service_type": "substance_use_treatment", "provider_name": "Crestline Recovery Services",
        "program": "intensive outpatient treatment", "referral_date": "2023-04-03", "start_date": "2023-04-10",
        **overrides,
    }
    return engagement_create(case=case, details=EngagementDetails(**details), status="active",
                             actor=Actor(user=case.created_by), today=TODAY)


def _history(engagement: Engagement) -> list[tuple[str, str, str]]:
    return [(c.status, c.date, c.reason) for c in engagement.status_changes.all()]


def test_status_changes_are_dated_steps_referred_enrolled_active_completed():
    case = CaseFactory()
    engagement = engagement_create(
        case=case,
        details=EngagementDetails(service_type="family_services", provider_name="Family Roots Center",
                                  program="the Fathers at the Table parenting program", referral_date="2023-05-30"),
        status="referred", actor=Actor(user=case.created_by), today=TODAY,
    )
    engagement_change_status(engagement=engagement, status="enrolled", date="2023-06-06", actor=Actor(user=case.created_by), today=TODAY)
    engagement_change_status(engagement=engagement, status="active", date="2023-06-13", actor=Actor(user=case.created_by), today=TODAY)
    engagement_change_status(engagement=engagement, status="completed", date="2023-08-22", actor=Actor(user=case.created_by), today=TODAY)

    engagement.refresh_from_db()
    assert _history(engagement) == [
        ("referred", "2023-05-30", ""), ("enrolled", "2023-06-06", ""), ("active", "2023-06-13", ""),
        ("completed", "2023-08-22", ""),
    ]
    assert engagement.status == "completed"
    assert (engagement.referral_date, engagement.start_date, engagement.end_date) == ("2023-05-30", "2023-06-06", "2023-08-22")
    event = engagement.event
    assert (event.kind, event.category, event.status) == ("service_engagement", "family_services", "completed")
    assert (event.date, event.date_end, event.date_sort) == ("2023-06-06", "2023-08-22", datetime.date(2023, 6, 6))
    assert event.summary == ("The Fathers at the Table parenting program at Family Roots Center: completed "
                             "(June 6, 2023 – August 22, 2023).")


def test_a_referral_date_before_the_first_status_puts_referred_first_in_the_history():
    engagement = _treatment()

    assert _history(engagement) == [("referred", "2023-04-03", ""), ("active", "2023-04-10", "")]
    assert engagement.event.summary == ("Intensive outpatient treatment at Crestline Recovery Services: active since "
                                        "April 10, 2023.")
    assert engagement.event.date_end == ""  # open: the timeline shows it as ongoing


def test_discontinued_needs_a_reason_and_keeps_it():
    engagement = _treatment()

    with pytest.raises(ValidationError, match="Say why"):
        engagement_change_status(engagement=engagement, status="discontinued", date="2023-07-01",
                                 actor=Actor(user=engagement.created_by), today=TODAY)
    engagement_change_status(engagement=engagement, status="discontinued", date="2023-07-01",
                             reason="Moved out of the county; referred to a clinic there.",
                             actor=Actor(user=engagement.created_by), today=TODAY)

    assert _history(engagement)[-1] == ("discontinued", "2023-07-01", "Moved out of the county; referred to a clinic there.")
    assert Engagement.objects.get(pk=engagement.pk).end_date == "2023-07-01"


@pytest.mark.parametrize(
    ("status", "date", "message"),
    [
        ("active", "2023-05-01", "already active"),
        ("completed", "2027-01-01", "cannot be dated in the future"),
        ("completed", "2023-04-01", "cannot be earlier"),
        ("completed", "", "Give the date"),
        ("completed", "2023-02-30", "Write the date"),
        ("finished", "2023-05-01", "Choose a status"),
    ],
)
def test_status_changes_that_are_refused(status, date, message):
    engagement = _treatment()

    with pytest.raises(ValidationError, match=message):
        engagement_change_status(engagement=engagement, status=status, date=date, actor=Actor(user=engagement.created_by),
                                 today=TODAY)
    assert engagement.status_changes.count() == 2


def test_details_are_checked_and_edits_reach_the_timeline():
    engagement = _treatment()

    with pytest.raises(ValidationError) as error:
        engagement_update(engagement=engagement, actor=Actor(user=engagement.created_by), today=TODAY,
                          details=EngagementDetails(service_type="substance_use_treatment", provider_name="Crestline",
                                                    start_date="2023-04-10", end_date="2023-03-01"))
    assert "end_date" in error.value.message_dict
    engagement_update(engagement=engagement, actor=Actor(user=engagement.created_by), today=TODAY,
                      details=EngagementDetails(service_type="substance_use_treatment", provider_name="Crestline East",
                                                program="outpatient treatment", start_date="2023-04-10"))

    event = TimelineEvent.objects.get(pk=engagement.event_id)
    assert event.provider == "Crestline East" and event.summary.startswith("Outpatient treatment at Crestline East")


def test_the_log_counts_sessions_and_refuses_the_future_a_second_session_and_before_the_start():
    engagement = _treatment()
    user = engagement.created_by
    for day, kind in [(11, "attended"), (12, "attended"), (13, "missed"), (14, "excused"), (17, "attended")]:
        engagement_log_add(engagement=engagement, date=datetime.date(2023, 4, day), kind=kind, actor=Actor(user=user), today=TODAY)
    engagement_log_add(engagement=engagement, date=datetime.date(2023, 4, 17), kind="contact", note="Called the counsellor.",
                       actor=Actor(user=user), today=TODAY)  # a contact on a session day is fine

    with pytest.raises(ValidationError, match="already logged"):
        engagement_log_add(engagement=engagement, date=datetime.date(2023, 4, 12), kind="missed", actor=Actor(user=user), today=TODAY)
    with pytest.raises(ValidationError, match="in the future"):
        engagement_log_add(engagement=engagement, date=TODAY + datetime.timedelta(days=1), kind="attended",
                           actor=Actor(user=user), today=TODAY)
    with pytest.raises(ValidationError, match="before the engagement began"):
        engagement_log_add(engagement=engagement, date=datetime.date(2023, 3, 1), kind="attended", actor=Actor(user=user),
                           today=TODAY)

    attendance = attendance_of(engagement=engagement)
    assert (attendance.attended, attendance.scheduled, attendance.excused) == (3, 4, 1)
    event = TimelineEvent.objects.get(pk=engagement.event_id)
    assert event.summary.endswith("attended 3 of 4 scheduled sessions between April 11, 2023 and April 17, 2023 "
                                  "(1 excused absence not counted).")

    engagement_log_remove(entry=engagement.log_entries.get(kind="missed"), actor=Actor(user=user))
    assert "attended 3 of 3" not in TimelineEvent.objects.get(pk=engagement.event_id).summary  # "all 3"
    assert "attended all 3 scheduled sessions" in TimelineEvent.objects.get(pk=engagement.event_id).summary


def test_the_event_keeps_consent_and_sources_when_the_engagement_changes():
    engagement = _treatment()
    event = engagement.event
    event.consent = "approved"
    event.save()

    engagement_log_add(engagement=engagement, date=datetime.date(2023, 4, 11), kind="attended",
                       actor=Actor(user=engagement.created_by), today=TODAY)

    event.refresh_from_db()
    assert event.consent == "approved" and "attended the one scheduled session" in event.summary


def test_an_accepted_proposal_of_an_engagement_becomes_an_engagement():
    document = DocumentFactory()
    candidate = EventCandidateFactory(
        document=document, kind="service_engagement", category="education_services", status="active",
        provider="Brennan Co. Adult Learning Ctr.", date="2023-05-15", date_end="",
        sentence="Brennan Co. Adult Learning Ctr. GED preparation Active 05/15/2023 --",
    )

    event = candidate_accept(candidate=candidate, actor=Actor(user=document.uploaded_by))

    engagement = event.engagement
    assert engagement.origin == Engagement.Origin.RECORD and not engagement.followed
    assert (engagement.service_type, engagement.status, engagement.start_date) == ("education_services", "active", "2023-05-15")
    assert engagement.provider_name == "Brennan Co. Adult Learning Ctr."
    assert _history(engagement) == [("active", "2023-05-15", "")]
    assert event.sources.count() == 1  # the record still cited
    assert "From the record: “Brennan Co. Adult Learning Ctr. GED preparation Active 05/15/2023 --”" in \
        TimelineEvent.objects.get(pk=event.pk).summary
    assert engagement_create_from_event(event=event, created_by=document.uploaded_by) == engagement  # once only


def test_a_recorded_completion_without_an_end_date_keeps_its_date_unknown():
    document = DocumentFactory()
    candidate = EventCandidateFactory(document=document, kind="service_engagement", category="family_services",
                                      status="completed", provider="Family Roots Center", date="2023-06-06")

    engagement = candidate_accept(candidate=candidate, actor=Actor(user=document.uploaded_by)).engagement

    assert _history(engagement) == [("completed", "", "")]


def test_a_life_event_proposal_makes_no_engagement():
    candidate = EventCandidateFactory()

    candidate_accept(candidate=candidate, actor=Actor(user=candidate.document.uploaded_by))

    assert not Engagement.objects.exists()


def test_goals_keep_a_priority_order():
    case = CaseFactory()
    first, second, third = (client_goal_add(case=case, text=t, actor=Actor(user=case.created_by))
                            for t in ["Stay in treatment.", "Keep my job.", "Finish my GED."])

    client_goal_move(goal=third, offset=-1, actor=Actor(user=third.created_by))
    client_goal_move(goal=third, offset=-1, actor=Actor(user=third.created_by))
    assert [g.text for g in case.goal_items.all()] == ["Finish my GED.", "Stay in treatment.", "Keep my job."]
    engagement = _treatment(case=case, client_goal_id=first.pk)
    client_goal_remove(goal=first, actor=Actor(user=first.created_by))

    assert [(g.priority, g.text) for g in case.goal_items.all()] == [(1, "Finish my GED."), (2, "Keep my job.")]
    assert Engagement.objects.get(pk=engagement.pk).client_goal is None


def test_an_engagement_cannot_serve_another_clients_goal():
    another_case = CaseFactory()
    other = client_goal_add(case=another_case, text="Not mine.", actor=Actor(user=another_case.created_by))

    with pytest.raises(ValidationError, match="not one of this client's goals"):
        _treatment(client_goal_id=other.pk)


def test_a_collateral_concern_can_make_its_referral():
    case = CaseFactory()

    flag = collateral_flag_set(case=case, concern="drivers_licence", status="referred", actor=Actor(user=case.created_by),
                               new_referral_provider="Brennan Legal Aid", share_in_narrative=True, today=TODAY)

    referral = flag.referral
    assert (referral.service_type, referral.status, referral.referral_date) == ("civil_legal_services", "referred", "2026-11-27")
    assert referral.program == "help with driver's licence"
    assert flag.raised_on == TODAY and flag.share_in_narrative


def test_a_referred_concern_needs_a_civil_legal_referral_of_the_case():
    case = CaseFactory()
    treatment = _treatment(case=case)

    with pytest.raises(ValidationError, match="Choose the referral"):
        collateral_flag_set(case=case, concern="immigration", status="referred", actor=Actor(user=case.created_by))
    with pytest.raises(ValidationError, match="civil legal services engagement of this case"):
        collateral_flag_set(case=case, concern="immigration", status="referred", referral=treatment,
                            actor=Actor(user=case.created_by))
    flag = collateral_flag_set(case=case, concern="immigration", status="raised", actor=Actor(user=case.created_by))
    again = collateral_flag_set(case=case, concern="immigration", status="resolved", actor=Actor(user=case.created_by))

    assert flag.pk == again.pk and CollateralFlag.objects.get().status == "resolved"


def test_events_accepted_before_engagements_existed_become_engagements():
    import importlib

    from django.apps import apps

    from tests.factories import TimelineEventFactory

    backfill = importlib.import_module("engagements.migrations.0002_engagements_from_accepted_events")
    event = TimelineEventFactory(kind="service_engagement", category="family_services", status="completed",
                                 provider="Family Roots Center", date="2023-06-06", date_end="2023-08-22",
                                 summary="Completed the Fathers at the Table program.")
    TimelineEventFactory()  # a life event: no engagement
    summary_before = event.summary

    backfill.forwards(apps, None)
    backfill.forwards(apps, None)  # twice: still one

    engagement = Engagement.objects.get()
    assert (engagement.event, engagement.origin, engagement.followed) == (event, "record", False)
    assert (engagement.start_date, engagement.end_date, engagement.status) == ("2023-06-06", "2023-08-22", "completed")
    assert _history(engagement) == [("completed", "2023-08-22", "")]
    assert TimelineEvent.objects.get(pk=event.pk).summary == summary_before
