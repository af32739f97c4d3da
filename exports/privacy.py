"""Fed. R. Crim. P. 49.1(a) privacy pass over plain text: find what a public filing may not show in full.

The rule lets a filing include only: the last four digits of a social-security or taxpayer-identification
number, the year of an individual's birth, a minor's initials, the last four digits of a financial-account
number, and the city and state of a home address. `find_private_data` returns one `Finding` per match,
with the text the rule allows in its place; `exports.redaction` makes the replacements (one matcher for the
narrative and the exhibit packet).

What it finds, and what it deliberately leaves alone:
- SSNs written 123-45-6789 (or with spaces/no separators after an "SSN" label); numbers shaped like an
  ITIN (9XX-7X-XXXX) and labelled EIN/TIN numbers are taxpayer ids. Phone numbers (3-3-4 digits), case
  numbers (23-CF-00417, CPI-1999-11-04472), report numbers (95-06-1187) and MRNs have other shapes.
- Birth dates: a full date after a DOB / Date of birth / born label, "born in August 2018" (the month is
  dropped too), and any full date equal to one of `known_dobs`, labelled or not. Other dates are events.
- A minor's name (full name, "Last, First", or the first name alone, capitalised) -> initials.
- Financial accounts: digits after an account / acct / card / routing / IBAN label, and card numbers that
  pass the Luhn check. ICD-10 and DSM codes (F11.20, Z62.21) have no such label or shape.
- Home addresses: number + street name + suffix (+ unit) followed by city and two-letter state (+ ZIP)
  -> "City, ST"; a street address after a residence cue ("lives at", "apartment at", "evicted from ...
  at", "Address:") with no city after it -> "[street address omitted]". The pass cannot tell a home
  from an office, so it errs toward redaction: an agency's letterhead address is reduced too.
Text that the pass does not recognise (a name spelled differently, an address split over odd lines, an
SSN in words) stays: the findings support a human review, they do not replace it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

FindingKind = Literal["ssn", "taxpayer_id", "birth_date", "minor_name", "financial_account", "home_address"]

STREET_OMITTED = "[street address omitted]"
KIND_LABELS = {
    "ssn": "Social-security number", "taxpayer_id": "Taxpayer number", "birth_date": "Full birth date",
    "minor_name": "Minor's name", "financial_account": "Account number", "home_address": "Home address",
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    start: int  # offsets into the text given to find_private_data
    end: int
    text: str
    replacement: str
    context: str  # the surrounding text on one line, for a reviewer


def find_private_data(
    text: str, *, minors: Sequence[str] = (), known_dobs: Iterable[dt.date | str] = ()
) -> list[Finding]:
    """Every 49.1 finding in `text`, sorted by position, without overlaps (the longer match wins)."""
    dobs = {parsed for value in known_dobs if (parsed := _as_date(value)) is not None}
    candidates: list[Finding] = []
    for finder in (_identity_numbers, _financial_accounts, _addresses):
        candidates.extend(finder(text))
    candidates.extend(_birth_dates(text, dobs))
    candidates.extend(_minor_names(text, minors))
    return _without_overlaps(candidates)


# Helpers ------------------------------------------------------------------------------------------


def _finding(kind: FindingKind, text: str, start: int, end: int, replacement: str) -> Finding:
    context = text[max(0, start - 40) : min(len(text), end + 40)]
    return Finding(kind, start, end, text[start:end], replacement, " ".join(context.split()))


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (-(f.end - f.start), f.start)):
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def _mask(value: str, keep: int = 4, *, counts=str.isdigit) -> str:
    """Every character that `counts` (digits by default) but the last `keep` replaced by X; separators stay."""
    total = sum(counts(ch) for ch in value)
    seen = 0
    masked = []
    for ch in value:
        if counts(ch):
            seen += 1
            masked.append(ch if seen > total - keep else "X")
        else:
            masked.append(ch)
    return "".join(masked)


def _last_four_ssn(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"XXX-XX-{digits[-4:]}"


# SSN and taxpayer ids ------------------------------------------------------------------------------

_SSN_LABEL = r"(?:SSN|S\.S\.N\.|SS\s?#|Soc(?:ial)?\.?\s+Sec(?:urity)?\.?(?:\s+(?:No\.?|Number|#))?)"
_TIN_LABEL = (
    r"(?:ITIN|FEIN|EIN|TIN|Employer\s+Identification\s+(?:No\.?|Number)|"
    r"(?:Federal\s+)?Tax(?:payer)?\s+(?:ID|Identification)(?:\s+(?:No\.?|Number|#))?)"
)
_LABELLED_SSN = re.compile(
    _SSN_LABEL + r"(?:\s*\([A-Za-z.#\s]{1,12}\))?(?:\s+(?:is|was|no\.?|number|#))?\s*[:#.]?\s*"
    r"(\d{3}([- .]?)\d{2}\2\d{4})(?![\d-])",
    re.IGNORECASE,
)
# Unlabelled: three-two-four with spaces or dots is no phone, date or case number we know of.
_SPACED_SSN = re.compile(r"(?<![\d.-])(\d{3})([ .])(\d{2})\2(\d{4})(?![\d.-])")
_LABELLED_TIN = re.compile(
    r"\b" + _TIN_LABEL + r"\s*[:#]?\s*(\d{3}-\d{2}-\d{4}|\d{2}-?\d{7}|\d{9})(?![\d-])", re.IGNORECASE
)
_DASHED_SSN = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
_ITIN_GROUPS = set(range(50, 66)) | set(range(70, 89)) | {90, 91, 92} | set(range(94, 100))


def _identity_numbers(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for match in _LABELLED_TIN.finditer(text):
        value = match.group(1)
        replacement = (
            _last_four_ssn(value)
            if len(re.sub(r"\D", "", value)) == 9 and value.count("-") == 2
            else _mask(value)
        )
        findings.append(_finding("taxpayer_id", text, match.start(1), match.end(1), replacement))
    for match in _LABELLED_SSN.finditer(text):
        findings.append(_finding("ssn", text, match.start(1), match.end(1), _last_four_ssn(match.group(1))))
    for match in _SPACED_SSN.finditer(text):
        area, group, serial = int(match[1]), int(match[3]), int(match[4])
        if area not in (0, 666) and area < 900 and group and serial:
            findings.append(_finding("ssn", text, match.start(), match.end(), _last_four_ssn(match[0])))
    for match in _DASHED_SSN.finditer(text):
        area, group, serial = (int(part) for part in match.groups())
        if match.group(1).startswith("9"):
            if group in _ITIN_GROUPS and serial:
                findings.append(
                    _finding("taxpayer_id", text, match.start(), match.end(), _last_four_ssn(match[0]))
                )
        elif area not in (0, 666) and group and serial:
            findings.append(_finding("ssn", text, match.start(), match.end(), _last_four_ssn(match[0])))
    return findings


# Financial accounts --------------------------------------------------------------------------------

_ACCOUNT_LABEL = re.compile(
    r"\b(?:(?:bank|checking|savings|credit(?:\s+card)?|debit(?:\s+card)?|EBT|loan|brokerage)\s+)?"
    r"(?:account|acct\.?|a/c|card|routing|IBAN)"
    r"(?:\s+(?:no\.?|number|num\.?|#))?\s*[:#]?\s*"
    r"((?:[A-Z]{2}\d{2}[ ]?)?[\dXx*](?:[ -]?[\dXx*]){4,33})(?![\d])",
    re.IGNORECASE,
)
# Benefits and insurance accounts: the label names the programme, the value holds at least four digits.
_BENEFITS_LABEL = re.compile(
    r"\b(?:Medicaid|Medicare|SNAP|TANF|EBT|WIC|SSI|SSDI|food\s+stamps?|benefits?|insurance|member|subscriber|"
    r"policy(?:holder)?)\s*(?:ID|I\.D\.|case|card|account|acct\.?|member|policy|recipient)?"
    r"(?:\s*(?:no\.?|number|num\.?|#|ID))?\s*[:#]?\s*"
    r"((?=[A-Z0-9 -]*\d[A-Z0-9 -]*\d[A-Z0-9 -]*\d[A-Z0-9 -]*\d)[A-Z0-9](?:[ -]?[A-Z0-9]){4,20})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_CARD_NUMBER = re.compile(r"(?<![\d-])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?![\d-])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _financial_accounts(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for match in _ACCOUNT_LABEL.finditer(text):
        value = match.group(1).rstrip(" -")
        digits = sum(ch.isdigit() for ch in value)
        if digits >= 5 and _mask(value) != value:
            end = match.start(1) + len(value)
            findings.append(_finding("financial_account", text, match.start(1), end, _mask(value)))
    for match in _BENEFITS_LABEL.finditer(text):
        value = match.group(1).rstrip(" -")
        if sum(ch.isdigit() for ch in value) >= 4:
            end = match.start(1) + len(value)
            findings.append(_finding("financial_account", text, match.start(1), end, _mask(value, counts=str.isalnum)))
    for match in _CARD_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match[0])
        if 13 <= len(digits) <= 19 and _luhn_ok(digits):
            findings.append(
                _finding("financial_account", text, match.start(), match.end(), _mask(match[0]))
            )
    return findings


# Birth dates ---------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\d/.-]\d)"
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_LONG_DATE = _MONTH + r"[\s-]+\d{1,2}(?:st|nd|rd|th)?,?[\s-]+\d{4}"
_DAY_FIRST_DATE = (
    r"\d{1,2}(?:st|nd|rd|th)?(?:\s+(?:day\s+)?of)?[\s-]+" + _MONTH + r",?[\s-]+\d{4}"
)  # 11 June 1995, 11-Jun-1995, the 11th of June, 1995
_FULL_DATE = re.compile(
    r"(?<![\w/.-])(?:" + f"{_ISO_DATE}|{_NUMERIC_DATE}|{_LONG_DATE}|{_DAY_FIRST_DATE}" + r")(?!\w)",
    re.IGNORECASE,
)
_BIRTH_LABEL = re.compile(
    r"\b(?:D\.?O\.?B\.?|D/O/B|Date\s+of\s+Birth|Date/Time\s+of\s+Birth|Birth\s*date|Birthday|"
    r"born(?:\s+on)?(?:\s+the)?)"
    r"(?:\s*\([\w/ ]+\))?\s*[:\-–]?\s*$",
    re.IGNORECASE,
)
_BORN_MONTH_YEAR = re.compile(r"\bborn\s+(?:in\s+)?(" + _MONTH + r",?\s+(\d{4}))\b", re.IGNORECASE)


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    try:
        if re.fullmatch(_ISO_DATE, value):
            return dt.date.fromisoformat(value)
        if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", value):
            month, day, year = (int(part) for part in match.groups())
            if year < 100:
                year += 1900 if year > dt.date.today().year % 100 else 2000
            return dt.date(year, month, day)
        words = re.findall(r"[A-Za-z]+|\d+", value)
        month = next(_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS)
        numbers = [int(w) for w in words if w.isdigit()]
        day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
        return dt.date(year, month, day)
    except (ValueError, StopIteration, IndexError):
        return None


def _as_date(value: dt.date | str) -> dt.date | None:
    return value if isinstance(value, dt.date) else _parse_date(str(value))


def _birth_dates(text: str, dobs: set[dt.date]) -> list[Finding]:
    findings: list[Finding] = []
    for match in _FULL_DATE.finditer(text):
        date = _parse_date(match[0])
        if date is None:
            continue
        labelled = _BIRTH_LABEL.search(text[max(0, match.start() - 40) : match.start()])
        if labelled or date in dobs:
            findings.append(_finding("birth_date", text, match.start(), match.end(), str(date.year)))
    for match in _BORN_MONTH_YEAR.finditer(text):
        findings.append(_finding("birth_date", text, match.start(1), match.end(1), match.group(2)))
    return findings


# Minors' names -------------------------------------------------------------------------------------


def _initials(name: str) -> str:
    return "".join(f"{part[0].upper()}." for part in re.findall(r"[^\W\d_][\w'’-]*", name))


def _minor_names(text: str, minors: Sequence[str]) -> list[Finding]:
    findings: list[Finding] = []
    for minor in minors:
        parts = re.findall(r"[^\W\d_][\w'’-]*", minor)
        if not parts:
            continue
        initials = _initials(minor)
        first, last = parts[0], parts[-1]
        patterns = []
        if len(parts) > 1:
            middle = (
                r"(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]+))*"  # "Maya Durant", "Maya R. Durant", "Maya Rose Durant"
            )
            patterns.append((re.escape(first) + middle + r"\s+" + re.escape(last), re.IGNORECASE))
            patterns.append(
                (re.escape(last) + r",\s*" + re.escape(first) + r"(?:\s+[A-Z]\.?)?", re.IGNORECASE)
            )
        # The first name alone, capitalised as a name (case-sensitive, so "hope" the word is left alone).
        patterns.append((re.escape(first[0].upper() + first[1:]) + "|" + re.escape(first.upper()), 0))
        for pattern, flags in patterns:
            for match in re.finditer(r"(?<![\w'’-])(?:" + pattern + r")(?![\w-])", text, flags):
                findings.append(_finding("minor_name", text, match.start(), match.end(), initials))
    return findings


# Home addresses ------------------------------------------------------------------------------------

_SUFFIX = (
    r"(?i:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Court|Ct|Boulevard|Blvd|Parkway|Pkwy|Way|"
    r"Place|Pl|Terrace|Ter|Circle|Cir|Highway|Hwy|Trail|Trl|Square|Sq|Loop|Alley|Pike|Crossing|Row)\.?"
)
_STREET = (
    r"(?P<number>\d{1,6}[A-Za-z]?(?:-\d{1,4})?)\s+"
    r"(?P<name>(?:(?:[NSEW]\.?|North|South|East|West)\s+)?"
    r"(?:(?:[A-Z][A-Za-z'’.-]*|\d+(?:st|nd|rd|th|ST|ND|RD|TH))\s+){1,4}?)" + _SUFFIX + r"(?![A-Za-z])"
)
_UNIT = (
    r"(?:,?\s*(?i:Apt\.?|Apartment|Unit|Suite|Ste\.?|Room|Rm\.?|Lot|Bldg\.?|Building|Floor|Fl\.?|#)"
    r"\s*#?\s*[A-Za-z0-9-]+)?"
)
_CITY_STATE = (
    r"(?:\s*,\s*|[ \t]*\n[ \t]*)(?P<city>(?:[A-Z][A-Za-z.'’-]*)(?:[ ](?:[A-Z][A-Za-z.'’-]*)){0,2}),?\s+"
    r"(?P<state>[A-Z]{2})(?:\s+(?P<zip>\d{5}(?:-\d{4})?))?(?![A-Za-z0-9])"
)
_FULL_ADDRESS = re.compile(r"(?<![\w-])" + _STREET + _UNIT + _CITY_STATE)
_STREET_ONLY = re.compile(r"(?<![\w-])" + _STREET + _UNIT)
_RESIDENCE_CUE = re.compile(
    r"(?i:\b(?:lives?|lived|living|resides?|resided|residing|residence|home|house|apartment|apt\.?|flat|room|"
    r"address|moved|evicted|stays|stayed|staying|rents?|rented|renting|leases?|leased|sublets?|sleeps?|"
    r"sleeping|shares?|sharing|mailing)\b[^.\n]{0,40}?(?:\bat|\bon|\bto|\bin|:)\s*)$"
)
# An agency's address, not a person's: the words, telephone lines and suites of a letterhead or a footer.
_AGENCY_WORDS = re.compile(
    r"(?i:\b(?:center|centre|services?|department|dept\.?|county|school|schools|district|office|hospital|clinic|"
    r"medical|health|healthcare|llc|pllc|inc\.?|corp\.?|company|mission|shelter|court|courthouse|agency|program|"
    r"programs|recovery|partners|church|foundation|university|college|police|sheriff|jail|probation|bureau|"
    r"association|authority|institute|psychology|counseling|treatment|behavioral|advocacy|law|attorneys?|"
    r"defender|employer|industries|market|store|bank|pharmacy|library)\b)"
)
_CONTACT_LINE = re.compile(
    r"(?i:\b(?:tel|telephone|phone|ph|fax|facsimile|email|e-mail|www)\b|\(\d{3}\)\s*\d{3}-\d{4}|https?://|@)"
)
_OFFICE_UNIT = re.compile(r"(?i:\b(?:suite|ste\.?|floor|fl\.?|p\.?\s?o\.?\s+box)\b)")


def _lines_around(text: str, start: int, end: int, before: int, after: int) -> tuple[str, str, str]:
    """(the lines before, the match's own lines without the match, the lines after)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    own = text[line_start:start] + " " + text[end:line_end]
    previous = text[:line_start].rstrip("\n").split("\n")[-before:] if before else []
    following = text[line_end + 1 :].split("\n")[:after] if after else []
    return "\n".join(previous), own, "\n".join(following)


def is_agency_address(text: str, start: int, end: int) -> bool:
    """Whether the address at text[start:end] is an agency's (letterhead, footer, "please remit to") rather than a
    person's home: it has no residence cue before it, and a suite or floor, a telephone or fax line beside it, or
    an agency's name on its line or just above it."""
    if _RESIDENCE_CUE.search(text[max(0, start - 60) : start]):
        return False
    previous, own, following = _lines_around(text, start, end, before=2, after=1)
    if _OFFICE_UNIT.search(text[start:end]) or _CONTACT_LINE.search(own) or _AGENCY_WORDS.search(own):
        return True
    nearest = previous.split("\n")[-1] if previous else ""
    return bool(_AGENCY_WORDS.search(previous) and not _PERSON_LINE.search(nearest)) or bool(
        _CONTACT_LINE.search(following.split("\n")[0] if following else "")
    )


# A line naming a person right above an address (a letter's inside address): "Mr. Devon Ashby".
_PERSON_LINE = re.compile(r"^\s*(?:Mr|Ms|Mrs|Mx|Miss)\.?\s+[A-Z]")


_HOME_NEGATED = re.compile(r"(?i:\b(?:office|clinic|agency|program)\s+(?:address|is)\b[^.\n]{0,20}$)")


def _addresses(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for match in _FULL_ADDRESS.finditer(text):
        if is_agency_address(text, match.start(), match.end()):
            continue  # a letterhead stays: the rule protects a person's home, not an office
        replacement = f"{match['city']}, {match['state']}"
        findings.append(_finding("home_address", text, match.start(), match.end(), replacement))
    for match in _STREET_ONLY.finditer(text):
        if _RESIDENCE_CUE.search(text[max(0, match.start() - 60) : match.start()]) and not _HOME_NEGATED.search(
            text[max(0, match.start() - 60) : match.start()]
        ):
            findings.append(_finding("home_address", text, match.start(), match.end(), STREET_OMITTED))
    return findings


# Minors proposed from the records ------------------------------------------------------------------

_CHILD_WORDS = r"(?:son|daughter|step-?son|step-?daughter|grand-?son|grand-?daughter|grand-?child|baby|infant|toddler)"
_KIN_WORDS = (
    r"(?:child|brother|sister|half-?brother|half-?sister|step-?brother|step-?sister|sibling|niece|nephew|cousin)"
)
_PLURAL_CHILDREN = r"(?:children|kids|sons|daughters|grandchildren|siblings|nieces|nephews)"
_NAME = r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?){0,2}"
_NOT_NAMES = {
    "he", "she", "his", "her", "they", "the", "a", "an", "mr", "ms", "mrs", "dr", "client", "mother", "father",
    "and", "who", "was", "is", "in", "at", "on", "of", "to", "for", "with", "from", "since", "when", "after",
    "before", "during", "per", "by", "age", "born", "unknown", "none", "not", "no", "yes", "also", "both",
    "devon",  # overwritten per case by `adults`; kept out of the list below
} - {"devon"}
_NOT_NAMES |= set(_MONTHS) | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_AGE_AFTER = re.compile(
    r"^\s*(?:\(\s*(?:age[sd]?\s*|aged\s*)?(?P<age>\d{1,2})(?:\s*(?:years?|yrs?|y/?o)(?:\s+old)?)?\s*\)"
    r"|,\s*(?:age[sd]?\s*|aged\s*)?(?P<age2>\d{1,2})(?:\s*(?:years?|yrs?)(?:\s+old)?|\s*y/?o)?\s*[,;.)]"
    r"|\s*\(?\s*(?:born|b\.|DOB:?)\s*(?:in\s+|on\s+)?"
    r"(?:[A-Za-z]+\.?\s+(?:\d{1,2},?\s+)?|\d{1,2}/\d{1,2}/)?(?P<year>\d{4})"
    r"|,\s+(?:who\s+(?:is|was)\s+)?(?P<age3>\d{1,2})(?:\s+years?\s+old)?)"
)
# Only the relation word is matched in any case: a name must be capitalised ("baby boy" names nobody).
_RELATION_THEN_NAME = re.compile(
    r"\b(?P<relation>(?i:" + _CHILD_WORDS + "|" + _KIN_WORDS + r"))(?:'s)?\b\s*"
    r"(?:,\s*|\(\s*|:\s*|\s+named\s+|\s+called\s+|\s+)(?P<name>" + _NAME + r")(?![\w'’-])"
)
_PLURAL_THEN_NAMES = re.compile(
    r"\b(?i:" + _PLURAL_CHILDREN + r")\b(?!['’]s)[^.\n]{0,30}?(?:,\s*|:\s*|\s+)(?P<names>" + _NAME +
    r"(?:\s*(?:\([^)]{0,20}\))?\s*(?:,\s*(?:and\s+)?|\s+and\s+)" + _NAME + r")+)"
)
# A relation word with no determiner after "of" heads nothing: "Father of baby, Raymond Toller" names the father.
_PARENT_OF = re.compile(r"(?i:\b(?:father|mother|parent|guardian|caregiver|grandmother|grandfather)\s+of\s*)$")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_BIRTH_NEAR = re.compile(r"(?i:\b(?:born|birth|d\.?o\.?b\.?|d/o/b)\b[^\n]{0,30}$)")


def _year_of_mention(text: str, position: int, today: dt.date) -> int:
    """The year an age was given in, as near as the text says: the last year written before the mention (the
    entry's date), else the next one after it, else the latest the page mentions, else this year."""
    def written(match: re.Match) -> bool:  # a birth year says when someone was born, not when the text was written
        return int(match[0]) <= today.year and not _BIRTH_NEAR.search(text[max(0, match.start() - 40) : match.start()])

    before = [int(m[0]) for m in _YEAR.finditer(text, max(0, position - 400), position) if written(m)]
    if before:
        return before[-1]
    after = [int(m[0]) for m in _YEAR.finditer(text, position, position + 200) if written(m)]
    if after:
        return after[0]
    return max((int(y) for y in _YEAR.findall(text) if int(y) <= today.year), default=today.year)


def _is_name(name: str, adults: set[str]) -> bool:
    words = [w.strip(".").lower() for w in name.split()]
    return bool(words) and words[0] not in _NOT_NAMES and not any(w in adults for w in words if len(w) > 1)


def _minor_by_age(match_after: str, text: str, today: dt.date, position: int = 0) -> bool | None:
    """True/False when an age or birth year follows the name, None when nothing does."""
    found = _AGE_AFTER.match(match_after)
    if not found:
        return None
    if found["year"]:
        return today.year - int(found["year"]) < 18
    age = int(found["age"] or found["age2"] or found["age3"])
    # An age is as of when the record was written: a child of seven in a 2003 record is an adult now.
    return age + (today.year - _year_of_mention(text, position, today)) < 18


def propose_minors(text: str, *, today: dt.date | None = None, adults: Sequence[str] = ()) -> list[str]:
    """Names the text gives for people who are minors today: a son, daughter or grandchild named ("his daughter,
    Maya"), or anyone named with an age or birth year that makes them under 18 now ("Jaden (6)", "Amira, born
    2019", "his brother Keith, age 7" in a record written last year). Proposals for a person to confirm."""
    today = today or dt.date.today()
    adult_words = {w.lower() for name in adults for w in re.findall(r"[A-Za-z'’-]+", name)}
    proposed: dict[str, None] = {}

    def consider(name: str, after: str, *, child_word: bool, position: int = 0) -> None:
        name = " ".join(name.split())
        if not _is_name(name, adult_words):
            return
        by_age = _minor_by_age(after, text, today, position)
        if by_age or (by_age is None and child_word):
            proposed.setdefault(name)

    for match in _RELATION_THEN_NAME.finditer(text):
        if _PARENT_OF.search(text[max(0, match.start() - 30) : match.start()]):
            continue  # "Father of baby, Raymond Toller": the name is the father's
        child_word = re.fullmatch(_CHILD_WORDS, match["relation"], re.IGNORECASE) is not None
        consider(match["name"], text[match.end() : match.end() + 60], child_word=child_word, position=match.start())
    for match in _PLURAL_THEN_NAMES.finditer(text):
        sentence_end = text.find(".", match.end())
        rest = text[match.end() : len(text) if sentence_end < 0 else sentence_end]
        years = [int(y) for y in _YEAR.findall(rest)]
        for name_match in re.finditer(_NAME, match["names"]):
            after = match["names"][name_match.end() :] + rest
            if _AGE_AFTER.match(match["names"][name_match.end() :]):
                consider(name_match[0], match["names"][name_match.end() :], child_word=False, position=match.start())
            elif years:  # "his children, Jaden and Amira, born 2016 and 2019": the sentence's years
                if all(today.year - y < 18 for y in years):
                    consider(name_match[0], "", child_word=True)
            else:
                consider(name_match[0], after, child_word=True)
    for match in re.finditer(r"(?<![\w'’-])(?P<name>" + _NAME + r")(?=\s*(?:\(|,\s*(?:age|aged|born|b\.)))", text):
        if _AGE_AFTER.match(text[match.end() : match.end() + 60]):
            consider(match["name"], text[match.end() : match.end() + 60], child_word=False, position=match.start())
    # "Maya" and "Maya Durant" are one child: keep the longer form, it also finds the shorter.
    names = list(proposed)
    return [n for n in names if not any(o != n and o.startswith(n + " ") for o in names)]
