"""The one door to a case for a request: its team sees it, everyone else gets 404 (its existence stays hidden)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from cases.models import Case
from cases.roles import CaseAction, case_require
from cases.selectors import case_for_user


def case_for_request(request: HttpRequest, case_id: int) -> Case:
    case = case_for_user(user=request.user, case_id=case_id)
    if case is None:
        raise Http404("No such case.")
    return case


def case_for_action(request: HttpRequest, case_id: int, action: CaseAction) -> Case:
    """The case, for a member whose role allows the action; the rest of the team gets 403 (they know the case
    exists), outsiders 404. Pages call this so a refused person never sees a form they could not submit; the
    service checks again whatever calls it."""
    case = case_for_request(request, case_id)
    case_require(case=case, user=request.user, action=action)
    return case
