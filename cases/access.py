"""The one door to a case for a request: its team sees it, everyone else gets 404 (its existence stays hidden)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from cases.models import Case, CaseMembership
from cases.selectors import case_for_user, case_role_of


def case_for_request(request: HttpRequest, case_id: int) -> Case:
    case = case_for_user(user=request.user, case_id=case_id)
    if case is None:
        raise Http404("No such case.")
    return case


def case_for_supervisor(request: HttpRequest, case_id: int) -> Case:
    """The case, for its supervisor only; the rest of the team gets 403 (they know the case exists)."""
    case = case_for_request(request, case_id)
    if case_role_of(case=case, user=request.user) != CaseMembership.Role.SUPERVISOR:
        raise PermissionDenied("The audit log of a case is for its supervisor.")
    return case
