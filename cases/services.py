"""Writes of the cases app: opening a case and putting people on its team."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from audit.models import AuditEntry
from audit.services import Actor, audit_record
from cases.models import Case, CaseMembership


@transaction.atomic
def case_create(
    *,
    actor: Actor,
    creator_role: str,
    client_name: str,
    docket_number: str,
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
    """Open a case and put its creator on the team, so they can see what they made."""
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
    _membership_set(case=case, user=actor.user, role=creator_role)  # part of opening: no entry of its own
    audit_record(actor=actor, action=AuditEntry.Action.CASE_OPENED, case_id=case.pk, target=case)
    return case


COURT_FIELDS = ("court_system", "court", "jurisdiction", "privacy_rule", "prosecuting_office")


@transaction.atomic
def case_court_set(*, case: Case, actor: Actor, **values: str) -> Case:
    """Record the case's court and prosecuting office (what a filing's caption, privacy label and certificate of
    service follow); only the fields in COURT_FIELDS may be given."""
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
    """Put a user on the case's team with a role (or change their role)."""
    added = not CaseMembership.objects.filter(case=case, user=user).exists()
    membership = _membership_set(case=case, user=user, role=role)
    audit_record(actor=actor, action=AuditEntry.Action.TEAM_CHANGED, case_id=case.pk, target=case,
                 detail={"added" if added else "changed": [user.pk]})
    return membership


def _membership_set(*, case: Case, user: AbstractBaseUser, role: str) -> CaseMembership:
    membership = CaseMembership.objects.filter(case=case, user=user).first() or CaseMembership(case=case, user=user)
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership
