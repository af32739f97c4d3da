"""Filters of the engagements pages: days, dates and the client summary's plain words."""

from django import template

from common.dates import describe_partial_date
from engagements.wording import client_attendance as _client_attendance
from engagements.wording import client_status as _client_status

register = template.Library()


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
    return describe_partial_date(value or "") or "—"


@register.filter
def client_status(status, end_date=""):
    return _client_status(status or "", end_date=end_date or "")


@register.filter
def client_attendance(attendance):
    return _client_attendance(attendance)


@register.filter
def client_next_step(engagement):
    """The engagement's next step, or what to do next by its status, for the client summary."""
    if engagement.next_step:
        return engagement.next_step
    if engagement.status == "referred":
        return "Call them to set up a first visit. Tell us if you cannot reach them."
    return "Keep going. Tell us if anything gets in the way."
