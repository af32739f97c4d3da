from __future__ import annotations

from django.db.models import QuerySet

from narratives.models import Case, CaseMembership


def case_list_for_user(*, user) -> QuerySet[Case]:
    """The cases on whose team the user is; every case view looks cases up through this."""
    return Case.objects.for_user(user)


def case_role_of(*, case: Case, user) -> str | None:
    """The user's role on the case's team, or None when they are not on it."""
    membership = CaseMembership.objects.filter(case=case, user=user).only("role").first()
    return membership.role if membership else None


def case_team(*, case: Case) -> QuerySet[CaseMembership]:
    return case.memberships.select_related("user")
