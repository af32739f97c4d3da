"""The case page's panel of Advocates' work, so the narratives app's view needs no knowledge of engagements."""

from django import template

from engagements.selectors import case_engagement_rows, client_goal_list, collateral_flag_list

register = template.Library()


@register.inclusion_tag("engagements/_case_panel.html", takes_context=True)
def engagements_panel(context, case):
    rows = case_engagement_rows(case=case)
    return {
        "case": case,
        "current": [r for r in rows if r.engagement.followed and r.engagement.is_open],
        "followed_count": sum(1 for r in rows if r.engagement.followed),
        "unfollowed_count": sum(1 for r in rows if not r.engagement.followed),
        "flags": list(collateral_flag_list(case=case)),
        "goals": list(client_goal_list(case=case)),
        "request": context.get("request"),
    }


@register.filter
def days_ago(days):
    """"today", "yesterday", "12 days ago"."""
    if days is None:
        return "never"
    if days <= 0:
        return "today"
    if days >= 730:
        return f"{days // 365} years ago"
    if days >= 90:
        return f"{days // 30} months ago"
    return "yesterday" if days == 1 else f"{days} days ago"


@register.filter
def days_until(days):
    if days is None:
        return ""
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


@register.filter
def partial_date(value):
    from narratives.dates import describe_partial_date

    return describe_partial_date(value or "") or "—"


@register.filter
def client_status(status, end_date=""):
    from engagements.wording import client_status as say

    return say(status or "", end_date=end_date or "")


@register.filter
def client_attendance(attendance):
    from engagements.wording import client_attendance as say

    return say(attendance)


@register.filter
def client_next_step(engagement):
    """The engagement's next step, or what to do next by its status, for the client summary."""
    if engagement.next_step:
        return engagement.next_step
    if engagement.status == "referred":
        return "Call them to set up a first visit. Tell us if you cannot reach them."
    return "Keep going. Tell us if anything gets in the way."
