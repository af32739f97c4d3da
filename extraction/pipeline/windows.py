"""How a record's reading units are put to the encoder: one sentence, row, form line or heading at a time.

Training and inference both call ``windows`` and ``encoder_input``, so the model always reads text the way
it was taught. Each window is one *group* of reading units (a sentence and its clauses, a table row, a line),
read alone: the words of one sentence are not coloured by the topic of the next (a model that read whole
paragraphs called a diagnosis "housing" because the paragraph was about an eviction). What came before
reaches the model another way: each window knows the window before it (the previous sentence, or the heading
above), whose summary the head reads beside the unit's own. Headings and running headers get windows too, so
that "SUBSTANCE USE HISTORY" can inform the line under it, but they decide nothing.
Pure Python over token offsets; no tokenizer import here.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from .units import ReadingUnit

MAX_TOKENS = 254  # [CLS] + window + [SEP] fits the encoder's 256 positions


@dataclass(frozen=True, slots=True)
class UnitSlot:
    unit: int  # index into the units list
    lo: int  # positions in the encoder's input ([CLS] is position 0), end exclusive
    hi: int


@dataclass(frozen=True, slots=True)
class Window:
    lo: int  # token indices into the record's token list, end exclusive
    hi: int
    targets: tuple[UnitSlot, ...]  # units this window decides (none for a heading)
    previous: tuple[UnitSlot | None, ...]  # per target: the piece before it in its sentence
    before: int | None  # index (in the windows list) of the window just before this one

    @property
    def length(self) -> int:
        """Positions the encoder reads: [CLS] window [SEP]."""
        return self.hi - self.lo + 2


def unit_token_ranges(
    offsets: Sequence[tuple[int, int]], units: Sequence[ReadingUnit]
) -> list[tuple[int, int]]:
    """(first token, end token) of each unit: the tokens whose text starts inside the unit."""
    starts = [s for s, _ in offsets]
    out = []
    for u in units:
        lo = bisect.bisect_left(starts, u.start)
        hi = bisect.bisect_left(starts, u.end)
        out.append((lo, max(lo, hi)))
    return out


def windows(offsets: Sequence[tuple[int, int]], units: Sequence[ReadingUnit]) -> list[Window]:
    """One window per sentence, row, line or heading that has tokens, in reading order; a sentence longer than
    the encoder reads is split at unit boundaries (and one over-long unit is read in part)."""
    ranges = unit_token_ranges(offsets, units)
    present = [i for i in range(len(units)) if ranges[i][1] > ranges[i][0]]
    out: list[Window] = []
    k = 0
    budget = MAX_TOKENS
    while k < len(present):
        first = present[k]
        group = [first]
        k += 1
        while (
            k < len(present)
            and units[present[k]].group == units[first].group
            and ranges[present[k]][1] - ranges[first][0] <= budget
        ):
            group.append(present[k])
            k += 1
        lo = ranges[first][0]
        hi = min(ranges[group[-1]][1], lo + budget)
        decided = [i for i in group if not units[i].context_only and ranges[i][0] < hi]
        targets = tuple(UnitSlot(i, 1 + ranges[i][0] - lo, 1 + min(ranges[i][1], hi) - lo) for i in decided)
        previous = tuple(_previous_slot(units, ranges, t.unit, lo, hi) for t in targets)
        out.append(Window(lo, hi, targets, previous, len(out) - 1 if out else None))
    return out


def encoder_input(ids: Sequence[int], window: Window, cls_id: int, sep_id: int) -> list[int]:
    """The encoder's input ids for a window: [CLS] its tokens [SEP]."""
    return [cls_id, *ids[window.lo : window.hi], sep_id]


def _previous_slot(
    units: Sequence[ReadingUnit], ranges: list[tuple[int, int]], i: int, lo: int, hi: int
) -> UnitSlot | None:
    """The piece before unit ``i`` in the same sentence or row, if this window holds it."""
    if i == 0 or units[i - 1].group != units[i].group:
        return None
    a, b = ranges[i - 1]
    if b <= a or a < lo or b > hi:
        return None
    return UnitSlot(i - 1, 1 + a - lo, 1 + b - lo)
