"""Reads of the engagements app: lists, attendance, the Advocate's dashboard, the client summary, and what the
narrative may say about engagements."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_list_for_user
from common.dates import parse_partial_date
from engagements.attendance import Attendance, attendance_from
from engagements.models import (
    OPEN_STATUSES,
    ClientGoal,
    ClientPreference,
    CollateralFlag,
    Engagement,
    EngagementEvidence,
    EngagementLogEntry,
)
from engagements.wording import EngagementFact, collateral_note
from narratives.models import Consent, TimelineEvent

STALE_AFTER_DAYS = 30  # an engagement with no contact or session logged for this long needs a call
REFERRAL_WAIT_DAYS = 14  # a referral not enrolled after this long needs following up
UPCOMING_DAYS = 30  # end dates this close are shown as coming up

CONCERN_WORDS = {
    # how a concern reads after a possessive pronoun in the narrative ("his driver's licence")
    CollateralFlag.Concern.IMMIGRATION: "immigration status",
    CollateralFlag.Concern.FAMILY_COURT: "family court and custody matters",
    CollateralFlag.Concern.HOUSING: "housing",
    CollateralFlag.Concern.PUBLIC_BENEFITS: "public benefits",
    CollateralFlag.Concern.EMPLOYMENT_LICENSING: "employment licensing",
    CollateralFlag.Concern.DRIVERS_LICENCE: "driver's licence",
}


def engagement_list(*, case: Case) -> QuerySet[Engagement]:
    """The case's engagements with what their rows show (event, goal, log, evidence) loaded."""
    return case.engagements.select_related("event", "client_goal").prefetch_related(
        Prefetch("log_entries", queryset=EngagementLogEntry.objects.order_by("-date", "-pk")),
        "evidence__document",
        "status_changes",
    )


def client_goal_list(*, case: Case) -> QuerySet[ClientGoal]:
    return case.goal_items.order_by("priority", "pk")


def client_preference_of(*, case: Case) -> ClientPreference:
    """The client's naming preference, or an unsaved default (full name, they)."""
    return ClientPreference.objects.filter(case=case).first() or ClientPreference(case=case)


def collateral_flag_list(*, case: Case) -> QuerySet[CollateralFlag]:
    return case.collateral_flags.select_related("referral")


def attendance_of(*, engagement: Engagement) -> Attendance:
    """The engagement's attendance from its logged sessions (see engagements.attendance for the rule)."""
    entries = engagement.log_entries.all()  # a prefetched list when loaded through engagement_list
    return attendance_from((entry.date, entry.kind) for entry in entries)


def last_contact(*, engagement: Engagement) -> datetime.date | None:
    """The last day anything was logged (a session or a contact), or else the last dated status change."""
    logged = [entry.date for entry in engagement.log_entries.all()]
    if logged:
        return max(logged)
    dates = [parse_partial_date(c.date) for c in engagement.status_changes.all() if c.date]
    dates = [d for d in dates if d]
    return max(dates) if dates else None


def _referral_day(engagement: Engagement) -> datetime.date | None:
    if engagement.referral_date:
        return parse_partial_date(engagement.referral_date)
    dates = [parse_partial_date(c.date) for c in engagement.status_changes.all() if c.status == "referred" and c.date]
    return max((d for d in dates if d), default=None)


@dataclass(frozen=True, slots=True)
class EngagementRow:
    """One engagement as the dashboard, the case page and the engagement list show it."""

    engagement: Engagement
    attendance: Attendance
    last_contact: datetime.date | None
    days_since_contact: int | None
    end: datetime.date | None
    days_to_end: int | None
    referred_days: int | None

    @property
    def case(self) -> Case:
        return self.engagement.case

    @property
    def stale(self) -> bool:
        """Enrolled or active, and nothing logged for more than STALE_AFTER_DAYS."""
        return self.engagement.status in {"enrolled", "active"} and (
            self.days_since_contact is None or self.days_since_contact > STALE_AFTER_DAYS
        )


def engagement_row(*, engagement: Engagement, today: datetime.date) -> EngagementRow:
    contact = last_contact(engagement=engagement)
    end = parse_partial_date(engagement.end_date) if engagement.end_date else None
    referred = _referral_day(engagement) if engagement.status == "referred" else None
    return EngagementRow(
        engagement=engagement,
        attendance=attendance_of(engagement=engagement),
        last_contact=contact,
        days_since_contact=(today - contact).days if contact else None,
        end=end,
        days_to_end=(end - today).days if end else None,
        referred_days=(today - referred).days if referred else None,
    )


@dataclass(frozen=True, slots=True)
class CaseWork:
    case: Case
    goals: tuple[ClientGoal, ...]
    active: tuple[EngagementRow, ...]


@dataclass(frozen=True, slots=True)
class Dashboard:
    cases: tuple[CaseWork, ...]
    upcoming_ends: tuple[EngagementRow, ...]  # open, end date within UPCOMING_DAYS (or passed, still open)
    stale: tuple[EngagementRow, ...]  # enrolled or active, nothing logged for STALE_AFTER_DAYS
    waiting_referrals: tuple[EngagementRow, ...]  # referred REFERRAL_WAIT_DAYS or more ago, not enrolled
    unfollowed: tuple[EngagementRow, ...] = field(default=())  # found in records, not yet followed
    stale_after_days: int = STALE_AFTER_DAYS
    referral_wait_days: int = REFERRAL_WAIT_DAYS
    upcoming_days: int = UPCOMING_DAYS


def dashboard_for_user(*, user, today: datetime.date | None = None) -> Dashboard:
    """The Advocate's dashboard over every case on whose team the user is (any role: the team is the access
    rule everywhere, and attorneys and specialists need the same warnings)."""
    today = today or timezone.localdate()
    cases = list(case_list_for_user(user=user).order_by("client_name", "pk").prefetch_related("goal_items"))
    engagements = list(
        Engagement.objects.filter(case__in=cases)
        .select_related("case", "client_goal", "event")
        .prefetch_related("log_entries", "status_changes")
        .order_by("case__client_name", "service_type", "pk")
    )
    rows = [engagement_row(engagement=e, today=today) for e in engagements]
    followed_open = [r for r in rows if r.engagement.followed and r.engagement.status in OPEN_STATUSES]
    by_case: dict[int, list[EngagementRow]] = {}
    for row in followed_open:
        if row.engagement.status in {"enrolled", "active"}:
            by_case.setdefault(row.engagement.case_id, []).append(row)
    return Dashboard(
        cases=tuple(
            CaseWork(case=case, goals=tuple(case.goal_items.all()), active=tuple(by_case.get(case.pk, ())))
            for case in cases
        ),
        upcoming_ends=tuple(sorted(
            (r for r in followed_open if r.days_to_end is not None and r.days_to_end <= UPCOMING_DAYS),
            key=lambda r: r.days_to_end,
        )),
        stale=tuple(sorted(
            (r for r in followed_open if r.stale),
            key=lambda r: -(r.days_since_contact or 10**6),
        )),
        waiting_referrals=tuple(sorted(
            (r for r in followed_open if r.engagement.status == "referred"
             and r.referred_days is not None and r.referred_days >= REFERRAL_WAIT_DAYS),
            key=lambda r: -(r.referred_days or 0),
        )),
        unfollowed=tuple(r for r in rows if not r.engagement.followed),
    )


def case_engagement_rows(*, case: Case, today: datetime.date | None = None) -> list[EngagementRow]:
    today = today or timezone.localdate()
    return [engagement_row(engagement=e, today=today) for e in engagement_list(case=case)]


# ---- the printable client summary --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientSummary:
    case: Case
    goals: tuple[ClientGoal, ...]
    current: tuple[EngagementRow, ...]  # referred, enrolled, active (followed)
    finished: tuple[EngagementRow, ...]  # completed (followed)
    flags: tuple[CollateralFlag, ...]
    today: datetime.date


def client_summary(*, case: Case, today: datetime.date | None = None) -> ClientSummary:
    today = today or timezone.localdate()
    rows = [r for r in case_engagement_rows(case=case, today=today) if r.engagement.followed]
    order = {"active": 0, "enrolled": 1, "referred": 2}
    current = sorted((r for r in rows if r.engagement.status in OPEN_STATUSES),
                     key=lambda r: (order[r.engagement.status], r.engagement.pk))
    return ClientSummary(
        case=case,
        goals=tuple(client_goal_list(case=case)),
        current=tuple(current),
        finished=tuple(r for r in rows if r.engagement.status == "completed"),
        flags=tuple(flag for flag in collateral_flag_list(case=case) if flag.status != CollateralFlag.Status.RESOLVED),
        today=today,
    )


# ---- what the narrative may say ------------------------------------------------------------------------------------


def _naming(case: Case) -> tuple[str, str]:
    preference = client_preference_of(case=case)
    return (preference.name_in_court.strip() or case.client_name), preference.pronoun


def _has_attendance_sheet(engagement: Engagement) -> bool:
    return any(item.kind == EngagementEvidence.Kind.ATTENDANCE_SHEET for item in engagement.evidence.all())


def _worked_on(engagement: Engagement) -> bool:
    """Whether the team has made the engagement its own (rather than only accepting what a record says)."""
    return bool(
        engagement.origin != Engagement.Origin.RECORD or engagement.program or engagement.followed
        or engagement.log_entries.all() or engagement.evidence.all()
    )


def engagement_facts_for_events(
    *, case: Case, events: Iterable[TimelineEvent]
) -> dict[int, EngagementFact | str]:
    """For the events that show an engagement, keyed by event id: what the draft may say about it, or, for an
    engagement found in a record that nobody has worked on yet (often past services), the record's accepted
    text, which says more than its bare fields.

    Only the events given (the section's client-approved ones) are looked at."""
    event_ids = [event.pk for event in events]
    engagements = (
        Engagement.objects.filter(case=case, event_id__in=event_ids)
        .select_related("client_goal")
        .prefetch_related("log_entries", "collateral_flags", "evidence")
    )
    client, pronoun = _naming(case)
    facts: dict[int, EngagementFact | str] = {}
    for engagement in engagements:
        if not _worked_on(engagement) and engagement.record_text.strip():
            facts[engagement.event_id] = engagement.record_text
            continue
        concerns = tuple(
            CONCERN_WORDS[flag.concern] for flag in engagement.collateral_flags.all() if flag.share_in_narrative
        )
        facts[engagement.event_id] = EngagementFact(
            client=client,
            pronoun=pronoun,
            what=engagement.what,
            provider=engagement.provider_name,
            status=engagement.status,
            referral_date=engagement.referral_date,
            start_date=engagement.start_date,
            end_date=engagement.end_date,
            # a figure the memorandum cites must be in a record it cites: only with an attendance sheet attached
            attendance=attendance_of(engagement=engagement).phrase() if _has_attendance_sheet(engagement) else "",
            goal=engagement.client_goal.text if engagement.client_goal else "",
            concerns=concerns,
        )
    return facts


def collateral_notes(*, case: Case, events: Iterable[TimelineEvent]) -> list[str]:
    """A sentence for the concerns the team may mention that no approved referral in the draft already names."""
    drafted = {event.pk for event in events if event.consent == Consent.APPROVED}
    concerns = [
        CONCERN_WORDS[flag.concern]
        for flag in collateral_flag_list(case=case)
        if flag.share_in_narrative and not (flag.referral is not None and flag.referral.event_id in drafted)
    ]
    client, pronoun = _naming(case)
    note = collateral_note(client=client, pronoun=pronoun, concerns=concerns)
    return [note] if note else []


def engagement_audit_names(*, object_type: str, ids: list[str]) -> dict[str, str]:
    """The audit log's names for engagements, goals, log entries and collateral concerns still in the app
    (registered with cases.hooks.audit_object_names)."""
    numbers = [int(i) for i in ids if i.isascii() and i.isdigit()]
    if object_type == "engagements.engagement":
        return {str(e.pk): f"engagement “{e}”" for e in Engagement.objects.filter(pk__in=numbers)}
    if object_type == "engagements.clientgoal":
        return {str(pk): f"goal “{text}”" for pk, text in ClientGoal.objects.filter(pk__in=numbers).values_list("pk", "text")}
    if object_type == "engagements.engagementlogentry":
        return {str(entry.pk): f"{entry.get_kind_display().lower()} on {entry.date:%m/%d/%Y} at “{entry.engagement}”"
                for entry in EngagementLogEntry.objects.filter(pk__in=numbers).select_related("engagement")}
    if object_type == "engagements.collateralflag":
        return {str(flag.pk): f"collateral concern “{flag.get_concern_display()}”"
                for flag in CollateralFlag.objects.filter(pk__in=numbers)}
    return {}
