"""Propose life-history events and service engagements from a record's text.

    find_events(record, dob=None) -> [FoundEvent]

1. ``segment`` splits the text into sentences, table rows, form lines and headings (offsets kept);
   ``units.reading_units`` cuts sentences into clauses.
2. The learned model (``model.EventModel``) reads every piece in its context and scores, for each category
   of shared/taxonomy.md, whether the piece states an event, starts one or continues the previous piece's.
   It was trained on the annotated corpus (``extraction/corpus/``) and the shared samples, so negation,
   hypotheticals, whose event it is, letterheads and procedural history are learned from labelled
   examples, not from keyword lists.
3. ``decode`` turns scores into proposals; each carries its confidence and the word the model weighed most
   (its cue), and an engagement its status.
4. ``dating.RecordDates`` gives each proposal its date (rules: dates are precise, learned guesses are not).
"""

from __future__ import annotations

import datetime as dt
import re

from .dating import RULES, RecordDates
from .decode import Proposal, decode
from .model import EventModel, load_model
from .segment import KV, ROW, Unit, segment, trim
from .taxonomy import SERVICE_TYPES, kind_of
from .types import ExtractedText, FoundEvent
from .units import reading_units

_KIN = re.compile(
    r"\b(mother|father|mom|dad|stepfather|stepmother|step-father|step-mother|grandmother|grandfather|"
    r"grandparents|parents|brother|sister|half-brother|half-sister|siblings?|aunt|uncle|cousin|guardian|"
    r"boyfriend|foster (?:mother|father|parents?))\b",
    re.I,
)
_ORG_WORD = re.compile(
    r"\b(center|centre|services|clinic|program|programme|house|lodge|housing|health|hospital|department|"
    r"recovery|institute|academy|school|college|church|ministries|agency|association|foundation|authority|"
    r"society|court|network|project|home|shelter|coalition|council|office|corps|alliance|treatment|"
    r"counseling|behavioral|rehabilitation|detox|residential|outpatient|group)\b",
    re.I,
)
_CAP_SEQ = re.compile(r"(?:[A-Z][\w&'’.\-/]*)(?:\s+(?:(?:of|for|and|&|the|at|on|de)\s+)?(?:[A-Z][\w&'’.\-/]*|&))*")
_PROVIDER_COLUMN = re.compile(r"\b(provider|program|programme|agency|facility|service|placement|school)\b", re.I)
_TITLE_WORDS = {"mr", "ms", "mrs", "dr", "the", "this", "he", "she", "his", "her", "client", "patient", "in", "on"}


def find_events(
    record: ExtractedText,
    *,
    dob: dt.date | None = None,
    model: EventModel | None = None,
    threshold: float | None = None,
) -> list[FoundEvent]:
    """The events a record asserts, in text order.

    Offsets are into ``record.text`` (pages joined with form feeds); ``page`` is the 1-based page of the
    span's start. ``dob`` resolves ages when the record does not state the client's date of birth;
    ``threshold`` (default: the model's) is the lowest confidence proposed, so a reviewer who wants recall
    first can ask for more."""
    text = record.text
    if not text.strip():
        return []
    model = model or load_model()
    units = segment(text, skip_section_re=RULES["skip_section_re"])
    pieces = reading_units(text, units)
    reading = model.read(text, pieces)
    proposals = decode(pieces, reading, threshold=model.threshold if threshold is None else threshold)
    record_dates = RecordDates(text, units, dob=dob)
    events = []
    for p in proposals:
        source = pieces[p.units[0]].source
        event = _event(text, units, source, p, record_dates)
        if event is not None:
            events.append(event)
    return events


def _event(text: str, units: list[Unit], index: int, p: Proposal, record_dates: RecordDates) -> FoundEvent | None:
    start, end = trim(text, p.start, p.end, ",;:")
    while end > start and text[end - 1] == "." and not re.search(r"\b[A-Z][a-z]?\.$|\b\w\.\w\.$", text[max(start, end - 6):end]):
        end -= 1
        start, end = trim(text, start, end)
    if end <= start:
        return None
    unit = units[index]
    cue_at = p.cue[0] if p.cue else None
    date = record_dates.date_for(index, start, end, cue=cue_at)
    engagement = p.category in SERVICE_TYPES
    return FoundEvent(
        kind=kind_of(p.category),  # type: ignore[arg-type]
        category=p.category,
        start=start,
        end=end,
        sentence=re.sub(r"\s+", " ", text[unit.start : unit.end]).strip(),
        page=record_dates.page_of(start),
        date=date.value if date else None,
        date_end=date.value_end if date else None,
        age=date.age if date else None,
        status=(_row_status(text, unit) or p.status) if engagement else None,
        provider=_provider(text, unit, start, end, cue_at) if engagement else None,
        subject=_subject(text[start:end]) if p.category in ("birth_family", "trauma_abuse") else "client",
        confidence=round(p.confidence, 2),
        cue=_word_at(text, p.cue) if p.cue else "",
    )


def _word_at(text: str, span: tuple[int, int]) -> str:
    """The whole word around a token's span (a word piece "##ing" shows as its word)."""
    s, e = span
    while s > 0 and (text[s - 1].isalnum() or text[s - 1] in "'’-"):
        s -= 1
    while e < len(text) and (text[e].isalnum() or text[e] in "'’-"):
        e += 1
    return text[s:e]


def _subject(span_text: str) -> str:
    """The relative a family event is about, when the span names one; else the client."""
    m = _KIN.search(span_text)
    return m.group(1).lower() if m else "client"


_STATUS_COLUMN = re.compile(r"\bstatus\b", re.I)
_STATUS_WORDS = (
    ("referred", re.compile(r"^\s*(referr|wait)", re.I)),
    ("enrolled", re.compile(r"^\s*(enroll|admitted|accepted|intake)", re.I)),
    ("active", re.compile(r"^\s*(active|ongoing|in progress|current|attending)", re.I)),
    ("completed", re.compile(r"^\s*(complet|graduat|finish)", re.I)),
    ("discontinued", re.compile(r"^\s*(discontinu|dropp|terminat|withdr|discharged\s*[-–(]?\s*(non|unsucc|admin))", re.I)),
)


def _row_status(text: str, unit: Unit) -> str | None:
    """A table's own Status column says an engagement's status better than any reading of the row."""
    if not (unit.kind == ROW and unit.table and unit.table.header):
        return None
    for i, header in enumerate(unit.table.header):
        if _STATUS_COLUMN.search(header) and i < len(unit.cells):
            value = text[unit.cells[i][0] : unit.cells[i][1]]
            return next((slug for slug, rx in _STATUS_WORDS if rx.search(value)), None)
    return None


def _provider(text: str, unit: Unit, start: int, end: int, cue: int | None) -> str | None:
    """The provider an engagement names: a provider-like column of its row, else the capitalised name with
    an organisation word nearest the model's cue."""
    if unit.kind == ROW or (unit.kind == KV and unit.cells):
        header = unit.table.header if unit.table else ()
        for i, h in enumerate(header):
            if _PROVIDER_COLUMN.search(h) and i < len(unit.cells):
                value = text[unit.cells[i][0] : unit.cells[i][1]].strip()
                if value and value not in ("--", "-"):
                    return value[:200]
        first = text[unit.cells[0][0] : unit.cells[0][1]].strip() if unit.cells else ""
        if first and _ORG_WORD.search(first):
            return first[:200]
        return None
    best, best_key = None, None
    for m in _CAP_SEQ.finditer(text, start, end):
        name = m.group().strip(" .,;:")
        words = name.split()
        if len(words) < 2 or not _ORG_WORD.search(name):
            continue
        if words[0].lower().rstrip(".") in _TITLE_WORDS and len(words) <= 2:
            continue
        key = abs(m.start() - cue) if cue is not None else 0
        if best_key is None or key < best_key:
            best, best_key = name, key
    return best[:200] if best else None
