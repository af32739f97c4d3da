"""ConText (Harkema et al. 2009; medspaCy's ``ConTextComponent``): negated and hypothetical triggers.

Cues come from ``patterns/context.jsonl`` through a span ruler. Each cue has a type and a scope: it modifies
the triggers that overlap the tokens it reaches (forward, backward or both, up to ``scope`` tokens), and
the scope stops at a TERMINATE or PSEUDO cue, at ";" and at a table-cell border ("|"). A PSEUDO cue cancels
the cues it overlaps ("no longer", "counsel failed to present evidence that"); a cue inside a trigger's own
span is part of the trigger's meaning ("never knew his father", "without food") and is ignored for it.
CAUSE marks a non-finite cause phrase ("after losing his job"): the trigger is background there.

The component sets ``Span._.negated``, ``Span._.hypothetical`` and ``Span._.cause`` on the trigger spans
and ``Span._.cues`` (the cue texts, for review and tests).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .lexicon import Cue

HARD_BREAKS = {";", "|"}
_SUBJECT_PRONOUNS = {
    "he",
    "she",
    "they",
    "i",
    "we",
    "it",
    "was",
    "were",
    "is",
    "are",
}  # a scope never crosses a clause break or a table-cell border

for _name, _default in (("negated", False), ("hypothetical", False), ("cause", False), ("cues", ())):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


class ContextMarker:
    """Mark trigger spans that a negation, hypothetical or cause cue reaches."""

    def __init__(self, triggers_key: str, cues_key: str):
        self.triggers_key = triggers_key
        self.cues_key = cues_key
        self.cues: dict[str, Cue] = {}

    def set_cues(self, cues: dict[str, Cue]) -> None:
        self.cues = dict(cues)

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data.pop("_rule_toks", None)  # the rulers' token cache: keep Docs serialisable
        triggers = doc.spans.get(self.triggers_key)
        if not triggers:
            return doc
        raw = list(doc.spans.get(self.cues_key, ()))
        pseudo = [c for c in raw if c.label_ == "PSEUDO"]
        cues = [
            c
            for c in raw
            if c.label_ != "PSEUDO" and not any(p.start < c.end and c.start < p.end for p in pseudo)
        ]
        stops = sorted(
            {c.start for c in cues if c.label_ == "TERMINATE"}
            | {p.start for p in pseudo}
            | {t.i for t in doc if t.text in HARD_BREAKS}
        )
        modifiers = [c for c in cues if c.label_ in ("NEGATED", "HYPOTHETICAL", "CAUSE")]
        if not modifiers:
            return doc
        for trig in triggers:
            hits: list[Span] = []
            for cue in modifiers:
                if trig.start <= cue.start and cue.end <= trig.end:
                    continue  # the cue belongs to the trigger's own phrase
                spec = self.cues.get(cue.id_)
                if spec is not None and spec.categories and trig.label_ not in spec.categories:
                    continue  # "declined a referral" negates the engagement, not "refused medication"
                lo, hi = self._scope(cue, doc, stops)
                if lo < trig.end and trig.start < hi:
                    hits.append(cue)
            if not hits:
                continue
            labels = {c.label_ for c in hits}
            trig._.negated = "NEGATED" in labels
            trig._.hypothetical = "HYPOTHETICAL" in labels
            trig._.cause = "CAUSE" in labels
            trig._.cues = tuple(f"{c.label_}:{c.text}" for c in hits)
        return doc

    def _scope(self, cue: Span, doc: Doc, stops: list[int]) -> tuple[int, int]:
        """Token range [lo, hi) that a cue modifies."""
        spec = self.cues.get(cue.id_)
        direction = spec.direction if spec else "forward"
        width = spec.scope if spec else 8
        lo, hi = cue.start, cue.end
        if direction in ("forward", "both"):
            hi = min(len(doc), cue.end + width)
            for s in stops:
                if cue.end <= s < hi and not (cue.start <= s < cue.end):
                    hi = s
                    break
            if cue.label_ == "CAUSE":
                # a cause phrase is a noun phrase: it ends where a clause's subject starts
                for t in doc[cue.end : hi]:
                    if t.lower_ in _SUBJECT_PRONOUNS:
                        hi = t.i
                        break
        if direction in ("backward", "both"):
            lo = max(0, cue.start - width)
            for s in reversed(stops):
                if lo <= s < cue.start:
                    lo = s + 1
                    break
        return lo, hi


@Language.factory("context_marker", default_config={"triggers_key": "triggers", "cues_key": "cues"})
def make_context_marker(nlp: Language, name: str, triggers_key: str, cues_key: str) -> ContextMarker:
    return ContextMarker(triggers_key, cues_key)
