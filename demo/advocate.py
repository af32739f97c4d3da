"""The demo Advocate's work on the demo case (all fictional): goals, followed engagements with recent contacts,
a referral and collateral concerns, entered through the same services (and audit) as the Advocate's own pages.
Used by `load_demo --now`; running it twice changes nothing.

The records stop in October 2023; the Advocate's contacts are dated relative to today, as if the case were
still going on, so that the dashboard shows what it would on a working day: one engagement with no contact
for six weeks, referrals waiting, a stay that ends soon."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import Actor
from cases.models import Case
from engagements.models import CollateralFlag, Engagement
from engagements.services import (
    EngagementDetails,
    client_goal_add,
    client_preference_set,
    collateral_flag_set,
    engagement_attach_evidence,
    engagement_create,
    engagement_log_add,
    engagement_set_followed,
    engagement_update,
)
from narratives.models import Consent
from narratives.services import event_set_consent

GOALS = ["Stay in treatment.", "Keep my job at the bakery.", "Be there for my daughter.", "Finish my GED."]

# (provider, service type) of engagements the sample records state -> what the Advocate adds:
# programme, goal (index into GOALS), next step, planned end (days from today), contacts and sessions
# ((days ago, kind, note), ...).
FOLLOWED = {
    ("Bridgeway Advocacy Partners", "case_management"): {
        "program": "case management and advocacy",
        "log": [(3, "contact", "Weekly check-in at the office."), (10, "contact", "Weekly check-in by phone."),
                (17, "contact", "Weekly check-in at the office."), (24, "contact", "Weekly check-in at the office.")],
    },
    ("Crestline Recovery Services", "mental_health_treatment"): {
        "program": "psychiatric medication management", "goal": 0,
        "next_step": "Monthly appointment with the psychiatrist; bring the medication list.",
        "log": [(12, "attended", ""), (40, "attended", ""), (70, "excused", "Court date; rescheduled."),
                (100, "attended", ""), (131, "attended", ""), (160, "missed", "Bus did not come; called the clinic."),
                (190, "attended", "")],
    },
    ("Brennan Co. Adult Learning Ctr.", "education_services"): {
        "program": "GED preparation classes", "goal": 3, "provider_client_id": "ALC-23-1187",
        "next_step": "Take the Reasoning Through Language Arts test.", "next_step_days": 12,
        "log": [(8, "contact", "Spoke with the instructor, Ms. Whitlow: on track for the test.")],
    },
    ("Hearthstone Transitional Housing", "housing_assistance"): {
        "program": "transitional housing", "end_days": 21,
        "next_step": "Meet the housing navigator about an apartment before the stay ends.", "next_step_days": 7,
        "log": [(6, "contact", "House meeting; rent contribution paid.")],
    },
    ("Arden Dept. of Human Services", "benefits_assistance"): {
        "program": "Medicaid application assistance", "end_date": "2023-04-19", "log": [],
    },
    ("Eastgate Community Health Ctr.", "medical_care"): {
        "program": "primary care for asthma",
        "log": [(41, "contact", "Missed the follow-up visit; asked him to call the clinic.")],
    },
    ("WorkReady Brennan", "employment_services"): {"program": "a job readiness program", "goal": 1, "log": []},
    ("Brennan Legal Aid", "civil_legal_services"): {"program": "driver's licence reinstatement", "log": []},
}


@transaction.atomic
def demo_advocate_work(
    *, case: Case, advocate: Actor, consent_recorder: Actor, today: datetime.date | None = None
) -> bool:
    """Record the demo Advocate's work once; returns False when it was already there. The client's consent is
    recorded by `consent_recorder` (an attorney or specialist: an Advocate does not record consent)."""
    if case.goal_items.exists():
        return False
    today = today or timezone.localdate()
    goals = [client_goal_add(case=case, text=text, actor=advocate) for text in GOALS]
    client_preference_set(case=case, name_in_court="Mr. Ashby", pronoun="he", actor=advocate)
    legal_aid = None
    for (provider, service_type), plan in FOLLOWED.items():
        engagement = (
            case.engagements.filter(provider_name=provider, service_type=service_type, origin=Engagement.Origin.RECORD)
            .order_by("pk").first()
        )
        if engagement is None:
            # the review did not turn it into an engagement (proposals are a model's reading): the Advocate,
            # who works with this provider, enters it herself, as she would in the office
            engagement = engagement_create(
                case=case,
                details=EngagementDetails(service_type=service_type, provider_name=provider, program=plan["program"]),
                status="active",
                actor=advocate,
                today=today,
            )
            # and attaches the provider's own record, so the memorandum can cite what it says about him
            record = case.documents.filter(source=provider).order_by("pk").first()
            if record is not None:
                engagement_attach_evidence(engagement=engagement, kind="enrolment_letter", actor=advocate,
                                           document=record)
        engagement_set_followed(engagement=engagement, followed=True, actor=advocate)
        next_days = plan.get("next_step_days")
        end_days = plan.get("end_days")
        engagement = engagement_update(
            engagement=engagement,
            details=EngagementDetails(
                service_type=service_type, provider_name=provider, program=plan["program"],
                provider_client_id=plan.get("provider_client_id", ""), referral_date=engagement.referral_date,
                start_date=engagement.start_date,
                end_date=(today + datetime.timedelta(days=end_days)).isoformat() if end_days
                else plan.get("end_date", engagement.end_date),
                referred_by="Nadia Farrow (Advocate)",
                client_goal_id=goals[plan["goal"]].pk if "goal" in plan else None,
                next_step=plan.get("next_step", ""),
                next_step_due=today + datetime.timedelta(days=next_days) if next_days else None,
            ),
            actor=advocate,
            today=today,
        )
        # Gone through with the client: current services are facts he wants the court to hear.
        event_set_consent(event=engagement.event, consent=Consent.APPROVED, actor=consent_recorder)
        for days_ago, kind, note in plan["log"]:
            engagement_log_add(engagement=engagement, date=today - datetime.timedelta(days=days_ago), kind=kind,
                               note=note, actor=advocate, today=today)
        if service_type == "civil_legal_services":
            legal_aid = engagement
    if legal_aid is not None:
        collateral_flag_set(
            case=case, concern=CollateralFlag.Concern.DRIVERS_LICENCE, status=CollateralFlag.Status.REFERRED,
            referral=legal_aid, share_in_narrative=True, actor=advocate, today=today,
            note="Suspended for unpaid fines; he needs it to get to work and to his daughter's school.",
        )
    child_support = engagement_create(
        case=case,
        details=EngagementDetails(
            service_type="civil_legal_services", provider_name="Brennan Legal Aid",
            program="a child-support modification", provider_contact="Family Law Unit, (555) 014-3300",
            referral_date=(today - datetime.timedelta(days=20)).isoformat(), referred_by="Nadia Farrow (Advocate)",
            client_goal_id=goals[2].pk, next_step="Bring the support order and two pay stubs to the intake appointment.",
        ),
        status="referred",
        actor=advocate,
        today=today,
    )
    collateral_flag_set(
        case=case, concern=CollateralFlag.Concern.FAMILY_COURT, status=CollateralFlag.Status.REFERRED,
        referral=child_support, actor=advocate, today=today,
        note="Support order set while he was working full time; he wants to keep paying and keep his visits.",
    )
    collateral_flag_set(
        case=case, concern=CollateralFlag.Concern.HOUSING, status=CollateralFlag.Status.RAISED,
        actor=advocate, today=today,
        note="Asked whether a conviction would bar him from public housing after the transitional stay.",
    )
    return True
