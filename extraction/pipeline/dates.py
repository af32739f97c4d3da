"""Date, age and relative-date mentions in record text, each with an honest precision.

Rule-based and pure Python (no Django, no spaCy, no dateparser): every regex compiles once at import and
works on plain strings with character offsets, so the spaCy pipeline can call it per sentence or per page.

    find_dates(text, dob=..., anchor=...)  -> [DateMention]   sorted by start, never overlapping
    find_document_dob(text)                -> date | None     the record's stated date of birth
    find_anchor_dates(text)                -> [(offset, date)] stated note/report dates, to anchor "last year"

Conventions (shared/eval/GUIDELINES.md, "Year"):
- A value is "YYYY", "YYYY-MM" or "YYYY-MM-DD"; its precision says which. A range keeps its start in `value`
  and its end in `value_end`; an open end ("2016-present", "since 2020") has `value_end` None, and a period
  whose start is not stated ("until 2012", "before 2009") has `value` None and only `value_end`.
- School years ("2002-03") and periods start at their first year; seasons, decades, "early/late 2015" and
  ages are approximate and keep year precision even where a month could be guessed.
- An age resolves against the date of birth as dob.year + age ("at age 12", born 1995 -> "2007"); with no
  dob it stays an age with no value. Ages given as alternatives ("at 12 or 13") resolve to nothing.
- Relative dates resolve against `anchor` (the nearest stated note date) when they point at "now" ("last
  year", "two years ago", "yesterday"), and against the nearest preceding resolved mention in the same text
  when they point back at a told date ("the following spring", "that same month", "the previous year"),
  falling back to `anchor`. Unresolvable ones are still returned, with value None and kind "relative".
- Two-digit years: 20YY if that is no later than the reference year + 1 (the anchor's year, else this
  year), otherwise 19YY; with a dob, a year more than 30 years before the birth year moves up a century.
- Numbers that only look like dates are skipped: IDs and case numbers ("CPI-1999-11-04472", "JV-2008-1187",
  "No. 95-06-1187"), phone numbers, times, ZIP codes, street numbers, quantities ("2000 mg"), and years in
  legal citations ("466 U.S. 668 (1984)", "2009 WL 123456"), which are not event years.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["DateMention", "find_anchor_dates", "find_dates", "find_document_dob"]

Precision = Literal["year", "month", "day"]
Kind = Literal["date", "range", "age", "season", "school_year", "relative"]


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int  # character offsets into the text given
    end: int
    text: str
    value: str | None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD" (start of a range); None if unresolved
    value_end: str | None  # end of a range, else None
    precision: Precision | None  # precision of `value`
    age: int | None  # when the mention is an age
    approximate: bool
    kind: Kind

    @property
    def year(self) -> int | None:
        """The calendar year the mention starts in, if known."""
        return int(self.value[:4]) if self.value else None


# --------------------------------------------------------------------------------------------------------
# Vocabulary (patterns/dates.json) and regex building blocks
# --------------------------------------------------------------------------------------------------------

_DATA = json.loads((Path(__file__).parent / "patterns" / "dates.json").read_text(encoding="utf-8"))

YEAR, MONTH, DAY = 0, 1, 2
_PRECISION_NAMES: tuple[Precision, ...] = ("year", "month", "day")

_MONTHS: dict[str, int] = _DATA["months"]
_SEASONS: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in _DATA["seasons"].items() if not k.startswith("_")}
_NUMBER_WORDS: dict[str, int] = {**_DATA["number_units"], **_DATA["number_teens"], **_DATA["number_tens"]}
_ORDINAL_WORDS: dict[str, int] = {**_DATA["ordinal_units"], **_DATA["ordinal_teens"], **_DATA["ordinal_tens"]}
_DECADE_WORDS: dict[str, int] = _DATA["decade_words"]


def _alt(words) -> str:
    """A regex alternation of literal words, longest first, spaces matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


_MON = rf"(?P<mon>{_alt(_MONTHS)})(?![A-Za-z])\.?"  # use with re.I; "March14" (OCR) too
_MON_TITLE_WORDS = {w.capitalize() for w in _MONTHS} | {w.upper() for w in _MONTHS if len(w) > 3}
_MON_TITLE = rf"(?P<mon>{_alt(_MON_TITLE_WORDS)})(?![A-Za-z])\.?"  # case-sensitive: "May 5", never "may 5"
_DAY = r"(?P<d1>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![0-9])"
_YEAR4 = r"(?:19|20)\d\d"
_YEAR_TXT = rf"(?P<y>{_YEAR4}|['’]\d\d)(?![\w'’])"
_NO_DIGIT_AFTER = r"(?![-–/.,]\d)"  # "2009-10-114", "3/14/2009/2" and "2009.5" are not dates

_UNITS = [u for u in _DATA["quantity_units"] if u != "%"]
_NOT_QUANTITY = rf"(?!\s*(?:%|(?:{_alt(_UNITS)})\b))"

_TENS_ALT = _alt(_DATA["number_tens"])
_NUMWORD = (
    rf"(?:(?:{_TENS_ALT})(?:[-\s](?:{_alt(_DATA['number_units'])}))?"
    rf"|{_alt(_DATA['number_teens'])}|{_alt(_DATA['number_units'])})\b"
)
_NUM = rf"(?:\d{{1,2}}(?![\d,]\d|\w)|{_NUMWORD})"  # an age: 0-99 in digits or words
_ORDINAL = (
    rf"(?:(?:{_TENS_ALT})[-\s](?:{_alt(_DATA['ordinal_units'])})|{_alt(_DATA['ordinal_tens'])}"
    rf"|{_alt(_DATA['ordinal_teens'])}|{_alt(_DATA['ordinal_units'])}|\d{{1,2}}(?:st|nd|rd|th))\b"
)


def _number(text: str) -> int:
    """The value of "12", "twelve" or "twenty-one"."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    return sum(_NUMBER_WORDS.get(part, 0) for part in re.split(r"[-\s]+", text))


def _ordinal(text: str) -> int:
    text = text.strip().lower()
    if text[:1].isdigit():
        return int(re.match(r"\d+", text).group())
    parts = re.split(r"[-\s]+", text)
    return sum(_NUMBER_WORDS.get(p, 0) or _ORDINAL_WORDS.get(p, 0) for p in parts)


# --------------------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------------------

_Point = tuple[int, int | None, int | None, int]  # (year, month, day, precision)


class _Cand:
    """A mention while it is being found: mutable, resolved into a DateMention at the end."""

    __slots__ = ("start", "end", "kind", "point", "until", "approx", "age", "rel", "prio")

    def __init__(self, start, end, kind, point=None, until=None, approx=False, age=None, rel=None, prio=5):
        self.start: int = start
        self.end: int = end
        self.kind: str = kind
        self.point: _Point | None = point  # None: unresolved
        self.until: _Point | None = until
        self.approx: bool = approx
        self.age: int | None = age
        self.rel: tuple | None = rel  # relative spec, resolved in order after merging
        self.prio: int = prio  # lower wins between candidates of the same length


class _Ctx:
    __slots__ = ("text", "dob", "anchor", "today")

    def __init__(self, text: str, dob: dt.date | None, anchor: dt.date | None):
        self.text = text
        self.dob = dob
        self.anchor = anchor
        self.today = dt.date.today()


def _fmt(point: _Point | None) -> str | None:
    if point is None:
        return None
    y, m, d, p = point
    if p == DAY:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if p == MONTH:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


def _valid_day(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def _year_of(text: str, ctx: _Ctx) -> int | None:
    """A 4-digit year as written, or a two-digit one ("91", "'09") put in its century."""
    text = text.lstrip("'’")
    if len(text) == 4:
        year = int(text)
        return year if 1900 <= year <= 2099 else None
    return _two_digit_year(int(text), ctx)


def _two_digit_year(yy: int, ctx: _Ctx) -> int:
    # Records talk about the past: take the latest century that is not after the reference year + 1.
    limit = (ctx.anchor.year if ctx.anchor else ctx.today.year) + 1
    year = 2000 + yy
    if year > limit:
        year -= 100
    if ctx.dob is not None and year < ctx.dob.year - 30 and year + 100 <= limit + 20:
        year += 100  # a client's record is seldom dated decades before the client was born
    return year


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    total = y * 12 + (m - 1) + n
    return total // 12, total % 12 + 1


# --------------------------------------------------------------------------------------------------------
# Looking back: the word before a mention decides whether a (slower) look-back regex is worth running
# --------------------------------------------------------------------------------------------------------

_SKIP_BACK = " \t\n\r\f\xa0-–—~.:("


def _prev_word(text: str, pos: int) -> tuple[str, int]:
    """The word just before `pos` (over blanks, dashes, periods and colons), lowercased, and its start."""
    lo = pos - 40 if pos > 40 else 0
    seg = text[lo:pos].rstrip(_SKIP_BACK)
    i = len(seg)
    while i and seg[i - 1].isalpha():
        i -= 1
    return seg[i:].lower(), lo + i


def _prev_char(text: str, pos: int) -> str:
    """The last non-blank character before `pos` ("" at the start of the text)."""
    i = pos
    while i > 0 and text[i - 1] in " \t\xa0":
        i -= 1
    return text[i - 1] if i > 0 else ""


def _last_words(phrases) -> frozenset[str]:
    return frozenset(p.split()[-1].rstrip(".").lower() for p in phrases)


def _back(regex: re.Pattern, text: str, pos: int, width: int = 30) -> re.Match | None:
    """`regex` (anchored with `$`) matched against the text that ends at `pos`."""
    return regex.search(text, max(0, pos - width), pos)


# --------------------------------------------------------------------------------------------------------
# Filters for numbers that are not dates
# --------------------------------------------------------------------------------------------------------

_ID_WORDS = frozenset(_DATA["id_prefix_words"])
_ID_SIGNS = frozenset("#§№$€£")
_PHONE_BEFORE = re.compile(r"\d{3}[ .\-]?$")
_PHONE_AFTER = re.compile(r"[ .\-]\d{3}[ .\-]\d{4}\b")
_ID_WORDS_STRICT = frozenset({"no", "nos", "num", "number"})
_STREET_AFTER = re.compile(
    r"\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-z]+\.?\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|"
    r"Lane|Ln|Way|Court|Ct|Place|Pl|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Terrace|Ter|Trail|Trl|Square|Sq|Pike)\b"
)
# "2009 WL 123456", "2009 U.S. Dist. LEXIS 12", "2019 IL 123456", "2009-Ohio-1234": public-domain citations.
_CITE_AFTER = re.compile(
    r"(?:\s+(?:WL|LEXIS|U\.S\.\s*(?:Dist\.|App\.)?\s*LEXIS|[A-Z]{2,5}(?:\s+[A-Z]{2,5})?\s+\d+)\b|-Ohio-\d)"
)
# Inside "(Tex. Crim. App. 2009)", "(9th Cir. 2005)", "(Repl. 1997)", "(1984)": capitalised abbreviations only.
_CITE_INNER = re.compile(r"(?:[A-Z][A-Za-z'&]*\.?|\d{1,2}(?:st|nd|rd|th|d)|&|,|\s)*")
# ... right after a reporter cite "539 U.S. 510, 524 ", a statute "§ 5-4-603(c) " or another parenthetical.
_CITE_BEFORE = re.compile(
    r"(?:[A-Z][A-Za-z]*\.\s?(?:\d[a-z]{1,2}\s?)?\d+(?:,\s*\d+(?:[-–]\d+)?)*|§+\s*[\w.\-–]+(?:\(\w+\))*|\))\s*$"
)
_CLOSE_PAREN = re.compile(r"\s*\)")


def _id_prefixed(text: str, start: int, *, strict: bool = False) -> bool:
    """Whether the number at `start` follows an ID label ("No.", "Badge", "Room", "§", "#"); `strict` for
    forms that are almost always dates (03/14/2009), where only "No." and the signs count."""
    if _prev_char(text, start) in _ID_SIGNS:
        return True
    word, _ = _prev_word(text, start)
    return word in (_ID_WORDS_STRICT if strict else _ID_WORDS)


def _in_citation(text: str, start: int, end: int) -> bool:
    """Whether [start, end) ends a citation parenthetical such as "466 U.S. 668 (1984)"."""
    if not _CLOSE_PAREN.match(text, end):
        return False
    open_at = text.rfind("(", max(0, start - 40), start)
    if open_at < 0 or ")" in text[open_at:start] or not _CITE_INNER.fullmatch(text, open_at + 1, start):
        return False
    return _back(_CITE_BEFORE, text, open_at, 60) is not None


def _numeric_ok(text: str, start: int, end: int, *, strict: bool = False) -> bool:
    return not (_id_prefixed(text, start, strict=strict) or _in_citation(text, start, end))


# --------------------------------------------------------------------------------------------------------
# Explicit dates. Every rule's regex starts at the token that triggers it (see _collect).
# --------------------------------------------------------------------------------------------------------

_ISO = re.compile(
    r"(?<![\w/.\-–])(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])"
    r"(?![0-9A-SU-Za-z_/]|[-–.,]\d)"
)
_NUM_SLASH = re.compile(r"(?<![\w/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)\d\d|\d\d)(?![\w/]|[.,]\d)")
_NUM_DASH = re.compile(
    r"(?<![\w/.\-–])(?P<a>\d{1,2})-(?P<b>\d{1,2})-(?P<y>(?:19|20)\d\d|\d\d)(?![\w/\-–]|[.,]\d)"
)
_NUM_DOT = re.compile(r"(?<![\w/.\-])(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?![\w/.]|,\d)")
_NUM_MY = re.compile(r"(?<![\w/.\-–$])(?P<m>0?[1-9]|1[0-2])/(?P<y>(?:19|20)\d\d)(?![\w/]|[-–.,]\d)")
_TEXT_MDY = re.compile(
    rf"\b{_MON}\s*{_DAY}(?:\s*(?:-|–|—|to|through)\s*(?P<d2>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![0-9]))?"
    rf"\s*,?\s*{_YEAR_TXT}{_NO_DIGIT_AFTER}",
    re.I,
)
_TEXT_DMY = re.compile(
    rf"(?<![\w/.\-]){_DAY}\s+(?:day\s+of\s+|of\s+)?{_MON},?\s+(?:in\s+the\s+year\s+)?{_YEAR_TXT}{_NO_DIGIT_AFTER}",
    re.I,
)
_TEXT_DMY_COMPACT = re.compile(  # hospital style: "14-Mar-2009", "14-MAR-09", "14/Mar/2009"
    rf"(?<![\w/.\-])(?P<d1>3[01]|[12][0-9]|0?[1-9])(?P<sep>[-/ ])(?P<mon>{_alt(_MONTHS)})(?P=sep)"
    r"(?P<y>(?:19|20)\d\d|\d\d)(?![\w/\-]|[.,]\d)",
    re.I,
)
_TEXT_MY = re.compile(rf"\b{_MON}(?:,?\s+(?:of\s+)?|[-/](?=\d{{4}})){_YEAR_TXT}{_NO_DIGIT_AFTER}", re.I)
_TEXT_MD = re.compile(rf"\b{_MON_TITLE}\s*{_DAY}\b(?![:/.]\d|\s*(?:%|[ap]\.?m\b))")
_THE_THIS_BACK = re.compile(r"\b(?:the|this)\s+$", re.I)


def _numeric_point(a: int, b: int, y: int, four_digit: bool) -> _Point | None:
    """Month-first (US) unless only day-first is valid; an impossible day falls back to the month."""
    m, d = a, b
    if m > 12 and 1 <= d <= 12 and m <= 31:
        m, d = d, m
    if not 1 <= m <= 12:
        return None
    if _valid_day(y, m, d):
        return (y, m, d, DAY)
    return (y, m, None, MONTH) if four_digit else None


def _h_iso(m: re.Match, ctx: _Ctx) -> _Cand | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not _numeric_ok(ctx.text, m.start(), m.end(), strict=True):
        return None
    point = (y, mo, d, DAY) if _valid_day(y, mo, d) else (y, mo, None, MONTH)
    return _Cand(m.start(), m.end(), "date", point, prio=1)


def _h_numeric(m: re.Match, ctx: _Ctx) -> _Cand | None:
    year = _year_of(m["y"], ctx)
    strict = len(m["y"]) == 4 and "-" not in m.group()  # "7-4-91" and "12-3-45" look like IDs more often
    if year is None or not _numeric_ok(ctx.text, m.start(), m.end(), strict=strict):
        return None
    point = _numeric_point(int(m["a"]), int(m["b"]), year, len(m["y"]) == 4)
    return _Cand(m.start(), m.end(), "date", point, prio=1) if point else None


def _h_num_my(m: re.Match, ctx: _Ctx) -> _Cand | None:
    if not _numeric_ok(ctx.text, m.start(), m.end()):
        return None
    return _Cand(m.start(), m.end(), "date", (int(m["y"]), int(m["m"]), None, MONTH), prio=2)


def _h_text_dated(m: re.Match, ctx: _Ctx) -> _Cand | None:
    year = _year_of(m["y"], ctx)
    if year is None or _in_citation(ctx.text, m.start(), m.end()):
        return None
    start = m.start()
    if m.re is _TEXT_DMY and _prev_word(ctx.text, start)[0] in ("the", "this"):
        start = _back(_THE_THIS_BACK, ctx.text, start, 10).start()  # "the 14th day of March, 2009"
    mo = _MONTHS[m["mon"].lower()]
    d1 = int(m["d1"])
    if not _valid_day(year, mo, d1):
        return _Cand(start, m.end(), "date", (year, mo, None, MONTH), prio=2)
    d2 = m.groupdict().get("d2")
    if d2 and _valid_day(year, mo, int(d2)) and int(d2) > d1:  # "March 14-16, 2009"
        return _Cand(start, m.end(), "range", (year, mo, d1, DAY), until=(year, mo, int(d2), DAY), prio=1)
    return _Cand(start, m.end(), "date", (year, mo, d1, DAY), prio=1)


def _h_text_my(m: re.Match, ctx: _Ctx) -> _Cand | None:
    year = _year_of(m["y"], ctx)
    if year is None or _in_citation(ctx.text, m.start(), m.end()):
        return None
    return _Cand(m.start(), m.end(), "date", (year, _MONTHS[m["mon"].lower()], None, MONTH), prio=2)


def _h_text_md(m: re.Match, ctx: _Ctx) -> _Cand | None:
    # "March 14" with no year: the year comes from a range partner ("March 3 - April 5, 2010") or, as an
    # approximation, from the anchor; otherwise the mention has no value.
    return _Cand(m.start(), m.end(), "date", None, rel=("yearless", _MONTHS[m["mon"].lower()], int(m["d1"])),
                 prio=4)


# --------------------------------------------------------------------------------------------------------
# Years, year pairs, decades, seasons, quarters
# --------------------------------------------------------------------------------------------------------

_BARE_YEAR = re.compile(rf"(?:(?<=[Mm]id-)|(?<![\w$#/.\-–'’]))(?P<y>{_YEAR4})(?![\w'’]|[-–/]\d|[.,]\d){_NOT_QUANTITY}")
_APOS_YEAR = re.compile(r"(?<![\w'’])['’](?P<y>\d\d)(?![\w'’])")
_APOS_BEFORE = frozenset({"in", "of", "since", "until", "by", "during", "to", "through"})
_YEAR_PAIR = re.compile(
    r"(?<![\w/.$#\-–])(?P<y1>(?:19|20)\d\d)"
    r"(?:[ \t]*(?:[-–—]|/)[ \t]*(?P<y2>(?:19|20)\d\d)|(?:[-–—/])(?P<yy>\d\d))(?![\w/%]|[-–.,]\d)"
    r"(?:\s+(?P<sy>school|academic)\s+year\b)?",
    re.I,
)
_SY_BACK = re.compile(r"\b(?P<syp>(?:school|academic|fiscal)\s+year|SY|FY)\s*$", re.I)
_SCHOOL_CUE = re.compile(
    r"\b(?:school|academic|grades?|semesters?|term|kindergarten|enroll(?:ed|ment)?|enrol(?:led|ment)?|"
    r"classes|transcript|report\s+card|freshman|sophomore|junior|senior)\b",
    re.I,
)
_DECADE_NUM = re.compile(r"(?<![\w$#/.])(?P<dec>(?:19|20)\d0)['’]?s\b")
_DECADE_SHORT = re.compile(r"(?<![\w'’])['’]?(?P<dd>\d0)['’]?s\b")
_DECADE_WORD = re.compile(rf"\b(?P<decw>{_alt(_DECADE_WORDS)})\b", re.I)
_PART_BACK = re.compile(r"\b(?P<part>early|mid|middle|late)(?:\s*-\s*|\s+)$", re.I)
_THE_PART_BACK = re.compile(r"\bthe\s+(?:(?P<part>early|mid|middle|late)(?:\s*-\s*|\s+))?$", re.I)
_SEASON = re.compile(
    rf"\b(?P<s>{_alt(_SEASONS)})(?:\s+(?:semester|term|quarter|session))?(?:\s+of)?,?\s+{_YEAR_TXT}"
    rf"(?:[ \t]*[-–/][ \t]*(?P<y2>(?:19|20)\d\d|\d\d)(?![\w'’]))?{_NO_DIGIT_AFTER}",
    re.I,
)
_THE_BACK = re.compile(r"\bthe\s+$", re.I)
_QUARTER = re.compile(
    rf"\b(?:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?(?P<y>{_YEAR4})\b"
    rf"|\bQ[1-4][ \t]*(?P<y2>{_YEAR4})\b",
    re.I,
)


_STATUTE_BEFORE = re.compile(r"(?:U\.\s?S\.\s?C\.(?:\s?A\.)?|C\.\s?F\.\s?R\.|Stat\.|L\.|Ann\.|§)\s*$")


def _h_bare_year(m: re.Match, ctx: _Ctx) -> _Cand | None:
    s, e = m.span()
    text = ctx.text
    if _id_prefixed(text, s) or _STREET_AFTER.match(text, e) or _CITE_AFTER.match(text, e):
        return None
    if _prev_char(text, s) in (".", "§") and _back(_STATUTE_BEFORE, text, s, 14):
        return None  # "18 U.S.C. 2011", "Ark. Code Ann. 2009": a section, not a year
    if _back(_PHONE_BEFORE, text, s, 5) or _PHONE_AFTER.match(text, e):
        return None  # "(555) 014 2009", "2009 555 1234": a phone number
    if _in_citation(text, s, e):
        return None
    return _Cand(s, e, "date", (int(m["y"]), None, None, YEAR), prio=3)


def _h_apos_year(m: re.Match, ctx: _Ctx) -> _Cand | None:
    if _prev_word(ctx.text, m.start())[0] not in _APOS_BEFORE:
        return None  # "in '09", "summer of '98"; a bare "'09" may be a quote
    return _Cand(m.start(), m.end(), "date", (_year_of(m["y"], ctx), None, None, YEAR), prio=3)


def _h_year_pair(m: re.Match, ctx: _Ctx) -> _Cand | None:
    y1 = int(m["y1"])
    if m["y2"]:
        y2 = int(m["y2"])
    else:
        y2 = y1 - y1 % 100 + int(m["yy"])
        if y2 < y1:
            y2 += 100  # "1999-00"
    if not y1 < y2 <= y1 + 100:
        return None
    s, e = m.span()
    if not _numeric_ok(ctx.text, s, e):
        return None
    syp = None
    if _prev_word(ctx.text, s)[0] in ("year", "sy", "fy"):
        back = _back(_SY_BACK, ctx.text, s, 20)
        if back is not None:
            s, syp = back.start(), back["syp"]
    if syp and syp.upper() == "FY":
        kind = "range"
    elif m["sy"] or syp:
        kind = "school_year"
    elif y2 == y1 + 1:
        # "2002-03" is a school year (a year and month would be written with the day); "2002-2003" is one
        # when the neighbourhood talks about school, otherwise a plain range.
        is_school = m["yy"] is not None or _SCHOOL_CUE.search(ctx.text, max(0, s - 60), min(len(ctx.text), e + 60))
        kind = "school_year" if is_school else "range"
    else:
        kind = "range"  # "1995-2004", "1995-98", "2008-12" (read as 2008 to 2012, not December 2008)
    return _Cand(s, e, kind, (y1, None, None, YEAR), until=(y2, None, None, YEAR), approx=kind == "school_year",
                 prio=2)


_DECADE_PARTS = {"early": (0, 3), "mid": (3, 6), "middle": (3, 6), "late": (7, 9)}


def _decade_cand(s: int, e: int, start_year: int, part: str | None) -> _Cand:
    first, last = _DECADE_PARTS.get((part or "").lower(), (0, 9))
    return _Cand(s, e, "range", (start_year + first, None, None, YEAR), until=(start_year + last, None, None, YEAR),
                 approx=True, prio=2)


def _h_decade_num(m: re.Match, ctx: _Ctx) -> _Cand | None:
    s, part = m.start(), None
    if _prev_word(ctx.text, s)[0] in _DECADE_PARTS:
        back = _back(_PART_BACK, ctx.text, s, 12)
        if back is not None:
            s, part = back.start(), back["part"]
    return _decade_cand(s, m.end(), int(m["dec"]), part)


def _h_decade_the(m: re.Match, ctx: _Ctx) -> _Cand | None:
    # "the '90s", "the late nineties": only after "the" ("in his twenties" is an age, not a decade)
    if _prev_word(ctx.text, m.start())[0] not in ("the", *_DECADE_PARTS):
        return None
    back = _back(_THE_PART_BACK, ctx.text, m.start(), 20)
    if back is None:
        return None
    start = 1900 + _DECADE_WORDS[m["decw"].lower()] if m.re is _DECADE_WORD else _two_digit_year(int(m["dd"]), ctx)
    return _decade_cand(back.start(), m.end(), start, back["part"])


def _h_season(m: re.Match, ctx: _Ctx) -> _Cand | None:
    year = _year_of(m["y"], ctx)
    if year is None:
        return None
    until = None
    if m["y2"]:
        y2 = int(m["y2"]) if len(m["y2"]) == 4 else year - year % 100 + int(m["y2"])
        if y2 < year:
            y2 += 100
        if y2 - year != 1:
            return None
        until = (y2, None, None, YEAR)
    s = m.start()
    if _prev_word(ctx.text, s)[0] == "the":
        s = _back(_THE_BACK, ctx.text, s, 8).start()
    return _Cand(s, m.end(), "season", (year, None, None, YEAR), until=until, approx=True, prio=2)


def _h_quarter(m: re.Match, ctx: _Ctx) -> _Cand | None:
    return _Cand(m.start(), m.end(), "date", (int(m["y"] or m["y2"]), None, None, YEAR), approx=True, prio=2)


# --------------------------------------------------------------------------------------------------------
# Ages
# --------------------------------------------------------------------------------------------------------

_RANGE_CONJ = r"(?:\s*(?P<conj>-|–|to|through|or|and|/)\s*(?P<n2>{num}))?".format(num=_NUM)
_SHORT_CONJ = r"(?:\s*(?P<conj>-|–|to|or)\s*(?P<n2>{num}))?".format(num=_NUM)
_AGE_WORD = re.compile(
    rf"\b(?P<w>ages?|aged)(?:\s+of)?\s*:?\s*(?P<n>{_NUM}){_RANGE_CONJ}"
    r"(?P<mtail>\s+months?(?:\s+old)?)?(?:(?:\s+|-)(?:years?|yrs?\.?)(?:(?:\s+|-)old)?)?"
    r"(?![\w/]|\.\d|:\d|\s*(?:%|percent|mg|points|pounds|lbs|kg|cm|inches|feet|ft|dollars|minutes|hours)\b)",
    re.I,
)
_AGE_PRE_BACK = re.compile(
    r"\b(?:(?P<pre>at|by|until|till|since|from|before|after|between)\s+)?"
    r"(?:(?:about|around|approximately|roughly)\s+)?(?:the\s+)?$",
    re.I,
)
_AGE_PRE_WORDS = frozenset({"at", "by", "until", "till", "since", "from", "before", "after", "between", "about",
                            "around", "approximately", "roughly", "the"})
_AGE_LABEL = re.compile(
    r"\bage\s+(?:at|of)\s+(?:first\s+|1st\s+)?(?:use|onset|arrest|admission|intake|removal|entry|diagnosis|"
    r"offense|first\s+\w+)\s*:\s*(?P<n>\d{1,2})(?![\w/]|\.\d)",
    re.I,
)
_YEARS_OLD = re.compile(
    rf"(?<![\w.\-])(?P<n>{_NUM}){_SHORT_CONJ}"
    r"(?:(?:\s+|-)(?:years?|yrs?\.?)(?:\s+|-)(?:old|of\s+age)\b|(?:\s*|-)(?:y/o\b|y\.o\.|yo\b))",
    re.I,
)
_YEARS_OLD_PRE = frozenset({"at", "by", "until", "since"})
_MONTHS_OLD = re.compile(rf"(?<![\w.\-])(?P<n>{_NUM})(?:\s+|-)months?(?:\s+|-)(?:old|of\s+age)\b", re.I)
_PRONOUN = r"(?:[Hh]e|[Ss]he|I|[Tt]hey|[Ww]e|[Yy]ou)"
_ROLE = (r"(?:(?:the\s+|[Mm]r\.\s+|[Mm]s\.\s+)?(?:petitioner|appellant|defendant|respondent|applicant|movant|client|"
         r"child|boy|girl|minor|youth|patient|[A-Z][a-z]+))")
_WAS_AGE = re.compile(
    rf"\b(?:(?:[Ww]hen|[Ww]hile|[Uu]ntil|[Aa]fter|[Bb]efore|[Ss]ince|[Bb]ecause|[Oo]nce)\s+(?:{_PRONOUN}|{_ROLE}|[A-Z][a-z]+)"
    rf"|{_PRONOUN}|[Ww]ho)\s+(?:was|were|turned|is|became)\s+"
    rf"(?:(?:only|just|barely|about|around|approximately|roughly|nearly|almost|age|aged)\s+)?(?P<n>{_NUM}){_SHORT_CONJ}"
    r"(?:(?:\s+|-)(?:years?|yrs?)(?:\s+|-)old|\s+years?\s+of\s+age)?"
    r"(?=\s*(?:[,;:)—–]|\.(?!\d)|$)|\s+(?:when|and|at|in|so|but|then|or|while|with|because|after|before|during|"
    r"he|she|they|I|we|his|her|their)\b)",
    re.M,
)
# "at 16" alone is an age only when a clause ends or a person goes on right after it (never "at 3:00",
# "at 16 Main St", "at 35 2/7 weeks", "at 5 in the morning"), and not after a word that makes it a score,
# a time, a place or a pin cite ("peaked at 9.", "arrived at 9,", "Id. at 12.").
_AT_AGE = re.compile(
    r"\b[Aa]t\s+(?:(?:about|around|approximately|only|just|roughly)\s+)?(?P<n>\d{1,2})"
    r"(?:\s*(?P<conj>or)\s*(?P<n2>\d{1,2}))?"
    r"(?=[ \t]*(?:[;)—–]|,(?!\d)|\.(?!\d)|$)|\s+(?:years?\b|yrs?\b|he\b|she\b|they\b|I\b|we\b|when\b|while\b|"
    r"after\b|for\b|and\b|with\b|during\b|because\b|his\b|her\b|their\b|until\b|before\b|"
    r"in\s+(?!the\s+(?:morning|afternoon|evening|night)\b)))",
    re.M,
)
# "At thirteen he began drinking", "by fourteen she was using heroin": a spelled-out age without the word
# "age" only when a person goes on right after it (", he" / "he"), or, at the start of a sentence, after a
# comma ("At twelve, Marcus ran away"); never "at one point", "at first", "by one of", "at eleven o'clock".
_AT_AGE_WORD = re.compile(
    rf"\b(?:[Aa]t|[Bb]y)\s+(?:(?:about|around|approximately|only|just|roughly)\s+)?(?P<n>{_NUMWORD})"
    r"(?P<comma>[ \t]*,)?(?=[ \t]*(?:he|she|they|I|we|his|her|their)\b|(?<=,))",
    re.I,
)
_NOT_AGE_BEFORE_AT = frozenset(_DATA["not_age_before_at"])
_THEN_AGE = re.compile(rf"\bthen\s+(?:age\s+|aged\s+)?(?P<n>{_NUM})(?=\s*(?:,|\)|;)|\s+years?\s+old)")
_BIRTHDAY = re.compile(r"birthday\b", re.I)
_BIRTHDAY_BACK = re.compile(
    rf"\b(?:his|her|their|my|your|the\s+client['’]?s|[A-Z][a-z]+['’]s)\s+(?P<o>{_ORDINAL})\s+$", re.I
)
_AT_BIRTH = re.compile(r"\b(?:at|since|from)\s+birth\b|\bat\s+the\s+time\s+of\s+(?:his|her|their)\s+birth\b", re.I)
_AGE_GROUP_BEFORE = re.compile(rf"\b(?:{_alt(_DATA['age_group_cues'])})\s+$", re.I)
_AGE_GROUP_LAST = _last_words(_DATA["age_group_cues"])


def _age_cand(s: int, e: int, n: int, n2: int | None, conj: str | None, ctx: _Ctx, *,
              between: bool = False, pre: str | None = None) -> _Cand | None:
    conj = (conj or "").lower()
    if not 0 <= n <= 110:
        return None
    if _prev_word(ctx.text, s)[0] in _AGE_GROUP_LAST and _back(_AGE_GROUP_BEFORE, ctx.text, s):
        return None  # "under the age of 18", "children ages 8-10": a group, not the client at an age
    if conj in ("or", "/") or (conj == "and" and not between):
        return _Cand(s, e, "age", None, approx=True, prio=2)  # alternatives: no single year (GUIDELINES)
    if n2 is not None and not n < n2 <= n + 20:
        return None
    point = until = None
    # An age that would put the client in the future is someone else's ("the grandmother (age 51)").
    if ctx.dob is not None and ctx.dob.year + n <= (ctx.anchor or ctx.today).year + 1:
        point = (ctx.dob.year + n, None, None, YEAR)
        if n2 is not None:
            until = (ctx.dob.year + n2, None, None, YEAR)
    if pre in ("until", "till"):  # "until age 10": the start of the period is not stated
        point, until = None, point
    return _Cand(s, e, "age", point, until=until, approx=True, age=n, prio=2)


def _age_numbers(m: re.Match) -> tuple[int, int | None, str | None, int]:
    """(first age, second age, conjunction, end): "age 12 and 2 years later" keeps only the 12."""
    n = _number(m["n"])
    n2 = _number(m["n2"]) if m["n2"] else None
    if n2 is not None and n2 <= n and m["conj"] not in ("or", "/"):
        return n, None, None, m.end("n")
    return n, n2, m["conj"], m.end()


def _h_age_word(m: re.Match, ctx: _Ctx) -> _Cand | None:
    n, n2, conj, end = _age_numbers(m)
    if m["mtail"] and n2 is None:
        return _months_age(m.start(), m.end(), n, ctx)
    s, pre = m.start(), ""
    if _prev_word(ctx.text, s)[0] in _AGE_PRE_WORDS:
        back = _back(_AGE_PRE_BACK, ctx.text, s, 35)
        if back is not None and back.start() < s:
            s, pre = back.start(), (back["pre"] or "").lower()
    return _age_cand(s, end, n, n2, conj, ctx, between=pre == "between", pre=pre)


def _h_age_label(m: re.Match, ctx: _Ctx) -> _Cand | None:
    return _age_cand(m.start(), m.end(), int(m["n"]), None, None, ctx)


def _h_years_old(m: re.Match, ctx: _Ctx) -> _Cand | None:
    n, n2, conj, end = _age_numbers(m)
    s = m.start()
    word, word_start = _prev_word(ctx.text, s)
    if word in _YEARS_OLD_PRE and ctx.text[word_start:s].strip().lower() == word:
        s = word_start  # "at 16 years old"
    return _age_cand(s, end, n, n2, conj, ctx)


def _h_was_age(m: re.Match, ctx: _Ctx) -> _Cand | None:
    n, n2, conj, end = _age_numbers(m)
    pre = "until" if m.group()[:5].lower() == "until" else None  # "until he was 14": only the end is stated
    return _age_cand(m.start(), end, n, n2, conj, ctx, pre=pre)


def _months_age(s: int, e: int, months: int, ctx: _Ctx) -> _Cand | None:
    if months > 240:
        return None
    point = None
    if ctx.dob is not None:
        y, mo = _add_months(ctx.dob.year, ctx.dob.month, months)
        point = (y, mo, None, MONTH)
    return _Cand(s, e, "age", point, approx=True, age=months // 12, prio=2)


def _h_months_old(m: re.Match, ctx: _Ctx) -> _Cand | None:
    return _months_age(m.start(), m.end(), _number(m["n"]), ctx)


def _h_at_age(m: re.Match, ctx: _Ctx) -> _Cand | None:
    s = m.start()
    before = _prev_char(ctx.text, s)
    if m.group()[0] == "A" and before in ("", ".", "\n", "!", "?", '"', "”"):
        pass  # "... foster care. At 16, he ran away": a sentence starts here
    elif before == ".":
        return None  # "Id. at 12.", "Tr. at 45,": a pin cite after an abbreviation
    elif _prev_word(ctx.text, s)[0] in _NOT_AGE_BEFORE_AT:
        return None
    n, n2, conj, end = _age_numbers(m)
    return _age_cand(s, end, n, n2, conj, ctx)


_CLAUSE_OPENERS_BEFORE_AGE = frozenset(("that", "and", "but", "so", "then", "because", "since", "yet", "or"))


def _h_at_age_word(m: re.Match, ctx: _Ctx) -> _Cand | None:
    s = m.start()
    n = _number(m["n"])
    if n < 2:
        return None  # "at one, she ..." reads as a time of day or a count more often than an age
    start = m.group()[0] in "AB" and _prev_char(ctx.text, s) in ("", ".", "\n", "!", "?", '"', "”", ";")
    after = ctx.text[m.end() : m.end() + 12].lstrip(" \t")
    pronoun = re.match(r"(?:he|she|they|I|we|his|her|their)\b", after) is not None
    named = re.match(r"(?!(?:The|This|That|These|Those|A|An|At|In|On|By)\b)[A-Z][a-z]+\b", after) is not None
    if not pronoun and not (start and m["comma"] and named):
        return None  # mid-sentence "at twelve, the court ..." is a time, not an age
    # it opens a clause: a sentence, or after a comma, semicolon or a conjunction ("and by fifteen he ...");
    # "sentenced at eleven, he said" and "got home at eleven he said" are times
    if not start and _prev_char(ctx.text, s) not in (",", ";", ":", "(", "—", "–") and (
        _prev_word(ctx.text, s)[0] not in _CLAUSE_OPENERS_BEFORE_AGE
    ):
        return None
    return _age_cand(s, m.end("n"), n, None, None, ctx)


def _h_then_age(m: re.Match, ctx: _Ctx) -> _Cand | None:
    if _prev_char(ctx.text, m.start()) not in (",", "("):
        return None  # "Smith, then 17, was ..." / "(then 17)"
    return _age_cand(m.start(), m.end(), _number(m["n"]), None, None, ctx)


def _h_birthday(m: re.Match, ctx: _Ctx) -> _Cand | None:
    back = _back(_BIRTHDAY_BACK, ctx.text, m.start(), 50)
    if back is None:
        return None
    n = _ordinal(back["o"])
    if not 1 <= n <= 110:
        return None
    point = None
    if ctx.dob is not None:
        day = ctx.dob.day if _valid_day(ctx.dob.year + n, ctx.dob.month, ctx.dob.day) else 28
        point = (ctx.dob.year + n, ctx.dob.month, day, DAY)
    return _Cand(back.start(), m.end(), "age", point, age=n, prio=2)


def _h_at_birth(m: re.Match, ctx: _Ctx) -> _Cand | None:
    dob = ctx.dob
    point = (dob.year, dob.month, dob.day, DAY) if dob else None
    return _Cand(m.start(), m.end(), "age", point, age=0, prio=2)


# --------------------------------------------------------------------------------------------------------
# Relative dates
# --------------------------------------------------------------------------------------------------------

_REL_DAY = re.compile(r"\b(?P<w>yesterday|today|tonight|tomorrow)\b", re.I)
_REL_CUES: dict[str, tuple[str, int]] = {
    # cue -> (what it counts from, offset); deictic: the note's date; anaphoric: the date just told
    "last": ("deictic", -1), "this past": ("deictic", -1), "the past": ("deictic", -1),
    "the previous": ("anaphoric", -1), "the prior": ("anaphoric", -1), "the preceding": ("anaphoric", -1),
    "previous": ("anaphoric", -1), "prior": ("anaphoric", -1), "preceding": ("anaphoric", -1),
    "the following": ("anaphoric", 1), "the next": ("anaphoric", 1), "the subsequent": ("anaphoric", 1),
    "following": ("anaphoric", 1), "next": ("deictic", 1),
    "this": ("deictic", 0), "earlier this": ("deictic", 0), "later this": ("deictic", 0),
    "early this": ("deictic", 0), "late this": ("deictic", 0),
    "that": ("anaphoric", 0), "that same": ("anaphoric", 0), "the same": ("anaphoric", 0),
    "the very same": ("anaphoric", 0), "later that": ("anaphoric", 0), "earlier that": ("anaphoric", 0),
    "early that": ("anaphoric", 0), "late that": ("anaphoric", 0), "later in the": ("anaphoric", 0),
    "earlier in the": ("anaphoric", 0), "later in that": ("anaphoric", 0), "earlier in that": ("anaphoric", 0),
}
_REL_UNITS = ["year", "month", "week", "weekend", "day", "night", "morning", "evening", "afternoon",
              "semester", "school year", *_SEASONS]
_REL_UNIT = re.compile(rf"\b(?P<unit>{_alt(_REL_UNITS)})\b(?!-)", re.I)
_REL_CUE_BACK = re.compile(rf"\b(?P<cue>{_alt(_REL_CUES)})\s+$", re.I)
_REL_CUE_LAST = _last_words(_REL_CUES)
_DETERMINERS = frozenset({"the", "his", "her", "their", "my", "its", "our", "your", "a", "an", "client's"})
_PHYSICAL_FALL = re.compile(r"\s+(?:from|off|down|on|onto|in|at|out|injur|resulted|caused|broke|fractur)", re.I)
_PHYSICAL_FALL_AFTER_THAT = re.compile(r"\s+(?:he|she|they|I|was|and|his|her)\b", re.I)
_REL_N = re.compile(
    rf"\b(?P<n>{_NUM}|an?|several|a\s+few|a\s+couple(?:\s+of)?|couple\s+of)\s+(?P<unit>years?|months?|weeks?|days?)"
    r"\s+(?P<dir>later(?:\s+on)?|earlier|ago|afterwards?|previously|before\s+that|after\s+that|before|after|"
    r"prior(?:\s+to)?|following)\b",
    re.I,
)
_REL_TIME = re.compile(r"\bthat\s+(?:time|point|period)\b", re.I)
_REL_TIME_BEFORE = frozenset({"at", "around", "about", "by", "during"})
_UNIT_PRECISION = {"year": YEAR, "month": MONTH, "week": MONTH, "day": DAY}


def _h_rel_day(m: re.Match, ctx: _Ctx) -> _Cand:
    off = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[m["w"].lower()]
    return _Cand(m.start(), m.end(), "relative", rel=("deictic", "day", off, False), prio=3)


def _h_rel_unit(m: re.Match, ctx: _Ctx) -> _Cand | None:
    text = ctx.text
    if _prev_word(text, m.start())[0] not in _REL_CUE_LAST:
        return None
    back = _back(_REL_CUE_BACK, text, m.start(), 25)
    if back is None:
        return None
    cue = " ".join(back["cue"].lower().split())
    unit = " ".join(m["unit"].lower().split())
    mode, off = _REL_CUES[cue]
    if unit == "fall" and (_PHYSICAL_FALL.match(text, m.end()) or (
            cue in ("that", "this") and _PHYSICAL_FALL_AFTER_THAT.match(text, m.end()))):
        return None  # "that fall from the ladder", "after that fall he used pills"; "the following fall" is a season
    if unit == "day" and cue in ("this", "that") and _prev_word(text, back.start())[0] in ("to", "until", "till"):
        return None  # "to this day": until now, not a date
    if unit in ("morning", "evening", "afternoon") and cue in ("last", "this past", "the past"):
        return None
    if cue == "last" and unit == "day":
        return None  # "his last day at work": the final day, not yesterday
    if cue.split()[0] in ("last", "previous", "prior", "preceding", "following", "next") and (
            _prev_word(text, back.start())[0] in _DETERMINERS):
        return None  # "his last year of high school", "the last week of March": final, not relative
    if cue in ("the past", "this past") and unit not in _SEASONS and unit != "weekend":
        approx = True  # "in the past year": the twelve months before the note
    else:
        approx = unit in _SEASONS or unit in ("week", "weekend", "semester", "school year")
    unit = {"night": "day", "morning": "day", "evening": "day", "afternoon": "day", "weekend": "week",
            "school year": "year"}.get(unit, unit)
    return _Cand(back.start(), m.end(), "relative", rel=(mode, unit, off, approx), prio=3)


def _h_rel_n(m: re.Match, ctx: _Ctx) -> _Cand:
    word = " ".join(m["n"].lower().split())
    if word in ("a", "an"):
        n = 1
    elif word.startswith(("a couple", "couple")):
        n = 2
    elif word in ("several", "a few"):
        n = None
    else:
        n = _number(word)
    unit = m["unit"].lower().rstrip("s")
    direction = " ".join(m["dir"].lower().split())
    approx = unit != "day" or n is None or word.startswith(("a couple", "couple"))
    if direction == "ago":
        rel = ("deictic", unit, -n if n is not None else None, approx)
    elif direction in ("later", "later on", "afterward", "afterwards", "after that"):
        rel = ("anaphoric", unit, n, approx)
    elif direction in ("earlier", "previously", "before that"):
        rel = ("anaphoric", unit, -n if n is not None else None, approx)
    else:  # "before", "after", "prior to", "following": counts from the date that follows (see _merge)
        sign = 1 if direction in ("after", "following") else -1
        rel = ("offset", unit, sign * n if n is not None else None, approx)
    return _Cand(m.start(), m.end(), "relative", rel=rel, prio=3)


def _h_rel_time(m: re.Match, ctx: _Ctx) -> _Cand | None:
    word, word_start = _prev_word(ctx.text, m.start())
    if word not in _REL_TIME_BEFORE:
        return None
    return _Cand(word_start, m.end(), "relative", rel=("anaphoric", "same", 0, True), prio=4)


# --------------------------------------------------------------------------------------------------------
# The finder: one pass over the tokens; a rule is tried only where its trigger token starts
# --------------------------------------------------------------------------------------------------------

_Rule = tuple[re.Pattern, Callable[[re.Match, _Ctx], "_Cand | None"]]
_TOKEN = re.compile(r"\d+|[A-Za-z]+|['’](?=\d)")

_R_ISO, _R_SLASH, _R_DASH, _R_DOT, _R_MY = ((_ISO, _h_iso), (_NUM_SLASH, _h_numeric), (_NUM_DASH, _h_numeric),
                                            (_NUM_DOT, _h_numeric), (_NUM_MY, _h_num_my))
_R_DMY, _R_YEARS_OLD, _R_MONTHS_OLD = (_TEXT_DMY, _h_text_dated), (_YEARS_OLD, _h_years_old), (_MONTHS_OLD, _h_months_old)
_R_REL_N, _R_QUARTER = (_REL_N, _h_rel_n), (_QUARTER, _h_quarter)
_R_DMY_COMPACT = (_TEXT_DMY_COMPACT, _h_text_dated)
_R_DECADE_SHORT = (_DECADE_SHORT, _h_decade_the)
_YEAR4_RULES: tuple[_Rule, ...] = (_R_ISO, (_BARE_YEAR, _h_bare_year), (_YEAR_PAIR, _h_year_pair),
                                   (_DECADE_NUM, _h_decade_num))
_SHORT_NUMBER_RULES: dict[str, tuple[_Rule, ...]] = {  # keyed by the character after a 1-2 digit number
    "/": (_R_SLASH, _R_MY, _R_DMY_COMPACT),
    "-": (_R_DASH, _R_YEARS_OLD, _R_MONTHS_OLD, _R_DMY_COMPACT),
    ".": (_R_DOT,),
    " ": (_R_DMY, _R_YEARS_OLD, _R_MONTHS_OLD, _R_REL_N),
    "'": (_R_DECADE_SHORT,),
    "’": (_R_DECADE_SHORT,),
}
for _blank in "\t\n\r\xa0":
    _SHORT_NUMBER_RULES[_blank] = _SHORT_NUMBER_RULES[" "]
_SHORT_NUMBER_ALPHA: tuple[_Rule, ...] = (_R_DMY, _R_QUARTER, _R_YEARS_OLD, _R_DECADE_SHORT)
_APOSTROPHE_RULES: tuple[_Rule, ...] = ((_APOS_YEAR, _h_apos_year), _R_DECADE_SHORT)

_WORD_RULES: dict[str, list[_Rule]] = {}


def _on(words, *rules: _Rule) -> None:
    for word in words:
        _WORD_RULES.setdefault(word.lower(), []).extend(rules)


_on(_MONTHS, (_TEXT_MDY, _h_text_dated), (_TEXT_MY, _h_text_my), (_TEXT_MD, _h_text_md))
_on(_SEASONS, (_SEASON, _h_season))
_on(["age"], (_AGE_WORD, _h_age_word), (_AGE_LABEL, _h_age_label))
_on(["ages", "aged"], (_AGE_WORD, _h_age_word))
_on(_NUMBER_WORDS, _R_YEARS_OLD, _R_MONTHS_OLD, _R_REL_N)
_on(["a", "an", "several", "couple"], _R_REL_N)
_on(["when", "while", "until", "after", "before", "since", "because", "once", "he", "she", "i", "they", "we",
     "you", "who"], (_WAS_AGE, _h_was_age))
_on(["at"], (_AT_AGE, _h_at_age))
_on(["at", "by"], (_AT_AGE_WORD, _h_at_age_word))
_on(["at", "since", "from"], (_AT_BIRTH, _h_at_birth))
_on(["then"], (_THEN_AGE, _h_then_age))
_on(["birthday"], (_BIRTHDAY, _h_birthday))
_on(["yesterday", "today", "tonight", "tomorrow"], (_REL_DAY, _h_rel_day))
_on([u.split()[0] for u in _REL_UNITS], (_REL_UNIT, _h_rel_unit))
_on(["that"], (_REL_TIME, _h_rel_time))
_on(_DECADE_WORDS, (_DECADE_WORD, _h_decade_the))
_on(["first", "second", "third", "fourth", "last", "q"], _R_QUARTER)


_SKIP_INSIDE = frozenset({"date", "range", "school_year"})


def _collect(text: str, ctx: _Ctx) -> list[_Cand]:
    cands: list[_Cand] = []
    word_rules = _WORD_RULES
    n = len(text)
    lower = text.lower()
    scan = lower if len(lower) == n else text  # lowercasing may change the length of exotic text
    skip_until = 0  # the digits inside a numeric date found already ("06/11/1995") start nothing longer
    for tok in _TOKEN.finditer(scan):
        word = tok.group()
        c = word[0]
        pos = tok.start()
        if "0" <= c <= "9":
            if pos < skip_until:
                continue
            size = len(word)
            if size == 4:
                if not word.startswith(("19", "20")):
                    continue
                rules = _YEAR4_RULES
            elif size <= 2:
                end = tok.end()
                after = text[end] if end < n else ""
                rules = _SHORT_NUMBER_RULES.get(after) or (_SHORT_NUMBER_ALPHA if after.isalpha() else ())
            else:
                continue
            for regex, handler in rules:
                m = regex.match(text, pos)
                if m is not None:
                    cand = handler(m, ctx)
                    if cand is not None:
                        cands.append(cand)
                        if cand.kind in _SKIP_INSIDE and cand.end > skip_until:
                            skip_until = cand.end
            continue
        if c in "'’":
            rules = _APOSTROPHE_RULES
        else:
            rules = word_rules.get(word if scan is lower else word.lower())
            if rules is None:
                continue
        for regex, handler in rules:
            m = regex.match(text, pos)
            if m is not None:
                cand = handler(m, ctx)
                if cand is not None:
                    cands.append(cand)
    return cands


def find_dates(text: str, *, dob: dt.date | None = None, anchor: dt.date | None = None) -> list[DateMention]:
    """Every date, age and relative-date mention in `text`, sorted by start and never overlapping.

    `dob` resolves ages; `anchor` (the nearest stated note date) resolves relative dates and picks the
    century of two-digit years."""
    if not text:
        return []
    ctx = _Ctx(text, dob, anchor)
    cands = _collect(text, ctx)
    if not cands:
        return []
    cands = _select(cands)
    _modify_prefixes(cands, text)
    cands = _merge(cands, text)
    _open_ends(cands, text)
    return _resolve(cands, text, ctx)


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Keep the longest (then most specific) candidate wherever candidates overlap; sorted by start."""
    cands.sort(key=lambda c: (c.start - c.end, c.prio, c.start))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[_Cand] = []
    for c in cands:
        i = bisect.bisect_left(starts, c.start)
        if i > 0 and ends[i - 1] > c.start:
            continue
        if i < len(starts) and starts[i] < c.end:
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        kept.insert(i, c)
    return kept


# "c." and "ca." must not be the end of an abbreviation ("18 U.S.C. 2011").
_APPROX_BEFORE = re.compile(
    rf"(?:\b(?:{_alt(c for c in _DATA['approximate_cues'] if len(c) > 3)})|(?<![.\w])(?:{_alt(c for c in _DATA['approximate_cues'] if len(c) <= 3)})|~)\s*$",
    re.I,
)
_APPROX_LAST = _last_words(_DATA["approximate_cues"])
_PART_BEFORE = re.compile(rf"\b(?:{_alt(_DATA['part_of_period_cues'])})(?:\s*-\s*|\s+)$", re.I)
_PART_LAST = _last_words(_DATA["part_of_period_cues"])
_FROM_BEFORE = re.compile(r"\b(?:from|between)\s+(?:the\s+years?\s+(?:of\s+)?)?$", re.I)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:the\s+years?\s+(?:of\s+)?)?$", re.I)
_FROM_LAST = frozenset({"from", "between", "of", "years", "year"})
_CONNECTOR = re.compile(r"[ \t]*(?P<c>-{1,2}|–|—|to|through|thru|until|till|'til|and|up\s+to|into)[ \t]*", re.I)
_PRESENT_AFTER = re.compile(
    rf"[ \t]*(?:-{{1,2}}|–|—|to|through|until|till)[ \t]*(?:the\s+)?(?:{_alt(_DATA['present_words'])})\b", re.I
)
_MONTH_LEFT = re.compile(
    rf"(?:\b(?:from|between)\s+)?\b{_MON_TITLE}(?:\s*(?P<d1>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?)?"
    r"[ \t]*(?:-{1,2}|–|—|to|through|thru|until|till|and)[ \t]*$"
)
_CONNECTOR_WORDS = frozenset({"to", "through", "thru", "until", "till", "and"})
_UNTIL_BEFORE = re.compile(rf"\b(?:{_alt(_DATA['end_only_cues'])})\s+$", re.I)
_UNTIL_LAST = _last_words(_DATA["end_only_cues"]) | {"til"}
_SINCE_BEFORE = re.compile(rf"\b(?:{_alt(_DATA['open_start_cues'])})\s+$", re.I)
_OFFSET_GAP = re.compile(r"[ \t]*(?:to[ \t]+)?(?:the\s+)?")
_DATEISH = frozenset({"date", "season", "school_year"})


def _modify_prefixes(cands: list[_Cand], text: str) -> None:
    """Take in "on or about", "circa", "early", "mid-", "the end of" before a mention (approximate)."""
    prev_end = 0
    for c in cands:
        for _ in range(2):  # "about the end of 2015"
            word = _prev_word(text, c.start)[0]
            m = None
            if word in _APPROX_LAST or _prev_char(text, c.start) == "~":
                m = _back(_APPROX_BEFORE, text, c.start)
            if m is None and word in _PART_LAST and c.kind == "date" and c.point is not None and c.point[3] < DAY:
                m = _back(_PART_BEFORE, text, c.start)
            if m is None or m.start() < prev_end:
                break
            c.start = m.start()
            c.approx = True
        prev_end = c.end


def _from_start(text: str, start: int, prev_end: int) -> int:
    """`start` moved back over "from" / "between" (a range's own words)."""
    if _prev_word(text, start)[0] in _FROM_LAST:
        m = _back(_FROM_BEFORE, text, start, 25)
        if m is not None and m.start() >= prev_end:
            return m.start()
    return start


def _merge(cands: list[_Cand], text: str) -> list[_Cand]:
    """Join "X - Y", "from X to Y", "between X and Y", "February through June 2001", "X to present" and
    "two years before June 2015" into single mentions."""
    out: list[_Cand] = []
    i, n = 0, len(cands)
    while i < n:
        c = cands[i]
        prev_end = out[-1].end if out else 0
        nxt = cands[i + 1] if i + 1 < n else None
        # "two years before June 2015": the offset counts from the date right after it
        if c.kind == "relative" and c.rel[0] == "offset" and nxt is not None and nxt.kind in _DATEISH:
            gap = _OFFSET_GAP.match(text, c.end)
            if gap.end() >= nxt.start and nxt.point is not None:
                _, unit, off, approx = c.rel
                point = _shift(nxt.point, unit, off) if off is not None else None
                out.append(_Cand(c.start, nxt.end, "relative", point, approx=approx or nxt.approx))
                i += 2
                continue
        if (c.kind in _DATEISH and nxt is not None and nxt.kind in _DATEISH and nxt.point is not None
                and nxt.start - c.end <= 12):
            gap = _CONNECTOR.fullmatch(text, c.end, nxt.start)
            if gap is not None:
                between = gap["c"].lower() == "and" and _prev_word(text, c.start)[0] in _FROM_LAST and _back(
                    _BETWEEN_BEFORE, text, c.start, 25)
                if gap["c"].lower() != "and" or between:
                    merged = _range(c, nxt, text, prev_end)
                    if merged is not None:
                        out.append(merged)
                        i += 2
                        continue
        if c.kind in _DATEISH and c.point is not None:
            # "February through June 2001": a month with no year of its own on the left
            if c.point[3] >= MONTH and (_prev_word(text, c.start)[0] in _CONNECTOR_WORDS
                                        or _prev_char(text, c.start) in ("-", "–", "—")):
                m = _back(_MONTH_LEFT, text, c.start, 40)
                if m is not None and m.start() >= prev_end:
                    left_day = int(m["d1"]) if m["d1"] else None
                    left = _Cand(m.start("mon"), m.end("mon"), "date",
                                 rel=("yearless", _MONTHS[m["mon"].lower()], left_day))
                    merged = _range(left, c, text, prev_end, start=m.start())
                    if merged is not None:
                        out.append(merged)
                        i += 1
                        continue
            p = _PRESENT_AFTER.match(text, c.end)
            if p is not None:
                start = _from_start(text, c.start, prev_end)
                out.append(_Cand(start, p.end(), "range", c.point, until=None, approx=c.approx))
                i += 1
                while i < n and cands[i].start < p.end():  # "today" in "2016 to today" is not a date
                    i += 1
                continue
        out.append(c)
        i += 1
    return out


def _range(a: _Cand, b: _Cand, text: str, prev_end: int, start: int | None = None) -> _Cand | None:
    start_point = a.point
    end_point = b.until or b.point
    if start_point is None:
        if not (a.rel and a.rel[0] == "yearless") or b.point[3] < MONTH:
            return None
        _, mo, d = a.rel
        year = b.point[0] if (mo, d or 0) <= (b.point[1], b.point[2] or 31) else b.point[0] - 1
        if d is not None and _valid_day(year, mo, d):
            start_point = (year, mo, d, DAY)
        else:
            start_point = (year, mo, None, MONTH)
    p = min(start_point[3], end_point[3])
    if _truncate(start_point, p) > _truncate(end_point, p):
        return None
    s = _from_start(text, a.start if start is None else start, prev_end)
    return _Cand(s, b.end, "range", start_point, until=end_point, approx=a.approx or b.approx)


def _truncate(point: _Point, precision: int) -> tuple[int, int, int]:
    y, m, d, _ = point
    return (y, (m or 0) if precision >= MONTH else 0, (d or 0) if precision >= DAY else 0)


def _open_ends(cands: list[_Cand], text: str) -> None:
    """"until 2012" / "before 2009": the end of an unstated period; "since 2020": an open period."""
    prev_end = 0
    for c in cands:
        if c.kind in _DATEISH and c.point is not None:
            word = _prev_word(text, c.start)[0]
            if word in _UNTIL_LAST:
                m = _back(_UNTIL_BEFORE, text, c.start, 15)
                if m is not None and m.start() >= prev_end:
                    c.start, c.kind, c.until, c.point = m.start(), "range", c.until or c.point, None
            elif word == "since":
                m = _back(_SINCE_BEFORE, text, c.start, 15)
                if m is not None and m.start() >= prev_end:
                    c.start, c.kind, c.until = m.start(), "range", None
        prev_end = c.end


def _resolve(cands: list[_Cand], text: str, ctx: _Ctx) -> list[DateMention]:
    out: list[DateMention] = []
    last: _Cand | None = None  # the nearest preceding mention with a value
    anchor = ctx.anchor
    anchor_point = (anchor.year, anchor.month, anchor.day, DAY) if anchor else None
    for c in cands:
        if c.rel is not None and c.point is None:
            _resolve_relative(c, last, anchor_point)
        if c.point is not None:
            last = c
        value = _fmt(c.point)
        out.append(DateMention(
            start=c.start, end=c.end, text=text[c.start:c.end], value=value, value_end=_fmt(c.until),
            precision=_PRECISION_NAMES[c.point[3]] if c.point is not None else None,
            age=c.age, approximate=c.approx,
            kind="relative" if c.rel is not None and c.kind == "relative" else c.kind,
        ))
    return out


def _resolve_relative(c: _Cand, last: _Cand | None, anchor_point: _Point | None) -> None:
    spec = c.rel
    if spec[0] == "yearless":  # "March 14" with no year: the anchor's year, or the year before if later
        _, mo, d = spec
        if anchor_point is None:
            return
        ay, am, ad, _ = anchor_point
        year = ay if (mo, d) <= (am, ad) or _add_months(ay, am, 2) >= (ay, mo) else ay - 1
        if _valid_day(year, mo, d):
            c.point, c.approx, c.kind = (year, mo, d, DAY), True, "date"
            c.rel = None
        return
    mode, unit, off, approx = spec
    if mode == "offset" or off is None:
        return  # "two years after his release", "several years later": no date to count from
    if mode == "deictic" or last is None:
        ref = anchor_point
        ref_approx = False
    else:
        ref = last.until if (off > 0 and last.until is not None) else last.point
        ref_approx = last.approx
    if ref is None:
        return
    if unit == "same":
        c.point = ref
    elif unit in _SEASONS:
        c.point = (_season_year(ref, unit, off), None, None, YEAR)
    elif unit == "semester":
        y, m = _add_months(ref[0], ref[1] or 1, 5 * off) if ref[3] >= MONTH else (ref[0], None)
        c.point = (y, None, None, YEAR)
    else:
        c.point = _shift(ref, unit, off)
    c.approx = approx or ref_approx or ref[3] < _UNIT_PRECISION.get(unit, YEAR)


def _shift(ref: _Point, unit: str, off: int) -> _Point:
    """`ref` moved by `off` units, never more precise than `ref` or the unit."""
    y, m, d, p = ref
    if unit == "year":
        return (y + off, None, None, YEAR)
    if unit in _SEASONS:
        return (_season_year(ref, unit, off), None, None, YEAR)
    if unit == "month":
        if p >= MONTH:
            yy, mm = _add_months(y, m, off)
            return (yy, mm, None, MONTH)
        return (y + round(off / 12), None, None, YEAR)
    if unit == "week":
        if p == DAY:
            day = dt.date(y, m, d) + dt.timedelta(weeks=off)
            return (day.year, day.month, None, MONTH)
        if p == MONTH:
            yy, mm = _add_months(y, m, round(off / 4.35))
            return (yy, mm, None, MONTH)
        return (y, None, None, YEAR)
    if unit == "day":
        if p == DAY:
            day = dt.date(y, m, d) + dt.timedelta(days=off)
            return (day.year, day.month, day.day, DAY)
        return ref
    return ref


def _season_year(ref: _Point, season: str, off: int) -> int:
    """The year a season starts in: the `off`-th occurrence after (off > 0), before (off < 0, seasons that
    have ended) or containing (off == 0) the reference."""
    first, last = _SEASONS[season]
    ry, rm = ref[0], ref[1]
    if ref[3] < MONTH:
        return ry + off
    if off > 0:
        return (ry if first > rm else ry + 1) + off - 1
    if off < 0:
        if first <= last:
            year = ry if last < rm else ry - 1
        else:  # winter: December of year y to February of y + 1
            year = ry - 1 if rm > last else ry - 2
        return year + off + 1
    if first > last and rm <= last:
        return ry - 1  # "this winter" said in January
    return ry


# --------------------------------------------------------------------------------------------------------
# Date of birth and anchor dates
# --------------------------------------------------------------------------------------------------------

_DOB_LABEL = re.compile(
    r"(?:\bD\.?\s?O\.?\s?B\b\.?|\bDate\s*(?:/|and)?\s*(?:Time\s+)?of\s+Birth\b|\bBirth\s*date\b|\bBirth\s+Date\b"
    r"|\bBorn\b(?=\s*[:\-–]))"
    r"\s*(?:\([^)\n]{0,20}\))?\s*[:#\-–]?\s*",
    re.I,
)
_BORN = re.compile(r"\bborn\s+(?:on\s+)?(?=\S)", re.I)
_KIN = re.compile(
    r"\b(?:mother|father|mom|dad|parents?|guardian|caretaker|caregiver|step-?(?:father|mother)|spouse|wife|"
    r"husband|partner|boyfriend|girlfriend|siblings?|brother|sister|half-?(?:brother|sister)|grand(?:mother|"
    r"father|parents?)|aunt|uncle|cousin|daughter|son|victim|co-?defendant|co-?respondent|witness|maternal|"
    r"paternal|niece|nephew|baby\s+sister|baby\s+brother)\b",
    re.I,
)
_SEGMENT_SPLIT = re.compile(r"\t|\s{2,}|\||;|\)")


def _day_date_at(text: str, pos: int, *, limit: int = 40) -> tuple[int, dt.date, DateMention] | None:
    """The day-precision date written at `pos` (after blanks), with its offset, if there is one."""
    window = text[pos:pos + limit]
    stripped = len(window) - len(window.lstrip(" \t"))
    for mention in find_dates(window):
        if mention.start != stripped:
            return None
        if mention.kind == "date" and mention.precision == "day" and not mention.approximate:
            y, m, d = (int(part) for part in mention.value.split("-"))
            return pos + mention.start, dt.date(y, m, d), mention
        return None
    return None


def find_document_dob(text: str, *, client_name: str | None = None) -> dt.date | None:
    """The record's stated date of birth ("DOB: 06/11/1995", "Date of Birth 6/11/95", "born June 11, 1995").

    Labelled dates come first; a relative's DOB ("Mother DOB ...") is skipped. With `client_name`, a DOB
    written next to that name wins over one written next to another name (a CPS record lists each child)."""
    today = dt.date.today()
    names = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", client_name or "")]
    best: dt.date | None = None
    best_score = -1
    for m in _DOB_LABEL.finditer(text):
        found = _day_date_at(text, m.end())
        if found is None or not dt.date(1900, 1, 1) <= found[1] <= today:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 60):m.start()]
        segment = _SEGMENT_SPLIT.split(before.rstrip(" (:"))[-1]  # this cell or parenthesis only
        if _KIN.search(segment):
            continue  # "Mother DOB: ..."
        if not names:
            return found[1]
        segment = segment.lower()
        score = sum(name in segment for name in names)
        if score > best_score:
            best, best_score = found[1], score
    if best is not None:
        return best
    for m in _BORN.finditer(text):
        found = _day_date_at(text, m.end())
        if found is None or not dt.date(1900, 1, 1) <= found[1] <= today:
            continue
        sentence_start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        if _KIN.search(text, max(sentence_start, m.start() - 60), m.start()):
            continue  # "his daughter, who was born on August 3, 2018"
        return found[1]
    return None


_ANCHOR_LABEL = re.compile(
    # The lookahead only lets the scan skip positions no label can start at (every label's first letter).
    r"(?=[acdehilmnoprsv])"
    r"(?:\b(?:(?:progress|case|clinical|session|visit|contact)\s+)?(?:note|report|visit|session|service|encounter|"
    r"contact|evaluation|exam|examination|interview|assessment|entry|letter|order|hearing)\s+date\b"
    r"|\bdate\s+of\s+(?:the\s+)?(?:report|note|service|visit|evaluation|exam|examination|contact|interview|session|"
    r"assessment|encounter|letter|order|hearing|entry)\b"
    r"|\b(?:note|entry|letter|report|memo|memorandum|order|progress\s+note|case\s+note)\s*(?:dated|[-–—:])"
    r"|\bintake(?:\s+date)?\b(?=\s*:)|\bdate\s+received\b|\bdated\b|\bdate(?:\s*/\s*time)?\b|\bDOS\b)"
    r"\s*[:#\-–—]?\s*",
    re.I,
)
_NOT_ANCHOR_BEFORE = re.compile(
    r"\b(?:birth|death|expiration|expiry|due|next|follow-?up|return|release|discharge|admission|incident|"
    r"offense|arrest|injury|start|end|effective|hire|termination)\s*$",
    re.I,
)
_LINE_DATE = re.compile(rf"(?m)^[ \t]*(?:[-•*·▪][ \t]*)?(?=\d{{1,4}}[/.\-]\d|{_MON}\s*\d)", re.I)
_SECOND_DATE = re.compile(r"[ \t]*(?:(?:-{1,2}|–|—|to)[ \t]*)?\d{1,4}[/.\-]\d")


def find_anchor_dates(text: str) -> list[tuple[int, dt.date]]:
    """Stated note or document dates with their offsets, in text order.

    A labelled date ("Date: 05/10/2004", "Note dated 05/10/2004", "Report date: August 14, 2023"), a dated
    case-note line ("05/10/2004 - Client reports ...") or a line holding only a date (a letter's date). Not
    print, fax or production dates (they date the copy, not what it says), not dates of birth or of events
    ("Discharge date"), and not table rows that start with two dates (a stay from entry to exit)."""
    found: dict[int, dt.date] = {}
    for m in _ANCHOR_LABEL.finditer(text):
        if _NOT_ANCHOR_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        hit = _day_date_at(text, m.end())
        if hit is not None:
            found[hit[0]] = hit[1]
    for m in _LINE_DATE.finditer(text):
        hit = _day_date_at(text, m.end())
        if hit is None:
            continue
        offset, day, mention = hit
        if _SECOND_DATE.match(text, offset + len(mention.text)):
            continue
        found.setdefault(offset, day)
    return sorted(found.items())
