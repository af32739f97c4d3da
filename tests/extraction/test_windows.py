"""Windows: one sentence, row or heading each, read alone; every unit decided exactly once."""

from __future__ import annotations

import re

from extraction.pipeline.units import reading_units
from extraction.pipeline.windows import MAX_TOKENS, encoder_input, windows


def word_offsets(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", text)]  # one token per word stands in for a tokenizer


def test_every_unit_is_a_target_once_and_each_window_holds_one_sentence():
    text = " ".join(f"Sentence {i} says he was placed in foster care and ran away." for i in range(50))
    units = reading_units(text)
    wins = windows(word_offsets(text), units)
    targets = [t.unit for w in wins for t in w.targets]
    assert sorted(targets) == [i for i, u in enumerate(units) if not u.context_only]
    assert all(len({units[t.unit].group for t in w.targets}) == 1 for w in wins)
    assert all(w.length <= MAX_TOKENS + 2 for w in wins)
    assert [w.before for w in wins] == [None, *range(len(wins) - 1)]  # each knows the one before it


def test_a_heading_is_read_but_decides_nothing():
    text = "FAMILY HISTORY\nHis mother drank. She left the children alone for days."
    units = reading_units(text)
    heading, first, second = windows(word_offsets(text), units)
    assert heading.targets == () and second.before == 1 and first.before == 0
    ids = list(range(100, 100 + len(word_offsets(text))))
    assert encoder_input(ids, second, cls_id=1, sep_id=2) == [1, 105, 106, 107, 108, 109, 110, 111, 2]
    (slot,) = second.targets
    assert encoder_input(ids, second, 1, 2)[slot.lo : slot.hi] == [105, 106, 107, 108, 109, 110, 111]


def test_previous_piece_is_known_only_within_its_sentence():
    text = "He was arrested in 2003 and was detained. He enrolled in school."
    units = reading_units(text)
    first, second = windows(word_offsets(text), units)
    assert [p is None for p in first.previous] == [True, False]
    assert first.previous[1].unit == first.targets[0].unit
    assert second.previous == (None,)


def test_an_over_long_sentence_is_read_in_part():
    text = "He " + "really " * 600 + "was arrested."
    units = reading_units(text)
    wins = windows(word_offsets(text), units)
    assert all(w.length <= MAX_TOKENS + 2 for w in wins)
