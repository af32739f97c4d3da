"""`{% case_may case "consent" as can_consent %}`: whether the person viewing may do an action on the case, so pages
show only the controls their role allows (the services refuse the rest whatever the page shows)."""

from __future__ import annotations

from django import template

from cases.roles import CaseAction, Standing, standing_of

register = template.Library()


def _standing(context, case) -> Standing:
    request = context.get("request")
    if request is None:
        return Standing(role=None)
    cache = request.__dict__.setdefault("_case_standings", {})  # one query per case and request, however many asks
    if case.pk not in cache:
        cache[case.pk] = standing_of(case=case, user=request.user)
    return cache[case.pk]


@register.simple_tag(takes_context=True)
def case_may(context, case, action: str, even_archived: bool = False) -> bool:
    """Whether any part of the action is open to the viewer (an Advocate's limited review counts); on an archived
    case no change is, unless `even_archived` (a read that shares its row with changes, e.g. downloading exports)."""
    return _standing(context, case).allows_some(CaseAction(action), even_archived=even_archived)


@register.simple_tag(takes_context=True)
def case_may_fully(context, case, action: str) -> bool:
    """Whether all of the action is open to the viewer (an Advocate's limited review does not count)."""
    return _standing(context, case).allows(CaseAction(action), within_limit=False)
