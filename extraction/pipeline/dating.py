"""Which date an event gets: its own words first, then its sentence or row, its paragraph, heading or note.

    record = RecordDates(text, units, dob=None)
    record.date_for(unit_index, start, end, cue=offset) -> DateMention | None

The dates themselves are found by ``dates.find_dates`` (full and partial dates, seasons, school years,
ranges, ages resolved against the client's date of birth, relative dates anchored on a stated date). This
module decides which of them dates an event, following shared/eval/GUIDELINES.md "Year": a stated or
computable date only; a present-tense finding in a dated report takes the report's date; a past fact told
without a date stays undated; an age is the client's, not a relative's. Pure Python.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import dates as dates_mod
from .segment import HEADING, KV, LIST, ROW, Unit

_RULES_PATH = Path(__file__).with_name("patterns") / "dating.json"


def _load_rules() -> dict[str, re.Pattern]:
    raw = json.loads(_RULES_PATH.read_text(encoding="utf-8"))
    return {k: re.compile(v, re.I) for k, v in raw.items() if not k.startswith("_")}


RULES = _load_rules()

_BORN_IN = re.compile(r"\b(?:was|were)\s+born\b[^.;]{0,40}?\b((?:19|20)\d\d)\b")
_KIN_BEFORE = re.compile(
    r"\b(daughter|son|child|children|baby|brother|sister|sibling|mother|father|parents?|"
    r"grandmother|grandfather|cousin|nephew|niece|wife|husband|girlfriend|boyfriend)\b[^.;]*$",
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
_PERFECT = re.compile(r"\b(has|have) (been |successfully |now )?\w+ed\b", re.I)
_CLIENT_FIELD = re.compile(
    r"(?im)(?:^|\t)[ \t]*(?:client|patient|student|examinee|infant|child|name|client name|patient name|"
    r"defendant|re|subject|youth|juvenile|resident|participant|in the interest of|petitioner|inmate|offender|"
    r"veteran|applicant|member|individual)\s*:\s*([^\t\n]+)"
)
_NOT_NAME = {
    "baby", "boy", "girl", "a", "an", "the", "minor", "male", "female", "mr", "ms", "mrs", "dr", "jr", "sr",
    "ii", "iii", "client", "dob", "id", "no", "of", "and", "state", "v", "vs", "people", "united", "states",
    "court", "appellant", "appellee", "petitioner", "respondent", "defendant",
}
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
}
# someone other than the client owns an age written right after them: "his brother (age 8)", "Keith, 12"
_OTHER_PERSON_BEFORE = re.compile(
    r"\b(mother|father|brother|sister|grandmother|grandfather|aunt|uncle|cousin|boyfriend|girlfriend|"
    r"co-respondent|co-defendant|victim|son|daughter|wife|husband|niece|nephew)\b[^.;]{0,25}$",
    re.I,
)
_AGE_OF_SOMEONE_AFTER = re.compile(
    r"[\s-]*(?:year[\s-]*old\s+)?(mother|father|parent|brother|sister|girl|boy|woman|man|cousin|uncle|aunt|"
    r"girlfriend|boyfriend|wife|husband|victim|son|daughter|child|baby|kid|toddler|infant|nephew|niece|"
    r"grandson|granddaughter)\b",
    re.I,
)
_AGE_AT_RECORD = re.compile(
    r"[\s-]*(?:year[\s-]*old\s+)?(male|female|patient|client|defendant|inmate|gentleman|lady|veteran|"
    r"resident|y/?o)\b",
    re.I,
)
_PERIOD_OF_AGES = re.compile(r"(?:from|between|during)\b", re.I)
# lines that date the copy rather than the record: release stamps, fax and print headers
_COPY_LINE = re.compile(
    r"\b(released?\s+to|copy|copies|printed|print\s+date|fax(?:ed)?|received|requested|produced|"
    r"release\s+of\s+information|roi|run\s+date|generated)\b",
    re.I,
)


@dataclass(slots=True)
class ClientNames:
    given: set[str] = field(default_factory=set)  # lower-cased first and middle names
    surnames: set[str] = field(default_factory=set)

    def __contains__(self, word: str) -> bool:
        return word in self.given or word in self.surnames


def client_names(text: str) -> ClientNames:
    """The client's names as the record's header fields give them, or (an opinion) the surname it uses most."""
    names = ClientNames()
    for m in _CLIENT_FIELD.finditer(text[:20000]):
        value = re.split(r"\s{2,}|\bDOB\b|\(DOB|\d", m.group(1))[0]
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", value) if w.lower() not in _NOT_NAME]
        if not words:
            continue
        if "," in value.split("(")[0]:  # "ASHBY, Devon Michael"
            surname, given = words[0], words[1:]
        else:
            surname, given = words[-1], words[:-1]
        names.surnames.add(surname.lower())
        names.given.update(w.lower() for w in given)
    if not names.surnames:
        counts: Counter[str] = Counter()
        for m in re.finditer(r"\b(?:Mr|Ms|Mrs)\.\s+([A-Z][a-z'-]+)|\b([A-Z][a-z]+)(?:'s|’s|')\s", text[:200000]):
            name = (m.group(1) or m.group(2)).lower()
            if name not in _MONTHS and name not in _NOT_NAME:
                counts[name] += 1
        if counts:
            name, n = counts.most_common(1)[0]
            if n >= 2:
                names.surnames.add(name)
    return names


class RecordDates:
    """The dates of one record and the facts needed to pick among them, computed once."""

    def __init__(self, text: str, units: list[Unit], *, dob: dt.date | None = None):
        self.text = text
        self.units = units
        self.dob = dob or dates_mod.find_document_dob(text)
        self.birth_spans: list[tuple[int, int]] = []  # where the text states the client's birth
        for m in _BORN_IN.finditer(text[:200000]):
            if _KIN_BEFORE.search(text[max(0, m.start() - 45) : m.start()]):
                continue  # "his daughter, who was born in 2018"
            self.birth_spans.append((m.start(1), m.end(1)))
            if self.dob is None:
                self.dob = dt.date(int(m.group(1)), 7, 1)  # a birth year: ages resolve to birth year + age
            break
        self.names = client_names(text)
        self.anchors = [(off, d) for off, d in dates_mod.find_anchor_dates(text) if d != self.dob]
        # a log (case notes, contact log, HMIS notes): two or more lines that open with a date, each the head of
        # an entry whose every fact, past tense included, is told as of that date
        entries = [(off, d) for off, d in self.anchors if not text[text.rfind("\n", 0, off) + 1 : off].strip(" \t-•*·▪")]
        self.entries = entries if len(entries) >= 2 else []
        first_anchor = self.anchors[0][1] if self.anchors else None
        self.mentions = dates_mod.find_dates(text, dob=self.dob, anchor=first_anchor)
        self._starts = [m.start for m in self.mentions]
        self.page_starts = [0] + [m.end() for m in re.finditer("\f", text)]
        # a record whose full dates all fall within about a year (one hospital stay): undated facts are of that
        # time. Full dates only: a year in passing ("fracture (2006)") recalls the past, it does not date the record;
        # nor do the dates of the copy (release stamps, fax headers).
        full = [
            int(m.value[:4]) for m in self.mentions
            if self._usable(m) and m.kind == "date" and m.precision == "day" and not _COPY_LINE.search(self._line_of(m.start))
        ]
        # ... and it takes two: a letter's one date says when it was written, not when what it tells happened
        self.contemporaneous = len(full) >= 2 and max(full) - min(full) <= 1
        self._record_date: dates_mod.DateMention | None | bool = False

    def _line_of(self, offset: int) -> str:
        start = self.text.rfind("\n", 0, offset) + 1
        end = self.text.find("\n", offset)
        return self.text[start : end if end >= 0 else len(self.text)]

    def page_of(self, offset: int) -> int:
        return bisect.bisect_right(self.page_starts, offset)

    def dates_in(self, start: int, end: int, *, birth: bool = False) -> list[dates_mod.DateMention]:
        """Usable date mentions inside [start, end); ``birth`` keeps the mention of the client's birth."""
        i = bisect.bisect_left(self._starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            m = self.mentions[i]
            if m.end <= end and (
                self._usable(m)
                or (birth and m.value is not None and any(s < m.end and m.start < e for s, e in self.birth_spans))
            ):
                out.append(m)
            i += 1
        return out

    def _usable(self, m: dates_mod.DateMention) -> bool:
        if m.value is None:
            return False
        if self.dob is not None and m.kind == "date" and m.value == self.dob.isoformat():
            return False  # the date of birth dates the record's subject, not an event
        return not any(s < m.end and m.start < e for s, e in self.birth_spans)

    # ------------------------------------------------------------------------------------------------

    def date_for(self, index: int, start: int, end: int, *, cue: int | None = None) -> dates_mod.DateMention | None:
        """The date of an event on ``text[start:end]`` read from segment unit ``index``."""
        text = self.text
        unit = self.units[index]
        if unit.kind == ROW or (unit.kind == KV and unit.cells):
            own = self._row_date(unit, cue)
            if own is not None:
                return own
        own = self._pick(self.dates_in(start, end, birth=bool(re.search(r"\bborn\b", text[start:end]))))
        if own is not None:
            return own
        sent = self._pick(self.dates_in(unit.start, unit.end))
        if sent is not None:
            return sent
        sentence_text = text[unit.start : unit.end]
        if unit.kind == KV and unit.key_end > 0:
            key = text[unit.start : unit.key_end].lower()
            sentence_text = text[unit.key_end : unit.end]  # "HISTORY OF PRESENT ILLNESS: ..." - judge the value
            if "history" in key and "present illness" not in key and "social" not in key:
                # "PAST MEDICAL HISTORY: Asthma" is not of the record's date; a social history tells present habits
                sentence_text = "history: " + sentence_text
        para_start = unit.para_start if unit.para_start >= 0 else unit.start
        earlier = [m for m in self.dates_in(para_start, unit.start) if m.kind != "age"]
        if earlier and RULES["anaphoric_date_re"].search(sentence_text):
            return earlier[-1]  # "back then", "at that time": the paragraph's last date
        if RULES["history_marker_re"].search(sentence_text):
            return None  # "as a child", "one time", "always": no date to give
        specific = [m for m in earlier if m.precision in ("day", "month") and m.kind in ("date", "range")]
        if specific:
            return specific[-1]  # a dated note or entry dates what follows it
        if unit.section_start >= 0:
            line_end = text.find("\n", unit.section_start)
            heading = [
                m for m in self.dates_in(unit.section_start, line_end if line_end > 0 else unit.section_start)
                if m.kind != "age"
            ]
            if heading:
                return heading[-1]
        signed = self._sign_off_date(index)
        if signed is not None:
            return signed
        entry = next((e for e in reversed(self.entries) if e[0] <= start), None)
        if entry is not None:
            return dates_mod.DateMention(entry[0], entry[0], "", entry[1].isoformat(), None, "day", None, False, "date")
        run_in_heading = unit.kind == KV and unit.key_end > 0 and text[unit.start : unit.key_end].rstrip(": ").isupper()
        current = (
            (unit.kind in (KV, ROW) and not run_in_heading)
            or (unit.kind == LIST and not _PAST.search(sentence_text))
            or not _VERBISH.search(sentence_text)
            or (RULES["present_tense_re"].search(sentence_text) is not None and not _PAST.search(sentence_text))
            or _PERFECT.search(sentence_text) is not None
        )
        if not (current or self.contemporaneous):
            return None  # a past fact told without a date stays undated
        anchor = None
        for off, day in self.anchors:
            if off <= start:
                anchor = (off, day)
        if anchor is None and self.anchors:
            anchor = self.anchors[0]
        if anchor is not None:
            return dates_mod.DateMention(anchor[0], anchor[0], "", anchor[1].isoformat(), None, "day", None, False, "date")
        return self.record_date()

    def _pick(self, mentions: list[dates_mod.DateMention]) -> dates_mod.DateMention | None:
        """A calendar date first (the earliest), then an age of the client (not "Keith (age 8)"), then a
        relative date."""
        if not mentions:
            return None
        dated = [m for m in mentions if m.kind not in ("age", "relative")]
        if dated:
            return dated[0]
        for m in mentions:
            if m.kind == "age" and self._clients_age(m):
                return m
        rel = [m for m in mentions if m.kind == "relative"]
        return rel[0] if rel else None

    def _clients_age(self, m: dates_mod.DateMention) -> bool:
        """Whether an age mention is the client's age at an event: not "Keith (age 8)", "his son, 13", nor "a
        21-year-old male" (the age at the record's date)."""
        text = self.text
        before = text[max(0, m.start - 40) : m.start]
        if _PERIOD_OF_AGES.match(m.text) is None:
            owner = re.search(r"([A-Z][a-z]+)[^.;]{0,3}\(?\s*$", before)
            if owner and owner.group(1).lower() not in self.names and owner.group(1).lower() not in (
                "age", "at", "when", "by", "until", "since", "from", "around", "about", "approximately"
            ):
                return False
            if _OTHER_PERSON_BEFORE.search(before):
                return False
        if _AGE_AT_RECORD.match(text[m.end : m.end + 30]):
            return False
        return _AGE_OF_SOMEONE_AFTER.match(text[m.end : m.end + 30]) is None

    def _row_date(self, unit: Unit, cue: int | None) -> dates_mod.DateMention | None:
        """A row's date: the end of the period when the event is read from a reason-for-leaving cell, else the
        first date in the row (a period's start); an age in an "Age" column resolves against the DOB."""
        header = unit.table.header if unit.table else ()
        cell_dates: list[tuple[int, dates_mod.DateMention]] = []
        for i, (s, e) in enumerate(unit.cells):
            # a cell's age may be someone else's ("Son, age 13"): only the client's ages date the row
            ms = [m for m in self.dates_in(s, e) if m.kind != "relative" and (m.kind != "age" or self._clients_age(m))]
            if not ms and i < len(header) and RULES["age_columns_re"].search(header[i]) and self.dob is not None:
                num = re.fullmatch(r"\s*(\d{1,2})\s*", self.text[s:e])
                if num:
                    age = int(num.group(1))
                    ms = [dates_mod.DateMention(s, e, self.text[s:e], str(self.dob.year + age), None, "year", age, True, "age")]
            if ms:
                cell_dates.append((i, ms[0]))
        if not cell_dates:
            return None
        cue_cell = next((k for k, (s, e) in enumerate(unit.cells) if cue is not None and s <= cue < e), 0)
        own = [m for k, m in cell_dates if k == cue_cell]
        if cue is not None and own and own[0].kind != "age":
            return own[0]  # "Graduated 06/05/2004" in an outcome cell: the date told with the fact, not the row's start
        if cue_cell < len(header) and RULES["reason_columns_re"].search(header[cue_cell]):
            before = [cd for cd in cell_dates if cd[0] < cue_cell]
            if before:
                return before[-1][1]
        return cell_dates[0][1]

    def _sign_off_date(self, index: int) -> dates_mod.DateMention | None:
        """The date of a short sign-off line that closes the unit's section ("J. Ruiz, LCSW  04/10/2023")."""
        for unit in self.units[index + 1 : index + 12]:
            if unit.kind == HEADING and unit.section_start == unit.start:
                return None  # the next section began
            if unit.kind == HEADING:
                if re.search(r"page\s+\d+\s+of", self.text[unit.start : unit.end], re.I):
                    return None
                continue
            line = self.text[unit.start : unit.end]
            if len(line.split()) <= 15:
                tail = [m for m in self.dates_in(unit.start, unit.end) if m.precision == "day"]
                lead = (
                    re.sub(r"\b(awarded|signed|dated|issued|given|certified)\b", "",
                           line[: tail[-1].start - unit.start], flags=re.I)
                    if tail else ""
                )
                if tail and tail[-1].end >= unit.end - 2 and not _VERBISH.search(lead):
                    return tail[-1]
        return None

    def record_date(self) -> dates_mod.DateMention | None:
        """The first full date in the record that is not the date of birth nor on a line that dates the copy
        (released, printed, faxed, received), which says when the record was sent, not what it tells."""
        if self._record_date is False:
            self._record_date = next(
                (m for m in self.mentions if m.kind == "date" and m.precision == "day" and self._usable(m)
                 and not _COPY_LINE.search(self._line_of(m.start))), None
            )
        return self._record_date  # type: ignore[return-value]
