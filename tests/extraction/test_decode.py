"""decode: which pieces start an event and which continue one, per category, from the model's scores."""

from __future__ import annotations

import numpy as np

from extraction.pipeline.decode import decode
from extraction.pipeline.model import UnitReading
from extraction.pipeline.units import reading_units

TEXT = "He was arrested in 2003 and was charged with theft. He was placed in foster care."
CATEGORIES = ("justice_involvement", "child_welfare")
STATUSES = ("none", "referred", "enrolled", "active", "completed", "discontinued")


def reading(scores: dict[tuple[int, int], tuple[float, float, float]], n_units: int) -> UnitReading:
    probs = np.zeros((n_units, len(CATEGORIES), 3), dtype=np.float32)
    probs[:, :, 0] = 1.0
    for (u, c), p in scores.items():
        probs[u, c] = p
    status = np.zeros((n_units, len(STATUSES)), dtype=np.float32)
    status[:, 0] = 1.0
    cue = np.zeros((n_units, len(CATEGORIES), 2), dtype=np.int64)
    return UnitReading(CATEGORIES, STATUSES, probs, status, cue, np.ones(n_units, dtype=bool))


def test_a_continuation_joins_the_previous_piece_of_its_sentence():
    units = reading_units(TEXT)
    assert [TEXT[u.start : u.end] for u in units] == [
        "He was arrested in 2003", "was charged with theft", "He was placed in foster care"
    ]
    r = reading({(0, 0): (0.1, 0.8, 0.1), (1, 0): (0.2, 0.2, 0.6), (2, 1): (0.1, 0.85, 0.05)}, len(units))
    (arrest, placement) = decode(units, r, threshold=0.5)
    assert (arrest.category, TEXT[arrest.start : arrest.end]) == (
        "justice_involvement", "He was arrested in 2003 and was charged with theft"
    )
    assert arrest.units == [0, 1] and arrest.confidence >= 0.8
    assert (placement.category, TEXT[placement.start : placement.end]) == (
        "child_welfare", "He was placed in foster care"
    )


def test_a_second_start_in_one_sentence_is_a_second_event():
    units = reading_units(TEXT)
    r = reading({(0, 0): (0.1, 0.8, 0.1), (1, 0): (0.2, 0.6, 0.2)}, len(units))
    assert [TEXT[p.start : p.end] for p in decode(units, r, threshold=0.5)] == [
        "He was arrested in 2003", "was charged with theft"
    ]


def test_goes_on_without_an_event_before_it_starts_one_and_never_crosses_sentences():
    units = reading_units(TEXT)
    r = reading({(1, 0): (0.3, 0.2, 0.5), (2, 0): (0.2, 0.1, 0.7)}, len(units))
    assert [TEXT[p.start : p.end] for p in decode(units, r, threshold=0.5)] == [
        "was charged with theft", "He was placed in foster care"
    ]


def test_the_threshold_decides_how_much_is_proposed():
    units = reading_units(TEXT)
    r = reading({(2, 1): (0.65, 0.3, 0.05)}, len(units))
    assert decode(units, r, threshold=0.5) == []
    (low,) = decode(units, r, threshold=0.3)
    assert round(low.confidence, 2) == 0.35
