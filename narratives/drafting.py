"""First drafts assembled from accepted facts: every sentence comes from one event and cites it.

The specialist rewrites the draft; the assembler never invents a fact, it only orders and cites them."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from common.dates import describe_when, parse_partial_date
from narratives.richtext import citation_link

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
    sentence: str = ""  # written in full by another app (an engagement's): used as is, in a paragraph of its own
    statement: str = ""  # the fact in the memorandum's words (reviewed): used as is, in its life period


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
    if fact.statement.strip():
        return escape(" ".join(fact.statement.split()))
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
