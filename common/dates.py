"""Partial dates as the life history keeps them: "YYYY", "YYYY-MM" or "YYYY-MM-DD", with their precision."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError

PARTIAL_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def parse_partial_date(value: str) -> datetime.date | None:
    """The first day the partial date can mean (1995 -> 1995-01-01), or None for an invalid one."""
    match = PARTIAL_DATE.match(value or "")
    if not match:
        return None
    try:
        return datetime.date(int(match["year"]), int(match["month"] or 1), int(match["day"] or 1))
    except ValueError:
        return None


US_DATE = re.compile(r"^(?P<month>\d{1,2})/(?:(?P<day>\d{1,2})/)?(?P<year>\d{4})$")


def normalize_partial_date(value: str) -> str | None:
    """A date as people type it, in the form the life history keeps: "06/11/2024" and "2024-06-11" both give
    "2024-06-11", "3/2009" gives "2009-03", "2009" stays. "" stays empty; None when it is no date."""
    text = (value or "").strip()
    if not text:
        return ""
    us = US_DATE.match(text)
    if us:
        text = f"{us['year']}-{int(us['month']):02d}" + (f"-{int(us['day']):02d}" if us["day"] else "")
    return text if parse_partial_date(text) is not None else None


def validate_partial_date(value: str) -> None:
    if value and parse_partial_date(value) is None:
        raise ValidationError(
            "Write the date as YYYY, YYYY-MM or YYYY-MM-DD (for example 2009, 2009-03 or 2009-03-14).",
            code="invalid_partial_date",
        )


def precision_of(value: str) -> str:
    """"year", "month", "day", or "" for no date."""
    return {4: "year", 7: "month", 10: "day"}.get(len(value or ""), "")


def describe_partial_date(value: str) -> str:
    """"2009", "March 2009", "March 14, 2009"."""
    parsed = parse_partial_date(value)
    if parsed is None:
        return ""
    precision = precision_of(value)
    if precision == "year":
        return str(parsed.year)
    if precision == "month":
        return f"{MONTHS[parsed.month - 1]} {parsed.year}"
    return f"{MONTHS[parsed.month - 1]} {parsed.day}, {parsed.year}"


def describe_when(*, date: str, date_end: str = "", age: int | None = None) -> str:
    """How a person reads the event's date: "March 2009", "2014–2016", "about age 7 (2002)", "undated"."""
    start = describe_partial_date(date)
    end = describe_partial_date(date_end)
    text = f"{start}–{end}" if start and end and end != start else start or (f"until {end}" if end else "")
    if age is not None:
        return f"about age {age} ({text})" if text else f"about age {age}"
    return text or "undated"
