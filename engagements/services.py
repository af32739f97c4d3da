"""Writes of the engagements app. Every change to an engagement also brings its timeline event up to date
(through narratives.services), so the timeline and the narrative never show a stale status or count.

The services a person's action goes through take an `actor` and write its audit entry."""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import Actor, audit_record
from cases.models import Case
from cases.roles import CaseAction, case_require
from common.dates import parse_partial_date
from engagements.attendance import SESSION_KINDS, long_date
from engagements.attendance_csv import AttendanceCsvRejected, AttendanceRow, errors_by_line, read_attendance_csv
from engagements.models import (
    CLOSED_STATUSES,
    AttendanceImport,
    ClientGoal,
    ClientPreference,
    CollateralFlag,
    Engagement,
    EngagementEvidence,
    EngagementLogEntry,
    EngagementStatusChange,
)
from engagements.selectors import attendance_of
from engagements.wording import timeline_summary
from evidence.models import Document
from evidence.services import DuplicateRecord, document_upload
from extraction.pipeline.taxonomy import SERVICE_TYPES, STATUSES
from narratives.models import TimelineEvent
from narratives.services import event_add_source, event_upsert_for_engagement

logger = logging.getLogger(__name__)

# An attached record is evidence as a whole: its citation spans the whole of the cited page (the page view
# clamps the span to the page's text, which is read after the upload).
WHOLE_PAGE_END = 1_000_000

EVIDENCE_RECORD_TYPES = {
    EngagementEvidence.Kind.ENROLMENT_LETTER: Document.RecordType.LETTER,
    EngagementEvidence.Kind.PROGRESS_LETTER: Document.RecordType.LETTER,
}


@dataclass(frozen=True, slots=True)
class EngagementDetails:
    """What the team may write about an engagement (its status is changed only by dated status changes)."""

    service_type: str
    provider_name: str = ""
    program: str = ""
    provider_contact: str = ""
    provider_client_id: str = ""
    referral_date: str = ""
    start_date: str = ""
    end_date: str = ""
    referred_by: str = ""
    goals: str = ""
    client_goal_id: int | None = None
    next_step: str = ""
    next_step_due: datetime.date | None = None


def _require(case: Case | int, actor: Actor) -> None:
    """Engagements, goals and collateral concerns are the working team's (a supervisor reads them)."""
    case_require(case=case, user=actor.user, action=CaseAction.ENGAGEMENTS)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _when(value: str) -> datetime.date | None:
    return parse_partial_date(value) if value else None


def _apply_details(engagement: Engagement, details: EngagementDetails, *, today: datetime.date) -> None:
    if details.service_type not in SERVICE_TYPES:
        raise ValidationError({"service_type": "Choose a service type."})
    if details.client_goal_id is not None and not ClientGoal.objects.filter(
        pk=details.client_goal_id, case_id=engagement.case_id
    ).exists():
        raise ValidationError({"client_goal": "That goal is not one of this client's goals."})
    engagement.service_type = details.service_type
    engagement.provider_name = details.provider_name.strip()
    engagement.program = details.program.strip()
    engagement.provider_contact = details.provider_contact.strip()
    engagement.provider_client_id = details.provider_client_id.strip()
    engagement.referral_date = details.referral_date.strip()
    engagement.start_date = details.start_date.strip()
    engagement.end_date = details.end_date.strip()
    engagement.referred_by = details.referred_by.strip()
    engagement.goals = details.goals.strip()
    engagement.client_goal_id = details.client_goal_id
    engagement.next_step = details.next_step.strip()
    engagement.next_step_due = details.next_step_due
    _check_dates(engagement, today=today)


def _check_dates(engagement: Engagement, *, today: datetime.date) -> None:
    errors = {}
    referral, start, end = _when(engagement.referral_date), _when(engagement.start_date), _when(engagement.end_date)
    if referral and referral > today:
        errors["referral_date"] = "The referral date is in the future."
    if referral and start and start < referral:
        errors["start_date"] = "The start is before the referral."
    if start and end and end < start:
        errors["end_date"] = "The end is before the start."
    if end and end > today and engagement.status in CLOSED_STATUSES:
        errors["end_date"] = f"The engagement is {engagement.status}: its end date cannot be in the future."
    if errors:
        raise ValidationError(errors)


def _sync_event(engagement: Engagement, *, saved_by) -> TimelineEvent:
    """Bring the engagement's timeline event in step: dates, status, provider and the plain-words summary."""
    attendance = attendance_of(engagement=engagement)
    end = _when(engagement.end_date)
    # An open engagement's future end date is a plan: the timeline shows it as ongoing until then.
    planned = engagement.status not in CLOSED_STATUSES and end is not None and end > timezone.localdate()
    event = event_upsert_for_engagement(
        case=engagement.case,
        event=engagement.event if engagement.event_id else None,
        category=engagement.service_type,
        status=engagement.status,
        provider=engagement.provider_name,
        date=engagement.start_date or engagement.referral_date,
        date_end="" if planned else engagement.end_date,
        summary=timeline_summary(
            what=engagement.what, provider=engagement.provider_name, status=engagement.status,
            referral_date=engagement.referral_date, start_date=engagement.start_date,
            end_date=engagement.end_date, attendance=attendance,
            record_text="" if engagement.program else engagement.record_text,
        ),
        saved_by=saved_by,
    )
    if engagement.event_id != event.pk:
        engagement.event = event
        Engagement.objects.filter(pk=engagement.pk).update(event=event)
    return event


def _default_status_date(status: str, engagement: Engagement, today: datetime.date) -> str:
    if status == "referred":
        return engagement.referral_date or today.isoformat()
    if status in {"enrolled", "active"}:
        start = _when(engagement.start_date)
        return engagement.start_date if start and start <= today else today.isoformat()
    return engagement.end_date if _when(engagement.end_date) and _when(engagement.end_date) <= today else today.isoformat()


def _status_change(*, engagement: Engagement, status: str, date: str, reason: str, recorded_by) -> EngagementStatusChange:
    change = EngagementStatusChange(
        engagement=engagement, status=status, date=date, reason=reason.strip(), recorded_by=recorded_by
    )
    if status == "discontinued" and not change.reason:
        raise ValidationError({"reason": "Say why the engagement was discontinued (it stays in the history)."})
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def engagement_create(
    *,
    case: Case,
    details: EngagementDetails,
    status: str,
    actor: Actor,
    status_date: str = "",
    reason: str = "",
    today: datetime.date | None = None,
) -> Engagement:
    """A new engagement entered by the team, its first dated status (with "referred" before it when a referral date
    is known) and its timeline event."""
    _require(case, actor)
    return _engagement_create(case=case, details=details, status=status, actor=actor, status_date=status_date,
                              reason=reason, today=today)


def _engagement_create(
    *,
    case: Case,
    details: EngagementDetails,
    status: str,
    actor: Actor,
    status_date: str = "",
    reason: str = "",
    origin: str = Engagement.Origin.TEAM,
    made_from: str = "",
    today: datetime.date | None = None,
) -> Engagement:
    """engagement_create, for an engagement that may also be made from an attendance file or a collateral concern's
    referral (`made_from`, recorded in the audit entry)."""
    created_by = actor.user
    today = _today(today)
    if status not in STATUSES:
        raise ValidationError({"status": "Choose a status."})
    if not details.provider_name.strip():
        raise ValidationError({"provider_name": "Name the provider."})
    engagement = Engagement(case=case, status=status, origin=origin, created_by=created_by)
    _apply_details(engagement, details, today=today)
    date = status_date.strip() or _default_status_date(status, engagement, today)
    _check_status_date(date, today=today)
    if status in CLOSED_STATUSES and not engagement.end_date:
        engagement.end_date = date
    if status in {"enrolled", "active"} and not engagement.start_date:
        engagement.start_date = date
    if status == "referred" and not engagement.referral_date:
        engagement.referral_date = date
    _check_dates(engagement, today=today)
    engagement.full_clean(exclude=["event"])
    engagement.event = _placeholder_event(engagement, created_by)
    engagement.save()
    if engagement.referral_date and status != "referred":
        _status_change(engagement=engagement, status="referred", date=engagement.referral_date, reason="",
                       recorded_by=created_by)
    _status_change(engagement=engagement, status=status, date=date, reason=reason, recorded_by=created_by)
    _sync_event(engagement, saved_by=created_by)
    _audit(actor, AuditEntry.Action.ENGAGEMENT_CREATED, engagement, service_type=engagement.service_type,
           status=engagement.status, **({"from": made_from} if made_from else {}))
    logger.info("engagements.created", extra={"engagement_id": engagement.pk, "case_id": case.pk})
    return engagement


def _audit(actor: Actor, action: str, engagement: Engagement | None = None, *, case_id: int | None = None,
           target=None, **detail) -> None:
    audit_record(actor=actor, action=action, case_id=case_id if case_id is not None else engagement.case_id,
                 target=target if target is not None else engagement, detail=detail)


def _placeholder_event(engagement: Engagement, saved_by) -> TimelineEvent:
    """The event row the engagement points at; _sync_event writes its summary once the history exists."""
    return event_upsert_for_engagement(
        case=engagement.case, event=None, category=engagement.service_type, status=engagement.status,
        provider=engagement.provider_name, date=engagement.start_date or engagement.referral_date, date_end="",
        summary=engagement.what, saved_by=saved_by,
    )


def _check_status_date(date: str, *, today: datetime.date) -> None:
    parsed = _when(date)
    if date and parsed is None:
        raise ValidationError({"date": "Write the date as YYYY-MM-DD (or YYYY-MM, YYYY if that is all that is known)."})
    if parsed and parsed > today:
        raise ValidationError({"date": "A status change cannot be dated in the future."})


@transaction.atomic
def engagement_create_from_event(*, event: TimelineEvent, created_by) -> Engagement:
    """The engagement a record states (an accepted proposal of kind service_engagement); safe to call twice.
    The acceptance is audited by the review; this is part of it.

    It starts unfollowed: records tell history as well as current services, and the Advocate decides."""
    existing = Engagement.objects.filter(event=event).first()
    if existing is not None:
        return existing
    status = event.status if event.status in STATUSES else ""
    engagement = Engagement(
        case=event.case,
        event=event,
        service_type=event.category,
        provider_name=event.provider.strip()[:200],
        status=status,
        referral_date=event.date if status == "referred" else "",
        start_date=event.date if status != "referred" else "",
        end_date=event.date_end,
        record_text=event.summary,
        origin=Engagement.Origin.RECORD,
        followed=False,
        created_by=created_by,
    )
    engagement.full_clean()
    engagement.save()
    if status:
        # A record that says "completed" without an end date does not say when: the date stays unknown.
        date = (event.date_end if status in CLOSED_STATUSES else event.date) or ""
        _status_change(engagement=engagement, status=status, date=date,
                       reason="as stated in the record" if status == "discontinued" else "", recorded_by=created_by)
    _sync_event(engagement, saved_by=created_by)
    return engagement


@transaction.atomic
def engagement_update(
    *, engagement: Engagement, details: EngagementDetails, actor: Actor, today: datetime.date | None = None
) -> Engagement:
    _require(engagement.case_id, actor)
    updated_by = actor.user
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    _apply_details(engagement, details, today=_today(today))
    if not engagement.provider_name and engagement.origin != Engagement.Origin.RECORD:
        raise ValidationError({"provider_name": "Name the provider."})
    engagement.full_clean()
    engagement.save()
    _sync_event(engagement, saved_by=updated_by)
    _audit(actor, AuditEntry.Action.ENGAGEMENT_CHANGED, engagement, change="details")
    return engagement


@transaction.atomic
def engagement_change_status(
    *, engagement: Engagement, status: str, date: str, actor: Actor, reason: str = "", today: datetime.date | None = None
) -> EngagementStatusChange:
    """A dated step in the history. Closing sets the end date; starting sets the start date if none was known."""
    _require(engagement.case_id, actor)
    changed_by = actor.user
    today = _today(today)
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if status not in STATUSES:
        raise ValidationError({"status": "Choose a status."})
    if status == engagement.status:
        raise ValidationError({"status": f"The engagement is already {status}."})
    if not date.strip():
        raise ValidationError({"date": "Give the date of the change."})
    date = date.strip()
    _check_status_date(date, today=today)
    latest = max((_when(c.date) for c in engagement.status_changes.all() if _when(c.date)), default=None)
    if latest and _when(date) < latest:
        raise ValidationError({"date": f"The last change is dated {long_date(latest)}; a new one cannot be earlier."})
    if status in CLOSED_STATUSES:
        engagement.end_date = date
    elif status in {"enrolled", "active"}:
        if not engagement.start_date:
            engagement.start_date = date
        if engagement.status in CLOSED_STATUSES:
            engagement.end_date = ""  # re-opened: the old end no longer holds
    elif status == "referred" and not engagement.referral_date:
        engagement.referral_date = date
    engagement.status = status
    _check_dates(engagement, today=today)
    change = _status_change(engagement=engagement, status=status, date=date, reason=reason, recorded_by=changed_by)
    engagement.full_clean()
    engagement.save()
    _sync_event(engagement, saved_by=changed_by)
    _audit(actor, AuditEntry.Action.ENGAGEMENT_CHANGED, engagement, change="status", status=change.status)
    return change


@transaction.atomic
def engagement_log_add(
    *, engagement: Engagement, date: datetime.date, kind: str, actor: Actor, note: str = "",
    today: datetime.date | None = None,
) -> EngagementLogEntry:
    """Log a session (attended, missed, excused) or a contact on one day."""
    _require(engagement.case_id, actor)
    recorded_by = actor.user
    today = _today(today)
    if date > today:
        raise ValidationError({"date": "Only what has happened can be logged: the date is in the future."})
    if kind in SESSION_KINDS:
        began = _began(engagement)
        if began and date < began:
            raise ValidationError({"date": f"{long_date(date)} is before the engagement began ({long_date(began)})."})
        if engagement.log_entries.filter(date=date, kind__in=SESSION_KINDS).exists():
            raise ValidationError({"date": f"A session on {long_date(date)} is already logged; remove it first to change it."})
    entry = EngagementLogEntry(engagement=engagement, date=date, kind=kind, note=note.strip(), recorded_by=recorded_by)
    entry.full_clean()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # two people logged the same session at once
        raise ValidationError({"date": f"A session on {long_date(date)} is already logged."}) from None
    _sync_event(engagement, saved_by=recorded_by)
    _audit(actor, AuditEntry.Action.ENGAGEMENT_CHANGED, engagement, change="log_added", entry=entry.pk, kind=entry.kind)
    return entry


def _began(engagement: Engagement) -> datetime.date | None:
    dates = [d for d in (_when(engagement.referral_date), _when(engagement.start_date)) if d]
    return min(dates) if dates else None


@transaction.atomic
def engagement_log_remove(*, entry: EngagementLogEntry, actor: Actor) -> None:
    _require(entry.engagement.case_id, actor)
    engagement = entry.engagement
    entry_id = entry.pk
    entry.delete()
    _sync_event(engagement, saved_by=actor.user)
    _audit(actor, AuditEntry.Action.ENGAGEMENT_CHANGED, engagement, change="log_removed", entry=entry_id)


@transaction.atomic
def engagement_set_followed(*, engagement: Engagement, followed: bool, actor: Actor) -> Engagement:
    """Follow the engagement on the dashboard (or stop following it)."""
    _require(engagement.case_id, actor)
    engagement.followed = followed
    engagement.save(update_fields=["followed", "updated_at"])
    _audit(actor, AuditEntry.Action.ENGAGEMENT_CHANGED, engagement, change="followed", followed=followed)
    return engagement


@transaction.atomic
def engagement_attach_evidence(
    *,
    engagement: Engagement,
    kind: str,
    actor: Actor,
    file: File | None = None,
    document: Document | None = None,
    page_number: int = 1,
) -> EngagementEvidence:
    """Link a record to the engagement and cite its page on the engagement's event.

    A file goes through evidence.document_upload (the same validation, storage and queued reading as any
    record, audited as an upload; RecordRejected means nothing was stored); a file already in the case is linked, not
    stored twice."""
    _require(engagement.case_id, actor)
    attached_by = actor.user
    if (file is None) == (document is None):
        raise ValidationError("Choose a file to upload or a record already in the case (one of the two).")
    if kind not in EngagementEvidence.Kind.values:
        raise ValidationError({"kind": "Choose what the record is."})
    uploaded = None
    if file is not None:
        try:
            uploaded = document = document_upload(
                case=engagement.case, file=file, actor=actor,
                record_type=EVIDENCE_RECORD_TYPES.get(kind, Document.RecordType.OTHER),
                source=engagement.provider_name[:200],
            )
        except DuplicateRecord as duplicate:
            document = duplicate.existing
    if document.case_id != engagement.case_id:
        raise ValidationError("That record belongs to another case.")
    if page_number < 1 or (document.page_count and page_number > document.page_count):
        raise ValidationError({"page_number": f"The record has {document.page_count} pages."})
    try:
        if engagement.evidence.filter(document=document).exists():
            raise ValidationError(f"“{document.original_name}” is already attached to this engagement.")
        link = EngagementEvidence(
            engagement=engagement, document=document, kind=kind, page_number=page_number, attached_by=attached_by
        )
        link.full_clean()
        link.save()
        event_add_source(
            event=engagement.event, document=document, page_number=page_number, start=0, end=WHOLE_PAGE_END,
            quote=f"{link.get_kind_display()}: {document.original_name}",
        )
        _audit(actor, AuditEntry.Action.EVIDENCE_ATTACHED, engagement, document=link.document_id, kind=link.kind,
               page=link.page_number)
    except BaseException:
        if uploaded is not None:
            uploaded.file.delete(save=False)  # the atomic block rolls its row back: no file without a row
        raise
    return link


# ---- attendance files --------------------------------------------------------------------------------------


def _check_rows_against(engagement: Engagement, rows: list[AttendanceRow]) -> list[str]:
    errors = []
    logged = set(engagement.log_entries.filter(kind__in=SESSION_KINDS).values_list("date", flat=True))
    began = _began(engagement)
    for row in rows:
        if row.date in logged:
            errors.append(f"line {row.line}: a session on {long_date(row.date)} is already logged for this engagement.")
        if began and row.date < began:
            errors.append(f"line {row.line}: {long_date(row.date)} is before the engagement began ({long_date(began)}).")
        if row.client_id and engagement.provider_client_id and row.client_id != engagement.provider_client_id:
            errors.append(f"line {row.line}: client id “{row.client_id}” is not this engagement's "
                          f"(“{engagement.provider_client_id}”): is this another client's file?")
    return errors


@transaction.atomic
def attendance_import(
    *,
    case: Case,
    data: bytes,
    file_name: str,
    actor: Actor,
    engagement: Engagement | None = None,
    new_engagement: EngagementDetails | None = None,
    today: datetime.date | None = None,
) -> AttendanceImport:
    """Import a provider's attendance file into an engagement (or a new one made from it), all or nothing.

    Raises AttendanceCsvRejected with every problem, line by line; then nothing at all is stored."""
    _require(case, actor)
    imported_by = actor.user
    today = _today(today)
    if (engagement is None) == (new_engagement is None):
        raise ValueError("import into an engagement or a new one, not both")
    # Every bad row is reported at once, those the file alone shows and those the engagement's log shows.
    rows, errors = read_attendance_csv(data, today=today)
    if engagement is not None:
        if engagement.case_id != case.pk:
            raise ValueError("the engagement belongs to another case")
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        errors += _check_rows_against(engagement, rows)
        if errors:
            raise AttendanceCsvRejected(errors_by_line(errors))
    else:
        if errors or not rows:
            raise AttendanceCsvRejected(errors_by_line(errors))
        first = min(row.date for row in rows)
        engagement = _engagement_create(
            case=case,
            details=EngagementDetails(**{**_as_dict(new_engagement),
                                         "start_date": new_engagement.start_date or first.isoformat()}),
            status="active",
            status_date=first.isoformat() if not new_engagement.start_date else "",
            origin=Engagement.Origin.IMPORT,
            made_from="import",
            actor=actor,
            today=today,
        )
        errors = _check_rows_against(engagement, rows)
        if errors:
            raise AttendanceCsvRejected(errors)  # leaving the atomic block undoes the new engagement too
    client_ids = {row.client_id for row in rows if row.client_id}
    if client_ids and not engagement.provider_client_id:
        engagement.provider_client_id = client_ids.pop()[:60]
        engagement.save(update_fields=["provider_client_id", "updated_at"])
    batch = AttendanceImport.objects.create(
        engagement=engagement, file_name=file_name[-255:] or "attendance.csv",
        sha256=hashlib.sha256(data).hexdigest(), rows=len(rows), imported_by=imported_by,
    )
    EngagementLogEntry.objects.bulk_create(
        EngagementLogEntry(engagement=engagement, date=row.date, kind=row.status, note=row.note[:500],
                           attendance_import=batch, recorded_by=imported_by)
        for row in rows
    )
    _sync_event(engagement, saved_by=imported_by)
    _audit(actor, AuditEntry.Action.ATTENDANCE_IMPORTED, engagement, rows=batch.rows, **{"import": batch.pk})
    logger.info("engagements.attendance_imported", extra={"engagement_id": engagement.pk, "rows": len(rows)})
    return batch


def _as_dict(details: EngagementDetails) -> dict:
    return {name: getattr(details, name) for name in details.__dataclass_fields__}


# ---- the client's goals and how they are referred to ------------------------------------------------------------


@transaction.atomic
def client_goal_add(*, case: Case, text: str, actor: Actor) -> ClientGoal:
    """A goal in the client's words, after the ones they already gave (the team can move it up)."""
    _require(case, actor)
    last = case.goal_items.aggregate(last=Max("priority"))["last"] or 0
    goal = ClientGoal(case=case, text=text.strip(), priority=last + 1, created_by=actor.user)
    goal.full_clean()
    goal.save()
    _audit(actor, AuditEntry.Action.CLIENT_GOALS_CHANGED, case_id=case.pk, target=goal, change="added")
    return goal


@transaction.atomic
def client_goal_move(*, goal: ClientGoal, offset: int, actor: Actor) -> None:
    """Move a goal up (offset -1, more important) or down (+1); priorities stay 1, 2, 3, ..."""
    _require(goal.case_id, actor)
    ordered = list(ClientGoal.objects.select_for_update().filter(case_id=goal.case_id).order_by("priority", "pk"))
    index = next(i for i, g in enumerate(ordered) if g.pk == goal.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for priority, item in enumerate(ordered, 1):
        if item.priority != priority:
            ClientGoal.objects.filter(pk=item.pk).update(priority=priority)
    _audit(actor, AuditEntry.Action.CLIENT_GOALS_CHANGED, case_id=goal.case_id,
           change="up" if offset < 0 else "down", goal=goal.pk)


@transaction.atomic
def client_goal_remove(*, goal: ClientGoal, actor: Actor) -> None:
    """Remove a goal; engagements tied to it keep going, untied."""
    _require(goal.case_id, actor)
    case_id, goal_id = goal.case_id, goal.pk
    goal.delete()
    for priority, item in enumerate(ClientGoal.objects.filter(case_id=case_id).order_by("priority", "pk"), 1):
        if item.priority != priority:
            ClientGoal.objects.filter(pk=item.pk).update(priority=priority)
    _audit(actor, AuditEntry.Action.CLIENT_GOALS_CHANGED, case_id=case_id, change="remove", goal=goal_id)


@transaction.atomic
def client_preference_set(*, case: Case, name_in_court: str, pronoun: str, actor: Actor) -> ClientPreference:
    """How drafts name the client and refer to them."""
    _require(case, actor)
    preference = ClientPreference.objects.filter(case=case).first() or ClientPreference(case=case)
    preference.name_in_court = name_in_court.strip()
    preference.pronoun = pronoun
    preference.full_clean()
    preference.save()
    _audit(actor, AuditEntry.Action.CLIENT_GOALS_CHANGED, case_id=case.pk, change="naming")
    return preference


# ---- collateral consequences -----------------------------------------------------------------------------------


@transaction.atomic
def collateral_flag_set(
    *,
    case: Case,
    concern: str,
    status: str,
    actor: Actor,
    note: str = "",
    share_in_narrative: bool = False,
    referral: Engagement | None = None,
    new_referral_provider: str = "",
    today: datetime.date | None = None,
) -> CollateralFlag:
    """Record (or update) a collateral concern raised with the client; naming a provider makes the referral
    (a civil legal services engagement, status referred, today)."""
    _require(case, actor)
    updated_by = actor.user
    today = _today(today)
    if concern not in CollateralFlag.Concern.values:
        raise ValidationError({"concern": "Choose a concern."})
    if status not in CollateralFlag.Status.values:
        raise ValidationError({"status": "Choose a status."})
    if referral is not None and (referral.case_id != case.pk or referral.service_type != "civil_legal_services"):
        raise ValidationError({"referral": "The referral must be a civil legal services engagement of this case."})
    if new_referral_provider.strip():
        referral = _engagement_create(
            case=case,
            details=EngagementDetails(
                service_type="civil_legal_services", provider_name=new_referral_provider.strip(),
                program=f"help with {CollateralFlag.Concern(concern).label.lower()}", referral_date=today.isoformat(),
                referred_by=updated_by.get_full_name() or updated_by.get_username(),
            ),
            status="referred",
            made_from="collateral",
            actor=actor,
            today=today,
        )
    if status == CollateralFlag.Status.REFERRED and referral is None:
        raise ValidationError({"referral": "Choose the referral, or name the provider to make one."})
    flag = CollateralFlag.objects.filter(case=case, concern=concern).first() or CollateralFlag(
        case=case, concern=concern, raised_on=today
    )
    flag.status = status
    flag.note = note.strip()
    flag.share_in_narrative = share_in_narrative
    flag.referral = referral
    flag.updated_by = updated_by
    flag.full_clean()
    flag.save()
    _audit(actor, AuditEntry.Action.COLLATERAL_CHANGED, case_id=case.pk, target=flag, concern=flag.concern,
           status=flag.status, shared=flag.share_in_narrative)
    return flag


@transaction.atomic
def collateral_flag_remove(*, flag: CollateralFlag, actor: Actor) -> None:
    _require(flag.case_id, actor)
    case_id, concern = flag.case_id, flag.concern
    flag.delete()
    _audit(actor, AuditEntry.Action.COLLATERAL_CHANGED, case_id=case_id, concern=concern, removed=True)


def record_evidence_release(*, document, actor: Actor, **_) -> dict[str, int]:
    """A record is being removed: it stops being evidence of any engagement (its citation on the engagement's
    event is flagged by narratives). Returns how many links went."""
    removed, _by_model = EngagementEvidence.objects.filter(document=document).delete()
    return {"engagement_evidence_removed": removed}


def case_engagements_destroy(*, case: Case, **_) -> dict[str, int]:
    """The case is being destroyed (cases.hooks.case_destroying): its engagements (history, attendance, evidence
    links), goals, preferences and collateral concerns go. None has a stored file of its own: evidence attached to
    an engagement is a record, which evidence deletes."""
    engagements = case.engagements.count()
    CollateralFlag.objects.filter(case=case).delete()
    Engagement.objects.filter(case=case).delete()
    ClientGoal.objects.filter(case=case).delete()
    ClientPreference.objects.filter(case=case).delete()
    return {"engagements": engagements}
