"""From the model's per-unit scores to proposed events: which pieces start an event, which continue one.

For each category separately, a piece whose event probability reaches the threshold either starts an event
or, when the model says "goes on" and the piece before it in the same sentence or row carries an event of
that category, joins it. Pure Python and numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import UnitReading
from .units import ReadingUnit


@dataclass(slots=True)
class Proposal:
    category: str
    units: list[int]  # indices of the reading units it spans, in order
    start: int
    end: int
    confidence: float  # the highest event probability over its pieces
    status: str | None = None
    cue: tuple[int, int] | None = None  # character span of the word the model weighed most


def decode(
    units: Sequence[ReadingUnit], reading: UnitReading, *, threshold: float
) -> list[Proposal]:
    """Proposals of every category whose probability reaches ``threshold``, in text order."""
    out: list[Proposal] = []
    probs = reading.probs
    event_p = probs[:, :, 1] + probs[:, :, 2]
    for c, category in enumerate(reading.categories):
        hits = (event_p[:, c] >= threshold) & reading.read
        if not hits.any():
            continue
        open_: Proposal | None = None
        last_unit = -1
        for i in hits.nonzero()[0]:
            i = int(i)
            p_start, p_goes_on = probs[i, c, 1], probs[i, c, 2]
            joins = (
                open_ is not None
                and p_goes_on > p_start
                and last_unit == _previous_read(units, reading, i)
                and units[last_unit].group == units[i].group
            )
            if joins:
                open_.units.append(i)
                open_.end = units[i].end
                open_.confidence = max(open_.confidence, float(event_p[i, c]))
            else:
                open_ = Proposal(
                    category,
                    [i],
                    units[i].start,
                    units[i].end,
                    float(event_p[i, c]),
                    cue=(int(reading.cue[i, c, 0]), int(reading.cue[i, c, 1])),
                )
                out.append(open_)
            last_unit = i
    for p in out:
        first = p.units[0]
        best = int(reading.status[first].argmax())
        label = reading.statuses[best]
        p.status = None if label == "none" else label
    out.sort(key=lambda p: (p.start, p.category))
    return out


def _previous_read(units: Sequence[ReadingUnit], reading: UnitReading, i: int) -> int:
    j = i - 1
    while j >= 0 and not reading.read[j]:
        j -= 1
    return j
