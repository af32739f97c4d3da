"""Writes of the cases app: opening a case, naming its lead and putting people on its team, changing its details,
archiving it and, after the retention date its lead sets, destroying it."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import Actor, AuditFilters, audit_record, audit_trail_csv
from cases.hooks import case_destroying
from cases.models import Case, CaseDetailsChange, CaseMembership
from cases.roles import CaseAction, case_require
from cases.selectors import audit_detail_words, audit_object_labels

logger = logging.getLogger(__name__)


@transaction.atomic
def case_create(
    *,
    actor: Actor,
    creator_role: str,
    client_name: str,
    docket_number: str,
    lead: AbstractBaseUser | None = None,
    client_dob: datetime.date | None = None,
    court: str = "",
    jurisdiction: str = "",
    charges: str = "",
    stage: str = Case.Stage.PRETRIAL,
    client_goals: str = "",
    court_system: str = "",
    privacy_rule: str = "",
    prosecuting_office: str = "",
) -> Case:
    """Open a case with its creator on the team and a lead attorney: the creator if they are the attorney, else the
    person they name (a case without a lead would have nobody to assemble its team but a supervisor)."""
    if lead is None or lead == actor.user:
        if creator_role != CaseMembership.Role.ATTORNEY:
            raise ValidationError({"lead": "Name the lead attorney: you are not opening this case as its attorney."})
        lead = actor.user
    case = Case(
        created_by=actor.user,
        client_name=client_name,
        docket_number=docket_number,
        client_dob=client_dob,
        court=court,
        jurisdiction=jurisdiction,
        charges=charges,
        stage=stage,
        client_goals=client_goals,
        court_system=court_system,
        privacy_rule=privacy_rule,
        prosecuting_office=prosecuting_office,
    )
    case.full_clean()
    case.save()
    # Part of opening the case: no entries of their own.
    if lead != actor.user:
        _membership_set(case=case, user=lead, role=CaseMembership.Role.ATTORNEY, is_lead=True)
    _membership_set(case=case, user=actor.user, role=creator_role, is_lead=lead == actor.user)
    audit_record(actor=actor, action=AuditEntry.Action.CASE_OPENED, case_id=case.pk, target=case,
                 detail={"lead": lead.pk})
    return case


COURT_FIELDS = ("court_system", "court", "jurisdiction", "privacy_rule", "prosecuting_office")


@transaction.atomic
def case_court_set(*, case: Case, actor: Actor, **values: str) -> Case:
    """Record the case's court and prosecuting office (what a filing's caption, privacy label and certificate of
    service follow); only the fields in COURT_FIELDS may be given. A filing setting: the attorney's."""
    case_require(case=case, user=actor.user, action=CaseAction.FILING)
    unknown = set(values) - set(COURT_FIELDS)
    if unknown:
        raise TypeError(f"not court fields: {sorted(unknown)}")
    stored = Case.objects.select_for_update().get(pk=case.pk)  # a bound form may already have changed `case`
    changed = [name for name, value in values.items() if getattr(stored, name) != value.strip()]
    for name in changed:
        setattr(case, name, values[name].strip())
    if changed:
        case.full_clean()
        case.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.CASE_UPDATED, case_id=case.pk, target=case,
                     detail={"changed": changed})
    return case


@transaction.atomic
def case_member_set(*, case: Case, user: AbstractBaseUser, role: str, actor: Actor) -> CaseMembership:
    """Put a user on the case's team with a role, or change their role (the lead attorney stays an attorney)."""
    case_require(case=case, user=actor.user, action=CaseAction.MANAGE_TEAM)
    existing = CaseMembership.objects.select_for_update().filter(case=case, user=user).first()
    if existing is not None and existing.is_lead and role != CaseMembership.Role.ATTORNEY:
        raise ValidationError("The lead attorney stays an attorney; make another attorney the lead first.")
    membership = _membership_set(case=case, user=user, role=role, is_lead=existing.is_lead if existing else False)
    audit_record(actor=actor, action=AuditEntry.Action.TEAM_CHANGED, case_id=case.pk, target=case,
                 detail={"changed" if existing else "added": [user.pk], "role": role})
    return membership


@transaction.atomic
def case_member_remove(*, membership: CaseMembership, actor: Actor) -> None:
    """Take someone off the team. The lead stays until another attorney is made lead, so the case always has one."""
    case_require(case=membership.case_id, user=actor.user, action=CaseAction.MANAGE_TEAM)
    membership = CaseMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_lead:
        raise ValidationError("The lead attorney cannot be removed; make another attorney the lead first.")
    membership.delete()
    audit_record(actor=actor, action=AuditEntry.Action.TEAM_CHANGED, case_id=membership.case_id,
                 target=membership.case, detail={"removed": [membership.user_id]})


@transaction.atomic
def case_lead_set(*, membership: CaseMembership, actor: Actor) -> CaseMembership:
    """Make an attorney on the team the case's lead (the former lead stays on the team as an attorney)."""
    case_require(case=membership.case_id, user=actor.user, action=CaseAction.MANAGE_TEAM)
    membership = CaseMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.role != CaseMembership.Role.ATTORNEY:
        raise ValidationError("Only an attorney on the team can be its lead.")
    CaseMembership.objects.filter(case_id=membership.case_id, is_lead=True).update(is_lead=False)
    membership.is_lead = True
    membership.save(update_fields=["is_lead"])
    audit_record(actor=actor, action=AuditEntry.Action.TEAM_CHANGED, case_id=membership.case_id,
                 target=membership.case, detail={"lead": membership.user_id})
    return membership


def _membership_set(*, case: Case, user: AbstractBaseUser, role: str, is_lead: bool) -> CaseMembership:
    membership = CaseMembership.objects.filter(case=case, user=user).first() or CaseMembership(case=case, user=user)
    membership.role = role
    membership.is_lead = is_lead
    membership.full_clean()
    membership.save()
    return membership


def case_audit_csv(*, case: Case, actor: Actor, filters: AuditFilters = AuditFilters()) -> bytes:
    """The case's audit log (as filtered) as CSV, for its lead attorney or supervisor (the download is itself
    audited)."""
    case_require(case=case, user=actor.user, action=CaseAction.READ_AUDIT)
    return audit_trail_csv(actor=actor, case_id=case.pk, filters=filters, describe=audit_object_labels,
                           detail_words=audit_detail_words)


# ---- the case's details -----------------------------------------------------------------------------------------

DETAIL_FIELDS = ("client_name", "client_dob", "docket_number", "charges", "stage", "client_goals")


def _as_text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


@transaction.atomic
def case_details_update(*, case: Case, actor: Actor, **values) -> Case:
    """Change the case's details (DETAIL_FIELDS: its lead's or supervisor's) and its court (COURT_FIELDS: a filing
    setting, the attorney's, checked only when one of them changes). What each changed field said before and says
    now is kept in a CaseDetailsChange, which the audit entry points at: the entry itself holds no client names."""
    case_require(case=case, user=actor.user, action=CaseAction.EDIT_DETAILS)
    unknown = set(values) - set(DETAIL_FIELDS) - set(COURT_FIELDS)
    if unknown:
        raise TypeError(f"not details of a case: {sorted(unknown)}")
    stored = Case.objects.select_for_update().get(pk=case.pk)  # a bound form may already have changed `case`
    values = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    changed = {name: (getattr(stored, name), value) for name, value in values.items() if getattr(stored, name) != value}
    if not changed:
        return stored
    if set(changed) & set(COURT_FIELDS):
        case_require(case=case, user=actor.user, action=CaseAction.FILING)
    for name, (_before, after) in changed.items():
        setattr(stored, name, after)
    stored.full_clean()
    stored.save(update_fields=[*changed, "updated_at"])
    change = CaseDetailsChange.objects.create(
        case=stored, changed_by=actor.user,
        values={name: [_as_text(before), _as_text(after)] for name, (before, after) in changed.items()},
    )
    audit_record(actor=actor, action=AuditEntry.Action.CASE_DETAILS_CHANGED, case_id=stored.pk, target=stored,
                 detail={"change": change.pk, "fields": list(changed)})
    return stored


# ---- archiving, the retention date, destruction -----------------------------------------------------------------


def _destroy_after_check(day: datetime.date | None) -> None:
    if day is not None and day <= timezone.localdate():
        raise ValidationError({"destroy_after": "Choose a day after today: the case is destroyed once that day is "
                                                "over, and a day already here would leave no time to change your mind."})


@transaction.atomic
def case_archive(*, case: Case, actor: Actor, destroy_after: datetime.date | None = None) -> Case:
    """Archive the case: from now on it is read-only for everyone (cases.roles refuses every change). With a
    `destroy_after` day, the retention sweep destroys it once that day is over. The lead's or supervisor's."""
    case_require(case=case, user=actor.user, action=CaseAction.MANAGE_TEAM, even_archived=True)
    stored = Case.objects.select_for_update().get(pk=case.pk)
    if stored.archived_at is not None:
        raise ValidationError("This case is already archived.")
    _destroy_after_check(destroy_after)
    stored.archived_at, stored.archived_by, stored.destroy_after = timezone.now(), actor.user, destroy_after
    stored.full_clean()
    stored.save(update_fields=["archived_at", "archived_by", "destroy_after", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.CASE_ARCHIVED, case_id=stored.pk, target=stored,
                 detail={"destroy_after": _as_text(destroy_after)} if destroy_after else {})
    return stored


@transaction.atomic
def case_unarchive(*, case: Case, actor: Actor) -> Case:
    """Open an archived case to changes again; a destruction date set for it is dropped with the archiving."""
    case_require(case=case, user=actor.user, action=CaseAction.MANAGE_TEAM, even_archived=True)
    stored = Case.objects.select_for_update().get(pk=case.pk)
    if stored.archived_at is None:
        raise ValidationError("This case is not archived.")
    dropped = stored.destroy_after
    stored.archived_at = stored.archived_by = stored.destroy_after = None
    stored.save(update_fields=["archived_at", "archived_by", "destroy_after", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.CASE_UNARCHIVED, case_id=stored.pk, target=stored,
                 detail={"destroy_after_dropped": _as_text(dropped)} if dropped else {})
    return stored


@transaction.atomic
def case_retention_set(*, case: Case, actor: Actor, destroy_after: datetime.date | None) -> Case:
    """Set (or clear, with None) the day after which an archived case is destroyed."""
    case_require(case=case, user=actor.user, action=CaseAction.MANAGE_TEAM, even_archived=True)
    stored = Case.objects.select_for_update().get(pk=case.pk)
    if stored.archived_at is None:
        raise ValidationError("Archive the case first: only an archived case is destroyed.")
    _destroy_after_check(destroy_after)
    if stored.destroy_after != destroy_after:
        stored.destroy_after = destroy_after
        stored.save(update_fields=["destroy_after", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.CASE_RETENTION_SET, case_id=stored.pk, target=stored,
                     detail={"destroy_after": _as_text(destroy_after)})
    return stored


class NotDueForDestruction(Exception):
    """The case is not archived, or its "destroy after" day is not over (or was never set)."""


@dataclass(frozen=True, slots=True)
class CaseDestruction:
    case_id: int
    docket_number: str
    counts: dict[str, int]  # what was deleted, by kind ("records", "pages", "stored files", ...)


# Who the audit log names for a destruction: the retention sweep (or the command) acts for nobody in particular.
RETENTION_ACTOR = Actor(user=None, username="retention schedule")


def case_destroy(*, case_id: int, today: datetime.date | None = None) -> CaseDestruction | None:
    """Destroy an archived case whose "destroy after" day is over: every app deletes its rows and stored files of
    the case (records and their renditions and page pictures, pages, proposals, facts, narratives, engagements,
    exports and their files, through the storage API), then the case and its team go. One audit entry is kept,
    naming the docket number, who archived it and what was deleted; the case's other entries stay too.

    Returns None when the case is already gone (a redelivered task: safe to run twice). Raises NotDueForDestruction
    for a case that is not archived or not yet due. Stored files are deleted before the rows: if anything fails
    part way, the case is still there, still due, and the next run deletes the rest (deleting a file already gone
    is no error); the other order could leave files no row points at, never to be found again."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # No select_related: PostgreSQL cannot lock the nullable side of the outer join archived_by would need.
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            logger.info("cases.destroy_already_gone", extra={"case_id": case_id})
            return None
        if case.archived_at is None:
            raise NotDueForDestruction(f"Case {case_id} is not archived; only an archived case is destroyed.")
        if case.destroy_after is None or case.destroy_after >= today:
            raise NotDueForDestruction(f"Case {case_id} is due for destruction only after {case.destroy_after}."
                                       if case.destroy_after else f"Case {case_id} has no destruction date.")
        counts: dict[str, int] = {}
        for result in case_destroying.call_top_down(case=case):
            for kind, count in (result or {}).items():
                counts[kind] = counts.get(kind, 0) + count
        counts["team members"] = case.memberships.count()
        archived_by = case.archived_by
        audit_record(actor=RETENTION_ACTOR, action=AuditEntry.Action.CASE_DESTROYED, case_id=case.pk, target=case,
                     detail={"docket_number": case.docket_number,
                             "archived_by": archived_by.get_username() if archived_by else "",
                             "archived_at": case.archived_at.isoformat(timespec="seconds"),
                             "destroy_after": case.destroy_after.isoformat(), "deleted": counts})
        destruction = CaseDestruction(case_id=case.pk, docket_number=case.docket_number, counts=counts)
        case.delete()  # its team and details changes go with it
    logger.info("cases.destroyed", extra={"case_id": case_id, **{k.replace(" ", "_"): v for k, v in counts.items()}})
    return destruction


def cases_destroy_due(*, today: datetime.date | None = None) -> list[CaseDestruction]:
    """Destroy every archived case whose "destroy after" day is over. A case that fails (storage unreachable) does
    not stop the others; the first failure is raised once they are done, for the task to retry."""
    today = today or timezone.localdate()
    destroyed, failures = [], []
    for case_id in list(Case.objects.due_for_destruction(today=today).values_list("pk", flat=True)):
        try:
            destruction = case_destroy(case_id=case_id, today=today)
        except NotDueForDestruction:  # unarchived or given a later day meanwhile
            continue
        except OSError as error:
            logger.exception("cases.destroy_failed", extra={"case_id": case_id})
            failures.append(error)
            continue
        if destruction is not None:
            destroyed.append(destruction)
    if failures:
        raise failures[0]
    return destroyed
