from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from narratives.models import Case, CaseMembership


@transaction.atomic
def case_create(
    *,
    created_by: AbstractBaseUser,
    creator_role: str,
    client_name: str,
    docket_number: str,
    client_dob: datetime.date | None = None,
    court: str = "",
    jurisdiction: str = "",
    charges: str = "",
    stage: str = Case.Stage.PRETRIAL,
    client_goals: str = "",
) -> Case:
    """Open a case and put its creator on the team, so they can see what they made."""
    case = Case(
        created_by=created_by,
        client_name=client_name,
        docket_number=docket_number,
        client_dob=client_dob,
        court=court,
        jurisdiction=jurisdiction,
        charges=charges,
        stage=stage,
        client_goals=client_goals,
    )
    case.full_clean()
    case.save()
    case_member_set(case=case, user=created_by, role=creator_role)
    return case


def case_member_set(*, case: Case, user: AbstractBaseUser, role: str) -> CaseMembership:
    """Put a user on the case's team with a role (or change their role)."""
    membership = CaseMembership.objects.filter(case=case, user=user).first() or CaseMembership(
        case=case, user=user
    )
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership
