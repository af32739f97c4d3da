"""Confidence in words, and the threshold under which proposals wait out of sight.

The model proposes every span it gives at least ``STORED_FLOOR``; the review queue shows by default those
at or above the model's own threshold (``meta.json``, chosen in training), and a reviewer who needs recall
first can lower it. Words rather than numbers: a specialist judges "likely" and "possible", not 0.63.
"""

from __future__ import annotations

import functools
import json

from extraction.pipeline.model import MODEL_DIR

# Measured on sets the model never saw (`./dev evaluate --loso`, 2026-12-02): "likely" proposals were right
# about three times in four (client-c 0.74, opinions-dev 0.74), "possible" ones one time in four or less
# (0.24, 0.30). The words promise no more than that; the README's table keeps the current numbers.
LIKELY = 0.75
STORED_FLOOR = 0.15  # below this a proposal is noise, even for a reviewer who wants everything

LEVELS = ("likely", "possible", "unlikely")


@functools.cache
def default_threshold() -> float:
    """The model's threshold, read from its meta.json (the web process does not load the model itself)."""
    try:
        return float(json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))["threshold"])
    except (OSError, KeyError, ValueError):
        return 0.5


def confidence_word(confidence: float) -> str:
    if confidence >= LIKELY:
        return "likely"
    if confidence >= default_threshold():
        return "possible"
    return "unlikely"


def minimum_for(level: str) -> float:
    """The lowest confidence shown when a reviewer asks for ``level`` and above."""
    return {"likely": LIKELY, "possible": default_threshold()}.get(level, STORED_FLOOR)
