"""The engagements app's panel on the case page: the Advocate's work."""

from __future__ import annotations

from django.http import HttpRequest

from cases.models import Case
from engagements.selectors import case_engagement_rows, client_goal_list, collateral_flag_list


def advocates_work_panel(*, request: HttpRequest, case: Case, **_) -> dict:
    rows = case_engagement_rows(case=case)
    return {
        "current": [r for r in rows if r.engagement.followed and r.engagement.is_open],
        "followed_count": sum(1 for r in rows if r.engagement.followed),
        "unfollowed_count": sum(1 for r in rows if not r.engagement.followed),
        "flags": list(collateral_flag_list(case=case)),
        "goals": list(client_goal_list(case=case)),
    }
