"""Plain words about an engagement: the timeline's one-line summary and the client summary's phrases.

Pure Python; every figure comes from the engagement's fields and logged rows."""

from __future__ import annotations

import datetime

from engagements.attendance import Attendance
from narratives.dates import describe_partial_date, parse_partial_date


def timeline_summary(
    *, what: str, provider: str, status: str, referral_date: str, start_date: str, end_date: str,
    attendance: Attendance, record_text: str = "",
) -> str:
    """e.g. "GED preparation at Brennan Co. Adult Learning Ctr.: active since May 15, 2023; attended 60 of 63
    scheduled sessions between ... (1 excused absence not counted)."

    An engagement found in a record whose programme nobody has named yet also quotes the record's accepted
    text, so the timeline loses nothing the reviewer saw."""
    at = f" at {provider}" if provider.strip() else ""
    start, end, referral = (describe_partial_date(d) for d in (start_date, end_date, referral_date))
    if status == "referred":
        to = f" to {provider}" if provider.strip() else ""
        text = f"Referred{to} for {what}" + (f" on {referral}" if referral else "") + "; not yet enrolled"
    elif status in {"enrolled", "active"}:
        text = f"{what[:1].upper()}{what[1:]}{at}: {status}" + (f" since {start}" if start else "")
    elif status in {"completed", "discontinued"}:
        span = f"{start} – {end}" if start and end else (f"until {end}" if end else (f"from {start}" if start else ""))
        text = f"{what[:1].upper()}{what[1:]}{at}: {status}" + (f" ({span})" if span else "")
    else:
        text = f"{what[:1].upper()}{what[1:]}{at}" + (f", from {start}" if start else "")
    phrase = attendance.phrase()
    if phrase:
        text += f"; {phrase}"
    text += "" if text.endswith(".") else "."
    if record_text.strip():
        text += f" From the record: “{' '.join(record_text.split())}”"
    return text


CLIENT_STATUS = {
    "referred": "You have been referred. It has not started yet.",
    "enrolled": "You are signed up.",
    "active": "You are going.",
    "completed": "You finished it.",
    "discontinued": "This one has stopped.",
    "": "Status not known yet.",
}


def client_status(status: str, *, end_date: str = "") -> str:
    """The status as said to the client, e.g. "You finished it on August 22, 2023." """
    text = CLIENT_STATUS.get(status, CLIENT_STATUS[""])
    end = describe_partial_date(end_date)
    if status in {"completed", "discontinued"} and end:
        text = text[:-1] + f" on {end}."
    return text


def client_attendance(attendance: Attendance) -> str:
    """e.g. "You went to 14 of 16 sessions. 2 excused absences are not counted against you." """
    if not attendance.scheduled:
        return ""
    if attendance.attended == attendance.scheduled:
        text = f"You went to every session: {attendance.attended} of {attendance.scheduled}."
    else:
        text = f"You went to {attendance.attended} of {attendance.scheduled} sessions."
    if attendance.excused:
        text += f" {attendance.excused_note().replace('not counted', 'are not counted against you')}."
        if attendance.excused == 1:
            text = text.replace("are not counted", "is not counted")
    return text


def date_is_past(value: str, *, today: datetime.date) -> bool:
    parsed = parse_partial_date(value)
    return parsed is not None and parsed < today
