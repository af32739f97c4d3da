"""Propose life-history events and service engagements from a record's text.

    find_events(record, dob=None, nlp=None) -> [FoundEvent]

Steps (all rules, no trained model):
1. ``segment`` splits the text into sentences, table rows and key-value lines (offsets kept).
2. The spaCy rule pipeline (``nlp.load_nlp``) finds trigger phrases per category, ConText cues (negated,
   hypothetical), person mentions and engagement cues in each unit (``nlp.pipe``, one Doc per unit).
3. Each trigger gets its experiencer (the client or a relative, ``rules.json`` experiencer policy), its
   clause, and is kept or dropped: negated and hypothetical mentions are dropped; weak triggers only
   support stronger ones; a background mention (a fronted "After ..." clause, "related to his drug use")
   gives way to the clause's main event; a service mention needs an engagement cue or a service row.
4. Triggers of one category in one clause (or table row) make one event; adjacent clauses and
   elaborating sentences of the same category without a date of their own are merged into it.
5. Dates come from ``dates.find_dates`` (ages resolved against the record's or the given DOB): the
   event's own span, then its sentence or row, then the enclosing paragraph, heading and record date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import dates as dates_mod
from .lexicon import IGNORE, Lexicon, Trigger
from .nlp import PERSONS, STATUSES, TRIGGERS, lexicon_of, load_nlp
from .segment import HEADER_ROW, HEADING, KV, LIST, PROSE, ROW, Unit, clauses, segment, trim
from .taxonomy import SERVICE_TYPES, kind_of
from .types import ExtractedText, FoundEvent

_BORN_IN = re.compile(r"\b(?:was|were)\s+born\b[^.;]{0,40}?\b((?:19|20)\d\d)\b")
_KIN_BEFORE = re.compile(
    r"\b(daughter|son|child|children|baby|brother|sister|sibling|mother|father|parents?|"
    r"grandmother|grandfather|cousin|nephew|niece|wife|husband|girlfriend)\b[^.;]*$",
    re.I,
)
_VERBISH = re.compile(
    r"\b(is|are|was|were|has|have|had|did|does|do|been|be|\w+ed|went|came|got|took|made|saw|"
    r"told|left|began|ran|fell|lost|found|became|gave|hit|beat|struck|broke)\b",
    re.I,
)
_PAST = re.compile(
    r"\b(was|were|had|did|\w+ed|went|came|got|took|made|saw|told|left|began|ran|fell|lost|"
    r"found|became|gave|broke|struck)\b",
    re.I,
)
STRONG = 0.7
WEAK = 0.45
_PREPOSITIONS = {
    "with",
    "to",
    "by",
    "of",
    "for",
    "against",
    "from",
    "between",
    "about",
    "at",
    "on",
    "in",
    "toward",
    "towards",
    "than",
    "like",
    "and",
    "or",
    "upon",
    "without",
    "among",
    "into",
    "under",
}
_ROLE_CLASS = {
    "mother": "parent",
    "father": "parent",
    "mom": "parent",
    "dad": "parent",
    "mommy": "parent",
    "daddy": "parent",
    "mama": "parent",
    "momma": "parent",
    "papa": "parent",
    "parents": "parent",
    "parent": "parent",
    "stepfather": "parent",
    "stepmother": "parent",
    "stepdad": "parent",
    "stepmom": "parent",
    "grandmother": "caregiver",
    "grandfather": "caregiver",
    "grandma": "caregiver",
    "grandpa": "caregiver",
    "granny": "caregiver",
    "grandparents": "caregiver",
    "guardian": "caregiver",
    "caretaker": "caregiver",
    "aunt": "relative",
    "uncle": "relative",
    "cousin": "relative",
    "brother": "sibling",
    "sister": "sibling",
    "half-brother": "sibling",
    "half-sister": "sibling",
    "sibling": "sibling",
    "siblings": "sibling",
    "boyfriend": "household",
    "girlfriend": "partner",
    "wife": "partner",
    "husband": "partner",
    "daughter": "child",
    "son": "child",
}
_ALIAS_ROLE = "|".join(sorted(_ROLE_CLASS, key=len, reverse=True)) + "|foster mother|foster father"
_NAME = r"(?:[A-Z][a-z'’-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'’-]+|[A-Z]\.))*"
_ALIAS_PATTERNS = (
    re.compile(  # the lookahead (the first letters the match can start with) only speeds up the scan
        rf"(?=[{''.join(sorted({r[0] for r in _ROLE_CLASS} | set('mpoyahsf')))}])"
        rf"\b(?:maternal |paternal |older |younger |adult |half-|step)?({_ALIAS_ROLE})\b,?\s+({_NAME})"
    ),
    re.compile(rf"({_NAME})\s*\((?:[^)]*?\b)?({_ALIAS_ROLE})\b"),
    re.compile(rf"(?im)^\s*({_ALIAS_ROLE})\s*:\s*({_NAME})"),
)
_WRITER_ROLE = re.compile(
    r"(?=I am )\bI am (?:[A-Z][a-z]+(?:'s|’s)|his|her|the (?:client|defendant)'s) (?:(?:little|big|older|younger|"
    r"half|step|biological|maternal|paternal|only)[ -])*(mother|father|mom|dad|sister|brother|grandmother|"
    r"grandfather|aunt|uncle|cousin|stepfather|stepmother|wife|girlfriend|son|daughter)\b"
)
_LETTER_START = re.compile(r"(?im)^(?:dear\b|to the honorable|to whom it may concern|your honor[,:])")
_CLIENT_FIELD = re.compile(
    r"(?im)(?:^|\t)[ \t]*(?:client|patient|student|examinee|infant|child|name|client name|patient name|"
    r"defendant|re|subject|youth|juvenile|resident|participant|in the interest of|petitioner|inmate|offender)"
    r"\s*:\s*([^\t\n]+)"
)
_NOT_NAME = {
    "baby",
    "boy",
    "girl",
    "a",
    "an",
    "the",
    "minor",
    "male",
    "female",
    "mr",
    "ms",
    "mrs",
    "dr",
    "jr",
    "sr",
    "ii",
    "iii",
    "client",
    "dob",
    "id",
    "no",
    "of",
    "and",
    "state",
    "v",
    "vs",
}
_MONTHS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}


# ---------------------------------------------------------------------------------------------------------
# Document-level facts: who the client is, their gender, relatives' names
# ---------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DocFacts:
    client_names: set[str] = field(default_factory=set)  # lower-cased first/middle names
    client_surnames: set[str] = field(default_factory=set)
    gender: str = "m"
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (role, class)
    dob: dt.date | None = None
    writer_roles: list[tuple[int, int, str, str]] = field(
        default_factory=list
    )  # letter span -> writer's role

    def writer_at(self, offset: int) -> tuple[str, str] | None:
        for lo, hi, role, cls in self.writer_roles:
            if lo <= offset < hi:
                return role, cls
        return None


def _doc_facts(text: str, dob: dt.date | None) -> DocFacts:
    facts = DocFacts(dob=dob)
    for m in _CLIENT_FIELD.finditer(text[:20000]):
        value = re.split(r"\s{2,}|\bDOB\b|\(DOB|\d", m.group(1))[0]
        paren = re.search(r"\(([^)]*)\)", m.group(1))
        words = re.findall(r"[A-Za-z][A-Za-z'’-]+", value + (" " + paren.group(1) if paren else ""))
        words = [w for w in words if w.lower() not in _NOT_NAME and len(w) > 1]
        if not words:
            continue
        if "," in value.split("(")[0]:  # "ASHBY, Devon Michael"
            surname, given = words[0], words[1:]
        else:
            surname, given = words[-1], words[:-1]
        facts.client_surnames.add(surname.lower())
        facts.client_names.update(w.lower() for w in given)
    low = text.lower()
    sex = re.search(r"\b(?:sex|gender)\s*:\s*(male|female|m|f)\b", low)
    if sex:
        facts.gender = "f" if sex.group(1).startswith("f") else "m"
    else:
        # pronouns in the sentences that name the client (a relative may share the surname)
        names = facts.client_names or facts.client_surnames
        he = she = 0
        if names:
            name_rx = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
            for sent in re.split(r"(?<=[.!?])\s+|\n", low):
                if name_rx.search(sent) and not re.search(r"\bm(?:s|rs)\.\s", sent):
                    he += len(re.findall(r"\b(?:he|him|his|himself)\b", sent))
                    she += len(re.findall(r"\b(?:she|her|hers|herself)\b", sent))
                    he += 2 * len(re.findall(r"\bmr\.\s", sent))
        if he == she == 0:
            # no sentence that names the client says: count the whole record, and only a clear majority of
            # feminine pronouns (a letter from the client's mother talks about her too) makes it "f"
            he = len(re.findall(r"\b(?:he|him|his|himself)\b", low))
            she = len(re.findall(r"\b(?:she|her|hers|herself)\b", low))
            if she >= 2 * he + 2:
                facts.gender = "f"
            elif he == 0 and she > 0 and not (
                facts.client_surnames
                and re.search(
                    r"\bm(?:s|rs|iss)\.?\s+(?:" + "|".join(re.escape(n) for n in facts.client_surnames) + r")\b", low
                )
            ):
                # no masculine pronoun anywhere: the client is the woman the record talks about (unless a
                # "Ms." with the client's surname is there, whom the feminine pronouns may be about: a mother)
                facts.gender = "f"
        elif she > he:
            facts.gender = "f"
    if not facts.client_surnames:
        # a court opinion: the most frequent titled or possessive surname is the defendant's
        counts: dict[str, int] = defaultdict(int)
        for m in re.finditer(r"\b(?:Mr|Ms|Mrs)\.\s+([A-Z][a-z'-]+)|\b([A-Z][a-z]+)(?:'s|’s|')\s", text):
            name = (m.group(1) or m.group(2)).lower()
            if name not in _MONTHS and name not in _NOT_NAME and name not in _ROLE_CLASS:
                counts[name] += 1
        titled = {m.group(1).lower() for m in re.finditer(r"\b(?:Mr|Ms|Mrs)\.\s+([A-Z][a-z'-]+)", text)}
        if counts:
            name, n = max(counts.items(), key=lambda kv: kv[1])
            if n >= 2 or name in titled:
                facts.client_surnames.add(name)
    # "I am Marcus's mother": in that letter "I" is the client's mother
    boundaries = [0] + [m.start() for m in _LETTER_START.finditer(text)] + [len(text) + 1]
    for m in _WRITER_ROLE.finditer(text):
        role = m.group(1).lower().split()[-1]
        cls = _ROLE_CLASS.get(role, "relative")
        lo = max(b for b in boundaries if b <= m.start())
        hi = min(b for b in boundaries if b > m.start())
        facts.writer_roles.append((lo, hi, role, cls))
    for pat in _ALIAS_PATTERNS:
        for m in pat.finditer(text[:60000]):
            a, b = m.group(1), m.group(2)
            role, name = (a, b) if a.lower() in _ROLE_CLASS or a.lower().startswith("foster") else (b, a)
            role = role.lower()
            cls = "caregiver" if role.startswith("foster") else _ROLE_CLASS.get(role, "relative")
            words = re.findall(r"[A-Za-z][a-z'’-]+", name)
            # the given name names the relative; a surname is often the client's too
            for w in words[:1] if len(words) > 1 else words:
                wl = w.lower()
                if wl in facts.client_names or wl in facts.client_surnames or wl in _NOT_NAME:
                    continue
                facts.aliases.setdefault(wl, (role.split()[-1], cls))
    return facts


# ---------------------------------------------------------------------------------------------------------
# Person mentions and subjects
# ---------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Mention:
    start: int  # token indices in the unit's Doc
    end: int
    cls: str  # client, parent, caregiver, sibling, child, partner, household, relative, other, writer
    role: str  # the word that names the person ("mother", "client")
    possessive: bool = False
    object: bool = False
    after_preposition: bool = False


def _mentions(doc: Doc, facts: DocFacts, lex: Lexicon, offset: int = -1) -> list[Mention]:
    writer = facts.writer_at(offset) if offset >= 0 else None
    spans = sorted(doc.spans.get(PERSONS, ()), key=lambda s: (s.start, -(s.end - s.start)))
    chosen: list[Span] = []
    last_end = -1
    for sp in spans:
        if sp.start >= last_end:
            chosen.append(sp)
            last_end = sp.end
    out: list[Mention] = []
    covered = set()
    for sp in chosen:
        cue = lex.persons.get(sp.id_)
        if cue is None:
            continue
        cls, role = cue.cls, sp[-1].lower_
        first = sp[0].lower_
        if cls == "pronoun_m":
            cls = "client" if facts.gender == "m" else "other"
            role = "client" if cls == "client" else role
        elif cls == "pronoun_f":
            cls = "client" if facts.gender == "f" else "other"
            role = "client" if cls == "client" else role
        elif cls == "inclusive":
            cls, role = "client", "client"
        elif cls == "named":
            name = sp[-1].lower_.rstrip(".")
            title = first.rstrip(".")
            female = title in ("ms", "mrs", "miss")
            if name in facts.client_surnames or name in facts.client_names:
                same_gender = (
                    (facts.gender == "f") == female
                    if title in ("mr", "ms", "mrs", "miss", "mister")
                    else True
                )
                if same_gender:
                    cls, role = "client", "client"
                else:
                    cls, role = "parent", ("mother" if female else "father")
            elif name in facts.aliases:
                role, cls = facts.aliases[name]
            else:
                cls, role = "other", name
        elif cls == "writer" and writer is not None and cue.case != "possessive":
            role, cls = writer  # "I was using drugs back then", written by the client's mother
        elif cls in ("parent", "caregiver", "sibling", "child", "partner", "household", "relative"):
            prev = doc[sp.start - 1].lower_ if sp.start > 0 else ""
            if first in ("my",) or prev == "my":
                cls = "other"
            role = sp[-1].lower_ if sp[-1].lower_ not in ("'s", "’s") else sp[-2].lower_
            if cls == "parent" and role in ("maternal",):
                role = "mother"
            elif cls == "parent" and role == "paternal":
                role = "father"
        nxt = doc[sp.end].lower_ if sp.end < len(doc) else ""
        possessive = cue.case == "possessive" or nxt in ("'s", "’s", "'") or sp[-1].lower_ in ("'s", "’s")
        if cls == "client" and role == "client" and first in ("her",) and cue.case == "possessive":
            possessive = True
        out.append(
            Mention(
                sp.start,
                sp.end,
                cls,
                role,
                possessive,
                cue.case == "object" or (cls != "client" and _after_verb(doc, sp.start)),
                _after_preposition(doc, sp.start),
            )
        )
        covered.update(range(sp.start, sp.end))
    # bare first names of the client or of relatives named in the record (only looked for token by token
    # when one of the names occurs in the unit's text at all)
    low_text = doc.text.lower()
    names_here = any(
        name in low_text
        for names in (facts.client_names, facts.aliases, facts.client_surnames)
        for name in names
    )
    for tok in doc if names_here else ():
        if tok.i in covered or not tok.text[:1].isupper() or not tok.is_alpha:
            continue
        low = tok.lower_
        cls = role = None
        if low in facts.client_names:
            cls, role = "client", "client"
        elif low in facts.aliases:
            role, cls = facts.aliases[low]
        elif low in facts.client_surnames and (
            tok.i == 0 or doc[tok.i - 1].lower_ not in ("ms.", "mrs.", "mr.")
        ):
            if not facts.client_names:
                cls, role = "client", "client"
        if cls:
            nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
            out.append(
                Mention(
                    tok.i,
                    tok.i + 1,
                    cls,
                    role,
                    nxt in ("'s", "’s", "'"),
                    False,
                    _after_preposition(doc, tok.i),
                )
            )
    out.sort(key=lambda m: m.start)
    return out


_DETERMINERS = {
    "his",
    "her",
    "their",
    "my",
    "our",
    "its",
    "the",
    "a",
    "an",
    "this",
    "that",
    "'s",
    "’s",
    "both",
    "older",
    "younger",
    "little",
    "big",
    "adult",
    "maternal",
    "paternal",
    "own",
    "late",
    "biological",
}


_OBJECT_VERBS = {
    "has",
    "have",
    "had",
    "having",
    "married",
    "fathered",
    "raised",
    "visits",
    "visited",
    "supports",
    "supported",
    "saw",
    "sees",
    "see",
    "adopted",
    "lost",
    "left",
    "found",
    "called",
    "told",
    "met",
    "helped",
    "protected",
    "loved",
    "loves",
    "hit",
    "beat",
    "struck",
    "killed",
    "shot",
    "abused",
}


def _after_verb(doc: Doc, i: int) -> bool:
    """Whether the mention starting at token i is the object of a verb ("has a nine-year-old son")."""
    j = i - 1
    while j >= 0 and (
        doc[j].lower_ in _DETERMINERS or doc[j].like_num or doc[j].lower_ in ("-", "year", "old")
    ):
        j -= 1
    return j >= 0 and doc[j].lower_ in _OBJECT_VERBS


_QUANTIFIERS = {
    "both",
    "all",
    "each",
    "one",
    "neither",
    "either",
    "two",
    "three",
    "some",
    "many",
    "most",
    "none",
    "several",
    "any",
}


def _after_preposition(doc: Doc, i: int) -> bool:
    """Whether the mention starting at token i is the object of a preposition ("with his older brother")."""
    j = i - 1
    steps = 0
    while (
        j >= 0
        and steps < 4
        and (
            doc[j].lower_ in _DETERMINERS
            or (doc[j].text[:1].isupper() and doc[j].is_alpha and j > 0 and doc[j - 1].lower_ in _DETERMINERS)
        )
    ):
        j -= 1
        steps += 1
    if j >= 0 and doc[j].lower_ == "of" and j > 0 and doc[j - 1].lower_ in _QUANTIFIERS:
        return False  # "both of his parents used": the quantified noun phrase is the subject
    return j >= 0 and doc[j].lower_ in _PREPOSITIONS


_REPORTING = {
    "testified",
    "testifies",
    "reported",
    "reports",
    "stated",
    "states",
    "said",
    "says",
    "noted",
    "notes",
    "found",
    "finds",
    "opined",
    "opines",
    "concluded",
    "concludes",
    "explained",
    "explains",
    "described",
    "describes",
    "indicated",
    "indicates",
    "told",
    "tells",
    "believed",
    "believes",
    "recalled",
    "recalls",
    "learned",
    "confirmed",
    "confirms",
    "observed",
    "documented",
    "documents",
    "wrote",
    "writes",
    "claimed",
    "claims",
    "alleged",
    "alleges",
    "recounted",
    "recounts",
    "remembered",
    "remembers",
    "determined",
    "diagnosed",
    "that",
}


def _reports(doc: Doc, lo: int, hi: int) -> bool:
    """Whether tokens lo..hi hold an active reporting verb that introduces a clause ("testified that")."""
    for t in doc[lo:hi]:
        if t.lower_ in _REPORTING and t.lower_ != "that":
            prev = doc[t.i - 1].lower_ if t.i > 0 else ""
            nxt = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
            if prev in ("is", "was", "were", "are", "be", "been", "being"):
                continue  # "is reported to be held": passive, the subject stays
            if nxt in ("that", "he", "she", "they", "i", "we", "his", "her", "him"):
                return True
    return False


def _subject(
    mentions: list[Mention], trig: Span, seg_tok: tuple[int, int], sent_start_tok: int
) -> Mention | None:
    """The person a trigger is about: a possessor right before it, else the clause's (then the
    sentence's) last subject-like mention before it; None means the record's subject, the client."""
    before = [m for m in mentions if m.end <= trig.start]
    if before and before[-1].possessive and trig.start - before[-1].end <= 2:
        return before[-1]  # "his mother's drinking", "his suicide attempt"
    lo, _ = seg_tok
    for m in mentions:  # "Father of baby, ... is held in jail": the phrase itself names its subject
        if m.start == trig.start and trig.start <= max(lo, sent_start_tok) + 1 and not m.possessive:
            return m
    for window_lo in (lo, sent_start_tok):
        for m in reversed(mentions):
            if m.end > trig.start or m.start < window_lo:
                continue
            if m.possessive or m.object or m.after_preposition:
                continue
            if _reports(trig.doc, m.end, trig.start):
                return None  # "Dr. Jones testified that [he] suffers...": the reporter is not the subject
            return m
    return None


# ---------------------------------------------------------------------------------------------------------
# Candidate events
# ---------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Hit:
    """A kept trigger: its category after experiencer mapping, its clause and evidence."""

    trigger: Trigger
    category: str
    start: int  # absolute char offsets of the trigger phrase
    end: int
    weight: float
    clause: int  # index of the clause (prose) or cell (row)
    subject: str = "client"
    subject_cls: str = "client"
    status: str | None = None
    fronted: bool = False


@dataclass(slots=True)
class Candidate:
    category: str
    unit: int  # index into the units list
    spans: list[tuple[int, int]]  # absolute char spans (clauses or cells), merged into one at the end
    hits: list[Hit]
    status: str | None = None
    provider: str | None = None
    date: dates_mod.DateMention | None = None
    date_source: str = ""
    explicit_date: bool = False
    table_event: bool = False

    @property
    def start(self) -> int:
        return min(s for s, _ in self.spans)

    @property
    def end(self) -> int:
        return max(e for _, e in self.spans)

    @property
    def groups(self) -> set[str]:
        return {h.trigger.group for h in self.hits}

    @property
    def weight(self) -> float:
        return max((h.weight for h in self.hits), default=0.6)


_SPACE_RUN = re.compile(r"\s+")  # re's \s is str.isspace()
_ODD_SPACE = re.compile(r"[^\S ]|  ")  # whitespace other than a lone plain space


def _norm_unit_text(text: str, unit: Unit) -> tuple[str, list[int]]:
    """The unit's text with whitespace runs collapsed (cells joined by " | "), and an index map back."""
    parts: list[tuple[int, int]] = (
        unit.cells
        if unit.kind in (ROW, HEADER_ROW) or (unit.kind == KV and unit.cells)
        else [(unit.start, unit.end)]
    )
    chars: list[str] = []
    offs: list[int] = []
    for k, (s, e) in enumerate(parts):
        if k:
            chars.append(" | ")
            offs.extend((s, s, s))
        piece = text[s:e]
        if _ODD_SPACE.search(piece) is None:  # only single plain spaces: the text maps to itself
            chars.append(piece)
            offs.extend(range(s, s + len(piece)))
            continue
        # a whitespace run becomes one space, mapped to the run's first character
        chars.append(_SPACE_RUN.sub(" ", piece))
        pos = s
        for m in _SPACE_RUN.finditer(text, s, e):
            a = m.start()
            offs.extend(range(pos, a))
            offs.append(a)
            pos = m.end()
        offs.extend(range(pos, s + len(piece)))
    offs.append(parts[-1][1] if parts else unit.end)
    return "".join(chars), offs


def _resolve_overlaps(spans: list[Span], lex: Lexicon) -> list[Span]:
    """Keep the longest (then strongest) of overlapping triggers; blockers win and are then dropped.
    Triggers on exactly the same tokens are all kept (they are filtered by subject later)."""

    def rank(sp: Span):
        trig = lex.triggers.get(sp.id_)
        return (sp.end - sp.start, trig.weight if trig else 0.0)

    def agent_phrase(sp: Span) -> bool:
        # "was molested by his stepfather": the gap of an active pattern ("molested _ his") caught the
        # passive's agent; the passive trigger is the reading, the active one would make the client the abuser
        trig = lex.triggers.get(sp.id_)
        return trig is not None and trig.form == "active" and any(t.lower_ == "by" for t in sp[1:])

    spans = [sp for sp in spans if not agent_phrase(sp)]
    kept: list[Span] = []
    for sp in sorted(spans, key=rank, reverse=True):
        clash = [k for k in kept if k.start < sp.end and sp.start < k.end]
        if not clash or all(
            k.start == sp.start and k.end == sp.end and k.label_ != IGNORE and sp.label_ != IGNORE
            for k in clash
        ):
            kept.append(sp)
    return sorted((k for k in kept if k.label_ != IGNORE), key=lambda s: s.start)


class _Doc:
    """Everything find_events needs about one record, computed once."""

    def __init__(self, record: ExtractedText, dob: dt.date | None, nlp: Language):
        self.text = record.text
        self.nlp = nlp
        self.lex = lexicon_of(nlp)
        rules = self.lex.rules
        self.rules = rules
        self.units = segment(
            self.text, skip_section_re=rules.get("skip_section_re"), tables=rules.get("tables")
        )
        self.dob = dob or dates_mod.find_document_dob(self.text)
        self.birth_spans: list[tuple[int, int]] = []  # where the text states the client's birth
        for m in _BORN_IN.finditer(self.text[:200000]):
            if _KIN_BEFORE.search(self.text[max(0, m.start() - 45) : m.start()]):
                continue  # "his daughter, who was born in 2018"
            self.birth_spans.append((m.start(1), m.end(1)))
            if self.dob is None:
                self.dob = dt.date(int(m.group(1)), 7, 1)  # a birth year: ages resolve to birth year + age
            break
        self.facts = _doc_facts(self.text, self.dob)
        anchors = dates_mod.find_anchor_dates(self.text)
        self.anchors = [(off, d) for off, d in anchors if d != self.dob]
        first_anchor = self.anchors[0][1] if self.anchors else None
        self.mentions = [m for m in dates_mod.find_dates(self.text, dob=self.dob, anchor=first_anchor)]
        self._mention_starts = [m.start for m in self.mentions]
        self.page_starts = [0] + [m.end() for m in re.finditer("\f", self.text)]

    # dates -------------------------------------------------------------------------------------------

    def dates_in(self, start: int, end: int, *, birth: bool = False) -> list[dates_mod.DateMention]:
        """Usable date mentions inside [start, end); ``birth`` keeps the mention of the client's birth."""
        import bisect

        i = bisect.bisect_left(self._mention_starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            m = self.mentions[i]
            if m.end <= end and (
                self._usable(m)
                or (
                    birth
                    and m.value is not None
                    and any(s < m.end and m.start < e for s, e in self.birth_spans)
                )
            ):
                out.append(m)
            i += 1
        return out

    def _usable(self, m: dates_mod.DateMention) -> bool:
        if m.value is None:
            return False
        if self.dob is not None and m.kind == "date" and m.value == self.dob.isoformat():
            return False  # the date of birth dates the record's subject, not an event
        if any(s < m.end and m.start < e for s, e in self.birth_spans):
            return False
        return True

    @property
    def contemporaneous(self) -> bool:
        """Whether the record's dates all fall within about a year (a birth record, one stay's chart):
        then an undated statement in it happened at the record's time."""
        cached = getattr(self, "_contemporaneous", None)
        if cached is None:
            years = {
                int(m.value[:4]) for m in self.mentions if self._usable(m) and m.kind in ("date", "range")
            }
            cached = bool(years) and max(years) - min(years) <= 1
            self._contemporaneous = cached
        return cached

    def page_of(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.page_starts, offset)


def _cell_index(unit: Unit, offset: int) -> int:
    for k, (s, e) in enumerate(unit.cells):
        if s <= offset < e:
            return k
    return 0


def find_events(
    record: ExtractedText, *, dob: dt.date | None = None, nlp: Language | None = None
) -> list[FoundEvent]:
    """Return the events a record asserts; negated and hypothetical mentions are left out.

    Offsets are into ``record.text`` (pages joined with form feeds); ``page`` is the 1-based page of the
    span's start. ``dob`` resolves ages when the record does not state the client's date of birth."""
    nlp = nlp or load_nlp()
    text = record.text
    if not text.strip():
        return []
    d = _Doc(record, dob, nlp)
    work = [(k, u) for k, u in enumerate(d.units) if not u.skip and u.kind not in (HEADING, HEADER_ROW)]
    normed = [_norm_unit_text(text, u) for _, u in work]
    docs = nlp.pipe(t for t, _ in normed)
    candidates: list[Candidate] = []
    for (k, unit), (_, offs), doc in zip(work, normed, docs, strict=True):
        if unit.kind in (ROW,) or (unit.kind == KV and unit.cells):
            candidates.extend(_row_candidates(d, k, unit, doc, offs))
        else:
            candidates.extend(_prose_candidates(d, k, unit, doc, offs))
    candidates = _merge_continuations(d, candidates)
    candidates = _drop_restated_fields(d, candidates)
    return _finish(d, candidates)


# ---------------------------------------------------------------------------------------------------------
# Prose units (sentences, key-value lines, list items)
# ---------------------------------------------------------------------------------------------------------


def _status_hits(doc: Doc, lex: Lexicon) -> list[tuple[int, int, str | None]]:
    """Engagement cues (start, end, status) in a unit; a non-engagement cue ("referred by", the source of a
    referral) cancels the cues it overlaps."""
    spans = list(doc.spans.get(STATUSES, ()))
    blockers = [sp for sp in spans if sp.id_ in lex.statuses and not lex.statuses[sp.id_].engagement]
    out = []
    for sp in spans:
        cue = lex.statuses.get(sp.id_)
        if cue is None or not cue.engagement:
            continue
        if any(b.start < sp.end and sp.start < b.end for b in blockers):
            continue
        out.append((sp.start, sp.end, cue.status))
    return out


def _experience(d: _Doc, trig: Trigger, subj: Mention | None) -> tuple[str | None, str, str]:
    """(category or None, subject label, subject class) for a trigger given its subject mention."""
    cls = subj.cls if subj else "client"
    role = subj.role if subj else "client"
    if trig.category == "trauma_abuse":
        if trig.form == "active":
            return (None, role, cls) if cls == "client" else ("trauma_abuse", "client", "client")
        if trig.form == "passive" and cls not in ("client", "parent", "caregiver", "sibling", "household"):
            return None, role, cls
        policy = d.rules.get("experiencer_policy", {}).get("trauma_abuse", {})
        # abuse or violence in the client's life: the client is who experienced (or witnessed) it
        return (policy.get(cls), "client", "client")
    if trig.form == "active" and trig.category != "trauma_abuse":
        return trig.category, "client", "client"
    if trig.subjects:
        return (trig.category if cls in trig.subjects else None), role, cls
    policy = d.rules.get("experiencer_policy", {}).get(trig.category, {})
    return policy.get(cls), role, cls


def _prose_candidates(d: _Doc, k: int, unit: Unit, doc: Doc, offs: list[int]) -> list[Candidate]:
    text, lex = d.text, d.lex
    trig_spans = _resolve_overlaps(list(doc.spans.get(TRIGGERS, ())), lex)
    if not trig_spans:
        return []
    label_list = d.rules.get("label_list_key_re")
    if label_list is not None and label_list.match(text[unit.start : unit.end]):
        return []  # "Allegations: Inadequate Supervision; ...": intake labels, told in the narrative
    if unit.key_end > 0:
        # the key of a "Key: value" line is its own clause; a negative value negates it
        value = text[unit.key_end : unit.end]
        neg = d.rules.get("negative_cell_re")
        if neg is not None and neg.search(value):
            trig_spans = [t for t in trig_spans if offs[t.start_char] >= unit.key_end]
    if not any(
        lex.triggers.get(sp.id_) is not None and not sp._.negated and not sp._.hypothetical for sp in trig_spans
    ):
        return []  # every trigger is negated or hypothetical: no hits (spares the clause and subject work)
    cls_spans = clauses(text, unit.start, unit.end)
    mentions = _mentions(doc, d.facts, lex, unit.start)
    statuses = _status_hits(doc, lex)
    # char offset -> token index helpers
    tok_starts = [offs[t.idx] for t in doc]

    def clause_of(abs_off: int) -> int:
        for c, (s, e, _) in enumerate(cls_spans):
            if s <= abs_off < e:
                return c
        best = min(
            range(len(cls_spans)),
            key=lambda c: min(abs(abs_off - cls_spans[c][0]), abs(abs_off - cls_spans[c][1])),
        )
        return best

    def clause_tokens(c: int) -> tuple[int, int]:
        s, e, _ = cls_spans[c]
        lo = next((i for i, ts in enumerate(tok_starts) if ts >= s), len(doc))
        hi = next((i for i, ts in enumerate(tok_starts) if ts >= e), len(doc))
        return lo, hi

    prenatal = d.rules.get("prenatal_re")
    sentence_text = text[unit.start : unit.end]
    fronted_clauses = [c for c, (_, _, f) in enumerate(cls_spans) if f]
    main_start_tok = (
        clause_tokens(fronted_clauses[-1] + 1)[0]
        if fronted_clauses and fronted_clauses[-1] + 1 < len(cls_spans)
        else 0
    )
    hits: list[Hit] = []
    for sp in trig_spans:
        trig = lex.triggers.get(sp.id_)
        if trig is None or sp._.negated or sp._.hypothetical:
            continue
        a_start = offs[sp.start_char]
        a_end = offs[sp.end_char - 1] + 1
        c = clause_of(a_start)
        cs, ce, fronted = cls_spans[c]
        clause_text = text[cs:ce]
        if trig.requires is not None and not trig.requires.search(clause_text):
            continue
        if trig.excludes is not None and trig.excludes.search(clause_text):
            continue
        subj = _subject(mentions, sp, clause_tokens(c), main_start_tok if not fronted else 0)
        category, role, cls = _experience(d, trig, subj)
        if (
            trig.category == "substance_use"
            and prenatal is not None
            and prenatal.search(clause_text)
            and cls in ("parent", "client", "other")
        ):
            category, role, cls = "health", "client", "client"
        if category is None:
            continue
        prison_education = d.rules.get("prison_education_re")
        if (
            category == "education"
            and prison_education is not None
            and prison_education.search(sentence_text)
        ):
            category = "education_services"  # a GED or classes taken in prison are the programme
        weight = trig.weight
        opens_clause = any(
            cue.startswith("CAUSE:") and clause_text.lower().startswith(cue[6:].lower()) for cue in sp._.cues
        )
        if sp._.cause and not (c > 0 and opens_clause) and weight < 0.85:
            # background ("after losing his job"), not a clause of its own; a named condition ("because of
            # his intellectual disability") stays a fact
            weight = min(weight, 0.55)
        if category in SERVICE_TYPES and trig.category == "education":
            status = "completed" if trig.id.startswith("education.credential") else ""
        elif category in SERVICE_TYPES:
            status = _engaged(statuses, sp, doc, clause_tokens(c))
            if status is False:
                continue
        else:
            status = None
        hits.append(Hit(trig, category, a_start, a_end, weight, c, role, cls, status or None, fronted))
    hits = _apply_strength(hits, by_clause=True)
    if not hits:
        return []
    # one candidate per (clause, category)
    cands: dict[tuple[int, str], Candidate] = {}
    for h in hits:
        key = (h.clause, h.category)
        if key not in cands:
            s, e, _ = cls_spans[h.clause]
            cands[key] = Candidate(h.category, k, [(s, e)], [])
        cands[key].hits.append(h)
    out = sorted(cands.values(), key=lambda c: (c.start, c.category))
    out = _merge_clauses(d, out, cls_spans)
    for c in out:
        if c.category in SERVICE_TYPES:
            c.status = _pick_status(c.hits)
            c.provider = _provider_prose(d, c)
    return out


def _engaged(statuses: list[tuple[int, int, str | None]], sp: Span, doc: Doc, clause_tok: tuple[int, int]):
    """The status engagement cues give a service mention in its clause: a slug (the last cue that names
    one: "referred ... and placed on the waitlist", "completed ... , and completed the outpatient phase"),
    "" for an engagement that names no status, or False when nothing says the client engaged."""
    lo, hi = clause_tok
    found = sorted((s, st) for s, _, st in statuses if lo <= s < hi)
    if not found:
        return False
    with_status = [st for _, st in found if st]
    return with_status[-1] if with_status else ""


def _pick_status(hits: list[Hit]) -> str | None:
    statuses = [h.status for h in hits if h.status]
    return statuses[-1] if statuses else None


def _apply_strength(hits: list[Hit], *, by_clause: bool, unit_is_row: bool = False) -> list[Hit]:
    """Weak triggers only support a stronger one of their category; medium ones give way to a strong
    trigger of another category in the same sentence (or row); background (fronted) clauses give way to
    the main clause; suppress / yield_to rules apply within a clause."""
    if not hits:
        return hits
    main_cats = {h.category for h in hits if not h.fronted and h.weight >= WEAK}
    kept = []
    for h in hits:
        same_clause = [o for o in hits if o.clause == h.clause] if by_clause else hits
        if h.weight < WEAK:
            if not any(o.category == h.category and o.weight >= WEAK for o in same_clause):
                continue
        elif h.weight < STRONG:
            # a medium mention gives way to a strong one of another category: in a sentence (prose)
            # or in the same cell (a row holds one fact per cell)
            rivals = {
                o.category
                for o in (same_clause if unit_is_row else hits)
                if o.weight >= STRONG and not o.fronted
            }
            if rivals - {h.category}:
                continue
        if (
            h.fronted
            and main_cats - {h.category}
            and any(o.weight >= STRONG for o in hits if not o.fronted and o.category != h.category)
        ):
            continue
        if any(h.category in o.trigger.suppress for o in same_clause if o is not h):
            continue
        if any(o.category in h.trigger.yield_to for o in same_clause if o is not h):
            continue
        kept.append(h)
    return kept


def _primary_group(c: Candidate) -> str:
    """The kind of fact a candidate mainly states: its strongest (then first) trigger's group."""
    best = max(c.hits, key=lambda h: (h.weight, -h.start))
    return best.trigger.group


def _merge_clauses(d: _Doc, cands: list[Candidate], cls_spans) -> list[Candidate]:
    """Adjacent clauses of one sentence with the same category are one event unless each has a date of
    its own (two dated facts: "enlisted in September 2013 / separated in November 2013")."""
    if len(cands) < 2:
        return cands
    by_cat: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        by_cat[c.category].append(c)
    out: list[Candidate] = []
    for cat, group in by_cat.items():
        group.sort(key=lambda c: c.start)
        cur = group[0]
        for nxt in group[1:]:
            gap = d.text[cur.end : nxt.start]
            if cat in SERVICE_TYPES:
                separate = ";" in gap  # "Prior treatment: detox, 3 days in 2019; residential, completed 2022"
            else:
                own_a, own_b = d.dates_in(cur.start, cur.end), d.dates_in(nxt.start, nxt.end)
                separate = (
                    bool(own_a)
                    and bool(own_b)
                    and (_primary_group(cur) != _primary_group(nxt) or own_a[-1].year != own_b[0].year)
                )
            if separate:
                out.append(cur)
                cur = nxt
            else:
                cur.spans.extend(nxt.spans)
                cur.hits.extend(nxt.hits)
        out.append(cur)
    return sorted(out, key=lambda c: c.start)


# ---------------------------------------------------------------------------------------------------------
# Table rows
# ---------------------------------------------------------------------------------------------------------


def _row_candidates(d: _Doc, k: int, unit: Unit, doc: Doc, offs: list[int]) -> list[Candidate]:
    text, lex = d.text, d.lex
    rule = unit.table.rule if unit.table else None
    mode = rule.get("mode") if rule else None
    header = unit.table.header if unit.table else ()
    neg = d.rules.get("negative_cell_re")
    cell_texts = [text[s:e] for s, e in unit.cells]
    negative_cells = (
        {i for i, t in enumerate(cell_texts) if neg is not None and neg.search(t)} if neg else set()
    )
    if unit.kind == KV:
        # "Key: value" cells: a negative value negates the key's triggers
        negative_cells = set()
        for i, t in enumerate(cell_texts):
            m = re.match(r"^[^:]{1,60}:\s*(.*)$", t)
            if m and neg is not None and neg.search(m.group(1)):
                negative_cells.add(i)
    trig_spans = _resolve_overlaps(list(doc.spans.get(TRIGGERS, ())), lex)
    mentions: list[Mention] | None = None  # found when a trigger first needs its subject
    statuses = _status_hits(doc, lex)
    row_text = text[unit.start : unit.end]
    prenatal = d.rules.get("prenatal_re")
    hits: list[Hit] = []
    for sp in trig_spans:
        trig = lex.triggers.get(sp.id_)
        if trig is None or sp._.negated or sp._.hypothetical:
            continue
        a_start = offs[sp.start_char]
        a_end = offs[sp.end_char - 1] + 1
        cell = _cell_index(unit, a_start)
        if unit.kind == KV:
            if cell in negative_cells:
                continue
        elif negative_cells - {cell}:
            continue
        if mode == "medications" and ".med." not in trig.id:
            continue
        cs, ce = unit.cells[cell]
        scope_text = row_text if unit.kind == ROW else text[cs:ce]
        if trig.requires is not None and not trig.requires.search(scope_text):
            continue
        if trig.excludes is not None and trig.excludes.search(scope_text):
            continue
        if mentions is None:
            mentions = _mentions(doc, d.facts, lex, unit.start)
        subj = _subject(mentions, sp, (0, len(doc)), 0)
        category, role, cls = _experience(d, trig, subj)
        if (
            trig.category == "substance_use"
            and prenatal is not None
            and prenatal.search(row_text)
            and cls in ("parent", "client", "other")
        ):
            category, role, cls = "health", "client", "client"
        if category is None:
            continue
        weight = trig.weight
        if rule and category in rule.get("absorb", ()):
            category = rule["category"]
        if rule and rule.get("promote") and category == rule.get("category"):
            weight = max(weight, STRONG)
        status = None
        if category in SERVICE_TYPES:
            if mode in ("services", "medications"):
                status = ""
            elif trig.engagement and unit.kind == ROW:
                status = ""
            else:
                if unit.kind == KV:
                    lo = next((i for i, t in enumerate(doc) if offs[t.idx] >= cs), 0)
                    hi = next((i for i, t in enumerate(doc) if offs[t.idx] >= ce), len(doc))
                    status = _engaged(statuses, sp, doc, (lo, hi))
                else:
                    status = _engaged(statuses, sp, doc, (0, len(doc)))
                if status is False:
                    continue
        hits.append(Hit(trig, category, a_start, a_end, weight, cell, role, cls, status or None))
    if mode == "services":
        hits = _service_row_hits(d, unit, hits)
    hits = _apply_strength(hits, by_clause=True, unit_is_row=True)
    by_cat: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        by_cat[h.category].append(h)
    # tables whose every row is an event of one category
    if rule and rule.get("category") and not negative_cells:
        cat = rule["category"]
        if mode == "every_row" and cat not in by_cat:
            by_cat[cat] = []
        elif mode == "nonroutine" and cat not in by_cat:
            reason_rx = re.compile(rule.get("reason_column") or r"$^", re.I)
            routine = rule.get("routine")
            for i, h in enumerate(header):
                if reason_rx.search(h) and i < len(unit.cells):
                    value = text[unit.cells[i][0] : unit.cells[i][1]]
                    if value.strip() and not (routine and routine.search(value)):
                        by_cat[cat] = []
                        by_cat[cat + "#cell"] = [
                            Hit(
                                Trigger(id=f"table.{rule.get('name')}", category=cat),
                                cat,
                                unit.cells[i][0],
                                unit.cells[i][1],
                                0.7,
                                i,
                            )
                        ]
    out = []
    single = len([c for c in by_cat if not c.endswith("#cell")]) == 1
    for cat, hs in by_cat.items():
        if cat.endswith("#cell"):
            continue
        hs = hs + by_cat.get(cat + "#cell", [])
        if single or not hs:
            spans = [(unit.start, unit.end)]
        else:
            cells = sorted({h.clause for h in hs})
            spans = [(unit.cells[cells[0]][0], unit.cells[cells[-1]][1])]
        cand = Candidate(cat, k, spans, hs, table_event=True)
        if cat in SERVICE_TYPES:
            cand.status = _row_status(d, unit, doc, statuses, hs, rule)
            cand.provider = _row_provider(d, unit, rule)
        out.append(cand)
    return out


def _service_row_hits(d: _Doc, unit: Unit, hits: list[Hit]) -> list[Hit]:
    """A service-summary row is one engagement: keep the service category named in its service column."""
    rule = unit.table.rule if unit.table else None
    services = [h for h in hits if h.category in SERVICE_TYPES]
    if not services:
        return hits
    col_rx = re.compile(rule.get("service_column") or r"$^", re.I) if rule else None
    header = unit.table.header if unit.table else ()
    service_cells = {i for i, h in enumerate(header) if col_rx and col_rx.search(h)}
    in_col = [h for h in services if h.clause in service_cells]
    best = max(in_col or services, key=lambda h: (h.end - h.start, h.weight))
    keep = [h for h in services if h.category == best.category]
    for h in keep:
        h.weight = max(h.weight, STRONG)
    return keep


def _row_status(d: _Doc, unit: Unit, doc: Doc, statuses, hits: list[Hit], rule: dict | None) -> str | None:
    if rule and rule.get("status_column") and unit.table:
        rx = re.compile(rule["status_column"], re.I)
        for i, h in enumerate(unit.table.header):
            if rx.search(h) and i < len(unit.cells):
                value = d.text[unit.cells[i][0] : unit.cells[i][1]].strip().lower()
                for slug in ("referred", "enrolled", "active", "completed", "discontinued"):
                    if value.startswith(slug[:6]):
                        return slug
    st = [s for _, _, s in statuses if s]
    if st:
        return st[-1]
    if rule and rule.get("mode") == "medications":
        return "active"
    return _pick_status(hits)


def _row_provider(d: _Doc, unit: Unit, rule: dict | None) -> str | None:
    if rule and rule.get("provider_column") and unit.table:
        rx = re.compile(rule["provider_column"], re.I)
        for i, h in enumerate(unit.table.header):
            if rx.search(h) and i < len(unit.cells):
                value = d.text[unit.cells[i][0] : unit.cells[i][1]].strip()
                if value and value not in ("--", "-"):
                    return value
    first = d.text[unit.cells[0][0] : unit.cells[0][1]].strip() if unit.cells else ""
    org = d.rules.get("org_word_re")
    if first and org is not None and org.search(first):
        return first
    return None


# ---------------------------------------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------------------------------------

_CAP_SEQ = re.compile(
    r"(?:[A-Z][\w&'’.\-/]*|&)(?:\s+(?:(?:of|for|and|&|the|at|on|de)\s+)?(?:[A-Z][\w&'’.\-/]*|&))*"
)


def _provider_prose(d: _Doc, cand: Candidate) -> str | None:
    text = d.text
    org = d.rules.get("org_word_re")
    s, e = cand.start, cand.end
    trig_starts = [h.start for h in cand.hits]
    best, best_score = None, None
    for m in _CAP_SEQ.finditer(text, s, e):
        name = m.group().strip(" .,;:")
        words = name.split()
        low = [w.lower().strip(".,'’") for w in words]
        if not words or all(
            w in d.facts.client_names
            or w in d.facts.client_surnames
            or w in _NOT_NAME
            or w in _MONTHS
            or w in ("client", "devon")
            for w in low
        ):
            continue
        if words[0].rstrip(".") in (
            "Mr",
            "Ms",
            "Mrs",
            "Dr",
            "Client",
            "The",
            "This",
            "He",
            "She",
            "His",
            "Her",
        ):
            if len(words) <= 2:
                continue
        if len(words) < 2 and not (org is not None and org.search(name)):
            continue
        if m.start() == s and len(words) < 2:
            continue
        dist = min(abs(m.start() - t) for t in trig_starts) if trig_starts else 0
        score = (0 if org is not None and org.search(name) else 1, dist)
        if best_score is None or score < best_score:
            best, best_score = name, score
    return best


# ---------------------------------------------------------------------------------------------------------
# Merging across sentences, restated fields, dates, output
# ---------------------------------------------------------------------------------------------------------


def _merge_continuations(d: _Doc, cands: list[Candidate]) -> list[Candidate]:
    """A sentence that goes on about the same kind of fact, with no date of its own, is part of the
    previous sentence's event ("Mother appeared to be under the influence. She admitted smoking crack.")."""
    cands.sort(key=lambda c: (c.start, c.category))
    out: list[Candidate] = []
    last_by_cat: dict[str, Candidate] = {}
    for c in cands:
        unit = d.units[c.unit]
        prev = last_by_cat.get(c.category)
        merged = False
        if prev is not None and unit.kind in (PROSE, LIST, KV) and not unit.cells and not c.table_event:
            pu = d.units[prev.unit]
            adjacent = pu.para == unit.para and 0 < c.unit - prev.unit <= 1 and not prev.table_event
            same_subject = {h.subject_cls for h in prev.hits} & {h.subject_cls for h in c.hits}
            if (
                adjacent
                and same_subject
                and prev.groups & c.groups
                and not d.dates_in(c.start, c.end)
                and c.category not in SERVICE_TYPES
            ):
                prev.spans.extend(c.spans)
                prev.hits.extend(c.hits)
                merged = True
        if not merged:
            out.append(c)
            last_by_cat[c.category] = c
        else:
            last_by_cat[c.category] = prev
    return out


def _drop_restated_fields(d: _Doc, cands: list[Candidate]) -> list[Candidate]:
    """A short "Key: value" field that restates what the record's narrative tells is not a second event
    ("Initial IEP meeting: March 22, 2005" above "On 03/22/2005 the IEP team found...", "Unit: NICU")."""
    narrative = {
        (d.units[c.unit].section_start, c.category)
        for c in cands
        if d.units[c.unit].kind in (PROSE, LIST) and not c.table_event
    }
    narrative_anywhere = {cat for _, cat in narrative}

    def in_field_block(idx: int) -> bool:
        u = d.units[idx]
        if u.cells:
            return True
        neighbours = [d.units[j] for j in (idx - 1, idx + 1) if 0 <= j < len(d.units)]
        return any(n.kind == KV and n.para != u.para for n in neighbours)

    out = []
    for c in cands:
        u = d.units[c.unit]
        # a field of a header block ("Attending: ...<TAB>Unit: NICU") restates the narrative anywhere; a
        # field line inside a section, that section's narrative ("Initial IEP meeting: March 22, 2005")
        restated = c.category in narrative_anywhere if u.cells else (u.section_start, c.category) in narrative
        if u.kind == KV and restated and in_field_block(c.unit):
            if u.cells:
                cell = u.cells[_cell_index(u, c.hits[0].start)] if c.hits else (u.start, u.end)
                value = d.text[cell[0] : cell[1]].split(":", 1)[-1]
            else:
                value = d.text[u.key_end : u.end] if u.key_end > 0 else d.text[u.start : u.end]
            if len(value.split()) <= 12 and ";" not in value:
                continue
        out.append(c)
    return out


def _date_for(d: _Doc, c: Candidate) -> None:
    unit = d.units[c.unit]
    text = d.text
    hist = d.rules.get("history_marker_re")
    ana = d.rules.get("anaphoric_date_re")
    present = d.rules.get("present_tense_re")
    if unit.kind in (ROW,) or (unit.kind == KV and unit.cells):
        whole_row = c.start <= unit.start and c.end >= unit.end
        own = None if whole_row else _pick_mention(d, d.dates_in(c.start, c.end), c)
        if own is None:
            own = _row_date(d, unit, c)
        if own is not None:
            c.date, c.date_source, c.explicit_date = own, "row", True
            return
    own = _pick_mention(
        d, d.dates_in(c.start, c.end, birth=bool(re.search(r"\bborn\b", text[c.start : c.end]))), c
    )
    if own is not None:
        c.date, c.date_source, c.explicit_date = own, "span", True
        return
    sent = _pick_mention(d, d.dates_in(unit.start, unit.end), c)
    if sent is not None:
        c.date, c.date_source, c.explicit_date = sent, "sentence", True
        return
    sentence_text = text[unit.start : unit.end]
    if unit.kind == KV and unit.key_end > 0:
        key = text[unit.start : unit.key_end].lower()
        sentence_text = text[unit.key_end : unit.end]  # "HISTORY OF PRESENT ILLNESS: ..." - judge the value
        if "history" in key and "present illness" not in key:
            sentence_text = (
                "history: " + sentence_text
            )  # "PAST MEDICAL HISTORY: Asthma" is not dated by the record
    # the paragraph so far: "back then" refers to its last date; a dated note or entry dates what follows it
    para_start = unit.para_start if unit.para_start >= 0 else unit.start
    earlier = [m for m in d.dates_in(para_start, unit.start) if m.kind != "age"]
    if earlier and ana is not None and ana.search(sentence_text):
        c.date, c.date_source = earlier[-1], "anaphora"
        return
    if hist is not None and hist.search(sentence_text):
        return  # "as a child", "one time", "always": no date to give
    specific = [m for m in earlier if m.precision in ("day", "month") and m.kind in ("date", "range")]
    if specific:
        c.date, c.date_source = specific[-1], "paragraph"
        return
    if unit.section_start >= 0:
        line_end = text.find("\n", unit.section_start)
        heading_dates = [
            m
            for m in d.dates_in(unit.section_start, line_end if line_end > 0 else unit.section_start)
            if m.kind != "age"
        ]
        if heading_dates:
            c.date, c.date_source = heading_dates[-1], "heading"
            return
    run_in_heading = (
        unit.kind == KV and unit.key_end > 0 and text[unit.start : unit.key_end].rstrip(": ").isupper()
    )
    signed = _sign_off_date(d, c.unit)
    if signed is not None:
        c.date, c.date_source = signed, "sign-off"  # a note signed and dated below, in the same section
        return
    current = (
        (unit.kind in (KV, ROW) and not run_in_heading)
        or (unit.kind == LIST and not _PAST.search(sentence_text))
        or not _VERBISH.search(sentence_text)
        or (present is not None and present.search(sentence_text) and not _PAST.search(sentence_text))
        or re.search(r"\b(has|have) (been |successfully |now )?\w+ed\b", sentence_text) is not None
    )
    if not (current or d.contemporaneous):
        return  # a past fact told without a date stays undated
    anchor = None
    for off, day in d.anchors:
        if off <= c.start:
            anchor = (off, day)
    if anchor is None and d.anchors:
        anchor = d.anchors[0]
    if anchor is not None:
        c.date = dates_mod.DateMention(
            anchor[0], anchor[0], "", anchor[1].isoformat(), None, "day", None, False, "date"
        )
        c.date_source = "record"
        return
    record = _record_date(d)
    if record is not None:
        c.date, c.date_source = record, "record"


def _sign_off_date(d: _Doc, index: int) -> dates_mod.DateMention | None:
    """The date of a short sign-off line ("Renee Castillo, LCADC, Primary Counselor  04/10/2023") that closes
    the unit's section, if one does before the next heading."""
    for unit in d.units[index + 1 : index + 12]:
        if unit.kind == HEADING and unit.section_start == unit.start:
            return None  # the next section began
        if unit.kind == HEADING:
            if re.search(r"page\s+\d+\s+of", d.text[unit.start : unit.end], re.I):
                return None  # the page ended
            continue
        line = d.text[unit.start : unit.end]
        if len(line.split()) <= 15:
            tail = [m for m in d.dates_in(unit.start, unit.end) if m.precision == "day"]
            lead = (
                re.sub(
                    r"\b(awarded|signed|dated|issued|given|certified)\b",
                    "",
                    line[: tail[-1].start - unit.start],
                    flags=re.I,
                )
                if tail
                else ""
            )
            if tail and tail[-1].end >= unit.end - 2 and not _VERBISH.search(lead):
                return tail[-1]
    return None


def _record_date(d: _Doc) -> dates_mod.DateMention | None:
    """The first full date in the record that is not the date of birth (a record with no labelled date)."""
    cached = getattr(d, "_record_date_cache", False)
    if cached is not False:
        return cached
    found = None
    for m in d.mentions:
        if m.kind == "date" and m.precision == "day" and d._usable(m):
            found = m
            break
    d._record_date_cache = found
    return found


# "abused by an uncle from ages 8 to 12": a period of the client's life, not the relative's age ("his uncle, 40")
_PERIOD_OF_AGES = re.compile(r"(?:from|between|during)\b", re.I)


def _pick_mention(
    d: _Doc, mentions: list[dates_mod.DateMention], c: Candidate
) -> dates_mod.DateMention | None:
    """The date that dates an event among mentions in its span or sentence: a calendar date first (the
    earliest), then an age of the client (not "Keith (age 8)"), then a relative date."""
    if not mentions:
        return None
    text = d.text
    dated = [m for m in mentions if m.kind != "age" and m.kind != "relative"]
    if dated:
        # prefer the date nearest the event's triggers when the span holds several facts
        return dated[0]
    ages = []
    for m in mentions:
        if m.kind != "age":
            continue
        before = text[max(0, m.start - 40) : m.start]
        period = _PERIOD_OF_AGES.match(m.text) is not None
        owner = None if period else re.search(
            r"([A-Z][a-z]+|mother|father|brother|sister|grandmother|respondent|cousin|boyfriend)"
            r"[^.;]{0,3}\(?\s*$",
            before,
        )
        if owner:
            word = owner.group(1).lower()
            if word not in d.facts.client_names and word not in d.facts.client_surnames:
                continue
        if not period and re.search(
            r"\b(mother|father|brother|sister|grandmother|aunt|uncle|cousin|boyfriend|girlfriend|"
            r"co-respondent|co-defendant|victim)\b[^.;]{0,25}$",
            before,
            re.I,
        ):
            continue
        if re.match(
            r"[\s-]*(?:year[\s-]*old\s+)?(male|female|patient|client|defendant|inmate|gentleman|lady)\b",
            text[m.end : m.end + 30],
            re.I,
        ):
            continue  # "a 21-year-old male": the age at the record's date, not the event's
        if re.match(
            r"[\s-]*(?:year[\s-]*old\s+)?(mother|father|parent|brother|sister|girl|boy|woman|man|"
            r"cousin|uncle|aunt|girlfriend|boyfriend|wife|husband|victim|son|daughter|child|baby|kid|"
            r"toddler|infant|nephew|niece|grandson|granddaughter)\b",
            text[m.end : m.end + 30],
            re.I,
        ):
            continue  # "a sixteen-year-old mother": someone else's age
        ages.append(m)
    if ages:
        return ages[0]
    rel = [m for m in mentions if m.kind == "relative"]
    return rel[0] if rel else None


def _row_date(d: _Doc, unit: Unit, c: Candidate) -> dates_mod.DateMention | None:
    """A row's date: the end of the period when the event is a reason-for-leaving cell, else the first
    date in the row (a period's start); an age in an "Age" column resolves against the DOB."""
    header = unit.table.header if unit.table else ()
    reason_rx = d.rules.get("reason_columns_re")
    age_rx = d.rules.get("age_columns_re")
    cell_dates: list[tuple[int, dates_mod.DateMention]] = []
    for i, (s, e) in enumerate(unit.cells):
        ms = [m for m in d.dates_in(s, e) if m.kind != "relative"]
        if (
            not ms
            and age_rx is not None
            and i < len(header)
            and age_rx.search(header[i])
            and d.dob is not None
        ):
            num = re.fullmatch(r"\s*(\d{1,2})\s*", d.text[s:e])
            if num:
                age = int(num.group(1))
                year = d.dob.year + age
                ms = [dates_mod.DateMention(s, e, d.text[s:e], str(year), None, "year", age, True, "age")]
        if ms:
            cell_dates.append((i, ms[0]))
    if not cell_dates:
        return None
    trig_cells = sorted({h.clause for h in c.hits}) or [0]
    first_cell = trig_cells[0]
    if reason_rx is not None and first_cell < len(header) and reason_rx.search(header[first_cell]):
        before = [cd for cd in cell_dates if cd[0] < first_cell]
        if before:
            return before[-1][1]
    return cell_dates[0][1]


def _finish(d: _Doc, cands: list[Candidate]) -> list[FoundEvent]:
    text = d.text
    events: list[FoundEvent] = []
    for c in cands:
        _date_for(d, c)
        category = c.category
        minor = next((h.trigger.minor_category for h in c.hits if h.trigger.minor_category), None)
        if minor and d.dob is not None and c.date is not None and c.date.value:
            try:
                year = int(c.date.value[:4])
                if year < d.dob.year + 18:
                    category = minor
            except ValueError:
                pass
        start, end = trim(text, c.start, c.end, ",;:")
        while (
            end > start
            and text[end - 1] == "."
            and not re.search(r"\b[A-Z][a-z]?\.$|\b\w\.\w\.$", text[max(start, end - 6) : end])
        ):
            end -= 1
            start, end = trim(text, start, end)
        if end <= start:
            continue
        unit = d.units[c.unit]
        subjects = [h for h in c.hits if h.subject_cls != "client"]
        subject = "client"
        if (
            category in ("birth_family", "family_responsibilities")
            and subjects
            and all(h.subject_cls != "client" for h in c.hits)
        ):
            subject = subjects[0].subject  # the relative whose fact shaped the client's life
        conf = c.weight
        if subject != "client":
            conf *= 0.9
        if c.explicit_date:
            conf += 0.05
        elif c.date is None:
            conf -= 0.05
        if c.table_event and not c.hits:
            conf = 0.7
        conf = round(max(0.05, min(0.99, conf)), 2)
        date = c.date
        status = c.status if category in SERVICE_TYPES else None
        events.append(
            FoundEvent(
                kind=kind_of(category),  # type: ignore[arg-type]
                category=category,
                start=start,
                end=end,
                sentence=re.sub(r"\s+", " ", text[unit.start : unit.end]).strip(),
                page=d.page_of(start),
                date=date.value if date else None,
                date_end=date.value_end if date else None,
                age=date.age if date else None,
                status=status,
                provider=c.provider if category in SERVICE_TYPES else None,
                subject=subject,
                confidence=conf,
            )
        )
    events.sort(key=lambda e: (e.start, e.category))
    # the same category on the same span twice (two clauses merged into one another) is one event
    unique: list[FoundEvent] = []
    seen: set[tuple[int, int, str]] = set()
    for e in events:
        key = (e.start, e.end, e.category)
        if key in seen:
            continue
        seen.add(key)
        unique.append(e)
    return unique
