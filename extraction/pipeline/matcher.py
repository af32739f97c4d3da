"""A span ruler for many token patterns: spaCy's pattern format, indexed by the first token.

spaCy's ``Matcher`` starts every pattern at every token, so its cost grows with patterns x tokens; with
the ~1,700 patterns in ``patterns/`` that dominates extraction time. This component reads the same
patterns (the subset of the format that ``lexicon.compile_phrase`` produces: LOWER/TEXT equal, IN,
NOT_IN or REGEX, LIKE_NUM, IS_PUNCT, IS_SPACE, and the operators ``?``, ``*``, ``+`` and ``{m,n}``), looks
candidates up by the first token's text, and writes the matches to ``doc.spans[spans_key]`` as spaCy's
``span_ruler`` would (label, and ``id`` as the span id). Each pattern reports its longest match at a start.
Tests check that every pattern is also accepted by spaCy's own ``Matcher``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

_ANY = "\x00any"


class _Tok:
    """The token attributes patterns test, read once per Doc."""

    __slots__ = ("text", "lower", "is_punct", "is_space", "like_num")

    def __init__(self, tok) -> None:
        self.text = tok.text
        self.lower = tok.lower_
        self.is_punct = tok.is_punct
        self.is_space = tok.is_space
        self.like_num = tok.like_num


def _value_test(spec: Any):
    """A predicate on one string attribute, from a pattern value (a string or an IN/NOT_IN/REGEX dict)."""
    if isinstance(spec, str):
        return lambda v: v == spec
    if isinstance(spec, dict):
        tests = []
        if "IN" in spec:
            allowed = frozenset(spec["IN"])
            tests.append(lambda v: v in allowed)
        if "NOT_IN" in spec:
            banned = frozenset(spec["NOT_IN"])
            tests.append(lambda v: v not in banned)
        if "REGEX" in spec:
            rx = re.compile(spec["REGEX"])
            tests.append(lambda v: rx.search(v) is not None)
        unknown = set(spec) - {"IN", "NOT_IN", "REGEX"}
        if unknown:
            raise ValueError(f"unsupported pattern operators {sorted(unknown)}")
        if len(tests) == 1:
            return tests[0]
        return lambda v: all(t(v) for t in tests)
    raise ValueError(f"unsupported pattern value {spec!r}")


def _token_test(spec: dict[str, Any]):
    tests = []
    for key, value in spec.items():
        if key == "OP":
            continue
        if key == "LOWER":
            t = _value_test(value)
            tests.append(lambda tok, t=t: t(tok.lower))
        elif key in ("TEXT", "ORTH"):
            t = _value_test(value)
            tests.append(lambda tok, t=t: t(tok.text))
        elif key == "IS_PUNCT":
            tests.append(lambda tok, v=bool(value): tok.is_punct == v)
        elif key == "IS_SPACE":
            tests.append(lambda tok, v=bool(value): tok.is_space == v)
        elif key == "LIKE_NUM":
            tests.append(lambda tok, v=bool(value): tok.like_num == v)
        else:
            raise ValueError(f"unsupported token attribute {key!r}")
    if len(tests) == 1:
        return tests[0]
    return lambda tok: all(t(tok) for t in tests)


def _quantifier(op: str | None) -> tuple[int, int]:
    if op is None:
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, 10**6
    if op == "+":
        return 1, 10**6
    m = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op)
    if not m:
        raise ValueError(f"unsupported operator {op!r}")
    lo = int(m.group(1) or 0)
    hi = int(m.group(3)) if m.group(3) else (10**6 if m.group(2) else lo)
    return lo, hi


def _first_keys(spec: dict[str, Any]) -> list[str] | None:
    """Lower-cased texts the first token must have, or None when it cannot be indexed."""
    if spec.get("OP"):
        return None
    for key in ("LOWER", "TEXT", "ORTH"):
        if key in spec:
            value = spec[key]
            if isinstance(value, str):
                return [value.lower()]
            if isinstance(value, dict) and set(value) == {"IN"}:
                return [v.lower() for v in value["IN"]]
            return None
    return None


class _Pattern:
    __slots__ = ("label", "id", "steps", "first_cache", "second")

    def __init__(self, label: str, pid: str, pattern: list[dict[str, Any]]):
        self.label = label
        self.id = pid
        self.steps = [(_token_test(t), *_quantifier(t.get("OP"))) for t in pattern]
        self.first_cache: dict[str, bool] = {}  # first-step results by token text (unindexed patterns)
        # a cheap pre-check: the lower-cased texts the second token must have, when it is fixed
        keys = _first_keys(pattern[1]) if len(pattern) > 1 and not pattern[0].get("OP") else None
        self.second = frozenset(keys) if keys else None

    def may_start(self, tok: _Tok) -> bool:
        """Cached test of the first step (patterns that cannot be indexed by their first token)."""
        hit = self.first_cache.get(tok.text)
        if hit is None:
            if len(self.first_cache) > 100_000:
                self.first_cache.clear()
            hit = self.first_cache[tok.text] = bool(self.steps[0][0](tok))
        return hit

    def longest(self, toks: list[_Tok], start: int) -> int:
        """End of the longest match starting at ``start``, or -1."""
        steps, n = self.steps, len(toks)

        def go(si: int, ti: int) -> int:
            if si == len(steps):
                return ti
            test, lo, hi = steps[si]
            count = 0
            ends = [ti] if lo == 0 else []
            j = ti
            while count < hi and j < n and test(toks[j]):
                j += 1
                count += 1
                if count >= lo:
                    ends.append(j)
            for end in reversed(ends):
                r = go(si + 1, end)
                if r >= 0:
                    return r
            return -1

        return go(0, start)


class IndexedSpanRuler:
    """Find every pattern's matches and store them as a span group (labels and ids as span_ruler)."""

    def __init__(self, spans_key: str):
        self.spans_key = spans_key
        self.index: dict[str, list[_Pattern]] = defaultdict(list)
        self.patterns: list[dict[str, Any]] = []

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        for p in patterns:
            compiled = _Pattern(p["label"], p.get("id", ""), p["pattern"])
            keys = _first_keys(p["pattern"][0]) or [_ANY]
            for k in set(keys):
                self.index[k].append(compiled)
            self.patterns.append(p)

    def __call__(self, doc: Doc) -> Doc:
        toks = doc.user_data.get("_rule_toks")
        if toks is None or len(toks) != len(doc):
            toks = [_Tok(t) for t in doc]
            doc.user_data["_rule_toks"] = toks
        anywhere = self.index.get(_ANY, ())
        index = self.index
        spans = []
        for i, tok in enumerate(toks):
            candidates = index.get(tok.lower)
            if anywhere:
                extra = [p for p in anywhere if p.may_start(tok)]
                candidates = (candidates or []) + extra if extra else candidates
            if not candidates:
                continue
            nxt = toks[i + 1].lower if i + 1 < len(toks) else None
            for pat in candidates:
                if pat.second is not None and nxt not in pat.second:
                    continue
                end = pat.longest(toks, i)
                if end > i:
                    spans.append(Span(doc, i, end, label=pat.label, span_id=pat.id))
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("indexed_span_ruler", default_config={"spans_key": "ruler"})
def make_indexed_span_ruler(nlp: Language, name: str, spans_key: str) -> IndexedSpanRuler:
    return IndexedSpanRuler(spans_key)
