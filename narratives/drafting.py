"""First drafts assembled from accepted facts: paragraphs that a court reads as a story, every fact cited.

A section's facts are grouped by life period; each group becomes a paragraph that opens with a topic sentence
(the period, and what the facts in it are about) and then says each fact once, in date order, in its reviewed
statement, followed by one citation. Facts said in the same words (the same fact in two records) are said once,
their citations side by side, which the export prints as one citation. The specialist rewrites the draft; the
assembler never invents a fact, it only orders, joins and cites them."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from common.dates import describe_when, parse_partial_date
from narratives.richtext import citation_link
from narratives.statements import PRONOUNS

# Life stages by age, the way mitigation narratives are usually told; without a date of birth, by decade.
LIFE_STAGES = [
    (0, 5, "early childhood"),
    (6, 12, "childhood"),
    (13, 17, "adolescence"),
    (18, 24, "young adulthood"),
    (25, 200, "adult life"),
]
YEAR_IN_TEXT = re.compile(r"\b(19|20)\d{2}\b")
QUOTED = re.compile(r"^(.{2,80}?),? (?:wrote|said|states): (?=“)")

# What facts of a category are about, after a possessive pronoun ("his schooling"), for topic sentences.
TOPICS = {
    "birth_family": "family",
    "trauma_abuse": "exposure to violence and neglect",
    "child_welfare": "time in the child-welfare system",
    "education": "schooling",
    "education_services": "schooling",
    "health": "physical health",
    "medical_care": "physical health",
    "mental_health": "mental health",
    "mental_health_treatment": "mental health",
    "substance_use": "use of alcohol and drugs",
    "substance_use_treatment": "treatment for addiction",
    "housing": "housing",
    "housing_assistance": "housing",
    "justice_involvement": "contact with the courts",
    "employment": "work",
    "employment_services": "work",
    "family_responsibilities": "care for the people who depend on",  # "... on him"
    "military": "military service",
    "community_ties": "place in the community",
    "achievement": "accomplishments",
    "family_services": "growth as a parent",
    "benefits_assistance": "health coverage and benefits",
    "civil_legal_services": "legal problems outside this case",
    "case_management": "plans",
}


@dataclass(frozen=True, slots=True)
class DraftFact:
    event_id: int
    summary: str
    date: str
    date_end: str
    age: int | None
    citation_label: str
    href: str
    sentence: str = ""  # written in full by another app (an engagement's): used as is
    statement: str = ""  # the fact in the memorandum's words (reviewed): used as is, in its life period
    category: str = ""


def _period(fact: DraftFact, dob: datetime.date | None) -> tuple[int, str, str]:
    """(order, stage, years): e.g. (6, "childhood", "2001–2007")."""
    start = parse_partial_date(fact.date) or parse_partial_date(fact.date_end)
    if start is None:
        return (10_000, "", "")
    if dob is not None:
        age = fact.age if fact.age is not None else start.year - dob.year - ((start.month, start.day) < (dob.month, dob.day))
        for low, high, name in LIFE_STAGES:
            if low <= age <= high:
                years = f"{dob.year + low}–{dob.year + high + 1}" if high < 200 else f"since {dob.year + low}"
                return (low, name, years)
        return (-1, "before birth", "")
    decade = start.year // 10 * 10
    return (decade, "", f"the {decade}s")


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


def topic_sentence(*, stage: str, years: str, categories: Iterable[str], client: str, pronoun: str) -> str:
    """The paragraph's first sentence: the period, and what its facts are about (from their categories)."""
    _subject, object_, possessive = PRONOUNS.get(pronoun, PRONOUNS["they"])
    topics = list(dict.fromkeys(TOPICS.get(c, "") for c in categories if TOPICS.get(c)))[:3]
    about = _join([f"{possessive} {t}" + (f" {object_}" if t.endswith(" on") else "") for t in topics])
    about = about or f"{possessive} life"
    if stage == "before birth":
        return f"The records begin before {client} was born, with {about}."
    if not stage and not years:
        return f"Records that give no date also describe {about}."
    if not stage:
        return f"In {years}, the records describe {about}."
    return f"The records of {client}’s {stage} ({years}) describe {about}."


def assemble_paragraphs(
    facts: Iterable[DraftFact], *, dob: datetime.date | None, notes: Iterable[str] = (), client: str = "the client",
    pronoun: str = "they", current: bool = False, said: set[str] | None = None,
) -> str:
    """HTML paragraphs: one per life period in date order, each opening with a topic sentence, then every fact
    once (same words, one sentence, its citations together) with its citation.

    Facts with a written `sentence` (service engagements) are told together after a topic sentence of their own
    when `current` (the section about what the client is doing now), else in their life period like any fact;
    `notes` (plain text the team chose to include, citing no record) close the last paragraph. `said` holds the
    statements already told in other sections (skipped here) and receives this section's."""
    said = set() if said is None else said
    facts = list(facts)
    paragraphs: list[str] = []
    if current:
        written = [fact for fact in facts if fact.sentence.strip()]
        facts = [fact for fact in facts if not fact.sentence.strip()]
        if written:
            count = len(written)
            lead = (f"Today {client} is working with {count} programme{'s' if count != 1 else ''} and provider"
                    f"{'s' if count != 1 else ''}.")
            body = " ".join(
                f"{escape(' '.join(fact.sentence.split()))} "
                + citation_link(event_id=fact.event_id, href=fact.href, label=fact.citation_label)
                for fact in written
            )
            paragraphs.append(f"<p>{escape(lead)} {body}</p>")
    periods: dict[tuple[int, str, str], list[DraftFact]] = {}
    for fact in facts:
        periods.setdefault(_period(fact, dob), []).append(fact)
    # One statement for two events (a fact told by two records, or dated twice): said once, where it first
    # falls, citing every event it stands for.
    first_said: dict[str, list[str]] = {}
    grouped: list[tuple[str, str, list[DraftFact], dict[str, list[str]]]] = []
    for (_order, stage, years), group in sorted(periods.items()):
        sentences: dict[str, list[str]] = {}
        for fact in group:
            sentence = escape(" ".join(fact.sentence.split())) if fact.sentence.strip() else _sentence(fact)
            if not sentence or sentence in said:
                continue
            link = citation_link(event_id=fact.event_id, href=fact.href, label=fact.citation_label)
            if sentence in first_said:
                first_said[sentence].append(link)
                continue
            sentences[sentence] = first_said[sentence] = [link]
        grouped.append((stage, years, group, sentences))
    for stage, years, group, sentences in grouped:
        if not sentences:
            continue
        topic = topic_sentence(stage=stage, years=years, categories=[f.category for f in group], client=client,
                               pronoun=pronoun)
        told = []
        previous_speaker = ""
        for sentence, links in sentences.items():
            # The same writer quoted again straight after: "X added:", not "X wrote:" three times running.
            speaker = QUOTED.match(sentence)
            shown = f"{speaker[1]} added: {sentence[speaker.end():]}" if speaker and speaker[1] == previous_speaker else sentence
            previous_speaker = speaker[1] if speaker else ""
            told.append(f"{shown} {''.join(links)}")
        paragraphs.append(f"<p>{escape(topic)} {' '.join(told)}</p>")
    said.update(first_said)
    closing = " ".join(escape(" ".join(note.split())) for note in notes if note.strip())
    if closing:
        if paragraphs:
            paragraphs[-1] = paragraphs[-1][: -len("</p>")] + f" {closing}</p>"
        else:
            paragraphs.append(f"<p>{closing}</p>")
    return "\n".join(paragraphs)


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f", and {items[-1]}"
