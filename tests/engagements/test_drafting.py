"""'What the client is doing now': each approved engagement is one sentence, with the numbers from its logged rows
and the citations of its event's sources."""

from __future__ import annotations

import datetime
import re

import pytest

from audit.services import Actor
from engagements.services import (
    EngagementDetails,
    client_goal_add,
    client_preference_set,
    collateral_flag_set,
    engagement_attach_evidence,
    engagement_create,
    engagement_log_add,
)
from engagements.wording import EngagementFact, engagement_sentence
from narratives.models import Consent, NarrativeSection
from narratives.richtext import cited_event_ids
from narratives.services import candidate_accept, event_set_consent, narrative_create, section_assemble_draft
from tests.factories import CaseFactory, DocumentFactory, EventCandidateFactory

TODAY = datetime.date(2026, 11, 27)
SIGNED = datetime.date(2024, 5, 6)  # when the memorandum is drafted: the 2023 programme ended within 24 months


def _fact(**overrides) -> EngagementFact:
    values = {"client": "Mr. Ashby", "pronoun": "he", "what": "outpatient treatment",
              "provider": "Crestline Recovery Services", "status": "active", "start_date": "2023-04-10"}
    return EngagementFact(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"attendance": "attended 24 of 26 scheduled sessions"},
         "Since April 10, 2023, Mr. Ashby has been enrolled in outpatient treatment at Crestline Recovery Services "
         "(active); he attended 24 of 26 scheduled sessions."),
        ({"status": "enrolled", "start_date": "2023-04"},
         "Since April 2023, Mr. Ashby has been enrolled in outpatient treatment at Crestline Recovery Services."),
        ({"status": "completed", "end_date": "2023-10-06", "pronoun": "she", "client": "Ms. Ruiz",
          "attendance": "attended all 12 scheduled sessions"},
         "From April 10, 2023 to October 6, 2023, Ms. Ruiz was enrolled in outpatient treatment at Crestline Recovery "
         "Services (completed); she attended all 12 scheduled sessions."),
        ({"status": "discontinued", "start_date": "", "end_date": "2023-07-01"},
         "Until July 1, 2023, Mr. Ashby was enrolled in outpatient treatment at Crestline Recovery Services "
         "(discontinued)."),
        ({"status": "referred", "start_date": "", "referral_date": "2023-09-18", "what": "driver's licence reinstatement",
          "provider": "Brennan Legal Aid", "concerns": ("driver's licence",)},
         "On September 18, 2023, Mr. Ashby was referred to Brennan Legal Aid for driver's licence reinstatement "
         "(referral pending). This referral addresses a concern raised with him about his driver's licence."),
        ({"status": "referred", "start_date": "", "referral_date": "2023-09"},
         "In September 2023, Mr. Ashby was referred to Crestline Recovery Services for outpatient treatment "
         "(referral pending)."),
        ({"pronoun": "they", "client": "", "goal": "Stay in treatment.", "provider": "Eastgate Ctr."},
         "Since April 10, 2023, the client has been enrolled in outpatient treatment at Eastgate Ctr. (active). "
         "It serves a goal they set: “Stay in treatment.”"),
        ({"status": "active", "start_date": "2027-01-04"},
         "Mr. Ashby is enrolled in outpatient treatment at Crestline Recovery Services, starting January 4, 2027 (active)."),
        ({"status": "", "start_date": "2019", "end_date": "", "provider": ""},
         "Mr. Ashby took part in outpatient treatment (2019)."),
    ],
)
def test_engagement_sentences(overrides, expected):
    assert engagement_sentence(_fact(**overrides), today=TODAY) == expected


@pytest.fixture
def section(db):
    case = CaseFactory(client_name="Devon Michael Ashby")
    narrative = narrative_create(case=case, title="Mitigation", created_by=case.created_by)
    return narrative.sections.get(title="What the client is doing now")


def _parenting(case, **overrides):
    details = {"service_type": "family_services", "provider_name": "Family Roots Center",
               "program": "the Fathers at the Table parenting program", "start_date": "2023-06-06",
               "end_date": "2023-08-22", **overrides}
    return engagement_create(case=case, details=EngagementDetails(**details), status="completed",
                             actor=Actor(user=case.created_by), today=TODAY)


@pytest.mark.django_db
def test_the_drafted_paragraph_counts_logged_sessions_only_with_the_attendance_sheet_it_cites(section):
    case = section.narrative.case
    client_preference_set(case=case, name_in_court="Mr. Ashby", pronoun="he", actor=Actor(user=case.created_by))
    goal = client_goal_add(case=case, text="Be there for my daughter.", actor=Actor(user=case.created_by))
    engagement = _parenting(case, client_goal_id=goal.pk)
    for week, kind in enumerate(["attended"] * 10 + ["excused", "missed"]):
        engagement_log_add(engagement=engagement, date=datetime.date(2023, 6, 6) + datetime.timedelta(weeks=week),
                           kind=kind, actor=Actor(user=case.created_by), today=TODAY)
    certificate = DocumentFactory(case=case, original_name="family_roots_certificate.pdf")
    engagement_attach_evidence(engagement=engagement, kind="certificate", actor=Actor(user=case.created_by), document=certificate)
    event_set_consent(event=engagement.event, consent=Consent.APPROVED, actor=Actor(user=case.created_by))
    without_sheet = section_assemble_draft(section=section, actor=Actor(user=case.created_by), today=SIGNED)
    assert "attended" not in without_sheet.body  # a certificate does not hold the attendance: no figure cited to it
    sheet = DocumentFactory(case=case, original_name="family_roots_attendance.pdf")
    engagement_attach_evidence(engagement=engagement, kind="attendance_sheet", actor=Actor(user=case.created_by),
                               document=sheet)
    section.refresh_from_db()

    body = section_assemble_draft(section=section, actor=Actor(user=case.created_by), today=SIGNED).body

    assert body.startswith(
        "<p>Today Mr. Ashby is working with 1 programme and provider. From June 6, 2023 to August 22, 2023, Mr. Ashby was enrolled in the Fathers at the Table parenting "
        "program at Family Roots Center (completed); he attended 10 of 11 scheduled sessions between June 6, 2023 "
        "and August 22, 2023 (1 excused absence not counted). It serves a goal he set: “Be there for my daughter.” "
    )
    assert cited_event_ids(body) == [engagement.event_id]
    link = re.search(r'<a class="citation" data-event="(\d+)" href="([^"]+)"[^>]*>([^<]+)</a>', body)
    assert link.group(1) == str(engagement.event_id)
    assert link.group(2).endswith(f"/timeline/events/{engagement.event_id}/")
    assert link.group(3) == "(family_roots_certificate.pdf, p. 1; family_roots_attendance.pdf, p. 1)"


@pytest.mark.django_db
def test_only_engagements_the_client_approved_are_drafted(section):
    case = section.narrative.case
    approved = _parenting(case)
    _parenting(case, program="anger management classes", provider_name="Eastside Counseling")  # not yet discussed
    withheld = _parenting(case, program="a batterers' intervention programme", provider_name="Northside")
    event_set_consent(event=approved.event, consent=Consent.APPROVED, actor=Actor(user=case.created_by))
    event_set_consent(event=withheld.event, consent=Consent.WITHHELD, actor=Actor(user=case.created_by))

    body = section_assemble_draft(section=section, actor=Actor(user=case.created_by), today=SIGNED).body

    assert "Fathers at the Table" in body
    assert "anger management" not in body and "intervention" not in body
    assert cited_event_ids(body) == [approved.event_id]


@pytest.mark.django_db
def test_collateral_concerns_go_in_only_by_choice(section):
    case = section.narrative.case
    client_preference_set(case=case, name_in_court="Mr. Ashby", pronoun="he", actor=Actor(user=case.created_by))
    flag = collateral_flag_set(case=case, concern="drivers_licence", status="referred", actor=Actor(user=case.created_by),
                               new_referral_provider="Brennan Legal Aid", share_in_narrative=True, today=TODAY)
    collateral_flag_set(case=case, concern="housing", status="raised", actor=Actor(user=case.created_by),
                        share_in_narrative=True)
    collateral_flag_set(case=case, concern="immigration", status="raised", actor=Actor(user=case.created_by))  # not shared
    event_set_consent(event=flag.referral.event, consent=Consent.APPROVED, actor=Actor(user=case.created_by))

    body = section_assemble_draft(section=section, actor=Actor(user=case.created_by)).body

    assert "for help with driver's licence (referral pending). This referral addresses a concern raised with him " \
           "about his driver's licence." in body
    # the closing note ends the section's last paragraph: no paragraph of the draft goes uncited
    assert body.endswith(" Mr. Ashby has also raised concerns about how a conviction would affect his housing.</p>")
    assert "immigration" not in body


@pytest.mark.django_db
def test_a_record_engagement_nobody_has_worked_on_is_told_from_the_records_sentence(section):
    case = section.narrative.case
    document = DocumentFactory(case=case)
    candidate = EventCandidateFactory(
        document=document, kind="service_engagement", category="mental_health_treatment", status="referred",
        provider="Brennan Child Guidance Clinic", date="2001-02", date_end="2001-06",
        sentence="Devon was referred to the Brennan Child Guidance Clinic and attended weekly play therapy.",
    )
    event = candidate_accept(candidate=candidate, actor=Actor(user=case.created_by))
    event_set_consent(event=event, consent=Consent.APPROVED, actor=Actor(user=case.created_by))

    body = NarrativeSection.objects.get(pk=section_assemble_draft(section=section, actor=Actor(user=case.created_by)).pk).body

    assert "From February 2001 to June 2001, Devon Michael Ashby was referred to the Brennan Child Guidance Clinic " \
           "and attended weekly play therapy." in body
    assert "referral pending" not in body
