"""Writes of the cases app: opening a case, naming its lead and putting people on its team."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import AuditEntry
from audit.services import Actor, AuditFilters, audit_record, audit_trail_csv
from cases.models import Case, CaseMembership
from cases.roles import CaseAction, case_require
from cases.selectors import audit_object_labels


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
    return audit_trail_csv(actor=actor, case_id=case.pk, filters=filters, describe=audit_object_labels)
