"""First drafts assembled from accepted facts: every sentence comes from one event and cites it.

The specialist rewrites the draft; the assembler never invents a fact, it only orders and cites them."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from narratives.dates import describe_partial_date, describe_when, parse_partial_date, precision_of
from narratives.html import citation_link

# Life stages by age, the way mitigation narratives are usually told; without a date of birth, by decade.
LIFE_STAGES = [
    (0, 5, "Early childhood"),
    (6, 12, "Childhood"),
    (13, 17, "Adolescence"),
    (18, 24, "Young adulthood"),
    (25, 200, "Adulthood"),
]
YEAR_IN_TEXT = re.compile(r"\b(19|20)\d{2}\b")


@dataclass(frozen=True, slots=True)
class DraftFact:
    event_id: int
    summary: str
    date: str
    date_end: str
    age: int | None
    citation_label: str
    href: str
    sentence: str = ""  # written in full elsewhere (an engagement's): used as is, in a paragraph of its own


def _period(fact: DraftFact, dob: datetime.date | None) -> tuple[int, str]:
    start = parse_partial_date(fact.date) or parse_partial_date(fact.date_end)
    if start is None:
        return (10_000, "Undated")
    if dob is not None:
        age = fact.age if fact.age is not None else start.year - dob.year
        for low, high, name in LIFE_STAGES:
            if low <= age <= high:
                return (low, f"{name} ({dob.year + low}–{dob.year + high})" if high < 200 else f"{name} ({dob.year + low}–)")
        return (-1, "Before birth")
    decade = start.year // 10 * 10
    return (decade, f"The {decade}s")


def _sentence(fact: DraftFact) -> str:
    text = " ".join(fact.summary.split()).rstrip()
    if not text:
        return ""
    when = describe_when(date=fact.date, date_end=fact.date_end, age=fact.age)
    if when != "undated" and not YEAR_IN_TEXT.search(text):
        text = f"{when[0].upper()}{when[1:]}: {text}"
    if text[-1] not in ".!?\"”)":
        text += "."
    return escape(text)


def assemble_paragraphs(
    facts: Iterable[DraftFact], *, dob: datetime.date | None, notes: Iterable[str] = ()
) -> str:
    """HTML paragraphs, one per life period in date order, each sentence followed by its citation.

    Facts with a written `sentence` (service engagements) follow, one paragraph each in the order given;
    `notes` (plain text the team chose to include, citing no record) close the section."""
    periods: dict[tuple[int, str], list[DraftFact]] = {}
    written: list[DraftFact] = []
    for fact in facts:
        if fact.sentence.strip():
            written.append(fact)
        else:
            periods.setdefault(_period(fact, dob), []).append(fact)
    paragraphs = []
    for _key, group in sorted(periods.items()):
        # One clause can state two facts (e.g. a removal that is also a parent's arrest): say it once,
        # citing every event it stands for.
        sentences: dict[str, list[str]] = {}
        for fact in group:
            sentence = _sentence(fact)
            if sentence:
                link = citation_link(event_id=fact.event_id, href=fact.href, label=fact.citation_label)
                sentences.setdefault(sentence, []).append(link)
        if sentences:
            paragraphs.append("<p>" + " ".join(f"{s} {' '.join(links)}" for s, links in sentences.items()) + "</p>")
    for fact in written:
        link = citation_link(event_id=fact.event_id, href=fact.href, label=fact.citation_label)
        paragraphs.append(f"<p>{escape(' '.join(fact.sentence.split()))} {link}</p>")
    paragraphs.extend(f"<p>{escape(' '.join(note.split()))}</p>" for note in notes if note.strip())
    return "\n".join(paragraphs)


# ---- service engagements ("What the client is doing now") -------------------------------------------------

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
