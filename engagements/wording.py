"""Plain words about an engagement: the timeline's one-line summary, the client summary's phrases, and the narrative's
sentence about each engagement the client approved (and about the collateral concerns they allowed).

Pure Python; every figure comes from the engagement's fields and logged rows."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from common.dates import describe_partial_date, describe_when, parse_partial_date, precision_of
from engagements.attendance import Attendance


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


# ---- the narrative's "What the client is doing now" ----------------------------------------------------------

PRONOUNS = {
    # subject, object, possessive
    "he": ("he", "him", "his"),
    "she": ("she", "her", "her"),
    "they": ("they", "them", "their"),
}


@dataclass(frozen=True, slots=True)
class EngagementFact:
    """What the draft may say about one engagement; every number in it comes from logged rows."""

    client: str  # how the narrative names the client, e.g. "Mr. Ashby"
    pronoun: str  # "he", "she" or "they"
    what: str  # the programme in plain words, e.g. "outpatient treatment"
    provider: str
    status: str  # a status slug of taxonomy.md, or "" when no record states one
    referral_date: str = ""  # partial dates, as the engagement keeps them
    start_date: str = ""
    end_date: str = ""
    attendance: str = ""  # e.g. "attended 14 of 16 scheduled sessions ... (2 excused absences not counted)"
    goal: str = ""  # the client's own goal this engagement serves
    concerns: tuple[str, ...] = ()  # collateral concerns (shared by choice) this engagement is the referral for


def _on(date: str) -> str:
    return describe_partial_date(date)


def engagement_sentence(fact: EngagementFact, *, today: datetime.date | None = None) -> str:
    """Plain text: e.g. "Since April 10, 2023, Mr. Ashby has been enrolled in outpatient treatment at Crestline
    Recovery Services (active); he attended 24 of 26 scheduled sessions between ... ." Nothing is added that the
    engagement does not hold: no date, count or status is guessed."""
    subject, object_, possessive = PRONOUNS.get(fact.pronoun, PRONOUNS["they"])
    client = fact.client.strip() or "the client"  # capitalised below when it starts the sentence
    at = f" at {fact.provider}" if fact.provider.strip() else ""
    what = fact.what.strip() or "a programme"
    start, end, referral = _on(fact.start_date), _on(fact.end_date), _on(fact.referral_date)
    status = fact.status
    starts_later = (
        today is not None and parse_partial_date(fact.start_date) is not None
        and parse_partial_date(fact.start_date) > today
    )
    if status == "referred":
        to = f" to {fact.provider}" if fact.provider.strip() else ""
        on = "On" if precision_of(fact.referral_date) == "day" else "In"
        lead = f"{on} {referral}, {client} was referred{to} for {what}" if referral else f"{client} has been referred{to} for {what}"
        lead += " (referral pending)"
    elif status in {"completed", "discontinued"}:
        if start and end:
            lead = f"From {start} to {end}, {client} was enrolled in {what}{at} ({status})"
        elif end:
            lead = f"Until {end}, {client} was enrolled in {what}{at} ({status})"
        elif start:
            lead = f"From {start}, {client} was enrolled in {what}{at} ({status})"
        else:
            lead = f"{client} was enrolled in {what}{at} ({status})"
    elif status in {"enrolled", "active"}:
        if start and starts_later:
            lead = f"{client} is enrolled in {what}{at}, starting {start}"
        elif start:
            lead = f"Since {start}, {client} has been enrolled in {what}{at}"
        else:
            lead = f"{client} is enrolled in {what}{at}"
        lead += " (active)" if status == "active" else ""
    else:
        when = describe_when(date=fact.start_date or fact.referral_date, date_end=fact.end_date)
        lead = f"{client} took part in {what}{at}" + (f" ({when})" if when != "undated" else "")
    text = lead
    if fact.attendance:
        text += f"; {subject} {fact.attendance}"
    text += "" if text.endswith(".") else "."  # a provider's name may end in an abbreviation ("Ctr.")
    if fact.goal.strip():
        goal = fact.goal.strip().strip("“”\"")
        text += f" It serves a goal {subject} set: “{goal}”"
        text += "." if goal[-1:] not in ".!?" else ""
    if fact.concerns:
        concerns = _join([f"{possessive} {concern}" for concern in fact.concerns])
        text += f" This referral addresses a concern raised with {object_} about {concerns}."
    return text[0].upper() + text[1:]


def collateral_note(*, client: str, pronoun: str, concerns: Iterable[str]) -> str:
    """One sentence naming the collateral concerns the team chose to mention, e.g. "... his housing"."""
    _subject, _object, possessive = PRONOUNS.get(pronoun, PRONOUNS["they"])
    named = [f"{possessive} {concern}" for concern in concerns]
    if not named:
        return ""
    return f"{client.strip() or 'The client'} has also raised concerns about how a conviction would affect {_join(named)}."


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f", and {items[-1]}"
