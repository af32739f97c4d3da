"""Reads of the cases app: which cases a person may see, and their teams."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case, CaseMembership


def case_list_for_user(*, user) -> QuerySet[Case]:
    """The cases on whose team the user is; every case view looks cases up through this."""
    return Case.objects.for_user(user)


def case_for_user(*, user, case_id: int) -> Case | None:
    """The case if the user is on its team, else None (for them it does not exist)."""
    return case_list_for_user(user=user).filter(pk=case_id).first()


def case_for_docket(*, docket_number: str) -> Case | None:
    """A case by its docket number, for commands run by the office (no access check: they run as a chosen user)."""
    return Case.objects.filter(docket_number=docket_number).first()


def case_role_of(*, case: Case, user) -> str | None:
    """The user's role on the case's team, or None when they are not on it."""
    membership = CaseMembership.objects.filter(case=case, user=user).only("role").first()
    return membership.role if membership else None


def case_team(*, case: Case) -> QuerySet[CaseMembership]:
    return case.memberships.select_related("user")
