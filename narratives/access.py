"""The one door to a case for a request: its team sees it, everyone else gets 404 (its existence stays hidden)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from narratives.models import Case
from narratives.selectors import case_list_for_user


def case_for_request(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(case_list_for_user(user=request.user), pk=case_id)
