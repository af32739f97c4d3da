"""Rules as data: load the pattern files in ``patterns/`` and compile their phrases into spaCy token patterns.

A phrase is a compact, readable spelling of a spaCy token pattern. Tokens are separated by spaces:

    word            the lower-cased token equals ``word``
    a|b|c           the lower-cased token is one of the alternatives
    abus*           the lower-cased token starts with ``abus`` (may be mixed: ``beat|beaten|whip*``)
    word?           the token is optional (also ``a|b?``)
    =ADHD|=ADD      the token's exact text (case-sensitive) is one of the alternatives (``=ID|identification``
                    mixes exact and lower-cased alternatives)
    /regex/         the lower-cased token matches the regular expression (``re.search``)
    =/regex/        the token's exact text matches the regular expression
    _               any one token that is not punctuation or a negation; ``_{0,3}`` between 0 and 3 of them
    #num            a number-like token; ``#ord`` an ordinal ("9th", "ninth"); ``#year`` a four-digit year
    ``'s``, hyphens and slashes are split as the tokenizer splits them: ``bed-wetting`` is 3 tokens, and an
    alternative the tokenizer splits (``brother|half-brother``, ``two|#num``) makes a pattern variant of its
    own.
    Spaces always separate tokens: ``a|b c`` is (a or b) then c; write "a c" and "b c" as two phrases.

Trigger files are ``patterns/<category slug>.jsonl`` (and ``patterns/ignore.jsonl`` for blockers: phrases
that win over the shorter triggers inside them but propose nothing). Each line is an object with ``id``,
``category`` (must equal the file's slug), ``phrases`` (a list) and optional attributes, see ``Trigger``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .taxonomy import ALL_CATEGORIES, SERVICE_TYPES

PATTERN_DIR = Path(__file__).with_name("patterns")
IGNORE = "_ignore"  # label of blocker patterns

_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_ORD_RE = r"^(\d{1,2}(st|nd|rd|th)|" + "|".join(_ORDINALS) + r")$"
_GAP_STOP = ("not", "never", "no", "n't", "without", "denies", "denied", "nor", "|")


class PatternError(ValueError):
    """A pattern file holds an entry that does not compile or names an unknown slug."""


@dataclass(frozen=True, slots=True)
class Trigger:
    """Attributes of one trigger entry; the matcher finds its phrases, events.py applies the rest."""

    id: str
    category: str
    weight: float = 0.8  # strength of the lexical evidence: >= 0.7 strong, 0.45-0.7 medium, < 0.45 weak
    form: str = "nominal"  # trauma only: "passive" (victim is the subject), "active" (agent is the subject)
    requires: re.Pattern | None = None  # the clause (or row) must match this
    excludes: re.Pattern | None = None  # the clause (or row) must not match this
    suppress: tuple[str, ...] = ()  # categories this trigger removes from its clause
    yield_to: tuple[str, ...] = ()  # categories that remove this trigger from its clause
    engagement: bool = False  # a service mention that is an engagement by itself (a medication row)
    subjects: tuple[str, ...] = ()  # subject classes this trigger accepts (empty: the category policy)
    minor_category: str | None = None  # category when the event happened before the client turned 18
    group: str = ""  # continuation sentences merge only into an event of the same group
    status: str | None = None  # status slug a service trigger implies by itself

    @property
    def kind(self) -> str:
        return "service_engagement" if self.category in SERVICE_TYPES else "life_event"


@dataclass(frozen=True, slots=True)
class Cue:
    """A ConText cue: what it marks and how far its scope reaches."""

    id: str
    type: str  # NEGATED, HYPOTHETICAL, PSEUDO, TERMINATE, CAUSE
    direction: str = "forward"  # forward, backward or both
    scope: int = 8  # tokens
    categories: tuple[str, ...] = ()  # the trigger categories it modifies (empty: all)


@dataclass(frozen=True, slots=True)
class PersonCue:
    """A mention of a person: the client, a relative or someone else."""

    id: str
    role: str  # client, mother, father, brother, child, writer, other, ...
    cls: str  # client, parent, caregiver, sibling, child, partner, household, relative, other, writer
    case: str = "subject"  # subject, possessive, object


@dataclass(frozen=True, slots=True)
class StatusCue:
    id: str
    status: str | None  # a status slug, or None for an engagement verb that names no status
    engagement: bool = True  # the cue makes a service mention an engagement


@dataclass(slots=True)
class Lexicon:
    triggers: dict[str, Trigger] = field(default_factory=dict)
    trigger_patterns: list[dict[str, Any]] = field(default_factory=list)
    cues: dict[str, Cue] = field(default_factory=dict)
    cue_patterns: list[dict[str, Any]] = field(default_factory=list)
    persons: dict[str, PersonCue] = field(default_factory=dict)
    person_patterns: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[str, StatusCue] = field(default_factory=dict)
    status_patterns: list[dict[str, Any]] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)


def _split_words(tokenizer, word: str) -> list[str]:
    """How the tokenizer splits a plain word ("bed-wetting" -> bed, -, wetting); "mr." stays one token."""
    if tokenizer is None:
        return [word]
    parts = [t.text for t in tokenizer(word)]
    if len(parts) == 2 and parts[1] == "." and len(word) <= 6:
        return [word]  # an abbreviation: the tokenizer keeps "Mr." / "Dr." whole in running text
    return parts


_MAX_VARIANTS = 256


def _token(spec: str, tokenizer) -> list[list[dict[str, Any]]]:
    """Compile one phrase token into its variants, each a list of spaCy token patterns (an alternative
    that the tokenizer splits, like "half-brother" or "#num", is a variant of its own)."""
    op = None
    if len(spec) > 1 and spec.endswith("?") and not spec.endswith("/"):
        spec, op = spec[:-1], "?"
    gap = re.fullmatch(r"_(\{\d*,\d*\}|\{\d+\})?", spec)
    if gap:
        # a gap never crosses punctuation or a negation ("was not beaten" is not "was ... beaten")
        pat: dict[str, Any] = {"IS_PUNCT": False, "IS_SPACE": False, "LOWER": {"NOT_IN": list(_GAP_STOP)}}
        if gap.group(1):
            pat["OP"] = gap.group(1)
        elif op:
            pat["OP"] = op
        return [[pat]]
    if spec.startswith("=/") and spec.endswith("/") and len(spec) > 3:
        rx = spec[2:-1]
        re.compile(rx)
        variants = [[{"TEXT": {"REGEX": rx}}]]
    elif spec.startswith("/") and spec.endswith("/") and len(spec) > 2:
        rx = spec[1:-1]
        re.compile(rx)
        variants = [[{"LOWER": {"REGEX": rx}}]]
    else:
        alts = spec.split("|")
        if any(not a or a == "=" for a in alts):
            raise PatternError(f"empty alternative in {spec!r}")
        exact, loose, wild, special = [], [], [], []
        multi: list[list[dict[str, Any]]] = []
        for a in alts:
            if a == "#num":
                special.append([{"LIKE_NUM": True}])
            elif a == "#ord":
                special.append([{"LOWER": {"REGEX": _ORD_RE}}])
            elif a == "#year":
                special.append([{"TEXT": {"REGEX": r"^(1[89]|20)\d\d$"}}])
            elif a.startswith("#"):
                raise PatternError(f"unknown special token {a!r} in {spec!r}")
            elif a.startswith("="):
                exact.append(a[1:])
            elif a.endswith("*"):
                wild.append(a[:-1].lower())
            else:
                words = _split_words(tokenizer, a.lower())
                if len(words) == 1:
                    loose.append(words[0])
                else:
                    multi.append([{"LOWER": w} for w in words])
        variants = []
        if exact and (loose or wild):  # mixed: exact acronyms and lower-cased words in one token
            rx = "|".join(
                [re.escape(e) for e in exact]
                + [
                    "(?i:"
                    + "|".join([re.escape(w) for w in loose] + [re.escape(w) + ".*" for w in wild])
                    + ")"
                ]
            )
            variants.append([{"TEXT": {"REGEX": "^(?:" + rx + ")$"}}])
        else:
            if exact:
                variants.append([{"TEXT": exact[0]} if len(exact) == 1 else {"TEXT": {"IN": exact}}])
            if wild:
                rx = "|".join([re.escape(w) for w in loose] + [re.escape(w) + ".*" for w in wild])
                variants.append([{"LOWER": {"REGEX": "^(?:" + rx + ")$"}}])
            elif loose:
                variants.append([{"LOWER": loose[0]} if len(loose) == 1 else {"LOWER": {"IN": loose}}])
        variants.extend(special)
        variants.extend(multi)
    if op:
        if any(len(v) > 1 for v in variants):
            raise PatternError(f"optional multi-token word {spec!r}: write it as separate tokens")
        for v in variants:
            v[0]["OP"] = op
    return variants


def compile_phrase(phrase: str, tokenizer=None) -> list[list[dict[str, Any]]]:
    """Compile a phrase (see the module docstring) into one or more spaCy token patterns."""
    if not isinstance(phrase, str) or not phrase.strip():
        raise PatternError(f"empty phrase {phrase!r}")
    patterns: list[list[dict[str, Any]]] = [[]]
    for spec in phrase.split():
        variants = _token(spec, tokenizer)
        patterns = [p + [dict(t) for t in v] for p in patterns for v in variants]
        if len(patterns) > _MAX_VARIANTS:
            raise PatternError(f"phrase {phrase!r} expands to more than {_MAX_VARIANTS} patterns")
    for pattern in patterns:
        if all(p.get("OP") in ("?", "*") or str(p.get("OP", "")).startswith("{0") for p in pattern):
            raise PatternError(f"phrase {phrase!r} can match nothing")
        if pattern[0].get("OP") or pattern[-1].get("OP"):
            raise PatternError(f"phrase {phrase!r} starts or ends with an optional token")
    return patterns


def _compile(phrase: str, tokenizer, where: str) -> list[list[dict[str, Any]]]:
    try:
        return compile_phrase(phrase, tokenizer)
    except (PatternError, re.error) as exc:
        raise PatternError(f"{where}: {exc}") from exc


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    entries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise PatternError(f"{path.name}:{n}: {exc}") from exc
    return entries


def _phrases(entry: dict[str, Any], where: str) -> list[str]:
    phrases = entry.get("phrases")
    if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) for p in phrases):
        raise PatternError(f"{where}: 'phrases' must be a non-empty list of strings")
    return phrases


def _regex(value: str | None, where: str) -> re.Pattern | None:
    if value is None:
        return None
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise PatternError(f"{where}: bad regex {value!r}: {exc}") from exc


_TRIGGER_KEYS = {
    "id",
    "category",
    "phrases",
    "weight",
    "form",
    "requires",
    "excludes",
    "suppress",
    "yield_to",
    "engagement",
    "subjects",
    "minor_category",
    "group",
    "status",
    "note",
}
SUBJECT_CLASSES = {
    "client",
    "parent",
    "caregiver",
    "sibling",
    "child",
    "partner",
    "household",
    "relative",
    "other",
    "writer",
}
_OTHER_FILES = {"dates"}  # pattern files other modules own (dates.py reads patterns/dates.json)


def _trigger(entry: dict[str, Any], slug: str, where: str) -> Trigger:
    unknown = set(entry) - _TRIGGER_KEYS
    if unknown:
        raise PatternError(f"{where}: unknown keys {sorted(unknown)}")
    tid = entry.get("id")
    if not isinstance(tid, str) or not tid:
        raise PatternError(f"{where}: missing id")
    category = entry.get("category")
    if category != slug:
        raise PatternError(f"{where}: category {category!r} in the file for {slug!r}")
    for key in ("suppress", "yield_to"):
        for c in entry.get(key, ()):
            if c not in ALL_CATEGORIES:
                raise PatternError(f"{where}: {key} names unknown category {c!r}")
    minor = entry.get("minor_category")
    if minor is not None and minor not in ALL_CATEGORIES:
        raise PatternError(f"{where}: unknown minor_category {minor!r}")
    for s in entry.get("subjects", ()):
        if s not in SUBJECT_CLASSES:
            raise PatternError(f"{where}: unknown subject class {s!r}")
    weight = float(entry.get("weight", 0.8))
    if not 0.0 < weight <= 1.0:
        raise PatternError(f"{where}: weight {weight} outside (0, 1]")
    form = entry.get("form", "nominal")
    if form not in ("nominal", "passive", "active"):
        raise PatternError(f"{where}: unknown form {form!r}")
    status = entry.get("status")
    if status is not None and status not in ("referred", "enrolled", "active", "completed", "discontinued"):
        raise PatternError(f"{where}: unknown status {status!r}")
    return Trigger(
        id=tid,
        category=slug if slug != IGNORE else IGNORE,
        weight=weight,
        form=form,
        requires=_regex(entry.get("requires"), where),
        excludes=_regex(entry.get("excludes"), where),
        suppress=tuple(entry.get("suppress", ())),
        yield_to=tuple(entry.get("yield_to", ())),
        engagement=bool(entry.get("engagement", False)),
        subjects=tuple(entry.get("subjects", ())),
        minor_category=minor,
        group=entry.get("group") or ".".join(tid.split(".")[:2]),
        status=status,
    )


def load_lexicon(tokenizer=None, pattern_dir: Path = PATTERN_DIR) -> Lexicon:
    """Read and validate every pattern file; raise PatternError on the first problem."""
    lex = Lexicon()
    seen_ids: set[str] = set()
    for path in sorted(pattern_dir.glob("*.jsonl")):
        slug = path.stem
        if slug in ("context", "persons", "statuses") or slug in _OTHER_FILES:
            continue
        if slug == "ignore":
            slug = IGNORE
        elif slug not in ALL_CATEGORIES:
            raise PatternError(f"{path.name}: the file name is not a category slug")
        for i, entry in enumerate(_read_jsonl(path), 1):
            where = f"{path.name} entry {i}"
            if slug == IGNORE:
                entry = {**entry, "category": IGNORE}
            trig = _trigger(entry, slug, where)
            if trig.id in seen_ids:
                raise PatternError(f"{where}: duplicate id {trig.id!r}")
            seen_ids.add(trig.id)
            lex.triggers[trig.id] = trig
            for phrase in _phrases(entry, where):
                try:
                    compiled = compile_phrase(phrase, tokenizer)
                except (PatternError, re.error) as exc:
                    raise PatternError(f"{where}: {exc}") from exc
                lex.trigger_patterns.extend({"label": slug, "id": trig.id, "pattern": p} for p in compiled)

    for i, entry in enumerate(_read_jsonl(pattern_dir / "context.jsonl"), 1):
        where = f"context.jsonl entry {i}"
        ctype = entry.get("type")
        if ctype not in ("NEGATED", "HYPOTHETICAL", "PSEUDO", "TERMINATE", "CAUSE"):
            raise PatternError(f"{where}: unknown type {ctype!r}")
        direction = entry.get("direction", "forward")
        if direction not in ("forward", "backward", "both"):
            raise PatternError(f"{where}: unknown direction {direction!r}")
        cid = entry.get("id") or f"{ctype.lower()}.{i}"
        if cid in lex.cues:
            raise PatternError(f"{where}: duplicate id {cid!r}")
        cats = tuple(entry.get("categories", ()))
        if any(c not in ALL_CATEGORIES for c in cats):
            raise PatternError(f"{where}: unknown category in {cats}")
        lex.cues[cid] = Cue(
            id=cid, type=ctype, direction=direction, scope=int(entry.get("scope", 8)), categories=cats
        )
        for phrase in _phrases(entry, where):
            lex.cue_patterns.extend(
                {"label": ctype, "id": cid, "pattern": p} for p in _compile(phrase, tokenizer, where)
            )

    for i, entry in enumerate(_read_jsonl(pattern_dir / "persons.jsonl"), 1):
        where = f"persons.jsonl entry {i}"
        cls = entry.get("class")
        if cls not in SUBJECT_CLASSES | {"inclusive", "pronoun_m", "pronoun_f", "named"}:
            raise PatternError(f"{where}: unknown class {cls!r}")
        case = entry.get("case", "subject")
        if case not in ("subject", "possessive", "object"):
            raise PatternError(f"{where}: unknown case {case!r}")
        pid = entry.get("id") or f"person.{i}"
        if pid in lex.persons:
            raise PatternError(f"{where}: duplicate id {pid!r}")
        lex.persons[pid] = PersonCue(id=pid, role=entry.get("role", cls), cls=cls, case=case)
        for phrase in _phrases(entry, where):
            lex.person_patterns.extend(
                {"label": cls, "id": pid, "pattern": p} for p in _compile(phrase, tokenizer, where)
            )

    for i, entry in enumerate(_read_jsonl(pattern_dir / "statuses.jsonl"), 1):
        where = f"statuses.jsonl entry {i}"
        status = entry.get("status")
        if status is not None and status not in (
            "referred",
            "enrolled",
            "active",
            "completed",
            "discontinued",
        ):
            raise PatternError(f"{where}: unknown status {status!r}")
        sid = entry.get("id") or f"status.{i}"
        if sid in lex.statuses:
            raise PatternError(f"{where}: duplicate id {sid!r}")
        lex.statuses[sid] = StatusCue(id=sid, status=status, engagement=bool(entry.get("engagement", True)))
        for phrase in _phrases(entry, where):
            lex.status_patterns.extend(
                {"label": status or "engaged", "id": sid, "pattern": p}
                for p in _compile(phrase, tokenizer, where)
            )

    lex.rules = load_rules(pattern_dir)
    return lex


def load_rules(pattern_dir: Path = PATTERN_DIR) -> dict[str, Any]:
    """Read ``rules.json`` (experiencer policy, table semantics, cell values, section names) and check it."""
    path = pattern_dir / "rules.json"
    try:
        rules = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PatternError(f"rules.json: {exc}") from exc
    policy = rules.get("experiencer_policy", {})
    for cat, mapping in policy.items():
        if cat not in ALL_CATEGORIES:
            raise PatternError(f"rules.json experiencer_policy: unknown category {cat!r}")
        for cls, target in mapping.items():
            if cls not in SUBJECT_CLASSES:
                raise PatternError(f"rules.json experiencer_policy[{cat}]: unknown class {cls!r}")
            if target is not None and target not in ALL_CATEGORIES:
                raise PatternError(f"rules.json experiencer_policy[{cat}]: unknown category {target!r}")
    for table in rules.get("tables", []):
        cat = table.get("category")
        if cat is not None and cat not in ALL_CATEGORIES:
            raise PatternError(f"rules.json tables: unknown category {cat!r}")
        for c in table.get("absorb", []):
            if c not in ALL_CATEGORIES:
                raise PatternError(f"rules.json tables: absorb names unknown category {c!r}")
        for key in ("header", "routine", "requires", "date_end_columns"):
            if table.get(key) is not None:
                _regex(table[key], f"rules.json tables {key}")
    compiled: dict[str, Any] = dict(rules)
    for key, value in rules.items():
        if key.endswith("_re"):
            compiled[key] = _regex(value, f"rules.json {key}")
    compiled["tables"] = [
        {
            **t,
            **{
                k: _regex(t[k], "rules.json tables")
                for k in ("header", "routine", "requires", "date_end_columns")
                if t.get(k) is not None
            },
        }
        for t in rules.get("tables", [])
    ]
    return compiled
