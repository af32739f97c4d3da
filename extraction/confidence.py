"""Confidence in words, and the levels a reviewer chooses between.

The model proposes (in ``extract --json`` and wherever a single answer is needed) what reaches its own
threshold (``meta.json``). The pipeline keeps every span down to ``STORED_FLOOR`` so the review queue can show
more than the model proposes: by default "likely" and "possible" proposals, since a person reviews each one,
and everything down to the floor for a reviewer who needs recall first. Words rather than numbers: a
specialist judges "likely" and "possible", not 0.63.
"""

from __future__ import annotations

# Measured on sets the model never saw (`./dev evaluate --loso`, 2026-12-02; the README keeps the current
# table): proposals at or above LIKELY were right about three times in four (client-c 0.74, opinions-dev 0.74,
# client-a 0.63); those between POSSIBLE and LIKELY about one time in four (0.23, 0.30, 0.21). One in four is
# below what keeping a proposal needs to raise F1 (half the F1), so the model's own threshold is LIKELY and
# "possible" proposals are leads the queue shows marked as such, not facts the model asserts.
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
