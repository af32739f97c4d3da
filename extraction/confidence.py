"""Confidence in words, and the levels a reviewer chooses between.

The model proposes (in ``extract --json`` and wherever a single answer is needed) what reaches its own
threshold (``meta.json``). The pipeline keeps every span down to ``STORED_FLOOR`` so the review queue can show
more than the model proposes: by default "likely" and "possible" proposals, since a person reviews each one,
and everything down to the floor for a reviewer who needs recall first. Words rather than numbers: a
specialist judges "likely" and "possible", not 0.63.
"""

from __future__ import annotations

# Measured on sets the model never saw (`./dev evaluate --loso`; the README keeps the current table): proposals
# at or above LIKELY are right about three times in four (0.71-0.75 on client-c and opinions-dev); those between
# POSSIBLE and LIKELY from one time in seven to nearly one in two (client-c 0.14-0.41, opinions-dev 0.39-0.45,
# corpus-form 0.29, corpus-clinical 0.34). Leads, not likely facts: the review queue shows them by default with
# the word "possible", since a person reviews each one, while the model's single answer (extract --json) starts
# at its own threshold (meta.json, 0.5), where the held-out runs were most often right.
LIKELY = 0.75
POSSIBLE = 0.4
STORED_FLOOR = 0.15  # below this a proposal is noise, even for a reviewer who wants everything

LEVELS = ("likely", "possible", "unlikely")


def default_threshold() -> float:
    """The lowest confidence the review queue shows unless asked for more (the "possible" level)."""
    return POSSIBLE


def confidence_word(confidence: float) -> str:
    if confidence >= LIKELY:
        return "likely"
    if confidence >= POSSIBLE:
        return "possible"
    return "unlikely"


def minimum_for(level: str) -> float:
    """The lowest confidence shown when a reviewer asks for ``level`` and above."""
    return {"likely": LIKELY, "possible": POSSIBLE}.get(level, STORED_FLOOR)
