"""A fact's statement: one sentence in the memorandum's voice, proposed from the record's words when a fact is accepted.

Pure Python (no Django), rule-based and general: it reads the *shape* of what the record says, not its phrases.
- a table row (cells separated by tabs or wide gaps) is composed from its cells, named by the table's header row
  when the page has one, with dates left to the fact's own date and one-letter codes dropped;
- a note or form line ("11/14/2016 (J. Soto, Case Mgr) - Intake. Client reports ...", "Diagnosis: ...") loses its
  leading date and the staff who wrote it, then is told like a sentence;
- a sentence in the first person (a letter, an interview) becomes an attributed quotation, the words unchanged;
- any other sentence is rewritten: the client named as the case says, numeric dates in words, reporting verbs in
  the past tense, record shorthand spelled out, codes, record numbers and birth dates removed, and the fact's date
  put in front when the sentence does not say when.

The reviewer sees the proposal and edits it; what they keep is what drafts use."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
PRONOUNS = {"he": ("he", "him", "his"), "she": ("she", "her", "her"), "they": ("they", "them", "their")}
HONORIFICS = {"he": "Mr.", "she": "Ms."}

# What a domain's record is called when a statement is composed from a table row's or form line's fields.
RECORD_NOUN = {
    "birth_family": "family history",
    "trauma_abuse": "child-protection",
    "child_welfare": "child-welfare",
    "education": "school",
    "health": "medical",
    "mental_health": "mental-health",
    "substance_use": "substance-use",
    "employment": "employment",
    "housing": "housing",
    "military": "military",
    "justice_involvement": "court",
    "family_responsibilities": "family",
    "community_ties": "community",
    "achievement": "achievement",
    "substance_use_treatment": "treatment",
    "mental_health_treatment": "treatment",
    "medical_care": "medical",
    "housing_assistance": "housing",
    "employment_services": "employment-services",
    "education_services": "education",
    "family_services": "family-services",
    "benefits_assistance": "benefits",
    "civil_legal_services": "legal-services",
    "case_management": "case-management",
}

# Record shorthand, as staff in any agency write it; spelled out because a judge reads the memorandum.
SHORTHAND = [
    (re.compile(r"\by\.?\s?/\s?o\b\.?|\by\.o\.", re.I), "years old"),
    (re.compile(r"\bw/o\b", re.I), "without"),
    (re.compile(r"\bw/(?=\s|\w)", re.I), "with "),
    (re.compile(r"\b(?:hx|h/o)\s+of\b", re.I), "a history of"),
    (re.compile(r"\b(?:hx|h/o)\b", re.I), "history of"),
    (re.compile(r"\bdx(?:'d)?\s+with\b", re.I), "diagnosed with"),
    (re.compile(r"\bdx\b", re.I), "diagnosis"),
    (re.compile(r"\btx\b", re.I), "treatment"),
    (re.compile(r"\bappt\.?(?=\s)", re.I), "appointment"),
    (re.compile(r"\bapprox\.?(?=\s)", re.I), "about"),
    (re.compile(r"\bmed\.(?=\s)", re.I), "medication"),
    (re.compile(r"\bmeds\b", re.I), "medication"),
    (re.compile(r"\bmisd\.", re.I), "misdemeanor"),
    (re.compile(r"\bb/c\b", re.I), "because"),
    (re.compile(r"\bETOH\b"), "alcohol"),
    (re.compile(r"\bSI\b"), "suicidal thoughts"),
    (re.compile(r"\bAMA\b"), "against medical advice"),
    (re.compile(r"\s&\s"), " and "),
]
REPORTING_VERBS = {
    "reports": "reported", "states": "stated", "denies": "denied", "endorses": "reported", "admits": "admitted",
    "describes": "described", "says": "said", "notes": "noted", "indicates": "indicated", "presents": "presented",
    "appears": "appeared", "asks": "asked", "requests": "asked for", "discloses": "disclosed", "recalls": "recalled",
    "explains": "explained", "acknowledges": "acknowledged", "agrees": "agreed", "declines": "declined",
}
FIRST_PERSON = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself|[Ww]e|us|[Oo]urs?)\b|\bI'(?:m|ve|d|ll)\b")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
MONTH_YEAR = re.compile(r"\b(\d{1,2})/(\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
SCHOOL_YEAR = re.compile(r"^(?:19|20)\d{2}\s*[-–/]\s*\d{2}$")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
ONE_DATE = r"(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}/\d{4}|\d{4}-\d{2}(?:-\d{2})?|(?:19|20)\d{2})"
DATE_CELL = re.compile(rf"^(?:{ONE_DATE}(?:\s*[-–/]\s*(?:{ONE_DATE}|\d{{2}}))?|[-–—_]+)$")
PROPER_COLUMN = re.compile(r"name|provider|placement|school|prescriber|employer|facility|program|agency|court", re.I)
# A leading date, and the staff who wrote a note ("(J. Soto, Case Mgr) -", "LM -", "JS:").
LEADING_DATE = re.compile(
    r"^\s*(?:(?:[Rr]eceived|[Dd]ated|[Rr]eported|[Ee]ntered|[Ff]iled|[Ss]een|[Nn]oted)\s+)?(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|(?:%s)\.? \d{1,2},? \d{4})\s*(?:[-–—:,]\s*)?" % "|".join(MONTHS)
)
STAFF_LEAD = re.compile(
    r"^\s*(?:\((?:[A-Z]\.\s?)?[A-Z][\w.'-]*(?:[ ,][^()]{0,40})?\)|[A-Z]{2,3})\s*(?:[-–—:]\s+|$)"
)
STAFF_TAIL = re.compile(r"\s*(?:[-–—/]\s*[A-Z]{2,3}\.?|\(\s*[A-Z]{2,3}\s*\)|\bper\s+[A-Z]{2,3}\b)\s*$")
STAFF_PER = re.compile(r"\s*\bper\s+[A-Z]{2,3}\b")
# Codes and record numbers: diagnosis codes (F43.10, 303.90), numbers with letters and dashes, "No. 95-06-1187".
DIAGNOSIS_CODE = re.compile(r"\b[A-TV-Z]\d{2}(?:\.\d{1,4})?\b|\b\d{3}\.\d{1,2}\b")
CODE_PARENTHETICAL = re.compile(
    r"\s*\((?:[^()]*?\b(?:No\.|Nos\.|#|ID|DOB|D\.O\.B\.|Badge|Report|Case|Bed)\b[^()]*|\s*[A-TV-Z]\d{2}(?:\.\d{1,4})?\s*"
    r"|\s*\d{3}\.\d{1,2}\s*|[^()]*\b[A-Z]{1,5}-\d[\w-]{3,}[^()]*)\)",
)
RECORD_NUMBER = re.compile(r"\b(?:Report|Case|Ref\.?|File|Docket)?\s*(?:No\.|#)\s*:?\s*[\w-]*\d[\w-]*,?\s*", re.I)
CODE_TOKEN = re.compile(r"\b[A-Z]{1,5}-\d{2,}[\w-]*\b")
QUOTES = str.maketrans({"“": '"', "”": '"'})
SIGN_OFF = re.compile(
    r"^\s*(?:Sincerely|Respectfully(?: submitted)?|Regards|Best regards|Kind regards|Warm regards|Yours truly|"
    r"Very truly yours|In Christ|Blessings|Thank you|With love|Love|Best),?\s*$",
    re.I | re.M,
)
# A person's name: "Keisha Durant", "Raymond E. Toller", "Rev. Calvin Oduya" (never running on past a full stop)
NAME = r"(?:[A-Z][a-z]{1,3}\. )?[A-Z][\w'-]+(?: [A-Z]\.)?(?: [A-Z][\w'-]+){1,2}"
RELATIONS = (
    "sister|brother|half-sister|half-brother|stepsister|stepbrother|mother|father|stepmother|stepfather|aunt|uncle|"
    "grandmother|grandfather|cousin|niece|nephew|daughter|son|wife|husband|partner|girlfriend|boyfriend|fiancée|"
    "fiancee|fiancé|friend|neighbor|neighbour|pastor|teacher|coach|employer|supervisor|manager|mentor|godmother|"
    "godfather|foster mother|foster father"
)
WRITER_RELATION = re.compile(
    rf"\bI am (?:(?P<client>[A-Z][\w'-]+)'s|(?:his|her|their)) (?:(?:little|younger|older|big|baby|best|"
    rf"former|current|oldest|youngest) )?(?P<relation>{RELATIONS})\b(?:,\s*(?P<name>{NAME}))?"
)
MY_NAME = re.compile(rf"\b(?:My name is|I am|I'm) (?P<name>{NAME})\b")
WRITER_ROLE = re.compile(
    r"\bI (?:have )?(?:served|worked|work|serve) as (?:the |a |an )?(?P<role>[a-z][a-z -]{2,40}?) (?:of|at|for)\b"
)
SALUTATION = re.compile(r"^\s*(?:Dear\b|To the Honorable\b|To Whom It May Concern\b|Your Honor\b)", re.M)
PASSIVE = (
    "referred|placed|admitted|discharged|transferred|diagnosed|prescribed|hospitali[sz]ed|evaluated|screened|"
    "assigned|suspended|expelled|retained|removed|sentenced|charged|committed|released|arrested|treated|seen|"
    "adjudicated|detained|booked|born|delivered|found (?=eligible|ineligible|guilty|competent|incompetent)"
)
# Lead-ins that say which paper states the fact; the fact is what the memorandum says.
EVIDENTIAL_LEAD = re.compile(
    r"^(?:This (?:letter|record|report|note|document|certificate) (?:confirms|certifies|verifies|shows|states|documents)"
    r"|This (?:is to certify|certifies)|(?:The )?(?:records?|report|evaluator|examiner) (?:shows?|indicates?|"
    r"reflects?|notes?|documents?|finds?))\s+that\s+",
    re.I,
)
FINITE = re.compile(r"\b(?:is|was|were|are|has|had|have|did|does|will|would|reported|stated|showed)\b", re.I)
VERBISH = re.compile(
    r"\b(?:is|was|were|are|has|had|have|did|does|do|been|being|will|would|could|can|reported|stated)\b|\w{3,}ed\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class ClientNaming:
    """How the memorandum names the client: in full at first mention, then `short` ("Mr. Ashby")."""

    full_name: str
    short: str
    pronoun: str = "they"
    # others the record names the way the memorandum names the client ("Ms. Halvorsen", the client's mother, in
    # an interview memo), with how the statement names them instead ("her mother")
    others: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, *, full_name: str, pronoun: str = "they", name_in_court: str = "") -> "ClientNaming":
        full = " ".join(full_name.split())
        words = full.split()
        honorific = HONORIFICS.get(pronoun)
        short = name_in_court.strip() or (f"{honorific} {words[-1]}" if honorific and words else full)
        return cls(full_name=full, short=short or "the client", pronoun=pronoun if pronoun in PRONOUNS else "they")

    @property
    def possessive(self) -> str:
        return PRONOUNS[self.pronoun][2]

    def reference(self) -> re.Pattern[str]:
        """Every way a record names the client: full name in its orders, first name, surname with the honorific
        the client's pronoun takes, and the roles records use ("Client", "the patient", "the student")."""
        words = [w for w in self.full_name.split() if w]
        names: list[str] = []
        if words:
            first, last = words[0], words[-1]
            middle = words[1:-1]
            initials = " ".join(f"{m[0]}." for m in middle)
            names += [self.full_name, f"{first} {initials} {last}" if initials else "", f"{first} {last}",
                      f"{last.upper()}, {first.upper()}" + (f" {initials.upper()}" if initials else ""),
                      f"{last}, {first}"]
            honorific = HONORIFICS.get(self.pronoun)
            if honorific:
                names += [f"{honorific} {last}", f"{honorific[:-1]} {last}"]
            names.append(first)
        if self.short:
            names.append(self.short)
        names = sorted({n for n in names if n}, key=len, reverse=True)
        roles = (
            r"(?:Client|Pt\.?|(?:[Tt]he )?(?:client|patient|student|youth|juvenile|minor|defendant|respondent|infant)"
            r"|(?<![\w,;] )(?:Patient|Student)|(?:Male|Female) infant|Infant)(?! [A-Z])"
        )
        alternatives = "|".join(re.escape(n) for n in names)
        return re.compile(rf"(?<![\w.])(?:{alternatives}|{roles})(?![\w])(?P<possessive>'s|’s)?")


@dataclass(frozen=True, slots=True)
class FactText:
    """What a statement is written from: the record's sentence (or row) and the fact's own fields."""

    sentence: str
    category: str
    date: str = ""
    date_end: str = ""
    age: int | None = None
    subject: str = "client"
    context: str = ""  # the record page's text: a table's header row, a letter's writer
    position: int = -1  # where the sentence starts in `context` (-1: find it)
    record_type: str = ""  # the record's type slug ("letter" for letters of support)


def write_statement(fact: FactText, *, naming: ClientNaming) -> str:
    """One sentence (or two, for a quotation's attribution) in the memorandum's voice; never the raw record line."""
    naming = replace(naming, others=_others_named(fact.context, naming))
    text = " ".join(_complete(fact).translate(QUOTES).split()).strip()
    if not text:
        return ""
    cells = _cells(_line_of(fact))
    if len(cells) >= 2:
        return _finish(_from_row(cells, fact, naming))
    if _first_person(text):
        return _quotation(text, fact, naming)
    text = EVIDENTIAL_LEAD.sub("", _strip_note_lead(text), count=1)
    label, _, value = text.partition(":")
    if value.strip() and len(label.split()) <= 4 and not VERBISH.search(label) and not naming.reference().match(label):
        return _finish(_from_form_line(label.strip(), value.strip(), fact, naming))
    if DIAGNOSIS_CODE.search(text) and not FINITE.search(text) and not naming.reference().search(text):
        diagnosis = _diagnosis_case(_clean(text, naming).rstrip("."))
        return _finish(_with_when(f"{naming.short} was diagnosed with {diagnosis}", fact, force=True))
    return _finish(_prose(text, fact, naming))


# ---- shapes --------------------------------------------------------------------------------------------------------


def _others_named(context: str, naming: ClientNaming) -> tuple[tuple[str, str], ...]:
    """People on the page who share the client's surname and would be named like the client ("Ms. Deborah
    Halvorsen (client's mother)"): the record's "Ms. Halvorsen" is then them, told as "her mother" or by full name."""
    words = naming.full_name.split()
    honorific = HONORIFICS.get(naming.pronoun)
    if len(words) < 2 or not context:
        return ()
    first, last = words[0], words[-1]
    found: dict[str, str] = {}
    relation_of = re.finditer(
        rf"\b(?:(?:Mr|Ms|Mrs)\.\s)?(?P<first>[A-Z][a-z]+) {re.escape(last)},?\s*\((?:the\s)?client'?s (?P<relation>[a-z -]{{3,30}}?)\)",
        context,
    )
    for match in relation_of:
        if match["first"] != first:
            found[match["first"]] = f"{naming.possessive} {match['relation'].strip()}"
    for match in re.finditer(rf"\b(?P<title>Mr|Ms|Mrs)\.\s(?P<first>[A-Z][a-z]+) {re.escape(last)}\b", context):
        if match["first"] != first:
            found.setdefault(match["first"], f"{match['first']} {last}")
    if not found:
        return ()
    label = next(iter(found.values()))
    # the record's bare "Ms. Halvorsen" means the other person when only one such person is named
    bare = [f"{title} {last}" for title in ("Mr.", "Ms.", "Mrs.") if title == honorific or title == "Mrs."]
    return tuple((name, label) for name in bare) if len(found) == 1 else ()


def _complete(fact: FactText) -> str:
    """The sentence, or, when the record's line was cut after a preposition ("positive for fentanyl on"), the
    sentence with the rest of its line, so a date is never dropped."""
    sentence = fact.sentence
    if not re.search(r"\b(?:on|in|at|of|to|from|by|with|for|and|or|the|a|since|until)\s*$", sentence):
        return sentence
    position = fact.position if fact.position >= 0 else fact.context.find(sentence.strip()[:40])
    if position < 0 or not fact.context:
        return sentence
    end = position + len(sentence.rstrip())
    rest = re.match(r"[^\n.;]*[.;]?", fact.context[end:])
    return sentence.rstrip() + (rest[0] if rest else "")


def _line_of(fact: FactText) -> str:
    """The whole line of the page the sentence sits on (a table row keeps its tabs there), or the sentence."""
    position = fact.position if fact.position >= 0 else fact.context.find(fact.sentence.strip()[:40])
    if not fact.context or position < 0:
        return fact.sentence
    start = fact.context.rfind("\n", 0, position) + 1
    end = fact.context.find("\n", position)
    line = fact.context[start : end if end >= 0 else len(fact.context)]
    return line if "\t" in line or re.search(r"\S {3,}\S", line) else fact.sentence


def _cells(line: str) -> list[str]:
    cells = [cell.strip() for cell in re.split(r"\t+| {3,}", line.strip())]
    return [cell for cell in cells if cell]


def _header_for(fact: FactText, count: int) -> list[str]:
    """The nearest line above the row on its page with as many cells and no digits: the table's header."""
    if not fact.context:
        return []
    position = fact.position if fact.position >= 0 else fact.context.find(fact.sentence.strip()[:40])
    above = fact.context[: max(position, 0)].splitlines()
    for line in reversed(above[-40:]):
        cells = _cells(line)
        if not line.strip(" \t-–—_="):
            continue  # the rule under a header
        if (len(cells) == count and not any(ch.isdigit() for ch in line)
                and all(len(cell.split()) <= 5 and not cell.endswith("?") for cell in cells)):
            return cells
        if len(cells) < 2 and line.strip():
            return []  # a paragraph between: the row is not under that header
    return []


def _from_row(cells: list[str], fact: FactText, naming: ClientNaming) -> str:
    if cells[0].endswith("?"):
        return _from_question(cells, fact, naming)
    header = _header_for(fact, len(cells))
    pairs = []
    for index, cell in enumerate(cells):
        name = header[index] if index < len(header) else ""
        if DATE_CELL.match(cell) or SCHOOL_YEAR.match(cell):
            continue  # the fact's own date says when, in words
        if len(cell) == 1 and cell.isalpha():
            continue  # a one-letter code (U, N, Y) means nothing outside its form
        if re.fullmatch(r"[\w-]*\d[\w-]*", cell) and re.search(r"[A-Za-z]", cell) and "-" in cell:
            continue  # a record number (JV-2010-0642)
        value = _clean(_dates_in_words(cell), naming).rstrip(";")
        value = value[:-1] if re.search(r"[a-z]{3}\.$", value) else value
        if not value:
            continue
        value = _sentence_case(value)
        if not PROPER_COLUMN.search(name) and value.split()[0] not in MONTHS and re.fullmatch(r"[A-Z][a-z'-]*(?: [^A-Z\s][^\s]*)*(?:[;,].*)?", value):
            value = value[0].lower() + value[1:]
        pairs.append(f"{name.lower()} {value}" if name else value)
    noun = RECORD_NOUN.get(fact.category, "")
    lead = f"{naming.short}’s {noun} record lists" if noun else f"{naming.short}’s record lists"
    body = f"{lead} {'; '.join(pairs)}" if pairs else f"{lead} an entry"
    return _with_when(body, fact, force=True, school_year=_school_year(cells))


ANSWERS = {"y": "yes", "yes": "yes", "n": "no", "no": "no"}


def _from_question(cells: list[str], fact: FactText, naming: ClientNaming) -> str:
    """An intake form's row: "Alcohol use? | Y | Daily, about a pint" -> "asked “Alcohol use?”, ... answered yes: ..."."""
    question = cells[0]
    answer = ANSWERS.get(cells[1].strip().lower(), "") if len(cells) > 1 else ""
    rest = cells[2:] if answer or (len(cells) > 1 and DATE_CELL.match(cells[1])) else cells[1:]
    details = "; ".join(
        _clean(_dates_in_words(cell), naming) for cell in rest if cell.strip() and not DATE_CELL.match(cell.strip())
    )
    said = f"answered {answer}" if answer else "answered"
    text = f"asked “{question}”, {naming.short} {said}" + (f": {_lower_first(details)}" if details else "")
    when = when_phrase(date=fact.date, date_end=fact.date_end)
    return f"{when}, {text}" if when else text


def _from_form_line(label: str, value: str, fact: FactText, naming: ClientNaming) -> str:
    value = _clean(_dates_in_words(value), naming).rstrip(".")
    if re.search(r"diagnos|impression", label, re.I):
        return _with_when(f"{naming.short} was diagnosed with {_diagnosis_case(value)}", fact, force=True)
    noun = RECORD_NOUN.get(fact.category, "")
    record = f"{naming.short}’s {noun} record" if noun else f"{naming.short}’s record"
    return _with_when(f"{record} lists {label.lower()}: {_sentence_case(value)}", fact, force=True)


def _prose(text: str, fact: FactText, naming: ClientNaming) -> str:
    text = _past_tense(_shouting_down(_clean(_dates_in_words(text), naming)))
    # a date stamp left in front once a record number before it is gone ("received October 2, 2004: ...")
    text = LEADING_DATE.sub("", text, count=1) if re.match(r"(?i)(?:received|dated|reported|entered|filed)\b", text) else text
    # A heading-style note ("Report made to ...", "Referral sent ..."): the noun gets its article and verb.
    if not FINITE.search(re.split(r"[;,]", text)[0]):
        text = re.sub(r"^(?!(?:He|She|They|It|We|I)\b)([A-Z][a-z]+) (made|received|filed|sent|completed|opened|closed|done|"
                      r"given|taken|scheduled)(?= (?:to|by|for|on|in|at|with|from)\b)",
                      lambda m: f"{'An' if m[1][0] in 'AEIOU' else 'A'} {m[1].lower()} was {m[2]}", text)
    if fact.subject == "client" and not naming.others:  # with another Ms. Halvorsen on the page, "She" is unclear
        text = re.sub(r"^(?:He|She|They)\b(?!')", naming.short, text)
        # A note without its subject ("Passed the GED ...", "Committed to ..."): the client did it.
        if re.match(r"^[A-Z][a-z]+ed\b", text) and not text.startswith(naming.short):
            text = f"{naming.short} {text[0].lower()}{text[1:]}"
        text = re.sub(rf"^({re.escape(naming.short)}) (?=(?:{PASSIVE})\b(?! that))", r"\1 was ", text)
    if not VERBISH.search(text) and len(text.split()) <= 10 and naming.short not in text:
        noun = RECORD_NOUN.get(fact.category, "")
        record = f"{naming.short}’s {noun} record" if noun else f"{naming.short}’s record"
        return _with_when(f"{record} notes {_lower_first(text.rstrip('.'))}", fact, force=True)
    return _with_when(_lower_common_first(text, fact, naming), fact)


def _quotation(text: str, fact: FactText, naming: ClientNaming) -> str:
    """First-person words stay the speaker's: quoted unchanged, and said who said them."""
    speaker, verb = _speaker(fact, naming)
    quoted = text.replace('"', "‘", 1).replace('"', "’", 1) if text.count('"') == 2 else text.replace('"', "'")
    return f"{speaker} {verb}: “{quoted}”"


def _speaker(fact: FactText, naming: ClientNaming) -> tuple[str, str]:
    context = fact.context or fact.sentence
    position = fact.position if fact.position >= 0 else max(context.find(fact.sentence.strip()[:40]), 0)
    # The letter holding the sentence runs from the salutation above it to the sign-off below it.
    starts = [m.start() for m in SALUTATION.finditer(context, 0, position + 1)]
    letter_start = starts[-1] if starts else 0
    ends = [m.end() for m in SIGN_OFF.finditer(context, position)]
    sign_off = ends[0] if ends else -1
    before = context[letter_start:position]
    written = bool(starts or ends or fact.record_type == "letter")
    verb = "wrote" if written else "said"
    relation = name = role = ""
    found = WRITER_RELATION.search(before)
    if found:
        relation, name = found["relation"], found["name"] or ""
    if not name:
        named = MY_NAME.search(before)
        client_first = naming.full_name.split()[0] if naming.full_name else ""
        if named and not (client_first and re.search(rf"\b{re.escape(client_first)}\b", named["name"])):
            name = named["name"]
    if not name and sign_off >= 0:
        following = [line.strip() for line in context[sign_off:].splitlines() if line.strip()]
        signer = following[0].split(",")[0].strip() if following else ""  # "Marisol Quintero-Hale, LCADC"
        if re.fullmatch(NAME, signer):
            name = signer
            title = following[1].split(",")[0].strip() if len(following) > 1 else ""
            if re.search(r",\s*[A-Z]{2}\b", following[1] if len(following) > 1 else ""):
                title = ""  # "Wexbridge, AD": where the writer lives, not what they do
            if not role and re.fullmatch(r"[A-Z][\w-]*(?: (?:of |and |the )?[A-Z][\w-]*){0,4}", title):
                role = title
    if not relation:
        found_role = WRITER_ROLE.search(before)
        role = found_role["role"].strip() if found_role else role
    name = name.rstrip(".,;") if not re.search(r"\b[A-Z]\.$", name) else name
    possessive = naming.possessive
    if role and name:
        return f"{name}, {role},", verb
    if relation and name:
        return f"{possessive.capitalize()} {relation}, {name},", verb
    if relation:
        return f"{possessive.capitalize()} {relation}", verb
    if name:
        return name, verb
    if naming.others and not written:  # an interview memo about the relative it names ("her mother")
        label = naming.others[0][1]
        return label[0].upper() + label[1:], "said"
    return ("One letter to the Court", "states") if written else ("One witness", "said")


def _lower_common_first(text: str, fact: FactText, naming: ClientNaming) -> str:
    """After a date in front, the sentence's first word is lower-cased unless it is a name: a word the record
    also capitalises in mid-sentence, or one followed by another capitalised word ("Brennan County")."""
    match = re.match(r"^([A-Z][a-z]*)\b(?! [A-Z]|\.)", text)
    if not match or text.startswith(naming.short) or YEAR.search(text) or re.search(r"\bage \d", text):
        return text
    word = match[1]
    if re.search(rf"[a-z,;] {word}\b", fact.context or fact.sentence):
        return text
    return word.lower() + text[len(word):]


def _past_tense(text: str) -> str:
    """What a record said in the present ("is incarcerated", "are unknown") told in the past, outside quotations."""
    parts = re.split(r'("[^"]*")', text)
    return "".join(part if part.startswith('"') else re.sub(r"\b(is|are)\b(?! (?:now|still|currently)\b)",
                   lambda m: "was" if m[1] == "is" else "were", part) for part in parts)


def _shouting_down(text: str) -> str:
    """A word the record shouts ("SUBSTANTIATED") in ordinary case; acronyms (PTSD, GED) kept."""
    return re.sub(r"\b[A-Z]{6,}\b", lambda m: m[0].lower(), text)


def _diagnosis_case(value: str) -> str:
    """A diagnosis as prose writes it: "posttraumatic stress disorder, chronic" (acronyms kept)."""
    return " ".join(w.lower() if w[:1].isupper() and not w.isupper() else w for w in value.split())


# ---- pieces --------------------------------------------------------------------------------------------------------


def _first_person(text: str) -> bool:
    """First-person words outside any quotation the record already marks."""
    unquoted = re.sub(r'"[^"]*"', "", text)
    return bool(FIRST_PERSON.search(unquoted))


def _strip_note_lead(text: str) -> str:
    """A case note's leading date and its writer's name or initials go; the fact keeps the date."""
    stripped = LEADING_DATE.sub("", text, count=1)
    if stripped != text:
        stripped = STAFF_LEAD.sub("", stripped, count=1)
        # A one-word label ("Intake.", "Re-entry.") before the note's first sentence says what kind of note it was.
        stripped = re.sub(r"^[A-Z][\w-]{2,20}\.\s+(?=[A-Z])", "", stripped, count=1)
    stripped = STAFF_TAIL.sub("", stripped)
    return stripped.strip() or text


def _clean(text: str, naming: ClientNaming) -> str:
    text = CODE_PARENTHETICAL.sub("", text)
    text = RECORD_NUMBER.sub("", text)
    text = DIAGNOSIS_CODE.sub("", text)
    text = CODE_TOKEN.sub("", text)
    text = STAFF_PER.sub("", text)
    for pattern, replacement in SHORTHAND:
        text = pattern.sub(replacement, text)
    text = _name_client(text, naming)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"^[\s:;,-]+", "", text)
    return " ".join(text.split())


def _name_client(text: str, naming: ClientNaming) -> str:
    """The client as the case names them, and reporting verbs after the name in the past tense."""

    def replace(match: re.Match[str]) -> str:
        return naming.short + ("’s" if match["possessive"] else "")

    held: list[str] = []
    for name, label in naming.others:  # kept from being taken for the client, then told as who they are
        text, count = re.subn(rf"\b{re.escape(name)}(?P<s>'s|’s)?(?!\w)",
                              lambda m: f"\x00{len(held)}\x00" + ("’s" if m["s"] else ""), text)
        if count:
            held.append(label)
    text = naming.reference().sub(replace, text)
    for index, label in enumerate(held):
        text = re.sub(rf"(?:(?<=^)|(?<=[.!?] ))\x00{index}\x00", label[0].upper() + label[1:], text)
        text = text.replace(f"\x00{index}\x00", label)
    short = re.escape(naming.short)
    text = re.sub(
        rf"({short}|\b(?:he|she|they)\b) (\w+)",
        lambda m: f"{m[1]} {REPORTING_VERBS.get(m[2], m[2])}" + (" that" if m[2] in {"reports", "states"} else ""),
        text,
    )
    text = re.sub(rf"({short}) is\b", r"\1 was", text)
    if not re.search(r"\bsince\b", text):  # "has been ... since 2020" still holds; "has completed" is past
        text = re.sub(rf"({short}) (?:has|have)((?: \w+ly)?) (\w+ed)\b", r"\1\2 \3", text)
    return text.replace("that that", "that")


def _dates_in_words(text: str) -> str:
    def full(match: re.Match[str]) -> str:
        month, day, year = int(match[1]), int(match[2]), match[3]
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match[0]
        year_number = int(year) if len(year) == 4 else (2000 + int(year) if int(year) <= 30 else 1900 + int(year))
        return f"{MONTHS[month - 1]} {day}, {year_number}"

    def iso(match: re.Match[str]) -> str:
        month, day = int(match[2]), int(match[3])
        return f"{MONTHS[month - 1]} {day}, {match[1]}" if 1 <= month <= 12 and 1 <= day <= 31 else match[0]

    text = NUMERIC_DATE.sub(full, text)
    text = ISO_DATE.sub(iso, text)
    return MONTH_YEAR.sub(lambda m: f"{MONTHS[int(m[1]) - 1]} {m[2]}" if 1 <= int(m[1]) <= 12 else m[0], text)


def when_phrase(*, date: str, date_end: str = "", age: int | None = None) -> str:
    """"On March 14, 2009", "In March 2009", "From February 8, 2000, to September 14, 2000", "At about age 12"."""
    start, end = _words(date), _words(date_end)
    if start and end and end != start:
        return f"From {start}{',' if len(date) == 10 else ''} to {end}"
    if start:
        on = "On" if len(date) == 10 else "In"
        return f"{on} {start}" + (f", at about age {age}" if age is not None and len(date) == 4 else "")
    if end:
        return f"Until {end}"
    if age is not None:
        return f"At about age {age}"
    return ""


def _words(value: str) -> str:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value or "")
    if not match:
        return ""
    year, month, day = match[1], match[2], match[3]
    if month and day:
        return f"{MONTHS[int(month) - 1]} {int(day)}, {year}"
    if month:
        return f"{MONTHS[int(month) - 1]} {year}"
    return year


def _school_year(cells: list[str]) -> str:
    for cell in cells:
        if SCHOOL_YEAR.match(cell):
            start, _, end = re.split(r"\s*([-–/])\s*", cell)
            return f"In the {start}–{end} school year"
    return ""


def _with_when(text: str, fact: FactText, *, force: bool = False, school_year: str = "") -> str:
    """The fact's date in front, unless the sentence already says when."""
    text = text.strip()
    if not text:
        return text
    # a sentence that says its year, or (for a fact dated only by the year) the age, already says when
    if not force and (YEAR.search(text) or (re.search(r"\bage \d", text) and len(fact.date) <= 4)):
        return text
    when = school_year or when_phrase(date=fact.date, date_end=fact.date_end, age=fact.age)
    if not when:
        return text[0].upper() + text[1:]
    comma = "" if text.startswith(("’", "'")) else ", "
    return f"{when}{comma}{text}"


def _sentence_case(value: str) -> str:
    """Shouted record text ("RETAINED - repeat grade 2") in ordinary case; names and acronyms kept."""
    words = value.split()
    return " ".join(w.lower() if re.fullmatch(r"[A-Z]{6,}", w) else w for w in words)


def _lower_first(text: str) -> str:
    if re.match(r"^[A-Z][a-z]*\.? [A-Z]", text):  # a name ("Steady Ground", "St. Aldric")
        return text
    if len(text) > 1 and text[0].isupper() and not text[1].isupper() and not text[1] == ".":
        return text[0].lower() + text[1:]
    return text


def _finish(text: str) -> str:
    text = " ".join(text.split()).strip(" ;,")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    finished = re.search(r"[.!?]$|[.!?][”’)\"]$|[.!?][”’\"]\)$", text) and not text.endswith("’s")
    return text if finished else text + "."
