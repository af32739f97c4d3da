"""The spaCy pipeline: a blank English tokenizer plus rule components built from ``patterns/``.

No downloaded model: ``spacy.blank("en")``, four rule span rulers (event triggers, ConText cues, person
mentions, engagement/status cues; ``matcher.IndexedSpanRuler`` reads spaCy token patterns but looks them up
by their first token, which keeps ~1,700 patterns fast) and the ConText marker from ``context.py``.
The pipeline is built once per process (``functools.cache``); callers pass units of text through
``nlp.pipe``.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from . import context, matcher  # noqa: F401  (register the "context_marker" and "indexed_span_ruler" factories)
from .lexicon import Lexicon, load_lexicon

TRIGGERS = "triggers"
CUES = "cues"
PERSONS = "persons"
STATUSES = "statuses"


@functools.cache
def load_nlp() -> Language:
    """Build the rule pipeline once; raise lexicon.PatternError if a pattern file is broken."""
    nlp = spacy.blank("en")
    lexicon = load_lexicon(nlp.tokenizer)
    for name, key, patterns in (
        ("trigger_ruler", TRIGGERS, lexicon.trigger_patterns),
        ("cue_ruler", CUES, lexicon.cue_patterns),
        ("person_ruler", PERSONS, lexicon.person_patterns),
        ("status_ruler", STATUSES, lexicon.status_patterns),
    ):
        ruler = nlp.add_pipe("indexed_span_ruler", name=name, config={"spans_key": key})
        ruler.add_patterns(patterns)
    nlp.add_pipe("context_marker", config={"triggers_key": TRIGGERS, "cues_key": CUES})
    nlp.get_pipe("context_marker").set_cues(lexicon.cues)
    nlp.meta["name"] = "mitigation_rules"
    _LEXICONS[id(nlp)] = lexicon  # the lexicon stays next to the pipeline that compiled it
    return nlp


_LEXICONS: dict[int, Lexicon] = {}


def lexicon_of(nlp: Language) -> Lexicon:
    """The lexicon a pipeline built by ``load_nlp`` was compiled from."""
    try:
        return _LEXICONS[id(nlp)]
    except KeyError:
        raise ValueError("this pipeline was not built by load_nlp()") from None
